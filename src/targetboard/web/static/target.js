// The target page's charts. Data come from the page (JSON script elements, escaped by the template):
// - chart-data: cumulative actual this year and last year, the target line and the year-end forecast;
// - ranking-data: the region among its peers (its own bar highlighted).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var charts = [];
  var d = data("chart-data");
  var holder = document.getElementById("chart");
  if (d && holder) {
    var forecast = d.months.map(function (_, i) { return i === 11 ? d.forecast : null; });
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [d.labels.actual, d.labels.previous, d.labels.target, d.labels.forecast] },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: d.unit },
      series: [
        { name: d.labels.actual, type: "line", data: d.actual, connectNulls: true },
        { name: d.labels.previous, type: "line", data: d.previous, connectNulls: true,
          lineStyle: { type: "dotted" } },
        { name: d.labels.target, type: "line", data: d.months.map(function () { return d.target; }), symbol: "none",
          lineStyle: { type: "dashed" } },
        { name: d.labels.forecast, type: "scatter", data: forecast, symbolSize: 12 }
      ]
    });
    charts.push(chart);
  }

  var r = data("ranking-data");
  var rankHolder = document.getElementById("ranking-chart");
  if (r && rankHolder) {
    var bars = echarts.init(rankHolder);
    bars.setOption({
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: r.regions },
      yAxis: { type: "value", name: r.unit },
      series: [{
        name: r.period, type: "bar",
        data: r.values.map(function (v, i) {
          return { value: v, itemStyle: { color: r.self[i] ? "#0b5cad" : "#a8b3bd" } };
        })
      }]
    });
    charts.push(bars);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
