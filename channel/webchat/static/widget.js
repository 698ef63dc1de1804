// The client's side of a web chat: start a session, send, poll for replies,
// tap buttons. Text is always inserted as text, never as HTML.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  var key = chat.dataset.key;
  var base = "/widget/" + encodeURIComponent(key);
  var storeKey = "beseda-visitor-" + key;
  var token = localStorage.getItem(storeKey);
  var lastID = 0;
  var list = document.getElementById("messages");
  var errorBox = document.getElementById("error");
  var shown = {};

  function api(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers["X-Visitor-Token"] = token;
    return fetch(base + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error((data.error && data.error.message) || res.statusText);
          return data;
        });
      });
  }

  function showError(err) {
    errorBox.textContent = err ? err.message : "";
    errorBox.hidden = !err;
  }

  function render(m) {
    if (shown[m.id]) return;
    shown[m.id] = true;
    var li = document.createElement("li");
    li.className = "msg " + m.direction;
    li.dataset.id = m.id;
    li.appendChild(document.createTextNode(m.text));
    if (m.buttons && m.buttons.length) {
      var row = document.createElement("div");
      row.className = "buttons";
      m.buttons.forEach(function (b) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", function () {
          row.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
          api("POST", "/postback", { payload: b.payload }).then(poll).catch(showError);
        });
        row.appendChild(btn);
      });
      li.appendChild(row);
    }
    var t = document.createElement("time");
    t.dateTime = m.created_at;
    t.textContent = new Date(m.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    li.appendChild(t);
    // Keep the chat in id order even when a sent message shows before a reply
    // that was stored earlier.
    var next = Array.prototype.find.call(list.children, function (x) { return Number(x.dataset.id) > m.id; });
    list.insertBefore(li, next || null);
    list.scrollTop = list.scrollHeight;
  }

  var polling = false;
  function poll() {
    if (polling) return Promise.resolve();
    polling = true;
    // The first load shows the latest messages; later polls ask for newer ones.
    return api("GET", lastID ? "/messages?after=" + lastID : "/messages").then(function (msgs) {
      msgs.forEach(function (m) { render(m); lastID = Math.max(lastID, m.id); });
      showError(null);
    }).catch(function (err) {
      if (/token/i.test(err.message)) { localStorage.removeItem(storeKey); token = null; begin(); }
      else showError(err);
    }).then(function () { polling = false; });
  }

  function begin() {
    var start = document.getElementById("start");
    var composer = document.getElementById("composer");
    if (!token) {
      start.hidden = false;
      composer.hidden = true;
      return;
    }
    start.hidden = true;
    composer.hidden = false;
    poll();
  }

  document.getElementById("start").addEventListener("submit", function (e) {
    e.preventDefault();
    var name = document.getElementById("visitor-name").value;
    api("POST", "/sessions", { name: name }).then(function (s) {
      token = s.visitor_token;
      localStorage.setItem(storeKey, token);
      begin();
    }).catch(showError);
  });

  var text = document.getElementById("text");
  document.getElementById("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var value = text.value.trim();
    if (!value) return;
    api("POST", "/messages", { text: value }).then(function (m) {
      text.value = "";
      render(m);
      // lastID moves only by polling, so that a reply stored before this
      // message is still fetched.
      return poll();
    }).catch(showError);
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      document.getElementById("composer").requestSubmit();
    }
  });

  begin();
  setInterval(function () { if (token) poll(); }, 1500);
})();
