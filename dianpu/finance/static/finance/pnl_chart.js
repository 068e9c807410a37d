/* The finance overview's chart: net sales, gross profit and net profit per month, from the JSON
   in <script id="finance-data"> (CSP: no inline JS). */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("finance-chart");
    var source = document.getElementById("finance-data");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var keys = ["net_sales", "gross_profit", "net_profit"];
    var chart = window.echarts.init(holder);
    chart.setOption({
      grid: { left: 72, right: 24, top: 36, bottom: 32 },
      tooltip: { trigger: "axis" },
      legend: { data: keys.map(function (k) { return data.names[k]; }), top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: "¥" },
      series: keys.map(function (k, i) {
        return { name: data.names[k], type: i === 0 ? "bar" : "line", data: data.series[k].map(Number) };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
