/* 月报的图表：数据来自页面内的 #report-data（服务器已译成中文），由随控制台发布的 ECharts 绘制，
   不请求任何外部地址。黑白打印也能分辨：柱形带花纹（aria.decal），折线各用不同线型和标记。 */
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  // Greys and one blue: the series differ in pattern and line style, not in colour alone.
  var palette = ["#1f4e79", "#7f7f7f", "#000000", "#4d4d4d", "#a6a6a6"];
  var lineTypes = ["solid", "dashed", "dotted", [8, 3, 2, 3], [2, 6]];
  var symbols = ["circle", "rect", "triangle", "diamond", "emptyCircle", "emptyRect", "pin"];
  var charts = [];

  function base(title) {
    return {
      animation: false,
      color: palette,
      aria: { enabled: true, label: { description: title }, decal: { show: true } },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 36, bottom: 56, containLabel: true },
      textStyle: { fontFamily: "sans-serif" }
    };
  }

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  function compared(id, part, horizontal, title) {
    var option = base(title);
    var names = part.labels;
    var category = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var value = { type: "value", minInterval: 1, name: "件" };
    option.xAxis = horizontal ? value : category;
    option.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    option.series = [
      { name: "本月 " + data.month, type: "bar", data: part["this"], label: { show: true, position: horizontal ? "right" : "top" } },
      { name: "上月 " + data.lastMonth, type: "bar", data: part.last }
    ];
    draw(id, option);
  }

  compared("chart-categories", data.categories, false, "按类别工单数，本月与上月对比");
  compared("chart-communities", data.communities, true, "按小区工单数，本月与上月对比");

  if (data.hotspots.labels.length) {
    var hot = base("反复出现的小区与问题类别");
    hot.xAxis = { type: "value", minInterval: 1, name: "件" };
    hot.yAxis = { type: "category", data: data.hotspots.labels, inverse: true };
    hot.series = [{ name: "近三月工单", type: "bar", data: data.hotspots.total, label: { show: true, position: "right" } }];
    draw("chart-hotspots", hot);
  }

  if (data.rates.labels.length) {
    var rates = base("各网格按时办结率与满意率");
    rates.xAxis = { type: "category", data: data.rates.labels };
    rates.yAxis = { type: "value", min: 0, max: 100, name: "%" };
    rates.series = [
      { name: "按时办结率", type: "bar", data: data.rates.onTime },
      { name: "满意率", type: "bar", data: data.rates.satisfied }
    ];
    draw("chart-rates", rates);
  }

  var trend = base("网格员每月得分走势");
  trend.xAxis = { type: "category", data: data.trend.months.map(function (m) { return m.slice(5) + "月"; }) };
  trend.yAxis = { type: "value", name: "分", scale: true, minInterval: 1 };
  trend.series = data.trend.workers.map(function (w, i) {
    return {
      name: w.name,
      type: "line",
      data: w.values,
      connectNulls: false,
      symbol: symbols[i % symbols.length],
      symbolSize: 8,
      lineStyle: { width: 2, type: lineTypes[i % lineTypes.length] }
    };
  });
  draw("chart-trend", trend);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  // Printed at the paper's width, then back to the screen's.
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
  var print = document.getElementById("print-report");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
