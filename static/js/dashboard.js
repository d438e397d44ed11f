/* The dashboard's charts: each <canvas data-chart="ID"> is drawn from the JSON block #ID that the page wrote with
   Django's json_script (labels, one dataset per implementation status, and for each segment the URL of the
   recommendation list that shows what it counts). A click on a segment opens that list; the table under each
   chart holds the same numbers and links for keyboards and screen readers. Colours come from dashboard.css, the
   font from the page, the direction from <html dir>. */
(function () {
  "use strict";

  // The tick labels of long names are cut to about a third of the chart's width (Chart.js gives the label axis no
  // more), at most LABEL_LENGTH characters; the tooltip and the table show the whole name.
  var LABEL_LENGTH = 38;
  var PIXELS_PER_CHARACTER = 24;
  var BAR_HEIGHT = 34;

  function whenReady(start) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  function cut(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  function draw(canvas, rtl, locale, colours) {
    var data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var horizontal = !data.time;
    if (horizontal) {
      // One row per bar, whatever the number of bars (CSSOM, not a style attribute: the CSP allows it).
      canvas.parentElement.style.height = data.labels.length * BAR_HEIGHT + 110 + "px";
    }
    var datasets = data.datasets.map(function (set) {
      var colour = colours.getPropertyValue("--rasd-chart-" + set.key).trim();
      return { label: set.label, data: set.data, backgroundColor: colour, borderColor: "#ffffff", borderWidth: 1 };
    });
    var values = { stacked: true, beginAtZero: true, ticks: { precision: 0 } };
    var labels = {
      stacked: true,
      ticks: {
        autoSkip: false,
        callback: function (value) {
          var length = Math.min(LABEL_LENGTH, Math.round(this.chart.width / PIXELS_PER_CHARACTER));
          return cut(String(this.getLabelForValue(value)), Math.max(8, length));
        },
      },
    };
    // In Arabic the bars grow from the right and time runs from right to left.
    var scales = horizontal
      ? { x: Object.assign({ reverse: rtl }, values), y: Object.assign({ position: rtl ? "right" : "left" }, labels) }
      : { x: Object.assign({ reverse: rtl }, labels), y: Object.assign({ position: rtl ? "right" : "left" }, values) };
    var direction = rtl ? "rtl" : "ltr";
    return new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale,
        scales: scales,
        plugins: {
          legend: { position: "top", rtl: rtl, textDirection: direction },
          tooltip: {
            rtl: rtl,
            textDirection: direction,
            callbacks: {
              title: function (items) {
                return items.length ? data.titles[items[0].dataIndex] : "";
              },
            },
          },
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) return;
          var url = data.datasets[elements[0].datasetIndex].urls[elements[0].index];
          if (url) window.location.assign(url);
        },
      },
    });
  }

  whenReady(function () {
    if (!window.Chart) return;
    var rtl = document.documentElement.dir === "rtl";
    // Numbers in Latin digits, as in the tables (and as Moroccan administration writes them).
    var locale = (document.documentElement.lang || "en") + "-u-nu-latn";
    var page = window.getComputedStyle(document.body);
    window.Chart.defaults.font.family = page.fontFamily;
    window.Chart.defaults.font.size = 13;
    window.Chart.defaults.color = page.color;
    var board = document.querySelector(".rasd-dashboard");
    var colours = window.getComputedStyle(board);
    board.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      draw(canvas, rtl, locale, colours);
    });
  });
})();
