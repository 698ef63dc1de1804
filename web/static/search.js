// Search (issue 21): "/" (or Ctrl+K, ⌘K) goes to the search box from
// anywhere but a field being typed in; on a page without one it opens the
// search page.
(function () {
  "use strict";
  if (!document.body.dataset.user) return;
  document.addEventListener("keydown", function (e) {
    var slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey;
    var k = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey;
    if (!slash && !k) return;
    var t = e.target;
    if (slash && t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    var box = document.getElementById("q");
    if (box) { box.focus(); box.select(); return; }
    location.href = "/search";
  });
})();
