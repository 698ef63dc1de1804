// Saved replies in every composer: typing "/" and part of a name offers the
// workspace's matching replies; arrows move, Enter or Tab inserts, Escape
// closes, a click inserts too. The reply's text replaces the "/name" typed.
// Replies are loaded once per page, when first asked for.
(function () {
  "use strict";
  if (!document.body.dataset.user) return;
  var strings = (document.getElementById("live-strings") || { dataset: {} }).dataset;
  var label = strings.replies || "";
  var replies = null, loading = null;
  var menu = null, box = null, items = [], active = 0, token = null;

  function load() {
    if (replies) return Promise.resolve(replies);
    if (!loading) {
      loading = fetch("/api/v1/saved-replies", { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : []; })
        .catch(function () { return []; })
        .then(function (list) { replies = list; return list; });
    }
    return loading;
  }

  // slashToken is the "/word" being typed at the caret, if any.
  function slashToken(ta) {
    var before = ta.value.slice(0, ta.selectionStart);
    var m = /(^|\s)\/([^\s\/]*)$/.exec(before);
    if (!m) return null;
    return { start: before.length - m[2].length - 1, end: ta.selectionStart, query: m[2].toLowerCase() };
  }

  function close() {
    if (menu) menu.remove();
    if (box) {
      box.removeAttribute("aria-activedescendant");
      box.removeAttribute("aria-controls");
    }
    menu = null; items = []; token = null;
  }

  function choose(i) {
    var r = items[i];
    if (!r || !box || !token) return;
    var v = box.value;
    box.value = v.slice(0, token.start) + r.text + v.slice(token.end);
    var caret = token.start + r.text.length;
    box.setSelectionRange(caret, caret);
    close();
    box.focus();
    // As typing would: the draft is kept (app.js).
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function mark(i) {
    active = (i + items.length) % items.length;
    Array.prototype.forEach.call(menu.children, function (li, n) {
      li.setAttribute("aria-selected", n === active ? "true" : "false");
      if (n === active) { box.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
    });
  }

  function show(ta) {
    token = slashToken(ta);
    if (!token) { close(); return; }
    var t = token;
    load().then(function (list) {
      if (token !== t) return; // typed on meanwhile
      var q = t.query;
      var starts = list.filter(function (r) { return r.name.indexOf(q) === 0; });
      var inside = list.filter(function (r) { return r.name.indexOf(q) > 0; });
      var found = starts.concat(inside).slice(0, 8);
      if (!found.length) { var keep = token; close(); token = keep; hint(ta, list.length > 0); return; }
      if (menu) menu.remove();
      box = ta;
      items = found;
      menu = document.createElement("ul");
      menu.className = "reply-menu";
      menu.id = "reply-menu";
      menu.setAttribute("data-keep", ""); // the script's: live updates leave it (app.js)
      menu.setAttribute("role", "listbox");
      menu.setAttribute("aria-label", label);
      found.forEach(function (r, n) {
        var li = document.createElement("li");
        li.id = "reply-option-" + n;
        li.setAttribute("role", "option");
        li.dataset.name = r.name;
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = "/" + r.name;
        var preview = document.createElement("span");
        preview.className = "preview";
        preview.textContent = r.text;
        li.appendChild(name);
        li.appendChild(preview);
        // mousedown, not click: the box keeps its focus and caret.
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(n); });
        menu.appendChild(li);
      });
      ta.closest(".composer").appendChild(menu);
      ta.setAttribute("aria-controls", menu.id);
      mark(0);
    });
  }

  // hint says why "/" offers nothing: no saved reply matches, or there are
  // none yet — then, for those who may add them, where. It takes no keys:
  // Enter still sends, Escape closes it.
  function hint(ta, some) {
    var text = some ? strings.repliesNoMatch : strings.repliesNone;
    if (!text) return;
    box = ta;
    menu = document.createElement("ul");
    menu.className = "reply-menu reply-hint";
    menu.id = "reply-menu";
    menu.setAttribute("role", "status");
    var li = document.createElement("li");
    li.appendChild(document.createTextNode(text));
    if (!some && strings.repliesAdd) {
      var a = document.createElement("a");
      a.href = "/settings/saved-replies";
      a.textContent = strings.repliesAdd;
      // mousedown, not click: the box would close the hint on losing focus.
      a.addEventListener("mousedown", function (e) { e.preventDefault(); location.href = a.href; });
      li.appendChild(a);
    }
    menu.appendChild(li);
    ta.closest(".composer").appendChild(menu);
  }

  function isComposer(el) { return el && el.matches && el.matches(".composer textarea") && !el.disabled; }

  document.addEventListener("input", function (e) { if (isComposer(e.target)) show(e.target); });
  document.addEventListener("click", function (e) {
    if (menu && !menu.contains(e.target) && e.target !== box) close();
  });
  document.addEventListener("focusout", function (e) { if (e.target === box) setTimeout(function () { if (document.activeElement !== box) close(); }, 150); });
  // Capture: the menu's keys must not reach the "Enter sends" handler.
  document.addEventListener("keydown", function (e) {
    if (!menu || e.target !== box) return;
    if (!items.length) { // a hint: only Escape is its
      if (e.key === "Escape") { close(); e.preventDefault(); e.stopPropagation(); }
      return;
    }
    switch (e.key) {
      case "ArrowDown": mark(active + 1); break;
      case "ArrowUp": mark(active - 1); break;
      case "Enter": case "Tab":
        if (e.shiftKey) return;
        choose(active); break;
      case "Escape": close(); break;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation();
  }, true);
})();
