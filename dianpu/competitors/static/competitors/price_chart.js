/* A competitor product's history: their price and our selling price (left axis) and their sales
   (right axis), from the JSON in <script id="competitor-data"> (CSP: no inline JS). */
(function () {
  "use strict";
  function toNumber(v) { return v === null || v === undefined ? null : Number(v); }
  function draw() {
    var holder = document.getElementById("competitor-chart");
    var source = document.getElementById("competitor-data");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var names = data.names;
    var chart = window.echarts.init(holder);
    chart.setOption({
      grid: { left: 64, right: 64, top: 36, bottom: 32 },
      tooltip: { trigger: "axis" },
      legend: { data: [names.their, names.ours, names.sales], top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: [{ type: "value", name: "¥", scale: true }, { type: "value", name: names.sales }],
      series: [
        { name: names.their, type: "line", step: "end", data: data.their_price.map(toNumber), itemStyle: { color: "#cf222e" } },
        { name: names.ours, type: "line", step: "end", data: data.our_price.map(toNumber), itemStyle: { color: "#1f6feb" } },
        { name: names.sales, type: "bar", yAxisIndex: 1, data: data.sales.map(toNumber), itemStyle: { color: "#d0d7de" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
