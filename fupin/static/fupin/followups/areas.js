// 回访进度: the table's rows as a chart — per child area a bar of the on-time rate (%, the
// bottom axis) and one of the overdue count (people, the top axis). Horizontal bars, so that
// village names stay readable on a 375 px phone; the chart grows with the number of rows.
(function () {
  "use strict";
  var box = document.getElementById("followups-areas-chart");
  var source = document.getElementById("followups-areas-data");
  if (!box || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  box.style.height = Math.max(220, 70 + data.names.length * 44) + "px";
  var chart = echarts.init(box);
  chart.setOption({
    grid: { left: 8, right: 48, top: 56, bottom: 24, containLabel: true },
    legend: { top: 0, data: [L.on_time_rate, L.overdue] },
    // richText: drawn on the canvas; an HTML tooltip would carry inline styles (CSP)
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
    yAxis: { type: "category", data: data.short_names, inverse: true,
             axisLabel: { width: 96, overflow: "truncate" } },
    xAxis: [
      { type: "value", min: 0, max: 100, position: "bottom", name: L.rate_axis,
        nameLocation: "middle", nameGap: 22, axisLabel: { formatter: "{value}%" } },
      { type: "value", min: 0, minInterval: 1, position: "top", name: L.overdue_axis,
        nameLocation: "middle", nameGap: 22, splitLine: { show: false } }
    ],
    series: [
      { type: "bar", name: L.on_time_rate, xAxisIndex: 0, data: data.on_time_rate,
        itemStyle: { color: "#198754" }, label: { show: true, position: "right", formatter: "{c}%" } },
      { type: "bar", name: L.overdue, xAxisIndex: 1, data: data.overdue,
        itemStyle: { color: "#b22222" }, label: { show: true, position: "right" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
