// Two editors saved the same page (articles/admin/save_merge.py). The form works without this
// file; with it, the combined text of a conflict shows only when "Edit" is chosen, and the kept
// side is marked.
"use strict";
(function () {
  function update(block) {
    const chosen = block.querySelector(".merge-choices input:checked");
    const value = chosen ? chosen.value : "";
    const edit = block.querySelector(".merge-edit");
    if (edit) edit.hidden = value !== "edit";
    block.querySelector(".merge-theirs").classList.toggle("is-chosen", value === "theirs");
    block.querySelector(".merge-yours").classList.toggle("is-chosen", value === "mine");
  }
  function start() {
    document.querySelectorAll(".merge-block").forEach(function (block) {
      update(block);
      block.querySelectorAll(".merge-choices input").forEach(function (input) {
        input.addEventListener("change", function () {
          update(block);
          if (input.value === "edit") block.querySelector(".merge-edit textarea").focus();
        });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
