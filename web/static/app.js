// Beseda console: keeps pages live from the event stream, and remembers the
// browser's time zone. Pages work without it; it only refreshes the parts of
// a page that changed, by fetching them again from the server (?fragment=).
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

  if (!body.dataset.user || !window.EventSource) return;
  var subscriber = body.dataset.subscriber;
  var dialog = body.dataset.dialog;
  var strings = document.getElementById("live-strings").dataset;

  // refresh fetches a fragment of this page and swaps it in, unless the
  // manager is typing in it.
  var pending = {};
  function refresh(containerId, fragment) {
    var box = document.getElementById(containerId);
    if (!box || pending[containerId]) return;
    if (box.contains(document.activeElement) && document.activeElement.matches("input, textarea, select")) return;
    if (box.querySelector(".attach-list li")) return; // files on their way (attach.js)
    pending[containerId] = true;
    var url = location.pathname + "?fragment=" + fragment + (location.search ? "&" + location.search.slice(1) : "");
    fetch(url, { credentials: "same-origin" }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      pending[containerId] = false;
      if (html === null) return;
      var scroll = box.classList.contains("scroll") && box.scrollHeight - box.scrollTop - box.clientHeight < 60;
      box.innerHTML = html;
      if (scroll) box.scrollTop = box.scrollHeight;
    }).catch(function () { pending[containerId] = false; });
  }

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
    setTimeout(function () { t.remove(); }, 8000);
    return t;
  }

  function bump(n) {
    var c = document.getElementById("unread");
    var count = Math.max(0, Number(c.dataset.count || 0) + n);
    c.dataset.count = count;
    c.textContent = count;
    c.hidden = count === 0;
  }

  function data(e) { try { return JSON.parse(e.data); } catch (x) { return {}; } }
  function about(ids) { return ids && subscriber && ids.indexOf(Number(subscriber)) !== -1; }

  function onChat(subscriberIds) {
    if (document.getElementById("chat-list")) refresh("chat-list-box", "chat-list");
    if (about(subscriberIds)) {
      refresh("chat-messages", "chat-messages");
      refresh("chat-composer", "chat-composer");
      refresh("chat-dialogs", "chat-dialogs");
      refresh("dialog-messages", "dialog-messages");
    }
  }

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
    if (offline) { offline.remove(); offline = null; }
    toast(strings.paused, null, "offline");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && source.readyState === EventSource.CLOSED) connect();
  });
  on("reset", function () { location.reload(); });
  on("message.created", function (e) {
    var m = data(e).data || {};
    onChat([m.subscriber_id]);
  });
  on("messages.updated", function (e) {
    onChat((data(e).data || {}).subscriber_ids);
  });
  on("dialog.changed", function (e) {
    var d = data(e).data || {};
    onChat([d.subscriber_id]);
    if (document.getElementById("dialogs-list")) refresh("dialogs-list", "dialogs-list");
    if (dialog && Number(dialog) === d.id) {
      refresh("dialog-panel", "dialog-panel");
      refresh("dialog-composer", "dialog-composer");
      var status = document.getElementById("dialog-status");
      if (status && status.className.indexOf(d.status) === -1) refresh("dialog-panel", "dialog-panel");
    }
  });
  on("notification.created", function (e) {
    var n = data(e).data || {};
    bump(1);
    toast(n.text, n.dialog_id ? "/dialogs/" + n.dialog_id : "/notifications");
    if (document.getElementById("notifications-page")) location.reload();
  });
  on("task.changed", function () {
    if (document.getElementById("notifications-page")) location.reload();
  });
  connect();

  // Keep a chat scrolled to its newest message.
  ["chat-messages", "dialog-messages"].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) box.scrollTop = box.scrollHeight;
  });
  // Enter sends, Shift+Enter makes a new line.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && e.target.matches(".composer textarea") && !e.target.disabled) {
      e.preventDefault();
      if (e.target.value.trim() || e.target.form.querySelector("input[name=attachment_ids]")) e.target.form.requestSubmit();
    }
  });
})();
