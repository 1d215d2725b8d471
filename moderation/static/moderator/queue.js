// Moderator queue: keyboard (j k a r s h x u / ?), buttons and bulk actions over the JSON API.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("queue-config").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var cardsBox = document.getElementById("cards");
  var toast = document.getElementById("toast");
  var help = document.getElementById("help");
  var api = "/api/v1/moderation/";
  var lastUndo = null, lastUndoAt = 0, toastTimer = null, busy = false;

  function cards() { return Array.prototype.slice.call(cardsBox.querySelectorAll("article.card")); }
  function current() { return cardsBox.querySelector("article.card.focused") || null; }
  function focus(card) {
    cards().forEach(function (c) { c.classList.remove("focused"); });
    if (!card) { return; }
    card.classList.add("focused");
    card.focus({preventScroll: true});
    card.scrollIntoView({block: "nearest"});
  }
  function move(step) {
    var list = cards(), i = list.indexOf(current());
    if (list.length) { focus(list[Math.max(0, Math.min(list.length - 1, i + step))]); }
  }
  function selected() { return cards().filter(function (c) { return c.querySelector(".pick").checked; }); }
  function updateCount() {
    document.getElementById("selected-count").textContent = selected().length + " " + config.t.selected;
  }
  function say(text, undoable) {
    toast.textContent = text;
    if (undoable) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = config.t.undo + " (u)"; b.addEventListener("click", undo);
      toast.appendChild(document.createTextNode(" ")); toast.appendChild(b);
    }
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, config.undo_seconds * 1000);
  }
  function post(path, body) {
    return fetch(api + path, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, status: r.status, data: d}; }); });
  }
  function removeApplied(applied, status) {
    var focused = current(), list = cards(), next = null;
    applied.forEach(function (a) {
      var card = document.getElementById("c" + a.id);
      if (!card) { return; }
      card.dataset.version = a.version;
      var stays = config.tab === status;
      if (!stays) {
        if (card === focused) {
          var i = list.indexOf(card);
          next = list.slice(i + 1).concat(list.slice(0, i).reverse()).filter(function (c) {
            return !applied.some(function (x) { return "c" + x.id === c.id; });
          })[0] || null;
        }
        card.remove();
      }
    });
    if (next || !current()) { focus(next || cards()[0]); }
    updateCount();
  }
  function report(result, status) {
    removeApplied(result.applied, status);
    if (result.applied.length) { lastUndo = result.undo; lastUndoAt = Date.now(); }
    var text = config.t[status] + ": " + result.applied.length;
    if (result.skipped.length) {
      text += " · " + result.skipped.length + " " + config.t.skipped + ": " +
        result.skipped.map(function (s) { return "#" + s.id + " " + s.reason; }).join("; ");
      result.skipped.forEach(function (s) {
        var card = document.getElementById("c" + s.id);
        if (card) { card.classList.add("stale"); }
      });
    }
    say(text, result.applied.length > 0);
  }
  // A reject carries a typed reason (it becomes the training label): the card's choice, pre-selected from
  // the reasons that held it, or the bulk bar's for several comments.
  function rejectReason(card, status) {
    if (status !== "rejected") { return ""; }
    var select = card ? card.querySelector("select.reject-reason") : document.getElementById("bulk-reject-reason");
    return select ? select.value : "";
  }
  function act(status) {
    if (busy) { return; }
    var picked = selected(), body, path;
    if (picked.length) {
      var versions = {};
      picked.forEach(function (c) { versions[c.dataset.id] = parseInt(c.dataset.version, 10); });
      body = {ids: picked.map(function (c) { return parseInt(c.dataset.id, 10); }), versions: versions, status: status,
        reason: rejectReason(null, status)};
      path = "decisions";
    } else {
      var card = current();
      if (!card) { return; }
      body = {status: status, reason: rejectReason(card, status), version: parseInt(card.dataset.version, 10)};
      path = "comments/" + card.dataset.id + "/decision";
    }
    busy = true;
    post(path, body).then(function (r) {
      busy = false;
      if (!r.ok) { say(config.t.error + ": " + r.data.message, false); return; }
      if (path === "decisions") { report(r.data, status); }
      else { report({applied: [{id: r.data.id, status: r.data.status, version: r.data.version}], skipped: [], undo: r.data.undo}, status); }
    }, function () { busy = false; say(config.t.error, false); });
  }
  function actAll(status) {
    if (!window.confirm(config.t.confirm_all)) { return; }
    post("decisions", {filter: config.filter, status: status, reason: rejectReason(null, status)}).then(function (r) {
      if (!r.ok) { say(config.t.error + ": " + r.data.message, false); return; }
      report(r.data, status);
    });
  }
  function undo() {
    if (!lastUndo || Date.now() - lastUndoAt > config.undo_seconds * 1000) { return; }
    var token = lastUndo; lastUndo = null;
    post("undo", {undo: token}).then(function (r) {
      if (!r.ok) { say(config.t.error + ": " + r.data.message, false); return; }
      say(config.t.undone + ": " + r.data.applied.length, false);
      window.location.reload();
    });
  }
  cardsBox.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-status]");
    var card = e.target.closest("article.card");
    if (card && !e.target.closest("details, a, input, select, textarea")) { focus(card); }
    if (button) { act(button.dataset.status); }
  });
  cardsBox.addEventListener("change", function (e) { if (e.target.classList.contains("pick")) { updateCount(); } });
  document.getElementById("bulk").addEventListener("click", function (e) {
    var b = e.target.closest("button");
    if (!b) { return; }
    if (b.dataset.bulk) { act(b.dataset.bulk); }
    if (b.dataset.all) { actAll(b.dataset.all); }
    if (b.id === "help-button") { help.showModal(); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || e.target.isContentEditable) {
      if (e.key === "Escape") { e.target.blur(); }
      return;
    }
    if (help.open && e.key !== "?") { return; }
    var keys = {j: function () { move(1); }, k: function () { move(-1); },
      a: function () { act("published"); }, r: function () { act("rejected"); },
      s: function () { act("spam"); }, h: function () { act("held"); },
      x: function () { var c = current(); if (c) { var p = c.querySelector(".pick"); p.checked = !p.checked; updateCount(); } },
      u: undo, "/": function () { document.getElementById("f-q").focus(); },
      "?": function () { if (help.open) { help.close(); } else { help.showModal(); } }};
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
  focus(cards()[0]);
  updateCount();
}());
