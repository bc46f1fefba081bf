/* Leaving a change form with unsaved edits asks first (the browser's own "Leave page?"
   prompt); submitting the form (Save, Preview) doesn't. Nothing is stored anywhere. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("#content-main form[method=post][id$=_form]");
    if (!form) { return; }
    // A form that came back refused (an unknown citation, a merge to choose, a missing field)
    // holds text saved nowhere else: it starts as changed, so leaving it asks too.
    var changed = Boolean(document.querySelector("#content-main .errornote"));
    var markChanged = function (event) {
      if (form.contains(event.target)) { changed = true; }
    };
    form.addEventListener("input", markChanged);
    form.addEventListener("change", markChanged);
    form.addEventListener("submit", function (event) {
      // Preview opens a new tab: the edits are still unsaved here.
      var submitter = event.submitter;
      if (!(submitter && submitter.name === "_preview")) { changed = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (!changed) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  });
}());
