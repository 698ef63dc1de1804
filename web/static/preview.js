// A preview that follows the typing: a field with data-preview="ID" shows
// what it holds in the element with that id, at every keystroke, before
// anything is saved (Settings → Standard messages).
(function () {
  "use strict";
  document.addEventListener("input", function (e) {
    var id = e.target && e.target.dataset && e.target.dataset.preview;
    var out = id && document.getElementById(id);
    if (out) out.textContent = e.target.value;
  });
})();
