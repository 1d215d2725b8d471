/* Comment widget. A page adds
     <div id="comments" data-thread="https://news.example/2026/11/artikel"></div>
     <script src="https://comments.example/static/embed.js" data-site="news" async></script>
   Options (data-* on the script or the container) are listed in the README. Every element is built
   with the DOM API: names and websites only ever become text; the only HTML parsed is body_html,
   sanitised by the server. No inline styles or scripts, no eval: it runs under a strict CSP.
   The service fills in LANGS (moderation/static/widget/lang/*.json) and CSS (widget.css). */
(function () {
  "use strict";
  var LANGS = /*@LANGS@*/{};
  var CSS = /*@CSS@*/"";
  var script = document.currentScript;
  if (!script || !script.src) { return; }
  if (window.performance && performance.mark) { performance.mark("moderation-widget-start"); }
  var base = new URL("/api/v1/", script.src).href;
  var uid = "mc" + Math.random().toString(36).slice(2, 8);
  var root, L, lang, locale, config, site, thread, order, maxDepth, list, heading, moreButton, status;
  var nodes = {}, nextCursor = null, formToken = "", waiting = [], mine = {};
  var form, respond, titleText, cancelReply, inputs = {}, errors = {}, saveBox, notifyBox, honeypot, submit;
  var replyParent = null, replyOpener = null, sending = false;
  var CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
  var CONTROL_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  var INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u180e]/;

  function opt(name) {
    var target = root || document.getElementById(script.getAttribute("data-target") || "comments");
    return (target && target.getAttribute("data-" + name)) || script.getAttribute("data-" + name) || "";
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) { node.setAttribute(k, attrs[k] === true ? "" : attrs[k]); }
    });
    if (text) { node.textContent = text; }
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) { if (arguments[i]) { parent.appendChild(arguments[i]); } }
    return parent;
  }
  function fill(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return params && k in params ? params[k] : m; });
  }
  function t(key, params) { return fill(L.ui[key] || LANGS.en.ui[key] || key, params); }
  function reason(code, field, params) {
    var f = L.fields;
    return fill(f[code + "." + field] || f[code] || f.invalid_type || code, params);
  }
  function store(key, value) {
    try {
      if (value === null) { localStorage.removeItem(key); } else { localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* storage blocked: the widget works without it */ }
  }
  function stored(key, fallback) {
    try { var v = localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }

  // --- talking to the service --------------------------------------------------------------
  function call(method, path, body, headers) {
    var url = base + path + (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang;
    var init = {method: method, headers: headers || {}};
    if (body) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) { return {status: r.status, data: d}; });
    });
  }
  function threadQuery() {
    return "site=" + encodeURIComponent(site) + "&thread=" + encodeURIComponent(thread);
  }
  var html = (function () {
    // Trusted Types: a page enforcing them allows this policy by name (see the README).
    try {
      if (window.trustedTypes) { return window.trustedTypes.createPolicy("moderation-widget", {createHTML: function (s) { return s; }}); }
    } catch (e) { /* policy not allowed: plain strings */ }
    return {createHTML: function (s) { return s; }};
  })();

  // --- dates --------------------------------------------------------------------------------
  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  var rtf, dtf;
  function ago(iso) {
    var seconds = (Date.parse(iso) - Date.now()) / 1000;
    if (Math.abs(seconds) < 60) { return t("justNow"); }
    for (var i = 0; i < UNITS.length; i++) {
      if (Math.abs(seconds) >= UNITS[i][1] || i === UNITS.length - 1) { return rtf.format(Math.round(seconds / UNITS[i][1]), UNITS[i][0]); }
    }
  }
  function refreshTimes() {
    if (document.hidden) { return; }
    root.querySelectorAll("time[data-mc]").forEach(function (node) { node.textContent = ago(node.getAttribute("datetime")); });
  }

  // --- rendering comments --------------------------------------------------------------------
  function avatar(c) {
    var hue = parseInt((c.avatar_seed || "0").slice(0, 4), 16) % 360;
    var span = el("span", {"class": "mc-avatar", "aria-hidden": "true"}, Array.from(c.name || "?")[0].toUpperCase());
    span.style.background = "hsl(" + hue + ",60%,28%)";  // CSSOM, not a style attribute: allowed by CSP
    return span;
  }
  function paragraphs(text) {
    var frag = document.createDocumentFragment();
    text.split(/\n\s*\n/).forEach(function (para) {
      if (!para.trim()) { return; }
      var p = el("p");
      para.trim().split("\n").forEach(function (line, i) { if (i) { p.appendChild(el("br")); } p.appendChild(document.createTextNode(line)); });
      frag.appendChild(p);
    });
    return frag;
  }
  function setContent(node, c) {
    node.content.textContent = "";
    if (c.body_html !== undefined) { node.content.innerHTML = html.createHTML(c.body_html); } else { node.content.appendChild(paragraphs(c.body)); }
  }
  function commentNode(c, depth, replyTo) {
    var li = el("li", {id: "comment-" + c.id, "class": "comment depth-" + depth});
    var article = el("article", {"class": "comment-body", tabindex: "-1", "aria-labelledby": uid + "-n" + c.id});
    var meta = el("footer", {"class": "comment-meta"});
    var who = el("b", {"class": "fn", id: uid + "-n" + c.id});
    var name = el("bdi", {}, c.name);
    add(who, /^https?:\/\//i.test(c.website || "") ? add(el("a", {href: c.website, rel: "nofollow ugc noopener", target: "_blank"}), name) : name);
    var when = el("a", {href: "#comment-" + c.id, "class": "mc-when", "aria-label": t("permalink")});
    add(when, el("time", {datetime: c.created, "data-mc": "", title: dtf.format(new Date(c.created))}, ago(c.created)));
    add(meta, avatar(c), who, when);
    if (replyTo) {
      var to = el("span", {"class": "mc-replying"});
      var parts = t("replyingTo", {name: "\u0000"}).split("\u0000");
      add(to, document.createTextNode(parts[0]), add(el("a", {href: "#comment-" + c.parent}), el("bdi", {}, replyTo)),
        document.createTextNode(parts[1] || ""));
      meta.appendChild(to);
    }
    var node = {id: c.id, data: c, depth: depth, li: li, article: article, meta: meta, badge: null, children: null,
      content: el("div", {"class": "comment-content", dir: "auto"}), note: el("p", {"class": "mc-own-note"}),
      actions: el("div", {"class": "reply"})};
    setContent(node, c);
    // Replies and reports only on published comments (an author sees their pending one with status).
    var published = !c.status || c.status === "published";
    node.published = published;
    var replyButton = el("button", {type: "button", "class": "mc-link comment-reply-link", hidden: !published,
      "aria-label": t("replyLabel", {name: c.name})}, t("reply"));
    replyButton.addEventListener("click", function () { openReply(node, replyButton); });
    node.replyButton = replyButton;
    add(node.actions, replyButton);
    add(article, meta, node.content, node.note, node.actions);
    li.appendChild(article);
    nodes[c.id] = node;
    if (mine[c.id]) { ownActions(node, mine[c.id]); } else if (published) { reportButton(node); }
    return node;
  }
  function addTree(container, c, depth, replyTo) {
    var node = commentNode(c, depth, replyTo);
    container.appendChild(node.li);
    (c.replies || []).forEach(function (r) {
      if (depth < maxDepth) { addTree(childList(node), r, depth + 1, null); } else { addTree(container, r, depth, c.name); }
    });
    return node;
  }
  function childList(node) {
    if (!node.children) { node.children = el("ol", {"class": "children"}); node.li.appendChild(node.children); }
    return node.children;
  }
  function setCount(n) {
    config.count = n;
    heading.textContent = n === 0 ? t("countZero") : n === 1 ? t("countOne") : t("countOther", {n: n.toLocaleString(locale)});
  }

  // --- the page's comments -------------------------------------------------------------------
  function load(after) {
    var size = parseInt(opt("page-size"), 10);
    var path = "comments?" + threadQuery() + (order ? "&sort=" + order : "") + (size > 0 ? "&limit=" + Math.min(size, 200) : "") +
      (after ? "&after=" + encodeURIComponent(after) : "");
    return call("GET", path).then(function (res) {
      if (res.status !== 200) { throw res; }
      return res.data;
    });
  }
  function showPage(data, replace) {
    var frag = document.createDocumentFragment();
    if (replace) { list.textContent = ""; nodes = {}; }
    mine = {};
    own().forEach(function (o) { mine[o.id] = o; });
    data.comments.forEach(function (c) { addTree(frag, c, 1, null); });
    list.appendChild(frag);
    nextCursor = data.next;
    moreButton.hidden = !nextCursor;
    setCount(data.count);
    if (data.form_token) { formToken = data.form_token; }
  }
  function more() {
    moreButton.disabled = true;
    load(nextCursor).then(function (d) { showPage(d, false); }, failed).then(function () { moreButton.disabled = false; });
  }
  function failed(res) {
    announce(res && res.data && res.data.message ? res.data.message : t("offline"), "bad");
  }
  function announce(text, kind) {
    // "quiet": said to screen readers only, because the same words are visible beside the comment.
    status.textContent = "";
    status.className = "mc-status" + (kind ? " mc-" + kind : "");
    // A fresh text node after clearing makes screen readers announce a repeated message again.
    window.setTimeout(function () { status.textContent = text; }, 30);
  }

  // --- own comments: pending, edit, delete, watching for the decision -----------------------------
  function ownKey() { return "mc:own:" + site; }
  function own() {
    var month = Date.now() - 30 * 86400000;
    return stored(ownKey(), []).filter(function (o) { return o.at > month; });
  }
  function remember(item) {
    mine[item.id] = item;
    store(ownKey(), own().filter(function (o) { return o.id !== item.id; }).concat([item]));
  }
  function forget(id) { store(ownKey(), own().filter(function (o) { return o.id !== id; })); }
  function proof(item) {
    return item.token ? {headers: {"X-Edit-Token": item.token}, query: ""} : {headers: {}, query: "?moderation-hash=" + encodeURIComponent(item.hash)};
  }
  function fetchOwn(item) {
    var p = proof(item);
    return call("GET", "comments/" + item.id + p.query, null, p.headers);
  }
  function badge(node, text) {
    if (!node.badge) { node.badge = el("span", {"class": "mc-badge"}); node.meta.appendChild(node.badge); }
    node.badge.textContent = text;
  }
  function showStatus(node, c, quiet) {
    var published = c.status === "published";
    if (published !== node.published) { setCount(Math.max(0, config.count + (published ? 1 : -1))); }
    node.published = published;
    if (published) {
      node.replyButton.hidden = false;
      if (node.badge) { node.badge.remove(); node.badge = null; }
      node.note.textContent = quiet ? "" : t("published");
    } else if (c.status === "pending") {
      badge(node, t("pendingBadge"));
      node.note.textContent = t("pending");
    } else {
      badge(node, t("notPublishedBadge"));
      node.note.textContent = t("notPublished");
    }
  }
  function watch(node, item) {
    var delay = 700;
    function tick() {
      if (document.hidden) { waiting.push(tick); return; }  // resumed by visibilitychange
      fetchOwn(item).then(function (res) {
        if (res.status === 404) { node.note.textContent = ""; forget(item.id); return; }
        if (res.status !== 200) { throw res; }
        var c = res.data;
        if (c.status !== "pending" || c.body_html !== node.data.body_html) { node.data.body_html = c.body_html; setContent(node, c); }
        showStatus(node, c, false);
        if (c.status === "pending") { delay = Math.min(delay * 1.6, 30000); window.setTimeout(tick, delay); return; }
        announce(node.note.textContent, "quiet");
      }).catch(function () { delay = Math.min(delay * 2, 30000); window.setTimeout(tick, delay); });
    }
    window.setTimeout(tick, delay);
  }
  function editableUntil(node, item) {
    var until = Date.parse(node.data.created) + config.edit_window_minutes * 60000;
    return item.token && until > Date.now() ? until : 0;
  }
  function ownActions(node, item) {
    var until = editableUntil(node, item);
    if (!until) { return; }
    var edit = el("button", {type: "button", "class": "mc-link"}, t("edit"));
    var del = el("button", {type: "button", "class": "mc-link"}, t("delete"));
    edit.addEventListener("click", function () { startEdit(node, item, edit); });
    del.addEventListener("click", function () { confirmDelete(node, item, del); });
    add(node.actions, edit, del);
    window.setTimeout(function () { edit.remove(); del.remove(); }, Math.min(until - Date.now(), 2147483647));
  }
  function panel(node, opener, build) {
    if (node.panel) { node.panel.remove(); }
    var box = el("div", {"class": "mc-panel"});
    node.panel = box;
    function close(focus) { box.remove(); node.panel = null; if (focus !== false) { opener.focus(); } }
    build(box, close);
    node.actions.after(box);
    var first = box.querySelector("input, textarea, button");
    if (first) { first.focus(); }
  }
  function startEdit(node, item, opener) {
    fetchOwn(item).then(function (res) {
      if (res.status !== 200) { return failed(res); }
      panel(node, opener, function (box, close) {
        var id = uid + "-edit" + node.id;
        var area = el("textarea", {id: id, rows: "5", "aria-describedby": id + "-err"});
        area.value = res.data.body || "";
        var error = el("span", {"class": "mc-error", id: id + "-err"});
        var save = el("button", {type: "submit", "class": "mc-button"}, t("save"));
        var cancel = el("button", {type: "button", "class": "mc-button mc-secondary"}, t("cancel"));
        var f = add(el("form", {novalidate: true}), add(el("p"), el("label", {"for": id}, t("editLabel")), area, error),
          add(el("p", {"class": "mc-actions"}), save, cancel));
        cancel.addEventListener("click", close);
        f.addEventListener("submit", function (e) {
          e.preventDefault();
          var body = normaliseBody(area.value), problem = checkBody(body);
          if (problem) { return fieldError(area, error, problem); }
          save.disabled = true;
          var p = proof(item);
          call("PATCH", "comments/" + node.id, {body: body}, p.headers).then(function (r) {
            save.disabled = false;
            if (r.status !== 200) {
              if (r.data.fields && r.data.fields.body) { return fieldError(area, error, r.data.fields.body); }
              return failed(r);
            }
            close();
            delete node.data.body_html;
            node.data.body = body;
            setContent(node, node.data);
            showStatus(node, {status: "pending"});
            announce(t("pending"), "quiet");
            watch(node, item);
          }, function () { save.disabled = false; announce(t("offline"), "bad"); });
        });
        box.appendChild(f);
      });
    }, function () { announce(t("offline"), "bad"); });
  }
  function confirmDelete(node, item, opener) {
    panel(node, opener, function (box, close) {
      var yes = el("button", {type: "button", "class": "mc-button"}, t("confirmYes"));
      var no = el("button", {type: "button", "class": "mc-button mc-secondary"}, t("cancel"));
      add(box, el("p", {}, t("confirmDelete")), add(el("p", {"class": "mc-actions"}), yes, no));
      no.addEventListener("click", close);
      yes.addEventListener("click", function () {
        yes.disabled = true;
        call("DELETE", "comments/" + node.id, null, proof(item).headers).then(function (r) {
          if (r.status !== 200) { yes.disabled = false; return failed(r); }
          close(false);
          forget(item.id);
          var wasPublished = node.published;
          delete mine[item.id];
          node.actions.remove();
          if (node.badge) { node.badge.remove(); }
          node.note.textContent = "";
          node.content.textContent = "";
          node.content.appendChild(el("p", {"class": "mc-deleted"}, t("deletedPlaceholder")));
          if (wasPublished) { setCount(Math.max(0, config.count - 1)); }
          node.article.focus();
          announce(t("deleted"), "good");
        }, function () { yes.disabled = false; announce(t("offline"), "bad"); });
      });
    });
  }
  function reportButton(node) {
    var button = el("button", {type: "button", "class": "mc-link", "aria-label": t("reportLabel", {name: node.data.name})}, t("report"));
    button.addEventListener("click", function () { startReport(node, button); });
    node.actions.appendChild(button);
  }
  function startReport(node, opener) {
    panel(node, opener, function (box, close) {
      var set = add(el("fieldset"), el("legend", {}, t("reportLegend")));
      var error = el("span", {"class": "mc-error", id: uid + "-rerr" + node.id});
      ["spam", "abuse", "harassment", "misinformation", "other"].forEach(function (r) {
        var id = uid + "-r" + node.id + r;
        add(set, add(el("p", {"class": "mc-choice"}), el("input", {type: "radio", name: "reason", value: r, id: id}),
          el("label", {"for": id}, t("reason_" + r))));
      });
      set.appendChild(error);
      var textId = uid + "-rt" + node.id;
      var text = el("textarea", {id: textId, rows: "2", maxlength: "1000"});
      var send = el("button", {type: "submit", "class": "mc-button"}, t("reportSend"));
      var cancel = el("button", {type: "button", "class": "mc-button mc-secondary"}, t("cancel"));
      var f = add(el("form", {novalidate: true}), set, add(el("p"), el("label", {"for": textId}, t("reportText")), text),
        add(el("p", {"class": "mc-actions"}), send, cancel));
      cancel.addEventListener("click", close);
      f.addEventListener("submit", function (e) {
        e.preventDefault();
        var chosen = f.querySelector("input[name=reason]:checked");
        if (!chosen) { error.textContent = reason("required", "reason"); set.querySelector("input").focus(); return; }
        send.disabled = true;
        call("POST", "comments/" + node.id + "/report", {reason: chosen.value, text: text.value}).then(function (r) {
          send.disabled = false;
          if (r.status !== 201 && r.status !== 409) { return failed(r); }
          box.textContent = "";
          add(box, el("p", {role: "status", tabindex: "-1"}, r.status === 201 ? t("reported") : r.data.message));
          opener.remove();
          box.firstChild.focus();
        }, function () { send.disabled = false; announce(t("offline"), "bad"); });
      });
      box.appendChild(f);
    });
  }

  // --- the form ------------------------------------------------------------------------------
  function field(name, label, tag, attrs, required) {
    var id = uid + "-" + name;
    var input = el(tag, Object.assign({id: id, name: name, "aria-describedby": id + "-err", required: required}, attrs));
    var lab = el("label", {"for": id}, label);
    if (required) { add(lab, document.createTextNode(" "), el("span", {"class": "required", "aria-hidden": "true"}, "*")); }
    errors[name] = el("span", {"class": "mc-error", id: id + "-err"});
    inputs[name] = input;
    input.addEventListener("input", function () { if (input.getAttribute("aria-invalid")) { fieldError(input, errors[name], ""); } });
    return add(el("p", {"class": "comment-form-" + name}), lab, input, errors[name]);
  }
  function checkbox(name, label) {
    var id = uid + "-" + name;
    var box = el("input", {type: "checkbox", id: id, name: name});
    return [box, add(el("p", {"class": "mc-check comment-form-" + name}), box, el("label", {"for": id}, label))];
  }
  function buildForm() {
    respond = el("div", {"class": "comment-respond", id: uid + "-respond"});
    var title = el("h3", {"class": "comment-reply-title", id: uid + "-title"});
    titleText = el("span", {}, t("title"));
    cancelReply = el("button", {type: "button", "class": "mc-link", hidden: true}, t("cancelReply"));
    cancelReply.addEventListener("click", function () { closeReply(true); });
    add(title, titleText, add(el("small"), cancelReply));
    form = el("form", {"class": "comment-form mc-form", novalidate: true, "aria-labelledby": title.id});
    // The site's privacy page: what is stored, and the form to get a copy or erase it.
    var privacyHref = new URL("/privacy?site=" + encodeURIComponent(site) + "&lang=" + lang, script.src).href;
    var notes = add(el("p", {"class": "comment-notes"}), document.createTextNode(t("notes") + " " + t("requiredNote") + " "),
      el("span", {"class": "required", "aria-hidden": "true"}, "*"), document.createTextNode(" "),
      el("a", {href: privacyHref, "class": "mc-privacy", target: "_blank", rel: "noopener"}, t("privacyLink")));
    var must = config.require_name_email;
    add(form, notes,
      field("body", t("comment"), "textarea", {rows: "6"}, true),
      field("name", t("name"), "input", {type: "text", autocomplete: "name"}, must),
      field("email", t("email"), "input", {type: "email", autocomplete: "email"}, must),
      field("website", t("website"), "input", {type: "url", autocomplete: "url"}, false));
    var save = checkbox("save", t("saveDetails")), notify = checkbox("notify", t("notify"));
    saveBox = save[0]; notifyBox = notify[0];
    add(form, save[1], notify[1]);
    // Honeypot: off-screen, out of the tab order and hidden from screen readers; only bots fill it.
    var hpId = uid + "-hp";
    honeypot = el("input", {id: hpId, name: "homepage", tabindex: "-1", autocomplete: "off"});
    add(form, add(el("p", {"class": "mc-hp", "aria-hidden": "true"}), el("label", {"for": hpId}, t("honeypot")), honeypot));
    submit = el("button", {type: "submit", "class": "submit"}, t("submit"));
    add(form, add(el("p", {"class": "form-submit"}), submit));
    form.addEventListener("submit", onSubmit);
    var details = stored("mc:details", null);
    if (details) {
      ["name", "email", "website"].forEach(function (k) { inputs[k].value = details[k] || ""; });
      saveBox.checked = true;
    }
    add(respond, title, form);
    return respond;
  }
  function openReply(node, opener) {
    replyParent = node;
    replyOpener = opener;
    node.article.after(respond);
    titleText.textContent = t("replyTo", {name: node.data.name});
    cancelReply.hidden = false;
    inputs.body.focus();
  }
  function closeReply(focus) {
    var opener = replyOpener;
    replyParent = replyOpener = null;
    root.appendChild(respond);
    titleText.textContent = t("title");
    cancelReply.hidden = true;
    if (focus && opener) { opener.focus(); }
  }
  function length(s) { return Array.from(s).length; }  // code points, as the server counts
  function normaliseBody(s) { return s.replace(/\r\n?/g, "\n").trim(); }
  function checkBody(body) {
    if (!body) { return reason("required", "body"); }
    var m = body.match(CONTROL);
    if (m) { return reason("control_chars", "body", {char: codePoint(m[0])}); }
    if (length(body) > config.max_body_chars) { return reason("too_long", "body", {max: config.max_body_chars}); }
    return "";
  }
  function codePoint(ch) { return "U+" + ("000" + ch.charCodeAt(0).toString(16).toUpperCase()).slice(-4); }
  function checkAll(v) {
    // The server's rules (moderation/schemas.py), with its limits and its words.
    var out = {}, m;
    var body = checkBody(v.body);
    if (body) { out.body = body; }
    if (!v.name && config.require_name_email) { out.name = reason("required", "name"); }
    else if ((m = v.name.match(CONTROL_LINE))) { out.name = reason("control_chars", "name", {char: codePoint(m[0])}); }
    else if ((m = v.name.match(INVISIBLE))) { out.name = reason("invisible_chars", "name", {char: codePoint(m[0])}); }
    else if (length(v.name) > config.max_name) { out.name = reason("too_long", "name", {max: config.max_name}); }
    if (!v.email && config.require_name_email) { out.email = reason("required", "email"); }
    else if (length(v.email) > config.max_email) { out.email = reason("too_long", "email", {max: config.max_email}); }
    else if (v.email && !/^[^\s@]+@[^\s@]+$/.test(v.email)) { out.email = reason("email_invalid", "email"); }
    if (v.website) {
      var url = null;
      try { url = new URL(v.website); } catch (e) { url = null; }
      if (!/^https?:\/\//i.test(v.website)) { out.website = reason("url_scheme", "website"); }
      else if (!url || !url.hostname || /\s/.test(v.website)) { out.website = reason("url_invalid", "website"); }
      else if (length(v.website) > config.max_url) { out.website = reason("too_long", "website", {max: config.max_url}); }
    }
    return out;
  }
  function fieldError(input, span, text) {
    span.textContent = text;
    if (text) { input.setAttribute("aria-invalid", "true"); input.focus(); } else { input.removeAttribute("aria-invalid"); }
  }
  function showErrors(found) {
    var first = null;
    Object.keys(inputs).forEach(function (name) {
      errors[name].textContent = found[name] || "";
      if (found[name]) { inputs[name].setAttribute("aria-invalid", "true"); first = first || inputs[name]; } else { inputs[name].removeAttribute("aria-invalid"); }
    });
    if (first) { first.focus(); }
    return first;
  }
  function onSubmit(e) {
    e.preventDefault();
    if (sending) { return; }
    var v = {body: normaliseBody(inputs.body.value)};
    ["name", "email", "website"].forEach(function (k) { v[k] = inputs[k].value.trim(); });
    if (showErrors(checkAll(v))) { announce(t("fixFields"), "bad"); return; }
    sending = true;
    submit.disabled = true;
    submit.textContent = t("sending");
    announce(t("sending"));
    var payload = {site: site, thread: thread, title: opt("title") || document.title, parent: replyParent ? replyParent.id : null,
      name: v.name, email: v.email, website: v.website, body: v.body, form_token: formToken, homepage: honeypot.value,
      notify_replies: notifyBox.checked, author_token: saveBox.checked ? stored("mc:author:" + site, "") : ""};
    call("POST", "comments", payload).then(function (res) {
      if (res.status === 202) { return posted(res.data, v); }
      var fields = res.data.fields || {};
      showErrors(fields);
      announce((res.data.message || t("failed")), "bad");
      if (!Object.keys(fields).length) { submit.focus(); }
    }, function () { announce(t("offline"), "bad"); }).then(function () {
      sending = false;
      submit.disabled = false;
      submit.textContent = t("submit");
    });
  }
  function posted(data, v) {
    if (saveBox.checked) {
      store("mc:details", {name: v.name, email: v.email, website: v.website});
      store("mc:author:" + site, data.author_token || "");
    } else {
      store("mc:details", null);
      store("mc:author:" + site, null);
    }
    var item = {id: data.id, token: data.edit_token, thread: thread, at: Date.now()};
    remember(item);
    var parent = replyParent;
    var c = {id: data.id, parent: parent ? parent.id : null, name: v.name, website: v.website, body: v.body,
      created: new Date().toISOString(), avatar_seed: "", status: "pending"};
    var node = insert(c, parent);
    showStatus(node, {status: "pending"});
    inputs.body.value = "";
    closeReply(false);
    node.article.focus();
    announce(t("pending"), "quiet");
    watch(node, item);
    call("GET", "form-token?" + threadQuery()).then(function (r) { formToken = r.data.form_token || ""; }, function () { formToken = ""; });
  }
  function insert(c, parent) {
    var node;
    if (!parent) {
      node = commentNode(c, 1, null);
      if (order === "newest") { list.insertBefore(node.li, list.firstChild); } else { list.appendChild(node.li); }
    } else if (parent.depth < maxDepth) {
      node = commentNode(c, parent.depth + 1, null);
      childList(parent).appendChild(node.li);
    } else {
      node = commentNode(c, parent.depth, parent.data.name);
      parent.li.after(node.li);
    }
    return node;
  }

  // --- start -------------------------------------------------------------------------------
  function theme() {
    var chosen = opt("theme");
    if (chosen === "light" || chosen === "dark" || chosen === "auto") { return chosen; }
    var meta = document.querySelector("meta[name=color-scheme]");
    var scheme = (meta && meta.content) || getComputedStyle(document.documentElement).colorScheme || "";
    return /dark/.test(scheme) ? "auto" : "light";  // follow the reader's setting only where the site does
  }
  function addStyles() {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    } catch (e) {
      document.head.appendChild(el("link", {rel: "stylesheet", href: new URL("widget/widget.css", script.src).href}));
    }
  }
  function setLanguage(code) {
    lang = LANGS[code] ? code : "id";
    L = LANGS[lang];
    locale = L.locale || lang;
    rtf = new Intl.RelativeTimeFormat(locale, {numeric: "auto"});
    dtf = new Intl.DateTimeFormat(locale, {dateStyle: "long", timeStyle: "short"});
    root.setAttribute("lang", lang);
  }
  function canonical() {
    var link = document.querySelector("link[rel=canonical]");
    return link ? link.href : location.origin + location.pathname;
  }
  function start() {
    root = document.getElementById(script.getAttribute("data-target") || "comments");
    if (!root) { root = el("div"); script.after(root); }
    root.classList.add("mc-root");
    site = opt("site");
    thread = opt("thread") || canonical();
    order = opt("sort") === "newest" || opt("sort") === "oldest" ? opt("sort") : "";
    config = {};
    var code = (opt("lang") || document.documentElement.lang || "id").slice(0, 2).toLowerCase();
    lang = LANGS[code] ? code : "id";
    var loading = load(null);  // the one API call goes out first; the rest is set up while it travels
    root.setAttribute("data-theme", theme());
    addStyles();
    setLanguage(lang);
    heading = el("h2", {"class": "comments-title mc-count"}, t("loading"));
    status = el("p", {"class": "mc-status", role: "status", "aria-live": "polite"});
    root.textContent = "";
    add(root, heading, status);
    loading.then(function (data) {
      config = data.config;
      if (!opt("lang") && config.language) { setLanguage(config.language); }
      order = order || config.comment_order;
      maxDepth = Math.max(1, Math.min(10, parseInt(opt("max-depth"), 10) || config.thread_depth));
      var sortId = uid + "-sort", sort = el("select", {id: sortId});
      ["oldest", "newest"].forEach(function (o) { sort.appendChild(el("option", {value: o, selected: o === order}, t(o))); });
      sort.addEventListener("change", function () {
        order = sort.value;
        load(null).then(function (d) { showPage(d, true); }, failed);
      });
      var bar = add(el("div", {"class": "mc-bar"}), heading, add(el("span"), el("label", {"for": sortId}, t("sort") + " "), sort));
      list = el("ol", {"class": "comment-list mc-list"});
      moreButton = el("button", {type: "button", "class": "mc-button mc-secondary mc-more", hidden: true}, t("more"));
      moreButton.addEventListener("click", more);
      root.textContent = "";
      add(root, bar, list, moreButton, status, buildForm());
      showPage(data, true);
      if (window.performance && performance.mark) { performance.mark("moderation-widget-rendered"); }
      resumeOwn();
      window.setInterval(refreshTimes, 60000);
      root.dispatchEvent(new CustomEvent("moderation:ready", {bubbles: true, detail: {count: data.count}}));
    }, function (res) {
      heading.textContent = t("loadFailed");
      failed(res);
    });
  }
  function resumeOwn() {
    // The author's own comments on this page that are not (yet) among the published ones.
    var items = own().filter(function (o) { return o.thread === thread && !nodes[o.id] && o.at > Date.now() - 86400000; });
    var query = new URLSearchParams(location.search), unapproved = parseInt(query.get("unapproved"), 10);
    if (unapproved && query.get("moderation-hash") && !nodes[unapproved]) {
      items.push({id: unapproved, hash: query.get("moderation-hash"), thread: thread});
    }
    items.forEach(function (item) {
      fetchOwn(item).then(function (res) {
        if (res.status !== 200) { if (res.status === 404 && item.token) { forget(item.id); } return; }
        var c = res.data;
        if (nodes[c.id] || c.status === "deleted") { return; }
        var node = insert(c, c.parent && nodes[c.parent] ? nodes[c.parent] : null);
        showStatus(node, c, true);
        if (c.status === "pending") { watch(node, item); }
      });
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { return; }
    var queue = waiting;
    waiting = [];
    queue.forEach(function (f) { f(); });
    if (root && rtf) { refreshTimes(); }
  });
  // Start at once when the container is already there (the usual snippet puts it before the script).
  if (document.readyState !== "loading" || document.getElementById(script.getAttribute("data-target") || "comments")) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
