/* A competitor product's history: their price and our selling price (left axis), their sales and
   ours that day (right axis) and their rating (0–5), from the JSON in <script id="competitor-data"> (CSP: no inline JS). */
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
      legend: { data: [names.their, names.ours, names.sales, names.our_sales, names.rating], top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: [{ type: "value", name: "¥", scale: true }, { type: "value", name: names.sales },
              { type: "value", name: names.rating, min: 0, max: 5, position: "right", offset: 48, show: false }],
      series: [
        { name: names.their, type: "line", step: "end", data: data.their_price.map(toNumber), itemStyle: { color: "#cf222e" } },
        { name: names.ours, type: "line", step: "end", data: data.our_price.map(toNumber), itemStyle: { color: "#1f6feb" } },
        { name: names.sales, type: "bar", yAxisIndex: 1, data: data.sales.map(toNumber), itemStyle: { color: "#d0d7de" } },
        { name: names.our_sales, type: "bar", yAxisIndex: 1, data: data.our_sales.map(toNumber), itemStyle: { color: "#9ecbff" } },
        { name: names.rating, type: "line", yAxisIndex: 2, data: data.rating.map(toNumber), itemStyle: { color: "#bf8700" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
