/* One product's bestseller track (ECharts, vendored): visitors, buyers, sales and conversion day by
   day, the days it was flagged shaded. Data from the json_script block (no inline JS: CSP). */
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("analytics-product-track-data");
    var holder = document.getElementById("analytics-product-track");
    if (!node || !holder || typeof window.echarts === "undefined") { return; }
    var d = JSON.parse(node.textContent), c = window.echarts.init(holder);
    var colors = { declining: "rgba(242, 157, 56, 0.18)", improve_or_replace: "rgba(207, 34, 46, 0.18)" };
    var marks = [];
    d.flags.forEach(function (flag, i) {
      if (flag) {
        marks.push([{ xAxis: i, name: d.labels[flag], itemStyle: { color: colors[flag] } }, { xAxis: i }]);
      }
    });
    c.setOption({
      grid: { left: 56, right: 56, top: 40, bottom: 32 }, tooltip: { trigger: "axis" },
      legend: { top: 0, data: [d.labels.visitors, d.labels.buyers, d.labels.sales, d.labels.conversion] },
      xAxis: { type: "category", data: d.dates.map(function (x) { return x.slice(5); }) },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", name: d.labels.sales, splitLine: { show: false } }],
      series: [
        { name: d.labels.visitors, type: "line", data: d.visitors, itemStyle: { color: "#2da44e" },
          markArea: { silent: true, label: { show: false }, data: marks } },
        { name: d.labels.buyers, type: "bar", data: d.buyers, itemStyle: { color: "#f29d38" } },
        { name: d.labels.sales, type: "line", yAxisIndex: 1, data: d.sales.map(Number), itemStyle: { color: "#1f6feb" } },
        { name: d.labels.conversion, type: "line", data: d.conversion, lineStyle: { type: "dashed" },
          itemStyle: { color: "#8250df" } }
      ]
    });
    window.addEventListener("resize", function () { c.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
