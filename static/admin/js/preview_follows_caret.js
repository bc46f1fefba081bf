/* The live preview follows the caret: when the caret moves in a Markdown editor, its preview
   (a pane that scrolls on its own, static/admin/css/editor_layout.css) scrolls to the same
   place: to the heading of the section the caret is in, and through that section in
   proportion to how far into it the caret is. Without headings, through the whole text in
   proportion. Only the preview pane scrolls, never the page; scrolling the preview by hand
   stays as it is until the caret moves again. */
(function () {
  "use strict";

  var ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
  var SETEXT_UNDERLINE = /^ {0,3}=+[ \t]*$/;
  var FENCE = /^ {0,3}(```|~~~)/;

  /* The line numbers (from 0) of the headings in `lines`, outside fenced code: the same
     headings, in the same order, as the preview's top-level h2–h6. */
  function headingLines(lines) {
    var found = [];
    var fence = null;
    lines.forEach(function (line, number) {
      var opening = FENCE.exec(line);
      if (fence) {
        if (opening && opening[1] === fence) { fence = null; }
        return;
      }
      if (opening) { fence = opening[1]; return; }
      if (ATX_HEADING.test(line)) {
        found.push(number);
      } else if (SETEXT_UNDERLINE.test(line) && number > 0 && lines[number - 1].trim() &&
                 found[found.length - 1] !== number - 1) {
        found.push(number - 1);
      }
    });
    return found;
  }

  /* Where the preview should be scrolled to for the caret at line `caret` of `lines`. */
  function target(preview, lines, caret) {
    var headings = preview.querySelectorAll(
      ":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6");
    var marks = headingLines(lines);
    var count = Math.min(headings.length, marks.length);
    // The section the caret is in: after heading `index` (or before the first, -1).
    var index = -1;
    while (index + 1 < count && marks[index + 1] <= caret) { index += 1; }
    var startLine = index < 0 ? 0 : marks[index];
    var endLine = index + 1 < count ? marks[index + 1] : lines.length;
    // The text's first section starts at the top of the preview (above its heading: the
    // "Preview" label).
    var top = startLine === 0 ? 0 : headings[index].offsetTop;
    var bottom = index + 1 < count ? headings[index + 1].offsetTop : preview.scrollHeight;
    var fraction = endLine > startLine ? (caret - startLine) / (endLine - startLine) : 0;
    // A little of what comes before, so the heading is not flush with the pane's edge.
    return Math.max(0, top + fraction * (bottom - top) - 16);
  }

  function follow(container) {
    var editor = container.querySelector("textarea");
    var preview = container.querySelector(".markdownx-preview");
    if (!editor || !preview) { return; }
    var lastCaret = null;
    var pending = false;

    function sync(force) {
      var caret = editor.value.slice(0, editor.selectionStart).split("\n").length - 1;
      if (caret === lastCaret && !force) { return; }
      lastCaret = caret;
      preview.scrollTop = target(preview, editor.value.split("\n"), caret);
    }

    function soon() {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; sync(false); });
    }

    ["keyup", "click", "focus", "select"].forEach(function (name) {
      editor.addEventListener(name, soon);
    });
    // markdownx replaces the preview's content after each change: place it again.
    container.addEventListener("markdownx.update", function () {
      if (document.activeElement === editor) { sync(true); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx").forEach(follow);
  });
})();
