// The monthly ranking's chart (ECharts): valid answers per area, in rank order, with the
// solved rate on a second axis.
(function () {
  var el = document.getElementById("chart-ranking");
  if (!el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(document.getElementById("ranking-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    // richText: drawn on the canvas; an HTML tooltip would carry inline styles (CSP)
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: [data.labels.valid, data.labels.rate], top: 0 },
    xAxis: { type: "category", data: data.names, axisLabel: { rotate: 30 } },
    yAxis: [{ type: "value", minInterval: 1 },
            { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { type: "bar", name: data.labels.valid, data: data.valid, itemStyle: { color: "#b22222" },
        label: { show: true, position: "top" } },
      { type: "line", name: data.labels.rate, yAxisIndex: 1, data: data.rate,
        itemStyle: { color: "#4a7ab5" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
