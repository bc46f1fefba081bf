/* Reordering the ordered lists (django-admin-sortable2's inlines, fieldset.sortable) without a
   mouse: "Move up" and "Move down" buttons on each saved row, beside its drag handle. A move
   does what a drag does: the rows' hidden positions (input._reorder_) become 1, 2, 3... in the
   order shown, and saving keeps it. The new place is announced. New rows go at the end when
   saved, and can be moved after that. Choosing in the last new row opens the next one. */
(function () {
  "use strict";

  function rows(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("tbody tr.has_original"));
  }

  function renumber(fieldset) {
    rows(fieldset).forEach(function (row, index) {
      var position = row.querySelector("input._reorder_");
      if (position && position.value !== String(index + 1)) {
        position.value = String(index + 1);
        // The unsaved-changes prompt counts a move as an edit.
        position.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function rowName(row) {
    var cell = row.querySelector("td.original p");
    var text = cell && cell.firstChild && cell.firstChild.textContent.trim();
    return text || "this row";
  }

  function button(text, row, step, fieldset, announce) {
    var control = document.createElement("button");
    control.type = "button";
    control.className = "row-move";
    control.textContent = text;
    control.setAttribute("aria-label", text + ": " + rowName(row));
    control.addEventListener("click", function () {
      var all = rows(fieldset);
      var index = all.indexOf(row);
      var target = all[index + step];
      var name = rowName(row);
      if (!target) {
        announce(name + " is already " + (step < 0 ? "first." : "last."));
        return;
      }
      target.insertAdjacentElement(step < 0 ? "beforebegin" : "afterend", row);
      renumber(fieldset);
      control.focus();  // moving the row took the focus from it
      announce(name + ": position " + (index + step + 1) + " of " + all.length + ".");
    });
    return control;
  }

  function attach(fieldset) {
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    fieldset.appendChild(live);
    function announce(text) { live.textContent = text; }
    rows(fieldset).forEach(function (row) {
      // The package's own move-to-first/last arrows are for the mouse; these replace them
      // for assistive technology.
      var arrows = row.querySelector("td.original span.sort");
      if (arrows) { arrows.setAttribute("aria-hidden", "true"); }
      // In the row's last field cell, after the field: the cell before Delete.
      var cell = row.querySelector("td.delete");
      cell = cell && cell.previousElementSibling;
      if (!cell || cell.querySelector(".row-moves")) { return; }
      var group = document.createElement("span");
      group.className = "row-moves";
      group.appendChild(button("Move up", row, -1, fieldset, announce));
      group.appendChild(button("Move down", row, 1, fieldset, announce));
      cell.appendChild(group);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("fieldset.sortable").forEach(attach);
  });

  // Picking in the last new row of an ordered list opens the next row, its search ready: a list
  // of treatments is typed name, Enter, name, Enter... Escape (or Tab, or going on elsewhere)
  // leaves the fresh row empty, and an untouched empty row is not saved (Django skips an extra
  // form nobody changed). Picking again in a row that is not the last opens nothing.
  function openNextRow(select) {
    var row = select.closest("tr.form-row");
    var fieldset = select.closest("fieldset.sortable");
    if (!row || !fieldset || row.classList.contains("has_original")) { return; }
    var all = fieldset.querySelectorAll("tbody tr.form-row:not(.empty-form)");
    if (all[all.length - 1] !== row) { return; }
    var add = fieldset.closest(".inline-group").querySelector(".add-row a");
    if (add && add.offsetParent !== null) { add.click(); }  // hidden at the list's maximum
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.django || !window.django.jQuery) { return; }
    window.django.jQuery(document).on("select2:select", "select.admin-autocomplete", function () {
      openNextRow(this);
    });
  });

  // A row added to pick something from a list (a treatment, a source) opens its search at once,
  // with the cursor in it: type, then Enter picks the first match. After the admin's own
  // handler has made the row's select a search (autocomplete.js, on the same event).
  document.addEventListener("formset:added", function (event) {
    var select = event.target.querySelector && event.target.querySelector("select.admin-autocomplete");
    if (!select || !window.django || !window.django.jQuery) { return; }
    window.setTimeout(function () {
      var $select = window.django.jQuery(select);
      if ($select.data("select2")) { $select.select2("open"); }
    }, 0);
  });
})();
