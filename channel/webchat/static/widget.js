// The client's side of a web chat: start a session (once: the token is kept
// in localStorage and reused), send, tap buttons, and hear about new messages
// from a stream that only says "something changed for you". Every word shown
// comes from the page (the server's catalog, in the visitor's language); text
// is always inserted as text, never as HTML.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var key = chat.dataset.key;
  var base = "/widget/" + encodeURIComponent(key);
  var storeKey = "beseda-visitor-" + key;
  var words = document.getElementById("strings").dataset;
  var token = null;
  try { token = localStorage.getItem(storeKey); } catch (e) { /* storage off: a session per page */ }
  var list = document.getElementById("messages");
  var empty = document.getElementById("empty");
  var errorBox = document.getElementById("error");
  var start = document.getElementById("start");
  var composer = document.getElementById("composer");
  var text = document.getElementById("text");
  var fileInput = document.getElementById("file");
  var pending = document.getElementById("pending");
  var maxUpload = Number(chat.dataset.maxUpload);
  var shown = {};
  // The browser's language: the client's standard messages speak it.
  var lang = (navigator.languages && navigator.languages[0]) || navigator.language || "";

  // The draft: what the client typed stays in this browser until it is
  // sent, through a reload or a refused send.
  var draftKey = "beseda-draft-" + key;
  function keep(fn) { try { return fn(localStorage); } catch (e) { return null; } }
  function saveDraft() {
    keep(function (s) { if (text.value.trim()) s.setItem(draftKey, text.value); else s.removeItem(draftKey); });
  }

  // stuck: the client is at the newest message. Then new messages, and
  // pictures that load after them (and grow them), keep it in view; a
  // client reading older messages is left where they are.
  // The scroll event of our own toBottom comes later, maybe after a picture
  // has grown the list: only a scroll to elsewhere (the client's) unsticks.
  var stuck = true, ownTop = -1;
  function atEnd() { return list.scrollHeight - list.scrollTop - list.clientHeight < 60; }
  function toBottom() { stuck = true; list.scrollTop = list.scrollHeight; ownTop = list.scrollTop; }
  list.addEventListener("scroll", function () { if (list.scrollTop !== ownTop) stuck = atEnd(); });
  // A message that grows after it is shown (its picture loads, a font
  // arrives, its lines wrap again) keeps a client at the end there too:
  // seen after layout, before the frame is drawn.
  var grown = window.ResizeObserver ? new ResizeObserver(function () { if (stuck) toBottom(); }) : null;

  // Failure carries an error code for the visitor's words, never the server's.
  function Failure(code, status) { this.code = code; this.status = status; }

  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers["X-Visitor-Token"] = token;
    return fetch(base + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .catch(function () { throw new Failure("offline", 0); })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) throw new Failure((data && data.error && data.error.code) || "", res.status);
          return data;
        });
      });
  }

  // say shows a failure in the visitor's words, or with notice a word that
  // is no failure (a form answered before).
  var shownError = null;
  function say(key, notice) {
    shownError = key;
    errorBox.textContent = key ? (words[key] || words.errGeneric) : "";
    errorBox.hidden = !key;
    errorBox.classList.toggle("notice", !!notice);
  }

  // fail shows a failure in the visitor's words; a lost session starts over.
  function fail(context) {
    return function (err) {
      if (!(err instanceof Failure)) { say("errGeneric"); return; }
      if (err.code === "unauthorized") { forget(); say("errSession"); return; }
      var byCode = { offline: "errOffline", too_many_attempts: "errBusy",
        invalid_input: context === "start" ? "errName" : context === "postback" ? "errButton" : "errInvalid" };
      say(byCode[err.code] || "errGeneric");
    };
  }

  function forget() {
    token = null;
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
    stopStream();
    show();
  }

  // build makes a message's item; shown keeps it by id.
  function build(m) {
    var li = document.createElement("li");
    li.className = "msg " + m.direction;
    li.dataset.id = m.id;
    if (m.text) li.appendChild(document.createTextNode(m.text));
    if (m.attachments && m.attachments.length) li.appendChild(files(m.attachments));
    var t = document.createElement("time");
    var at = m.released_at || m.created_at; // held automation: when it reached the client
    t.dateTime = at;
    t.textContent = new Date(at).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
    li.appendChild(t);
    buttons(li, m);
    shown[m.id] = li;
    if (grown) grown.observe(li);
    return li;
  }

  // buttons shows a message's buttons, again when they change: a rating
  // form the client answered shows their choice marked and the other
  // buttons off, and a tap on it says it was answered (R3: the first counts).
  function buttons(li, m) {
    var old = li.querySelector(".buttons");
    var state = JSON.stringify(m.buttons || []);
    if (old && old.dataset.state === state) return;
    if (old) old.remove();
    if (!m.buttons || !m.buttons.length) return;
    var answered = m.buttons.some(function (b) { return b.chosen; });
    var row = document.createElement("div");
    row.className = answered ? "buttons answered" : "buttons";
    row.dataset.state = state;
    m.buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.title;
      if (b.chosen) {
        btn.className = "chosen";
        btn.setAttribute("aria-pressed", "true");
        btn.title = words.chosen;
      } else if (answered) {
        btn.disabled = true;
      }
      btn.addEventListener("click", function () {
        if (answered) { say("answered", true); return; }
        row.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
        api("POST", "/postback", { payload: b.payload, locale: lang }).then(function (res) {
          // Answered meanwhile (another tab): the first tap counted.
          if (res && res.already_answered) say("answered", true);
          return refresh();
        }).catch(fail("postback"));
      });
      row.appendChild(btn);
    });
    li.insertBefore(row, li.querySelector("time"));
  }

  // render adds a message the client just sent at the end of the chat.
  function render(m) {
    if (shown[m.id]) return;
    list.appendChild(build(m));
    toBottom(); // one's own message always shows
  }

  // place puts the messages of a page where the server says they stand, each
  // after the one before it: held automation released after a dialog comes
  // after what was said during the dialog, though produced before it.
  function place(msgs) {
    // Whether the client is at the newest message is what they chose
    // (stuck), not where the list stands now: lines that wrapped or loaded
    // after our last scroll may have grown it beyond the end.
    var prev = null, added = false, stick = stuck;
    msgs.forEach(function (m) {
      var li = shown[m.id];
      if (!li) {
        li = build(m);
        added = true;
        if (m.direction === "in") stick = true; // one's own message always shows
      } else {
        buttons(li, m);
      }
      if (prev) {
        if (prev.nextSibling !== li) list.insertBefore(li, prev.nextSibling);
      } else if (!li.parentNode) {
        list.appendChild(li);
      }
      prev = li;
    });
    if (added && stick) toBottom();
  }

  // files shows a message's files: pictures inline (opened whole by a
  // click), others as links with name and size. Their addresses are signed
  // for this client by the server.
  function files(list) {
    var box = document.createElement("span");
    box.className = "files";
    list.forEach(function (a) {
      var link = document.createElement("a");
      link.href = a.url;
      if (/^image\/(png|jpeg|gif|webp|bmp|avif)/.test(a.content_type)) {
        link.className = "picture";
        link.target = "_blank";
        link.rel = "noopener";
        var img = document.createElement("img");
        img.src = a.url;
        img.alt = a.name;
        link.appendChild(img);
      } else {
        link.className = "file";
        link.download = a.name;
        link.textContent = a.name + " · " + size(a.size);
      }
      box.appendChild(link);
    });
    return box;
  }

  // size says how big a file is, in the page's language: kB or MB.
  function size(n) {
    var mb = n >= 1048576, v = mb ? n / 1048576 : Math.max(n / 1024, 0.1);
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en", { style: "unit", unit: mb ? "megabyte" : "kilobyte",
        unitDisplay: "short", maximumFractionDigits: v < 10 ? 1 : 0 }).format(v);
    } catch (e) { return v.toFixed(1) + (mb ? " MB" : " kB"); }
  }


  // Files to send are uploaded at once; the message then names them.
  function uploadFile(file) {
    var li = document.createElement("li");
    li.className = "uploading";
    li.appendChild(document.createTextNode(file.name + " "));
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = words.uploading;
    li.appendChild(state);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "×";
    remove.setAttribute("aria-label", words.remove + " " + file.name);
    li.appendChild(remove);
    pending.appendChild(li);
    pending.hidden = false;
    var xhr = new XMLHttpRequest();
    remove.addEventListener("click", function () {
      xhr.abort();
      li.remove();
      pending.hidden = !pending.children.length;
      updateSend();
    });
    function failed(word) { li.className = "failed"; state.textContent = word; updateSend(); }
    if (file.size > maxUpload) { failed(words.errTooLarge); return; }
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) state.textContent = Math.round(e.loaded * 100 / e.total) + "%";
    });
    xhr.addEventListener("load", function () {
      var res = null;
      try { res = JSON.parse(xhr.responseText); } catch (e) { /* a failure */ }
      if (xhr.status === 401) { forget(); say("errSession"); return; }
      if (xhr.status !== 201 || !res) { failed(xhr.status === 413 ? words.errTooLarge : words.errUpload); return; }
      li.className = "ready";
      li.dataset.id = res.id;
      state.textContent = size(res.size);
      updateSend();
    });
    xhr.addEventListener("error", function () { failed(words.errUpload); });
    var data = new FormData();
    data.append("file", file, file.name);
    xhr.open("POST", base + "/uploads");
    xhr.setRequestHeader("X-Visitor-Token", token);
    xhr.send(data);
    updateSend();
  }

  function readyIDs() {
    return Array.prototype.map.call(pending.querySelectorAll("li.ready"), function (li) { return Number(li.dataset.id); });
  }

  // updateSend: no sending while a file is on its way; a text is needed
  // only when no file is.
  function updateSend() {
    var busy = pending.querySelectorAll("li.uploading").length > 0;
    composer.querySelector("button[type=submit]").disabled = busy || !token;
    text.required = readyIDs().length === 0;
  }

  // refresh asks for the latest messages and places them as the server
  // orders them. It does not ask "after the last one": released messages
  // move to the end of the chat.
  var refreshing = null, again = false;
  function refresh() {
    if (!token) return Promise.resolve();
    if (refreshing) { again = true; return refreshing; }
    refreshing = api("GET", "/messages").then(function (msgs) {
      place(msgs);
      empty.hidden = list.children.length > 0;
      if (shownError === "errOffline") say(null);
    }).catch(fail("list")).then(function () {
      refreshing = null;
      if (again) { again = false; return refresh(); }
    });
    return refreshing;
  }

  // The stream: read with fetch (EventSource cannot send the token header),
  // resumed from the last event id after a drop.
  // Evicted: the server ended this stream for a newer one of this client
  // (too many tabs open); it is opened again when this tab is shown.
  var lastEventID = "", streamAbort = null, retryTimer = null, backoff = 1000, evicted = false;
  function stopStream() {
    if (streamAbort) streamAbort.abort();
    streamAbort = null;
    clearTimeout(retryTimer);
  }
  function openStream() {
    stopStream();
    evicted = false;
    if (!token || !window.fetch || !window.AbortController) return;
    var ctrl = new AbortController();
    streamAbort = ctrl;
    var headers = { "X-Visitor-Token": token };
    if (lastEventID) headers["Last-Event-ID"] = lastEventID;
    fetch(base + "/events", { headers: headers, signal: ctrl.signal }).then(function (res) {
      if (res.status === 401) { forget(); say("errSession"); return; }
      if (!res.ok || !res.body) throw new Error("stream");
      backoff = 1000;
      var reader = res.body.getReader(), decoder = new TextDecoder(), buf = "";
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) throw new Error("closed");
          buf += decoder.decode(r.value, { stream: true });
          var at;
          while ((at = buf.indexOf("\n\n")) !== -1) {
            frame(buf.slice(0, at));
            buf = buf.slice(at + 2);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      if (ctrl.signal.aborted || streamAbort !== ctrl) return;
      retryTimer = setTimeout(openStream, backoff);
      backoff = Math.min(backoff * 2, 30000);
    });
  }
  function frame(block) {
    var name = "message";
    block.split("\n").forEach(function (line) {
      if (line.indexOf("id: ") === 0) lastEventID = line.slice(4);
      else if (line.indexOf("event: ") === 0) name = line.slice(7);
    });
    // "ready" opens (or re-opens) the stream: anything may have been missed.
    if (name === "changed" || name === "ready") refresh();
    if (name === "evicted") { stopStream(); evicted = true; }
  }
  document.addEventListener("visibilitychange", function () {
    if (evicted && document.visibilityState === "visible" && token) openStream();
  });

  // show puts the page in one of two states: not started (the name form
  // only) or chatting (messages and composer only).
  function show() {
    var chatting = !!token;
    start.hidden = chatting;
    list.hidden = !chatting;
    composer.hidden = !chatting;
    text.disabled = !chatting;
    fileInput.disabled = !chatting;
    composer.querySelector("button").disabled = !chatting;
    if (!chatting) {
      empty.hidden = true;
      list.textContent = "";
      pending.textContent = "";
      pending.hidden = true;
      shown = {};
    }
  }

  function begin() {
    show();
    if (token) {
      if (!text.value) text.value = keep(function (s) { return s.getItem(draftKey); }) || "";
      refresh();
      openStream();
    }
  }

  // One session however often "Start chat" is pressed: the button is off
  // while a start is under way, and a kept token is reused.
  var starting = false;
  start.addEventListener("submit", function (e) {
    e.preventDefault();
    if (starting || token) { begin(); return; }
    starting = true;
    var btn = start.querySelector("button");
    btn.disabled = true;
    btn.textContent = words.starting;
    api("POST", "/sessions", { name: document.getElementById("visitor-name").value, locale: lang }).then(function (s) {
      token = s.visitor_token;
      try { localStorage.setItem(storeKey, token); } catch (x) { /* a session per page */ }
      say(null);
      begin();
      text.focus();
    }).catch(fail("start")).then(function () {
      starting = false;
      btn.disabled = false;
      btn.textContent = words.start;
    });
  });

  var sending = false;
  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var value = text.value.trim();
    var ids = readyIDs();
    if ((!value && !ids.length) || !token || sending || pending.querySelector("li.uploading")) return;
    sending = true;
    api("POST", "/messages", { text: value, attachment_ids: ids, locale: lang }).then(function (m) {
      text.value = "";
      saveDraft();
      pending.textContent = "";
      pending.hidden = true;
      say(null);
      render(m);
      empty.hidden = true;
    }).catch(fail("send")).then(function () { sending = false; updateSend(); });
  });
  text.addEventListener("input", saveDraft);
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  fileInput.addEventListener("change", function () {
    Array.prototype.forEach.call(fileInput.files, uploadFile);
    fileInput.value = "";
  });

  begin();
})();
