/* The campaign live page's chart: sales per hour, cumulative sales and the goal line, from the
   JSON in <script id="campaign-data"> (CSP: no inline JS). */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("campaign-chart");
    var source = document.getElementById("campaign-data");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var names = data.labels_text;
    var chart = window.echarts.init(holder);
    chart.setOption({
      grid: { left: 64, right: 64, top: 36, bottom: 32 },
      tooltip: { trigger: "axis" },
      legend: { data: [names.sales, names.cumulative, names.goal], top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: [{ type: "value", name: names.sales }, { type: "value", name: names.cumulative }],
      series: [
        { name: names.sales, type: "bar", data: data.sales.map(Number), itemStyle: { color: "#1f6feb" } },
        { name: names.cumulative, type: "line", yAxisIndex: 1, data: data.cumulative.map(Number),
          itemStyle: { color: "#2da44e" } },
        { name: names.goal, type: "line", yAxisIndex: 1, data: data.goal.map(Number),
          lineStyle: { type: "dashed" }, itemStyle: { color: "#cf222e" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
