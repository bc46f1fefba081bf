/* A page numbers its citations in order of first use across its text: a treatment's summary,
   then its body (articles/markdown.py, citation_order). Each field's live preview is numbered
   on its own by the server; this numbers them on across the form's previews, in the order the
   fields come, so the preview shows the numbers the page will. */
(function () {
  "use strict";

  function renumber(form) {
    var numbers = {};
    var next = 1;
    form.querySelectorAll(".markdownx-preview sup.cite[data-source]").forEach(function (sup) {
      var source = sup.dataset.source;
      if (!numbers[source]) { numbers[source] = next++; }
      var link = sup.querySelector("a");
      if (link) {
        link.textContent = "[" + numbers[source] + "]";
        link.setAttribute("href", "#source-" + numbers[source]);
        link.setAttribute("aria-label", "Source " + numbers[source]);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var containers = document.querySelectorAll(".markdownx");
    if (containers.length < 2) { return; }
    containers.forEach(function (container) {
      // markdownx's update event doesn't bubble: one listener on each editor.
      container.addEventListener("markdownx.update", function () {
        renumber(container.closest("form") || document);
      });
    });
  });
})();
