// The coverage page's bar chart (ECharts): poor villages, with a mission and fully covered
// per child area. The data comes from the page (json_script); no inline script (CSP).
(function () {
  var box = document.getElementById("coverage-chart");
  var source = document.getElementById("coverage-data");
  if (!box || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(box);
  chart.setOption({
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis", renderMode: "richText" },
    xAxis: { type: "category", data: data.names, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { type: "bar", name: box.getAttribute("data-poor") || "贫困村", data: data.poor_villages, itemStyle: { color: "#adb5bd" } },
      { type: "bar", name: box.getAttribute("data-mission") || "已组建特派团", data: data.with_mission, itemStyle: { color: "#f0ad4e" } },
      { type: "bar", name: box.getAttribute("data-covered") || "处方全覆盖", data: data.fully_covered, itemStyle: { color: "#b22222" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
