// Beseda console: keeps pages live from the event stream without taking
// away what a person is doing in them, keeps what is typed in a composer
// until it is sent, sends composers without leaving the page, and makes
// panels and scrolling work from the keyboard and on a phone. Every page
// works without it: forms post and redirect, panels are <details>.
(function () {
  "use strict";
  var body = document.body;

  // The server shows times in the manager's zone; without a choice of theirs,
  // the browser's, which it learns from this cookie.
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=") === -1) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
      if (body.dataset.user) { location.reload(); return; }
    }
  } catch (e) { /* an old browser: UTC it is */ }

  if (!body.dataset.user) return;
  var user = body.dataset.user;
  var subscriber = body.dataset.subscriber;
  var dialog = body.dataset.dialog;
  var strings = document.getElementById("live-strings").dataset;

  // ---- Fields a person changed ------------------------------------------
  // A live update brings the server's idea of every field; those the person
  // has changed since the page loaded keep the person's.
  var touched = new WeakSet();
  function touch(e) {
    var el = e.target;
    if (!el.matches || !el.matches("input, textarea, select")) return;
    touched.add(el);
    // Ticking a radio unticks the others of its group without an event.
    if (el.type === "radio" && el.form) {
      Array.prototype.forEach.call(el.form.querySelectorAll("input[type=radio]"), function (r) {
        if (r.name === el.name) touched.add(r);
      });
    }
  }
  document.addEventListener("input", touch, true);
  document.addEventListener("change", touch, true);
  function isTouched(el) {
    return touched.has(el.matches("option") ? el.closest("select") : el);
  }

  // ---- Live updates: merge, never replace ---------------------------------
  // morph brings the server's new HTML into the page with idiomorph, which
  // matches elements by id and changes only what differs, so the element
  // with the focus, its caret and the scroll of every box stay. Kept as the
  // person left them: changed fields, open panels (<details open>), and what
  // the scripts made themselves (data-keep: files on their way, the reply
  // menu, a composer's error).
  function kept(node) { return node.nodeType === 1 && node.hasAttribute("data-keep"); }
  function morph(target, html) {
    Idiomorph.morph(target, html, {
      callbacks: {
        beforeAttributeUpdated: function (name, el) {
          if ((name === "value" || name === "checked" || name === "selected") && isTouched(el)) return false;
          if (name === "open" && el.matches("details")) return false;
          // replies.js describes its menu on the focused composer.
          if (name.indexOf("aria-") === 0 && el === document.activeElement) return false;
        },
        beforeNodeMorphed: function (old) { return !kept(old); },
        beforeNodeRemoved: function (old) { return !kept(old); }
      }
    });
  }

  // refresh fetches the live part of this page again (?fragment=live) and
  // morphs it in. One request at a time; changes meanwhile make one more.
  var busy = false, again = false;
  function refresh() {
    if (!document.getElementById("live") || !window.Idiomorph) return;
    if (busy) { again = true; return; }
    busy = true;
    var url = location.pathname + "?fragment=live" + (location.search ? "&" + location.search.slice(1) : "");
    fetch(url, { credentials: "same-origin" }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      if (html !== null) apply(html);
    }).catch(function () { /* offline: the next event tries again */ }).then(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }
  // mode says what the dialog's composer sends now: messages, or notes only.
  function mode() {
    var form = document.querySelector("form.composer");
    return form && (form.classList.contains("note-only") ? "notes" : "messages");
  }
  function apply(html) {
    var stick = atBottom() || sentOwn, was = mode(); // where the person is now, not at the last scroll event
    sentOwn = false;
    morph(document.getElementById("live"), html);
    var live = document.getElementById("live");
    if (live.dataset.title) document.title = live.dataset.title;
    // A colleague paused or resumed the dialog under a typed text: its
    // meaning stays (a note stays a note, never goes to the client
    // unasked), and the person is told.
    var now = mode(), form = document.querySelector("form.composer");
    if (was && now && was !== now && form.querySelector("textarea").value.trim()) {
      var sw = form.querySelector(".note-switch");
      if (now === "messages" && sw) { sw.checked = true; touched.add(sw); }
      var why = document.getElementById("locked-why");
      say(form, now === "notes" ? why && why.textContent.trim() : strings.keptAsNote);
    }
    restoreDrafts();
    watchList();
    if (stick) toNewest();
    document.dispatchEvent(new CustomEvent("beseda:morphed"));
  }

  // ---- Drafts ---------------------------------------------------------------
  // What is typed in a composer is kept in this browser, per manager and per
  // chat or dialog (the form's address), until it is sent: a reload, a
  // refused send or a closed tab does not lose it. Signing out forgets them.
  var DRAFT = "beseda-draft:" + user + ":";
  var MONTH = 30 * 24 * 3600 * 1000;
  function store(fn) { try { return fn(window.localStorage); } catch (e) { return null; } }
  function draftKey(form) { return DRAFT + form.getAttribute("action"); }
  function saveDraft(text) {
    var key = draftKey(text.form);
    store(function (s) {
      if (text.value.trim()) s.setItem(key, JSON.stringify({ text: text.value, at: Date.now() }));
      else s.removeItem(key);
    });
  }
  function dropDraft(form) { store(function (s) { s.removeItem(draftKey(form)); }); }
  function restoreDrafts() {
    Array.prototype.forEach.call(document.querySelectorAll("form.composer textarea"), function (text) {
      if (text.value || touched.has(text)) return; // the person's, or a refused form the server sent back
      var d = store(function (s) { return JSON.parse(s.getItem(draftKey(text.form)) || "null"); });
      if (d && d.text) { text.value = d.text; touched.add(text); }
    });
  }
  // Drafts nobody came back to for a month go.
  store(function (s) {
    for (var i = s.length - 1; i >= 0; i--) {
      var k = s.key(i);
      if (k.indexOf("beseda-draft:") !== 0) continue;
      try { if (Date.now() - JSON.parse(s.getItem(k)).at > MONTH) s.removeItem(k); } catch (e) { s.removeItem(k); }
    }
  });
  document.addEventListener("input", function (e) {
    if (e.target.matches("form.composer textarea")) saveDraft(e.target);
  });
  document.addEventListener("submit", function (e) {
    if (e.target.getAttribute("action") !== "/logout") return;
    store(function (s) {
      for (var i = s.length - 1; i >= 0; i--) if (s.key(i).indexOf(DRAFT) === 0) s.removeItem(s.key(i));
    });
  });

  // ---- Sending a composer ---------------------------------------------------
  // The script sends the composer itself and asks for the outcome (204, or
  // the status and the error in the manager's words): the page stays, and a
  // refused message (a colleague paused the dialog meanwhile…) keeps its text.
  var sending = new WeakSet(), sentOwn = false;
  function say(form, text) {
    var box = form.querySelector(".composer-error");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches("form.composer") || !window.fetch || !window.FormData) return;
    e.preventDefault();
    if (sending.has(form)) return;
    sending.add(form);
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var text = form.querySelector("textarea");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" } }).then(function (res) {
      if (res.status === 204) {
        dropDraft(form);
        if (text) { text.value = ""; touched.delete(text); }
        say(form, null);
        document.dispatchEvent(new CustomEvent("beseda:sent", { detail: form }));
        sentOwn = true; // one's own message: show it
        return;
      }
      return res.json().catch(function () { return {}; }).then(function (b) {
        say(form, (b && b.error && b.error.message) || strings.notSent);
      });
    }, function () { say(form, strings.notSent); }).then(function () {
      sending.delete(form);
      if (button) button.disabled = false;
      document.dispatchEvent(new CustomEvent("beseda:morphed")); // attach.js recounts its files
      refresh();
    });
  });
  // Enter sends, Shift+Enter makes a new line.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target.matches(".composer textarea") && !e.target.disabled) {
      e.preventDefault();
      if (e.target.value.trim() || e.target.form.querySelector("input[name=attachment_ids]")) e.target.form.requestSubmit();
    }
  });

  // ---- Scrolling to the newest message --------------------------------------
  // On wide screens the messages scroll in their own box; on a phone the
  // page scrolls. "The newest" is the bottom of whichever scrolls, with the
  // composer in view. stuck says the person is there: then new messages, and
  // pictures that load later and grow them, keep the newest in view.
  var stuck = true;
  function messagesBox() { return document.querySelector("#chat-messages, #dialog-messages"); }
  function atBottom() {
    var box = messagesBox();
    var last = box && box.querySelector(".messages > li:last-child");
    if (!last) return true;
    var edge = window.innerHeight || document.documentElement.clientHeight;
    if (box.scrollHeight > box.clientHeight + 1) edge = Math.min(edge, box.getBoundingClientRect().bottom);
    return last.getBoundingClientRect().bottom <= edge + 80;
  }
  function toNewest() {
    var box = messagesBox();
    if (!box) return;
    stuck = true;
    box.scrollTop = box.scrollHeight;
    // A confirmation waiting for an answer keeps the page where it is.
    if (document.getElementById("confirm")) return;
    var end = document.getElementById("composer") || box;
    var r = end.getBoundingClientRect();
    if (r.bottom > window.innerHeight || r.top < 0) end.scrollIntoView({ block: "end" });
  }
  document.addEventListener("scroll", function () { stuck = atBottom(); }, true);
  var resized = window.ResizeObserver && new ResizeObserver(function () { if (stuck) toNewest(); });
  function watchList() {
    var list = document.getElementById("messages");
    if (resized && list) resized.observe(list);
  }
  // A search hit's link (#m…) opens the chat or dialog at that message,
  // highlighted, instead of at the newest.
  function toFound() {
    var m = /^#m(\d+)$/.exec(location.hash);
    var el = m && document.getElementById("m" + m[1]);
    if (!el || !messagesBox()) return false;
    el.classList.add("found");
    el.scrollIntoView({ block: "center" });
    stuck = atBottom();
    return true;
  }
  restoreDrafts();
  watchList();
  if (!toFound()) toNewest();

  // ---- Panels: Escape, a click elsewhere, Cancel ----------------------------
  // Panels are <details>. Escape closes the innermost open one around the
  // focus (else an open dropdown) and gives the focus back to its toggle.
  function close(panel) {
    panel.open = false;
    var toggle = panel.querySelector("summary");
    if (toggle) toggle.focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    var panel = document.activeElement && document.activeElement.closest && document.activeElement.closest("details[open]");
    if (!panel) {
      var open = document.querySelectorAll("details.dropdown[open]");
      panel = open[open.length - 1];
    }
    if (panel) {
      e.preventDefault();
      close(panel);
      return;
    }
    // The confirmation of a status change: Escape is its Cancel.
    var cancel = document.getElementById("confirm-cancel");
    if (cancel && cancel.closest("#confirm").contains(document.activeElement)) {
      e.preventDefault();
      location.href = cancel.href;
    }
  });
  // A confirmation asks at once: the focus goes to it (read out with its
  // question), and Tab continues to its choices; nothing is pressed for you.
  var confirmBox = document.getElementById("confirm");
  if (confirmBox) confirmBox.focus({ preventScroll: true });
  document.addEventListener("click", function (e) {
    Array.prototype.forEach.call(document.querySelectorAll("details.dropdown[open]"), function (d) {
      if (!d.contains(e.target)) d.open = false;
    });
    // Cancel is a link back to the page (for a browser without the
    // script); here it empties the form and closes its panel.
    var cancel = e.target.closest && e.target.closest("[data-cancel]");
    if (!cancel) return;
    e.preventDefault();
    var form = cancel.closest("form");
    if (form) {
      form.reset();
      Array.prototype.forEach.call(form.elements, function (el) { touched.delete(el); });
    }
    var panel = cancel.closest("details[open]");
    if (panel) close(panel);
  });

  // ---- The event stream -----------------------------------------------------
  function toast(text, href, kind) {
    var t = document.createElement("div");
    t.className = "toast" + (kind ? " " + kind : "");
    t.setAttribute("role", "status");
    t.appendChild(document.createTextNode(text));
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = strings.open;
      t.appendChild(a);
    }
    document.getElementById("toasts").appendChild(t);
    // A notice goes after a while; a state (offline, paused) stays until
    // it ends, or a manager back from elsewhere would not know of it.
    if (kind !== "offline") setTimeout(function () { t.remove(); }, 8000);
    return t;
  }

  function bump(n) {
    var c = document.getElementById("unread");
    var count = Math.max(0, Number(c.dataset.count || 0) + n);
    c.dataset.count = count;
    c.textContent = count;
    c.hidden = count === 0;
  }

  if (!window.EventSource) return;
  var page = body.dataset.page;
  function data(e) { try { return JSON.parse(e.data); } catch (x) { return {}; } }
  function about(ids) { return ids && subscriber && ids.indexOf(Number(subscriber)) !== -1; }
  // The chat list shows every client's last message; a chat or a dialog, its client's.
  function onChat(ids) { if (page === "chats" || about(ids)) refresh(); }

  // The stream's handlers, by event name; connect opens the stream with them,
  // resuming after the last event seen.
  var source = null, offline = null, lastId = "", handlers = {};
  function on(name, fn) { handlers[name] = fn; }
  function connect() {
    source = new EventSource("/api/v1/events" + (lastId ? "?last_event_id=" + encodeURIComponent(lastId) : ""));
    source.addEventListener("open", function () { if (offline) { offline.remove(); offline = null; } });
    source.addEventListener("error", function () {
      if (!offline) offline = toast(strings.reconnecting, null, "offline");
    });
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (e) {
        if (e.lastEventId) lastId = e.lastEventId;
        handlers[name](e);
      });
    });
  }
  // Over the cap of live streams of one manager, the server ends the oldest
  // and says so: this tab stops (rather than reconnect and end another tab's
  // in turn) until it is shown again, when it resumes where it was.
  on("evicted", function () {
    source.close();
    if (offline) offline.remove();
    offline = toast(strings.paused, null, "offline");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && source.readyState === EventSource.CLOSED) connect();
  });
  on("reset", function () { location.reload(); });
  on("message.created", function (e) { onChat([(data(e).data || {}).subscriber_id]); });
  on("messages.updated", function (e) { onChat((data(e).data || {}).subscriber_ids); });
  on("dialog.changed", function (e) {
    var d = data(e).data || {};
    // The Dialogs tab lists them all; a dialog's page, its own and its client's.
    if ((page === "dialogs" && !dialog) || Number(dialog) === d.id) refresh();
    else onChat([d.subscriber_id]);
  });
  on("notification.created", function (e) {
    var n = data(e).data || {};
    bump(1);
    toast(n.text, n.dialog_id ? "/dialogs/" + n.dialog_id : "/notifications");
    if (page === "tasks") refresh();
  });
  on("task.changed", function () { if (page === "tasks") refresh(); });
  // A chat assigned, reassigned or unassigned (A6): its row and header.
  on("chat.assigned", function (e) { onChat([(data(e).data || {}).subscriber_id]); });
  // The availability switch applies on change; its button is for no script.
  var availability = document.getElementById("availability-form");
  if (availability) {
    availability.querySelector("button").hidden = true;
    availability.querySelector("select").addEventListener("change", function () { availability.submit(); });
  }
  connect();
})();

// The template picker (a client's window is closed): the chosen template's
// parameter fields are the form's, and the preview shows its body with what
// is typed in them.
(function () {
  "use strict";
  function form() { return document.getElementById("template-form"); }
  function update() {
    var f = form();
    if (!f) return;
    var pick = f.querySelector("#template-pick");
    var chosen = pick.value, body = "";
    var opt = pick.options[pick.selectedIndex];
    if (opt) body = opt.getAttribute("data-body") || "";
    f.querySelectorAll(".template-params").forEach(function (fs) {
      var on = fs.getAttribute("data-for") === chosen;
      fs.disabled = !on;
      fs.hidden = !on;
      if (!on) return;
      fs.querySelectorAll("input[data-n]").forEach(function (input) {
        var v = input.value.trim();
        if (v) body = body.split("{{" + input.getAttribute("data-n") + "}}").join(v);
      });
    });
    var preview = f.querySelector("#template-preview");
    if (preview) preview.textContent = body;
  }
  document.addEventListener("change", function (e) { if (e.target && e.target.id === "template-pick") update(); });
  document.addEventListener("input", function (e) { if (e.target && e.target.closest && e.target.closest("#template-form")) update(); });
})();
