/* Draws the console home's sales chart from the JSON in <script id="sales-data"> (CSP: no inline JS). */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("sales-chart");
    var source = document.getElementById("sales-data");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(holder);
    chart.setOption({
      grid: { left: 56, right: 56, top: 36, bottom: 32 },
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.sales, data.labels.orders], top: 0 },
      xAxis: { type: "category", data: data.dates.map(function (d) { return d.slice(5); }), boundaryGap: false },
      yAxis: [
        { type: "value", name: data.labels.sales, splitLine: { lineStyle: { color: "#eee" } } },
        { type: "value", name: data.labels.orders, minInterval: 1, splitLine: { show: false } }
      ],
      series: [
        { name: data.labels.sales, type: "line", smooth: true, areaStyle: { opacity: 0.08 },
          data: data.sales.map(Number), itemStyle: { color: "#1f6feb" } },
        { name: data.labels.orders, type: "line", yAxisIndex: 1, smooth: true,
          data: data.orders, itemStyle: { color: "#f29d38" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
