/* Comment widget: <script src="https://comments.example/static/embed.js" data-site="news"
   data-thread="https://news.example/page" data-lang="id|en" data-target="element-id"></script>
   Builds every element with the DOM API (textContent), so names and websites can never become
   markup; only body_html, already sanitised by the server (nh3), is inserted as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var site = script.getAttribute("data-site") || "";
  var thread = script.getAttribute("data-thread") || location.href.split("#")[0];
  var api = new URL("/api/v1/", script.src).href;
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "id").slice(0, 2) === "en" ? "en" : "id";
  var T = {
    id: {reply: "Tinggalkan Balasan", replyTo: "Balas ke ", cancel: "Batal", answer: "Balas",
      notes: "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *",
      comment: "Komentar", name: "Nama", email: "Email", website: "Situs web", send: "Kirim Komentar",
      sending: "Mengirim…", pending: "Komentar Anda menunggu moderasi.", none: "Belum ada komentar.",
      count: " Komentar", failed: "Komentar belum terkirim: ", offline: "Tidak dapat menghubungi server komentar."},
    en: {reply: "Leave a Reply", replyTo: "Reply to ", cancel: "Cancel", answer: "Reply",
      notes: "Your email address will not be published. Required fields are marked *",
      comment: "Comment", name: "Name", email: "Email", website: "Website", send: "Post Comment",
      sending: "Sending…", pending: "Your comment is awaiting moderation.", none: "No comments yet.",
      count: " Comments", failed: "Comment not sent: ", offline: "Cannot reach the comment server."}
  }[lang];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function setStyle(node, styles) {
    Object.keys(styles).forEach(function (k) { node.style[k] = styles[k]; });
    return node;
  }
  function query(path) {
    return api + path + "?site=" + encodeURIComponent(site) + "&thread=" + encodeURIComponent(thread);
  }

  var root = script.getAttribute("data-target") && document.getElementById(script.getAttribute("data-target"));
  if (!root) { root = el("div", {"class": "mc-root"}); script.parentNode.insertBefore(root, script.nextSibling); }
  var heading = el("h2", {"class": "mc-count"});
  var list = el("ol", {"class": "comment-list mc-list"});
  var status = el("p", {"class": "mc-status notice", role: "status", "aria-live": "polite", hidden: ""});
  root.appendChild(heading); root.appendChild(list); root.appendChild(status);

  var form = el("form", {"class": "comment-form mc-form", novalidate: ""});
  var respond = el("div", {id: "respond", "class": "comment-respond"});
  var title = el("h3", {"class": "mc-title"}, T.reply);
  var cancel = el("a", {href: "#respond", "class": "mc-cancel", hidden: ""}, " " + T.cancel);
  title.appendChild(cancel);
  respond.appendChild(title); respond.appendChild(form);
  form.appendChild(el("p", {"class": "comment-notes"}, T.notes));
  var inputs = {};
  function field(name, label, type, required, extra) {
    var p = el("p", {"class": "mc-field mc-" + name});
    var id = "mc-" + name + "-" + Math.random().toString(36).slice(2, 8);
    p.appendChild(el("label", {"for": id}, label + (required ? " *" : "")));
    var input = el(type === "textarea" ? "textarea" : "input", Object.assign({id: id, name: name}, extra || {}));
    if (type !== "textarea") { input.type = type; }
    if (required) { input.required = true; }
    p.appendChild(input);
    p.appendChild(el("span", {"class": "mc-error", role: "alert"}));
    form.appendChild(p);
    inputs[name] = input;
  }
  field("body", T.comment, "textarea", true, {rows: "6", maxlength: "5000"});
  field("name", T.name, "text", true, {maxlength: "245", autocomplete: "name"});
  field("email", T.email, "email", true, {maxlength: "254", autocomplete: "email"});
  field("website", T.website, "url", false, {maxlength: "2048", autocomplete: "url"});
  // Honeypot: off-screen, skipped by keyboard and screen readers; only bots fill it.
  var trap = el("p", {"class": "hp", "aria-hidden": "true"});
  // CSSOM, not a style attribute: pages with a strict CSP (no inline styles) still hide it.
  setStyle(trap, {position: "absolute", left: "-10000px", width: "1px", height: "1px", overflow: "hidden"});
  var honeypot = el("input", {name: "homepage", tabindex: "-1", autocomplete: "off"});
  trap.appendChild(honeypot); form.appendChild(trap);
  var submit = el("button", {type: "submit", "class": "mc-submit"}, T.send);
  var actions = el("p", {"class": "form-submit"}); actions.appendChild(submit); form.appendChild(actions);
  root.appendChild(respond);

  var token = "", parent = null;
  function fetchToken() {
    return fetch(query("form-token")).then(function (r) { return r.json(); })
      .then(function (d) { token = d.form_token || ""; }).catch(function () { token = ""; });
  }
  function avatar(c) {
    var seed = c.avatar_seed || "0";
    var hue = parseInt(seed.slice(0, 4), 16) % 360;
    var span = el("span", {"class": "mc-avatar", "aria-hidden": "true"}, (c.name || "?").charAt(0).toUpperCase());
    return setStyle(span, {display: "inline-block", width: "32px", height: "32px", borderRadius: "50%",
      color: "#fff", textAlign: "center", lineHeight: "32px", fontWeight: "700", marginRight: ".5em",
      background: "hsl(" + hue + ",55%,45%)"});
  }
  function renderComment(c) {
    var li = el("li", {id: "comment-" + c.id, "class": "comment"});
    var meta = el("p", {"class": "comment-meta"});
    meta.appendChild(avatar(c));
    var who = /^https?:\/\//i.test(c.website || "")
      ? el("a", {href: c.website, rel: "nofollow ugc noopener", target: "_blank"}, c.name)
      : el("strong", {}, c.name);
    meta.appendChild(who);
    meta.appendChild(el("time", {datetime: c.created, "class": "mc-time"}, " " + new Date(c.created).toLocaleString(lang === "id" ? "id-ID" : "en-GB")));
    li.appendChild(meta);
    var body = el("div", {"class": "comment-body"});
    body.innerHTML = c.body_html;  // sanitised server-side by nh3 with a strict allow-list
    li.appendChild(body);
    var replyLink = el("a", {href: "#respond", "class": "comment-reply-link"}, T.answer);
    replyLink.addEventListener("click", function (e) {
      e.preventDefault(); parent = c.id; li.appendChild(respond);
      title.firstChild.textContent = T.replyTo + c.name; cancel.hidden = false; inputs.body.focus();
    });
    li.appendChild(replyLink);
    if (c.replies && c.replies.length) {
      var sub = el("ol", {"class": "comment-list children"});
      c.replies.forEach(function (r) { sub.appendChild(renderComment(r)); });
      li.appendChild(sub);
    }
    return li;
  }
  function load() {
    return fetch(query("comments")).then(function (r) { return r.json(); }).then(function (d) {
      list.textContent = "";
      (d.comments || []).forEach(function (c) { list.appendChild(renderComment(c)); });
      heading.textContent = d.count ? d.count + T.count : T.none;
    }).catch(function () { heading.textContent = T.offline; });
  }
  cancel.addEventListener("click", function (e) {
    e.preventDefault(); parent = null; root.appendChild(respond);
    title.firstChild.textContent = T.reply; cancel.hidden = true;
  });
  function showErrors(fields) {
    form.querySelectorAll(".mc-error").forEach(function (s) { s.textContent = ""; });
    Object.keys(fields || {}).forEach(function (name) {
      var input = inputs[name];
      if (input) { input.parentNode.querySelector(".mc-error").textContent = fields[name]; }
    });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    submit.disabled = true; submit.textContent = T.sending; status.hidden = true;
    var payload = {site: site, thread: thread, title: document.title, parent: parent,
      name: inputs.name.value, email: inputs.email.value, website: inputs.website.value,
      body: inputs.body.value, form_token: token, homepage: honeypot.value};
    fetch(api + "comments", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload)})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, data: d}; }); })
      .then(function (res) {
        showErrors(res.ok ? {} : res.data.fields);
        status.hidden = false;
        if (res.ok) {
          status.textContent = T.pending;
          status.className = "mc-status notice mc-pending";
          inputs.body.value = "";
        } else {
          status.textContent = T.failed + (res.data.message || "");
          status.className = "mc-status notice mc-failed";
        }
      })
      .catch(function () { status.hidden = false; status.textContent = T.offline; })
      .then(function () { submit.disabled = false; submit.textContent = T.send; return fetchToken(); });
  });
  fetchToken(); load();
})();
