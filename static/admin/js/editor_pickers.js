/* Search-and-insert controls before each Markdown field of an article or treatment, each a
   combobox with a listbox, as in the WAI-ARIA Authoring Practices: type, pick with the arrow
   keys and Enter (Enter alone when one matches) or a click, and the code goes in at the cursor.
   An input event tells markdownx, which refreshes the live preview.
   - "Cite a source" (the textarea's data-cite-search, articles/admin/sources.py): the Sources
     by title, author, DOI or number, through the admin's own autocomplete; puts in [[cite N]].
   - "Link to a page" (data-link-search, articles/admin/page_links.py): articles and
     treatments by title, name or number; puts in [the selected text](article:N), or the page's
     title when nothing is selected, so the editor never leaves the form to find a link code.
   The suggestions typed in the text itself ([[) are editor_suggestions.js, which uses
   window.trdsiteEditor (below). */
(function () {
  "use strict";

  var WAIT_MS = 250;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) { node.textContent = text; }
    return node;
  }

  function newTabLink(href, text) {
    var link = element("a", { href: href, target: "_blank", rel: "noopener" }, text);
    link.appendChild(element("span", { "class": "visually-hidden" }, " (opens in a new tab)"));
    return link;
  }

  // Square brackets would end a Markdown link's text early.
  function linkText(text) {
    return text.replace(/\s+/g, " ").trim().replace(/([\[\]\\])/g, "\\$1");
  }

  var KINDS = {
    cite: {
      data: "citeSearch",
      label: "Cite a source",
      placeholder: "Title, author, DOI or number",
      found: ["source", "sources"],
      hint: function (hint, textarea) {
        hint.appendChild(document.createTextNode(
          "Pick one with ↑ ↓ and Enter: [[cite N]] goes in where the cursor is in the text (or " +
          "type [[ and a few letters of its title in the text). Not there? "));
        hint.appendChild(newTabLink(textarea.dataset.citeSources, "Open Sources"));
        hint.appendChild(document.createTextNode(" or "));
        hint.appendChild(newTabLink(textarea.dataset.citeAdd, "add a source"));
        hint.appendChild(document.createTextNode("."));
      },
      code: function (option) { return "[[cite " + option.dataset.id + "]]"; }
    },
    link: {
      data: "linkSearch",
      label: "Link to a page",
      placeholder: "Title, treatment or article number",
      found: ["page", "pages"],
      hint: function (hint) {
        hint.appendChild(document.createTextNode(
          "Pick one with ↑ ↓ and Enter: a link goes in where the cursor is, on the words you " +
          "selected in the text, or with the page's title as its words (or type [[ and a few " +
          "letters of its title in the text)."));
      },
      code: function (option, selected) {
        return "[" + linkText(selected || option.dataset.title) + "](" + option.dataset.id + ")";
      }
    }
  };

  function build(textarea, name, kind) {
    var id = textarea.id + "-" + name;
    var fieldName = (document.querySelector("label[for='" + textarea.id + "']") || {}).textContent;
    var box = element("div", { "class": "editor-picker " + name + "-picker", id: id });
    var label = element("label", { "for": id + "-search" },
      kind.label + (fieldName ? " in " + fieldName.replace(/:\s*$/, "") : ""));
    var input = element("input", {
      type: "search", id: id + "-search", role: "combobox", autocomplete: "off",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-results",
      "aria-describedby": id + "-hint", placeholder: kind.placeholder
    });
    var list = element("ul", {
      id: id + "-results", role: "listbox",
      "aria-label": kind.found[1].charAt(0).toUpperCase() + kind.found[1].slice(1) + " found"
    });
    list.hidden = true;
    var status = element("p", {
      "class": "editor-picker-status " + name + "-picker-status", role: "status"
    });
    var hint = element("p", {
      "class": "help editor-picker-hint " + name + "-picker-hint", id: id + "-hint"
    });
    kind.hint(hint, textarea);
    var row = element("div", { "class": "editor-picker-row" });
    row.appendChild(label);
    row.appendChild(input);
    box.appendChild(row);
    box.appendChild(list);
    box.appendChild(status);
    box.appendChild(hint);
    // Before the editor, after any picker already there: citing first, then linking.
    var container = textarea.closest(".markdownx") || textarea;
    container.parentNode.insertBefore(box, container);
    return { input: input, list: list, status: status };
  }

  function searchUrl(base, term) {
    return base + (base.indexOf("?") < 0 ? "?" : "&") + "term=" + encodeURIComponent(term);
  }

  function fetchResults(base, term) {
    return fetch(searchUrl(base, term), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) { return data.results || []; });
  }

  function attach(textarea, name) {
    var kind = KINDS[name];
    var parts = build(textarea, name, kind);
    var input = parts.input;
    var list = parts.list;
    var status = parts.status;
    var active = -1;
    var timer = null;
    var asked = 0;
    // Until the editor has been in the text, the code goes at its end.
    var placed = false;
    ["focus", "click", "keyup", "select"].forEach(function (event) {
      textarea.addEventListener(event, function () { placed = true; });
    });

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function show(results) {
      list.replaceChildren();
      results.forEach(function (result, i) {
        var option = element("li", {
          id: list.id + "-" + i, role: "option", "aria-selected": "false",
          "data-id": result.id, "data-title": result.title || result.text
        }, result.text);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { pick(option); });
        list.appendChild(option);
      });
      list.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
      status.textContent = results.length
        ? results.length + " " + kind.found[results.length === 1 ? 0 : 1] + " found."
        : "No " + kind.found[0] + " found.";
    }

    function search() {
      var term = input.value.trim();
      if (!term) { close(); status.textContent = ""; return; }
      var mine = ++asked;
      fetchResults(textarea.dataset[kind.data], term)
        .then(function (results) { if (mine === asked) { show(results); } })
        .catch(function () {
          if (mine === asked) { close(); status.textContent = "The search failed; try again."; }
        });
    }

    function pick(option) {
      var end = textarea.value.length;
      var start = placed ? textarea.selectionStart : end;
      var stop = placed ? textarea.selectionEnd : end;
      var code = kind.code(option, textarea.value.slice(start, stop));
      textarea.setRangeText(code, start, stop, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      list.replaceChildren();
      input.value = "";
      status.textContent = "Inserted " + code + ".";
      textarea.focus();
      placed = true;
    }

    input.addEventListener("input", function (event) {
      // A search is not an edit of the page: the unsaved-changes prompt need not know of it.
      event.stopPropagation();
      // Results are for the text as typed: none until the search for it answers.
      close();
      list.replaceChildren();
      window.clearTimeout(timer);
      timer = window.setTimeout(search, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden && options().length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        // Never submits the page's form from here.
        event.preventDefault();
        if (active >= 0 && !list.hidden) {
          pick(options()[active]);
        } else if (active < 0 && options().length === 1) {
          // One match for what was typed: Enter takes it, without a step to highlight it.
          pick(options()[0]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  // For editor_suggestions.js, loaded after this file.
  window.trdsiteEditor = {
    element: element, fetchResults: fetchResults, linkText: linkText, WAIT_MS: WAIT_MS
  };

  document.addEventListener("DOMContentLoaded", function () {
    Object.keys(KINDS).forEach(function (name) {
      document.querySelectorAll("textarea[data-" + name + "-search]").forEach(function (textarea) {
        attach(textarea, name);
      });
    });
  });
})();
