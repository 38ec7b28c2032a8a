// The target page's chart: cumulative actual this year and last year, the target line and the
// year-end forecast. Data come from the page (a JSON script element, escaped by the template).
(function () {
  "use strict";
  var holder = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var forecast = d.months.map(function (_, i) { return i === 11 ? d.forecast : null; });
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [d.year + "年累计", (d.year - 1) + "年累计", "目标", "全年预测"] },
    xAxis: { type: "category", data: d.months },
    yAxis: { type: "value", name: d.unit },
    series: [
      { name: d.year + "年累计", type: "line", data: d.actual, connectNulls: true },
      { name: (d.year - 1) + "年累计", type: "line", data: d.previous, connectNulls: true,
        lineStyle: { type: "dotted" } },
      { name: "目标", type: "line", data: d.months.map(function () { return d.target; }), symbol: "none",
        lineStyle: { type: "dashed" } },
      { name: "全年预测", type: "scatter", data: forecast, symbolSize: 12 }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
