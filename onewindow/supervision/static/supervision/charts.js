/* Supervision charts (Apache ECharts): every figure comes in the page's JSON (#ow-charts). */
(function () {
  "use strict";
  function data() {
    var node = document.getElementById("ow-charts");
    return node ? JSON.parse(node.textContent) : null;
  }
  function label(el, name) {
    return el.getAttribute("data-label-" + name) || name;
  }
  var builders = {
    days: function (d, el) {
      var keys = ["submitted", "accepted", "completed"].filter(function (k) { return d.days[k]; });
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: d.days.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: keys.map(function (k) {
          return { name: label(el, k), type: "line", smooth: true, data: d.days[k] };
        })
      };
    },
    departments: function (d, el) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 120, right: 16, top: 32, bottom: 20 },
        yAxis: { type: "category", data: d.departments.labels, inverse: true },
        xAxis: { type: "value", minInterval: 1 },
        series: ["submitted", "completed", "overdue"].map(function (k) {
          return { name: label(el, k), type: "bar", data: d.departments[k] };
        })
      };
    },
    channels: function (d) {
      return {
        tooltip: { trigger: "item" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["40%", "70%"], data: d.channels }]
      };
    },
    alerts: function (d, el) {
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 120, right: 16, top: 32, bottom: 20 },
        yAxis: { type: "category", data: d.alerts.labels, inverse: true },
        xAxis: { type: "value", minInterval: 1 },
        series: [
          { name: label(el, "yellow"), type: "bar", stack: "a", color: "#e0a800", data: d.alerts.yellow },
          { name: label(el, "red"), type: "bar", stack: "a", color: "#c82333", data: d.alerts.red }
        ]
      };
    },
    delayed: function (d, el) {
      return {
        tooltip: { trigger: "axis" },
        grid: { left: 160, right: 16, top: 16, bottom: 20 },
        yAxis: { type: "category", data: d.delayed.labels, inverse: true },
        xAxis: { type: "value", minInterval: 1 },
        series: [{ name: label(el, "delayed"), type: "bar", color: "#c82333", data: d.delayed.values }]
      };
    }
  };
  function draw() {
    var d = data();
    if (!d || typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      if (!build) { return; }
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(d, el));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
