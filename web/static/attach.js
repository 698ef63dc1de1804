// Files in the console's composers: picked, dropped or pasted files are
// uploaded at once (POST /api/v1/uploads with the session's CSRF token),
// each with its progress, and the form then carries their ids
// (attachment_ids). Without this script the form sends the files itself.
// Also the dialog composer's note mode: its placeholder follows the switch.
(function () {
  "use strict";
  var body = document.body;
  if (!body.dataset.user || !window.FormData || !window.XMLHttpRequest) return;

  function composer() { return document.querySelector("form.composer[data-max-upload]"); }

  // size says how big a file is, in the page's language: kB or MB.
  function size(n) {
    var mb = n >= 1048576, v = mb ? n / 1048576 : Math.max(n / 1024, 0.1);
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en", { style: "unit", unit: mb ? "megabyte" : "kilobyte",
        unitDisplay: "short", maximumFractionDigits: v < 10 ? 1 : 0 }).format(v);
    } catch (e) { return v.toFixed(1) + (mb ? " MB" : " kB"); }
  }

  // busy counts the uploads under way; the form is not sent meanwhile, and
  // the text is optional once a file is on its way.
  function update(form) {
    var list = form.querySelector(".attach-list");
    var busy = list.querySelectorAll("li.uploading").length;
    var ready = list.querySelectorAll("input[name=attachment_ids]").length;
    form.querySelector("button[type=submit]").disabled = busy > 0;
    var text = form.querySelector("textarea");
    if (text) text.required = ready === 0 && busy === 0;
  }

  function chip(list, file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    name.title = file.name;
    var note = document.createElement("span");
    note.className = "size";
    note.textContent = size(file.size);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "×";
    remove.setAttribute("aria-label", list.dataset.remove + " " + file.name);
    li.appendChild(name);
    li.appendChild(note);
    li.appendChild(remove);
    list.appendChild(li);
    return { li: li, note: note, remove: remove };
  }

  function upload(form, file) {
    var list = form.querySelector(".attach-list");
    var c = chip(list, file);
    var xhr = null;
    // Every chip can be removed, a refused one ("too large") too.
    c.remove.addEventListener("click", function () {
      if (xhr) xhr.abort();
      c.li.remove();
      update(form);
      var text = form.querySelector("textarea");
      if (text) text.focus();
    });
    function failed(word) {
      c.li.className = "failed";
      c.note.textContent = word;
      update(form);
    }
    if (file.size > Number(form.dataset.maxUpload)) { failed(list.dataset.tooLarge); return; }
    c.li.className = "uploading";
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.setAttribute("aria-label", list.dataset.uploading + " " + file.name);
    c.li.insertBefore(progress, c.remove);
    xhr = new XMLHttpRequest();
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) progress.value = Math.round(e.loaded * 100 / e.total);
    });
    xhr.addEventListener("load", function () {
      progress.remove();
      var res = null;
      try { res = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: a failure */ }
      if (xhr.status !== 201 || !res) {
        failed(xhr.status === 413 ? list.dataset.tooLarge : list.dataset.failed);
        return;
      }
      c.li.className = "ready";
      c.note.textContent = size(res.size);
      var id = document.createElement("input");
      id.type = "hidden";
      id.name = "attachment_ids";
      id.value = res.id;
      c.li.appendChild(id);
      update(form);
    });
    xhr.addEventListener("error", function () { progress.remove(); failed(list.dataset.failed); });
    var data = new FormData();
    data.append("file", file, file.name);
    xhr.open("POST", "/api/v1/uploads");
    xhr.setRequestHeader("X-CSRF-Token", body.dataset.csrf);
    xhr.send(data);
    update(form);
  }

  function uploadAll(form, files) {
    for (var i = 0; i < files.length; i++) upload(form, files[i]);
  }

  // The note switch's placeholder, which a live update (app.js) puts back
  // to the server's.
  function notePlaceholder(sw) {
    var text = sw.form.querySelector("textarea");
    if (!text.dataset.placeholder) text.dataset.placeholder = text.placeholder;
    text.placeholder = sw.checked ? sw.dataset.placeholder : text.dataset.placeholder;
  }

  // After a live update or a send (app.js), the composers' state again;
  // after a send, its files are gone with the message.
  document.addEventListener("beseda:sent", function (e) {
    var list = e.detail.querySelector(".attach-list");
    if (list) list.textContent = "";
  });
  document.addEventListener("beseda:morphed", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.composer[data-max-upload]"), function (form) {
      update(form);
      var sw = form.querySelector(".note-switch");
      if (sw) notePlaceholder(sw);
    });
  });

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches("form.composer .file-input")) {
      uploadAll(t.form, t.files);
      t.value = ""; // sent already: the form must not carry them again
    } else if (t.matches("form.composer .note-switch")) {
      notePlaceholder(t);
    }
  });

  // Files dropped anywhere on a page with a composer go to it (and never
  // make the browser leave the page to show them).
  function hasFiles(e) { return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") !== -1; }
  document.addEventListener("dragover", function (e) {
    var form = composer();
    if (!form || !hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    form.classList.add("dropping");
  });
  document.addEventListener("dragleave", function (e) {
    var form = composer();
    if (form && !e.relatedTarget) form.classList.remove("dropping");
  });
  document.addEventListener("drop", function (e) {
    var form = composer();
    if (!form || !hasFiles(e)) return;
    e.preventDefault();
    form.classList.remove("dropping");
    uploadAll(form, e.dataTransfer.files);
  });
  // A picture pasted into the text is attached.
  document.addEventListener("paste", function (e) {
    var form = e.target.closest && e.target.closest("form.composer[data-max-upload]");
    var files = e.clipboardData && e.clipboardData.files;
    if (!form || !files || !files.length) return;
    e.preventDefault();
    uploadAll(form, files);
  });
})();
