/* Images in the Markdown editor, for every way in: the "Insert image" button above each editor
   (a real file input behind it, so it works on touch screens), a file dropped on the editor, or
   an image pasted into it. Each asks for the alt text in a dialog first (readers who can't see
   the image get it instead; the save checks refuse an image without it), uploads through the
   editor's own endpoint (the same cleaning as markdownx's upload), and puts `![alt](address)`
   on a line of its own at the cursor, with blank lines around it, so it shows as a block and is
   never glued to a sentence. markdownx's own drop and paste handlers are kept from running:
   they insert `![](address)` mid-line, with no alt text.

   A refused upload is reported with the events markdownx fires, so markdownx_errors.js shows
   the server's reason under the editor, as for any upload, and the text stays as it was.
   `![decorative](address)` marks an image that only decorates (articles/markdown_images.py). */
(function () {
  "use strict";

  var DECORATIVE = "decorative";
  var dialog = null;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) { node.textContent = text; }
    return node;
  }

  /* One dialog for the page, built on first use, outside the admin's form (forms don't nest). */
  function altDialog() {
    if (dialog) { return dialog; }
    var node = element("dialog", {
      "class": "insert-image-dialog",
      "aria-labelledby": "insert-image-title",
      "aria-describedby": "insert-image-file"
    });
    var form = element("form", { method: "dialog", novalidate: "" });
    var title = element("h2", { id: "insert-image-title" }, "Describe the image");
    var file = element("p", { id: "insert-image-file", "class": "insert-image-file-name" });
    var label = element("label", { "for": "insert-image-alt" },
      "Describe the image for someone who can't see it");
    var alt = element("input", {
      type: "text",
      id: "insert-image-alt",
      "class": "vTextField",
      autocomplete: "off",
      required: "",
      "aria-describedby": "insert-image-alt-help insert-image-alt-error"
    });
    var help = element("p", { id: "insert-image-alt-help", "class": "help" },
      "What it shows and why it is here, in a sentence or two, as you would say it to a " +
      "reader on the phone. Screen readers read this out; it also shows if the image " +
      "doesn't load.");
    var error = element("p", {
      id: "insert-image-alt-error", "class": "errornote", role: "alert", hidden: ""
    });
    var decorativeRow = element("div", { "class": "insert-image-decorative" });
    var decorative = element("input", {
      type: "checkbox",
      id: "insert-image-decorative",
      "aria-describedby": "insert-image-decorative-help"
    });
    var decorativeLabel = element("label", { "for": "insert-image-decorative" },
      "This image is decorative");
    var decorativeHelp = element("p", { id: "insert-image-decorative-help", "class": "help" },
      "Only if readers lose nothing by not seeing it: screen readers will skip it. It is " +
      "written as ![" + DECORATIVE + "](…).");
    decorativeRow.append(decorative, decorativeLabel, decorativeHelp);
    var actions = element("div", { "class": "insert-image-actions" });
    var insert = element("button", { type: "submit", "class": "button default" }, "Insert image");
    var cancel = element("button", { type: "button", "class": "button cancel-link" }, "Cancel");
    actions.append(insert, cancel);
    form.append(title, file, label, alt, help, error, decorativeRow, actions);
    node.append(form);
    document.body.append(node);

    function hideError() {
      error.hidden = true;
      error.textContent = "";
      alt.removeAttribute("aria-invalid");
    }
    decorative.addEventListener("change", function () {
      // A decorative image has no description: the box is the answer.
      alt.disabled = decorative.checked;
      alt.required = !decorative.checked;
      hideError();
    });
    alt.addEventListener("input", hideError);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = alt.value.replace(/\s+/g, " ").trim();
      if (!decorative.checked && !text) {
        error.textContent = "Describe the image, or tick “This image is decorative” if " +
          "readers lose nothing without it.";
        error.hidden = false;
        alt.setAttribute("aria-invalid", "true");
        alt.focus();
        return;
      }
      node.close(decorative.checked ? DECORATIVE : text);
    });
    cancel.addEventListener("click", function () { node.close(""); });

    dialog = {
      /* Resolves with the alt text (DECORATIVE for a decorative image), or null if cancelled
         (Cancel, or Escape, which closes a modal dialog by itself). */
      ask: function (fileName) {
        return new Promise(function (resolve) {
          file.textContent = "File: " + fileName;
          alt.value = "";
          alt.disabled = false;
          alt.required = true;
          decorative.checked = false;
          hideError();
          node.returnValue = "";
          node.addEventListener("close", function () {
            resolve(node.returnValue || null);
          }, { once: true });
          node.showModal();
          alt.focus();
        });
      }
    };
    return dialog;
  }

  /* `![alt](url)`, with the characters that would end the alt text early escaped. */
  function imageMarkdown(alt, url) {
    return "![" + alt.replace(/[\\[\]`]/g, "\\$&") + "](" + url + ")";
  }

  /* The text with `snippet` on a line of its own in place of the selection, a blank line
     before it (unless it starts the text) and after it; the caret goes after that blank line,
     so what is typed next starts a paragraph of its own. (Blank lines at the end of the text
     are dropped on save.) */
  function onItsOwnLine(value, start, end, snippet) {
    var before = value.slice(0, start);
    var after = value.slice(end);
    var lead = before ? "\n".repeat(Math.max(0, 2 - before.match(/\n*$/)[0].length)) : "";
    var tail = "\n".repeat(Math.max(0, 2 - after.match(/^\n*/)[0].length));
    var caret = before.length + lead.length + snippet.length + 2;
    return { value: before + lead + snippet + tail + after, caret: caret };
  }

  function insert(editor, alt, url) {
    var placed = onItsOwnLine(
      editor.value, editor.selectionStart, editor.selectionEnd, imageMarkdown(alt, url));
    editor.value = placed.value;
    editor.setSelectionRange(placed.caret, placed.caret);
    // markdownx refreshes the preview on input; the unsaved-changes guard notes it too.
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function csrfToken() {
    var cookie = document.cookie.split("; ").filter(function (part) {
      return part.indexOf("csrftoken=") === 0;
    })[0];
    if (cookie) { return decodeURIComponent(cookie.slice("csrftoken=".length)); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* Resolves with the stored image's address; rejects with what markdownx_errors.js shows
     (the server's JSON of field errors, or a sentence). */
  function upload(editor, file) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken());
    data.append("image", file);
    return fetch(editor.getAttribute("data-markdownx-upload-urls-path"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" }
    }).catch(function () {
      throw "The image could not be uploaded: the server could not be reached. Check your " +
        "connection and try again.";
    }).then(function (response) {
      return response.text().then(function (body) {
        var answer = null;
        try { answer = JSON.parse(body); } catch (e) { answer = null; }
        var code = answer && answer.image_code;
        if (response.ok && typeof code === "string" && /^!\[\]\(.+\)$/.test(code)) {
          return code.slice(4, -1);
        }
        if (answer && typeof answer === "object" && !answer.image_code) { throw body; }
        throw "The image could not be uploaded (the server answered " + response.status +
          "). If you were signed out, sign in again in another tab, then try again.";
      });
    });
  }

  function setup(container) {
    var editor = container.querySelector("textarea.markdownx-editor");
    if (!editor || container.previousElementSibling &&
        container.previousElementSibling.classList.contains("insert-image")) {
      return;
    }
    var label = document.querySelector("label[for='" + editor.id + "']");
    var fieldName = label ? label.textContent.replace(/:\s*$/, "").trim() : "";
    var bar = element("div", { "class": "insert-image" });
    var button = element("button", { type: "button", "class": "button insert-image-button" },
      "Insert image");
    if (fieldName) { button.setAttribute("aria-label", "Insert image into " + fieldName); }
    var picker = element("input", { type: "file", accept: "image/*", hidden: "", tabindex: "-1" });
    var status = element("span", { "class": "insert-image-status", role: "status" });
    bar.append(button, picker, status);
    container.insertAdjacentElement("beforebegin", bar);

    var busy = Promise.resolve();

    function refused(detail) {
      status.textContent = "";
      container.dispatchEvent(new CustomEvent("markdownx.fileUploadError", { detail: [detail] }));
    }

    function ask(file) {
      return altDialog().ask(file.name || "pasted image");
    }

    /* One file: its alt text, then the upload (or, for a file that says it is no image, the
       upload first, so the server's reason comes before any question), then the insertion. */
    function place(file, returnFocus) {
      var looksLikeImage = /^image\//.test(file.type);
      var alt = null;
      var asked = looksLikeImage ? ask(file) : Promise.resolve("");
      return asked.then(function (answer) {
        alt = answer;
        returnFocus.focus();
        if (alt === null) { return null; }
        status.textContent = "Uploading " + (file.name || "the image") + "…";
        return upload(editor, file);
      }).then(function (url) {
        if (url === null) { return null; }
        return (looksLikeImage ? Promise.resolve(alt) : ask(file)).then(function (answer) {
          if (answer === null) { status.textContent = ""; return; }
          insert(editor, answer, url);
          status.textContent = "Image inserted.";
          container.dispatchEvent(new CustomEvent("markdownx.fileUploadEnd", { detail: [] }));
          editor.focus();
        });
      }).catch(refused);
    }

    function placeAll(files, returnFocus) {
      Array.prototype.forEach.call(files, function (file) {
        busy = busy.then(function () { return place(file, returnFocus); });
      });
    }

    button.addEventListener("click", function () { picker.click(); });
    // Choosing a file changes nothing in the page's form (nor its unsaved-changes guard) until
    // the image is inserted.
    picker.addEventListener("input", function (event) { event.stopPropagation(); });
    picker.addEventListener("change", function (event) {
      event.stopPropagation();
      var files = Array.prototype.slice.call(picker.files);
      picker.value = "";
      placeAll(files, button);
    });

    /* Capturing on the container runs before markdownx's own handlers on the editor; stopping
       the event there keeps them from running at all. */
    function takeFiles(event, files) {
      if (event.target !== editor || !files || !files.length) { return; }
      event.preventDefault();
      event.stopPropagation();
      placeAll(files, editor);
    }
    container.addEventListener("drop", function (event) {
      takeFiles(event, event.dataTransfer && event.dataTransfer.files);
    }, true);
    container.addEventListener("paste", function (event) {
      takeFiles(event, event.clipboardData && event.clipboardData.files);
    }, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx").forEach(setup);
  });
})();
