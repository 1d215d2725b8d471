/* Comment counts for article lists. A page adds
     <span data-comment-count="https://news.example/2026/11/artikel"></span>   (as many as it likes)
     <script src="https://comments.example/static/count.js" data-site="news" async></script>
   and every span gets "3 komentar" (data-lang / <html lang>; data-count-format="number" for the
   bare number). One request for all of them (split only past the servers' URL length limits). */
(function () {
  "use strict";
  var LANGS = /*@LANGS@*/{};
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  var base = new URL("/api/v1/counts", script.src).href;
  var site = script.getAttribute("data-site") || "";
  var code = (script.getAttribute("data-lang") || document.documentElement.lang || "id").slice(0, 2).toLowerCase();
  var L = LANGS[code] || LANGS.id;
  var rules = new Intl.PluralRules(L.locale || code);
  var MAX_URL = 1800;  // gunicorn refuses request lines over 4094 bytes; stay well below

  function text(n, bare) {
    if (bare) { return n.toLocaleString(L.locale || code); }
    var form = n === 0 ? "zero" : rules.select(n);
    return (L.count[form] || L.count.other).replace("{n}", n.toLocaleString(L.locale || code));
  }
  function fetchCounts(threads) {
    var url = base + "?site=" + encodeURIComponent(site);
    threads.forEach(function (t) { url += "&thread=" + encodeURIComponent(t); });
    return fetch(url).then(function (r) { return r.ok ? r.json() : {counts: {}}; }).then(function (d) { return d.counts || {}; });
  }
  function run() {
    var spans = Array.prototype.slice.call(document.querySelectorAll("[data-comment-count]"));
    var wanted = [];
    spans.forEach(function (s) {
      var t = s.getAttribute("data-comment-count");
      if (t && wanted.indexOf(t) < 0) { wanted.push(t); }
    });
    var batches = [], batch = [], size = base.length + site.length;
    wanted.forEach(function (t) {
      var cost = encodeURIComponent(t).length + 8;
      if (batch.length && (size + cost > MAX_URL || batch.length === 100)) { batches.push(batch); batch = []; size = base.length + site.length; }
      batch.push(t);
      size += cost;
    });
    if (batch.length) { batches.push(batch); }
    batches.forEach(function (threads) {
      fetchCounts(threads).then(function (counts) {
        spans.forEach(function (s) {
          var n = counts[s.getAttribute("data-comment-count")];
          if (typeof n === "number") {
            s.textContent = text(n, s.getAttribute("data-count-format") === "number");
            s.setAttribute("data-count", String(n));
          }
        });
      }, function () { /* counts are decoration: leave the page as it is */ });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
})();
