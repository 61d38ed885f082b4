// Draws the charts of a page from the JSON blocks the server rendered next to each canvas.
// Data never becomes code: it is read with JSON.parse from <script type="application/json">
// and labels are drawn on canvas as text. When every chart is drawn, <html> gets
// data-charts-rendered="<count>" (the headless-browser test waits for it).
"use strict";

(function () {
  // Categories, decision classes and years keep the same colour on every page.
  var COLORS = {
    refusal: "#c0392b", military: "#e08e0b", other: "#5d7fa3", unknown: "#a8a8a8",
    verdict: "#c0392b", terminated: "#2a9d8f", returned_to_prosecutor: "#e08e0b",
    transferred: "#6c5ce7", other_ruling: "#5d7fa3", medical_measures: "#8e44ad",
    unclassified: "#a8a8a8", per_day: "#c0392b", all: "#5d7fa3"
  };
  var PAST_YEARS = ["#e08e0b", "#5d7fa3", "#9aa6b8", "#c5ccd6"];
  var SERIES = ["#5d7fa3", "#e08e0b", "#c0392b", "#2a9d8f", "#6c5ce7", "#8e44ad", "#7f8c8d"];

  function colour(key, i) {
    return COLORS[key] || SERIES[i % SERIES.length];
  }

  function withAlpha(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function baseOptions(stacked) {
    return {
      // Axis and tooltip numbers in the page's language (<html lang>), not the browser's:
      // 0,4 and 1 000 on a Russian page, 0.4 and 1,000 on an English one.
      locale: document.documentElement.lang || "en",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: {
        x: { stacked: stacked, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: stacked, beginAtZero: true, grid: { color: "#eceff3" } }
      }
    };
  }

  function stacked(data) {
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (d, i) {
          var c = colour(d.key, i);
          // Provisional months are drawn lighter: the courts are still publishing them.
          return {
            label: d.label, data: d.data, borderWidth: 0,
            backgroundColor: data.provisional.map(function (p) { return p ? withAlpha(c, 0.35) : c; })
          };
        })
      },
      options: baseOptions(true)
    };
  }

  function line(data) {
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (d, i) {
          var c = colour(d.key, i);
          return { label: d.label, data: d.data, borderColor: c, backgroundColor: withAlpha(c, 0.12),
                   fill: i === 0, cubicInterpolationMode: "monotone", pointRadius: 0, borderWidth: 2, spanGaps: true };
        })
      },
      options: baseOptions(false)
    };
  }

  function yoy(data) {
    var n = data.datasets.length;
    return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (d, i) {
          // The latest year is the strong red line; earlier years are cooler and fainter.
          var c = i === n - 1 ? "#c0392b" : PAST_YEARS[(n - 2 - i) % PAST_YEARS.length];
          return { label: d.label, data: d.data, borderColor: c, backgroundColor: c,
                   borderWidth: i === n - 1 ? 3 : 2, pointRadius: 2,
                   cubicInterpolationMode: "monotone", spanGaps: false };
        })
      },
      options: baseOptions(false)
    };
  }

  var BUILDERS = { stacked: stacked, line: line, yoy: yoy };

  function drawAll() {
    var drawn = 0;
    var canvases = document.querySelectorAll("canvas[data-chart]");
    if (typeof Chart === "undefined") {
      document.documentElement.setAttribute("data-charts-error", "Chart.js did not load");
      return;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#4a5566";
    canvases.forEach(function (canvas) {
      var data = readData(canvas.getAttribute("data-source"));
      var build = BUILDERS[canvas.getAttribute("data-chart")];
      if (!data || !build) { return; }
      new Chart(canvas, build(data));
      canvas.setAttribute("data-rendered", "true");
      drawn += 1;
    });
    document.documentElement.setAttribute("data-charts-rendered", String(drawn));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
