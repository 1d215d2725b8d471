// Dashboard charts (Chart.js) from the numbers the page embeds as JSON.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var t = JSON.parse(document.getElementById("dashboard-i18n").textContent);
  var colours = {published: "#2e7d32", held: "#f9a825", spam: "#6d4c41", rejected: "#c62828", pending: "#1565c0", deleted: "#9e9e9e"};
  window.dashboardCharts = [];
  function draw(id, config) {
    var canvas = typeof id === "string" ? document.getElementById(id) : id;
    if (canvas) { window.dashboardCharts.push(new Chart(canvas, config)); }
  }
  draw("chart-per-day", {type: "bar", data: {labels: data.days, datasets: Object.keys(data.per_day).map(function (s) {
    return {label: t[s === "spam" ? "spam_status" : s] || s, data: data.per_day[s], backgroundColor: colours[s] || "#777"};
  })}, options: {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}, animation: false}});
  var reasons = Object.keys(data.overruled);
  draw("chart-overruled", {type: "bar", data: {labels: reasons, datasets: [
    {label: t.kept, data: reasons.map(function (r) { return data.overruled[r].kept; }), backgroundColor: "#2e7d32"},
    {label: t.changed, data: reasons.map(function (r) { return data.overruled[r].changed; }), backgroundColor: "#c62828"}
  ]}, options: {indexAxis: "y", scales: {x: {stacked: true, beginAtZero: true}, y: {stacked: true}}, animation: false}});
  draw("chart-queue", {type: "bar", data: {labels: data.queue.ages.map(function (a) { return a[0]; }), datasets: [{label: t.comments,
    data: data.queue.ages.map(function (a) { return a[1]; }), backgroundColor: "#f9a825"}]},
    options: {scales: {y: {beginAtZero: true}}, animation: false}});
  draw("chart-wait", {type: "line", data: {labels: data.days, datasets: [{label: t.minutes,
    data: data.days.map(function (d) { return data.median_minutes[d]; }), borderColor: "#1565c0", spanGaps: true}]},
    options: {scales: {y: {beginAtZero: true}}, animation: false}});
  var runs = data.learning || [];
  draw("chart-learning", {type: "line", data: {labels: runs.map(function (r) { return r.when + " " + r.site; }), datasets: [
    {label: t.new_version, data: runs.map(function (r) { return r.candidate; }), borderColor: "#2e7d32", spanGaps: true,
      pointRadius: 5, pointBackgroundColor: runs.map(function (r) { return r.status === "activated" ? "#2e7d32" : "#fff"; })},
    {label: t.active_then, data: runs.map(function (r) { return r.active; }), borderColor: "#9e9e9e", borderDash: [4, 4], spanGaps: true}
  ]}, options: {scales: {y: {suggestedMin: 0.5, suggestedMax: 1}}, animation: false, plugins: {tooltip: {callbacks: {
    afterLabel: function (ctx) { var r = runs[ctx.dataIndex]; return ctx.datasetIndex === 0 ? r.version + " (" + r.status + ")" : r.active_version; }
  }}}}});
  Array.prototype.forEach.call(document.querySelectorAll("canvas.chart-hist"), function (canvas) {
    var h = data.histograms[canvas.dataset.lang];
    draw(canvas, {type: "bar", data: {labels: data.bins, datasets: [
      {label: t.toxicity, data: h.toxicity, backgroundColor: "#c62828"},
      {label: t.spam, data: h.spam, backgroundColor: "#6d4c41"}]},
      options: {scales: {y: {beginAtZero: true}}, animation: false}});
  });
}());
