// Charts of the indicator page (ECharts): the four coverages, and one indicator per child area.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var coverage = echarts.init(document.getElementById("chart-coverage"));
  coverage.setOption({
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: data.coverage.names, inverse: true },
    series: [{ type: "bar", data: data.coverage.values, itemStyle: { color: "#b22222" },
               label: { show: true, position: "right", formatter: "{c}%" } }]
  });
  var children = echarts.init(document.getElementById("chart-children"));
  var select = document.getElementById("chart-key");
  function draw() {
    var s = data.children.series[select.value];
    children.setOption({
      grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
      // richText: drawn on the canvas; an HTML tooltip would carry inline styles (CSP)
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.children.names, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: s.unit },
      series: [{ type: "bar", name: s.name, data: s.values, itemStyle: { color: "#b22222" } }]
    }, true);
  }
  select.addEventListener("change", draw);
  draw();
  window.addEventListener("resize", function () { coverage.resize(); children.resize(); });
})();
