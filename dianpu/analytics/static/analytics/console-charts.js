/* Analytics charts of the console (ECharts, vendored). Data comes from <script type="application/json">
   blocks (json_script), so no inline JS is needed (CSP). */
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function chart(id) {
    var holder = document.getElementById(id);
    if (!holder || typeof window.echarts === "undefined") { return null; }
    var c = window.echarts.init(holder);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  function draw() {
    var d = data("analytics-dashboard-data"), c;
    if (d && (c = chart("analytics-trend"))) {
      c.setOption({
        grid: { left: 56, right: 56, top: 40, bottom: 32 }, tooltip: { trigger: "axis" },
        legend: { top: 0, data: [d.labels.sales, d.labels.previous_sales, d.labels.orders, d.labels.visitors] },
        xAxis: { type: "category", data: d.dates.map(function (x) { return x.slice(5); }) },
        yAxis: [{ type: "value", name: d.labels.sales }, { type: "value", minInterval: 1, splitLine: { show: false } }],
        series: [
          { name: d.labels.sales, type: "line", smooth: true, data: d.sales.map(Number), itemStyle: { color: "#1f6feb" } },
          { name: d.labels.previous_sales, type: "line", smooth: true, data: d.previous_sales.map(Number),
            lineStyle: { type: "dashed" }, itemStyle: { color: "#8c959f" } },
          { name: d.labels.orders, type: "bar", yAxisIndex: 1, data: d.orders, itemStyle: { color: "#f29d38" } },
          { name: d.labels.visitors, type: "line", yAxisIndex: 1, data: d.visitors, itemStyle: { color: "#2da44e" } }
        ]
      });
    }
    if (d && (c = chart("analytics-customers"))) {
      c.setOption({ tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["40%", "70%"], data: [
        { name: d.labels["new"], value: d["new"] }, { name: d.labels.returning, value: d.returning }] }] });
    }
    var f = data("analytics-funnel-data");
    if (f && (c = chart("analytics-funnel"))) {
      c.setOption({ tooltip: { trigger: "item" }, series: [{ type: "funnel", sort: "none", left: "10%", width: "80%",
        label: { formatter: "{b}: {c}" }, data: f.steps }] });
    }
    var s = data("analytics-channels-data");
    if (s && (c = chart("analytics-channels"))) {
      c.setOption({ tooltip: { trigger: "item" }, series: [{ type: "pie", radius: "65%", data: s.channels }] });
    }
    var b = data("analytics-sales-data");
    if (b && (c = chart("analytics-sales"))) {
      c.setOption({ grid: { left: 64, right: 24, top: 24, bottom: 64 }, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: b.names, axisLabel: { rotate: 30 } }, yAxis: { type: "value", name: b.label },
        series: [{ type: "bar", data: b.sales.map(Number), itemStyle: { color: "#1f6feb" } }] });
    }
  }
  if (document.readyState !== "loading") { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
})();
