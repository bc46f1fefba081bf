/* markdownx reports a refused image upload only in the console, and types "Invalid response"
   into the editor. Show the server's reason under the editor instead and keep the text as it
   was, so an editor sees what went wrong and loses nothing. Also make the scrolling preview
   reachable by keyboard, and show the preview's safe-messaging notes (a block the server
   appends to it, articles/admin/editor_endpoints.py) between the editor and the preview, where
   they stay in view while the editor types. */
(function () {
  "use strict";

  function messagesFrom(detail) {
    var errors = detail && detail[0];
    if (typeof errors === "string") {
      try { errors = JSON.parse(errors); } catch (e) { return [errors]; }
    }
    var messages = [];
    if (errors && typeof errors === "object") {
      Object.keys(errors).forEach(function (key) {
        [].concat(errors[key]).forEach(function (message) { messages.push(String(message)); });
      });
    }
    return messages.length ? messages : ["The image could not be uploaded."];
  }

  function showError(container, messages) {
    var note = container.querySelector(".markdownx-upload-error");
    if (!note) {
      var editor = container.querySelector("textarea");
      note = document.createElement("p");
      note.className = "errornote markdownx-upload-error";
      note.id = editor.id + "-upload-error";
      note.setAttribute("role", "alert");
      // Right under the editor, where the file was dropped, and tied to it for screen readers.
      editor.insertAdjacentElement("afterend", note);
      editor.setAttribute("aria-describedby",
        ((editor.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    }
    note.textContent = messages.join(" ");
  }

  function showSafeMessaging(container, editor, preview) {
    var block = preview.querySelector(".safe-messaging-preview");
    var box = container.querySelector(".safe-messaging-live");
    if (!box) {
      box = document.createElement("div");
      box.className = "safe-messaging-live";
      box.id = editor.id + "-safe-messaging";
      // Announced politely when the notes change, not on every keystroke.
      box.setAttribute("role", "status");
      preview.insertAdjacentElement("beforebegin", box);
      editor.setAttribute("aria-describedby",
        ((editor.getAttribute("aria-describedby") || "") + " " + box.id).trim());
    }
    var text = block ? block.textContent : "";
    if (box.textContent === text) {
      if (block) { block.remove(); }
      return;
    }
    box.replaceChildren();
    if (block) { box.appendChild(block); }
  }

  function watch(container) {
    var editor = container.querySelector("textarea");
    var preview = container.querySelector(".markdownx-preview");
    if (preview) {
      // It scrolls, so keyboard users need to be able to focus it.
      preview.setAttribute("tabindex", "0");
      preview.setAttribute("role", "region");
      preview.setAttribute("aria-label", "Preview of " + (editor.name || "the text"));
    }
    function onError(event) {
      var before = editor.value;
      var start = editor.selectionStart;
      var end = editor.selectionEnd;
      showError(container, messagesFrom(event.detail));
      // markdownx inserts its placeholder right after firing this event.
      window.setTimeout(function () {
        editor.value = before;
        editor.setSelectionRange(start, end);
        editor.style.opacity = "1";
      }, 0);
    }
    if (preview) {
      container.addEventListener("markdownx.update", function () {
        showSafeMessaging(container, editor, preview);
      });
    }
    container.addEventListener("markdownx.fileUploadError", onError);
    container.addEventListener("fileUploadError", onError);
    container.addEventListener("markdownx.fileUploadEnd", function () {
      var note = container.querySelector(".markdownx-upload-error");
      if (note) { note.remove(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx").forEach(watch);
  });
})();
