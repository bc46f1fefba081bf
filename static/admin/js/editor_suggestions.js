/* Suggestions in the Markdown text itself, beside the pickers of editor_pickers.js (loaded
   first: its window.trdsiteEditor helpers are used here). Typing [[ and a few letters of a
   source's or a page's title lists both under the cursor (a listbox the textarea points at with
   aria-activedescendant); ↓ ↑ choose, Enter or Tab puts in the citation or the link in place of
   what was typed, Escape closes it and leaves the text as typed. [[cite 12]], [[treatments]]
   and [[figure 1]] typed in full never open it (a closing ]] or a number alone ends the
   search). */
(function () {
  "use strict";

  var element = window.trdsiteEditor.element;
  var fetchResults = window.trdsiteEditor.fetchResults;
  var linkText = window.trdsiteEditor.linkText;
  var WAIT_MS = window.trdsiteEditor.WAIT_MS;

  // What the text holds just before the caret when it asks for suggestions: [[ then at least
  // two characters, none of them a bracket or a line break.
  var TYPED = /\[\[([^\[\]\n]{2,60})$/;
  var MOST_EACH = 5;

  // Where the caret is, in the viewport: a copy of the textarea's text up to it, laid out in a
  // hidden box styled as the textarea, ends where the caret is.
  function caretPoint(textarea) {
    var style = window.getComputedStyle(textarea);
    var mirror = document.createElement("div");
    ["boxSizing", "width", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
      "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth",
      "fontFamily", "fontSize", "fontWeight", "fontStyle", "letterSpacing", "lineHeight",
      "textTransform", "wordSpacing", "tabSize"].forEach(function (prop) {
      mirror.style[prop] = style[prop];
    });
    mirror.style.position = "absolute";
    mirror.style.visibility = "hidden";
    mirror.style.whiteSpace = "pre-wrap";
    mirror.style.overflowWrap = "break-word";
    mirror.style.top = "0";
    mirror.style.left = "-9999px";
    mirror.textContent = textarea.value.slice(0, textarea.selectionStart);
    var mark = document.createElement("span");
    mark.textContent = "\u200b";
    mirror.appendChild(mark);
    document.body.appendChild(mirror);
    var box = textarea.getBoundingClientRect();
    var point = {
      x: box.left + mark.offsetLeft - textarea.scrollLeft,
      y: box.top + mark.offsetTop - textarea.scrollTop + mark.offsetHeight
    };
    document.body.removeChild(mirror);
    return { x: point.x, y: Math.min(Math.max(point.y, box.top), box.bottom) };
  }

  function attachSuggestions(textarea) {
    var id = textarea.id + "-suggestions";
    var list = element("ul", {
      id: id, role: "listbox", "class": "editor-suggestions",
      "aria-label": "Sources and pages to put in"
    });
    list.hidden = true;
    var status = element("p", { "class": "visually-hidden", role: "status" });
    document.body.appendChild(list);
    (textarea.closest(".markdownx") || textarea).appendChild(status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", id);
    var active = -1;
    var timer = null;
    var asked = 0;
    var typedAt = -1;  // where the [[ being completed starts
    var dismissed = -1;  // a [[ whose list was closed with Escape: not reopened

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      textarea.removeAttribute("aria-activedescendant");
      active = -1;
      asked += 1;  // an answer still on its way is for text no longer there
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      textarea.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function place() {
      var point = caretPoint(textarea);
      var width = Math.min(24 * 16, window.innerWidth - 16);
      list.style.width = width + "px";
      list.style.left = Math.max(8, Math.min(point.x, window.innerWidth - width - 8)) + "px";
      list.style.top = Math.min(point.y + 4, window.innerHeight - 40) + "px";
    }

    function show(items) {
      list.replaceChildren();
      items.forEach(function (item, i) {
        var option = element("li", {
          id: id + "-" + i, role: "option", "aria-selected": "false", "data-code": item.code
        });
        option.appendChild(element("span", { "class": "editor-suggestion-kind" }, item.kind));
        option.appendChild(document.createTextNode(" " + item.text));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { pick(option); });
        list.appendChild(option);
      });
      if (!items.length) { close(); status.textContent = "Nothing found to put in."; return; }
      list.hidden = false;
      place();
      highlight(0);
      status.textContent = items.length + (items.length === 1 ? " suggestion" : " suggestions") +
        ": ↓ ↑ to choose, Enter to put it in, Escape to close.";
    }

    function search(term) {
      var mine = ++asked;
      var cites = /^cite\s/i.test(term);
      term = term.replace(/^cite\s+/i, "");
      var wanted = [];
      if (textarea.dataset.citeSearch) {
        wanted.push(fetchResults(textarea.dataset.citeSearch, term).then(function (results) {
          return results.slice(0, MOST_EACH).map(function (result) {
            return { kind: "Cite:", text: result.text, code: "[[cite " + result.id + "]]" };
          });
        }));
      }
      if (textarea.dataset.linkSearch && !cites) {
        wanted.push(fetchResults(textarea.dataset.linkSearch, term).then(function (results) {
          return results.slice(0, MOST_EACH).map(function (result) {
            return {
              kind: "Link:", text: result.text,
              code: "[" + linkText(result.title || result.text) + "](" + result.id + ")"
            };
          });
        }));
      }
      Promise.all(wanted).then(function (groups) {
        if (mine === asked) { show([].concat.apply([], groups)); }
      }).catch(function () {
        if (mine === asked) { close(); status.textContent = "The search failed; try again."; }
      });
    }

    function pick(option) {
      var code = option.dataset.code;
      var end = textarea.selectionStart;
      textarea.setRangeText(code, typedAt, end, "end");
      close();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = "Put in " + code + ".";
      textarea.focus();
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      var caret = textarea.selectionStart;
      var found = textarea.selectionStart === textarea.selectionEnd &&
        TYPED.exec(textarea.value.slice(Math.max(0, caret - 62), caret));
      // A number alone is a citation typed in full ([[cite 12]]): nothing to look up.
      if (!found || /^(cite\s+)?\d+$/i.test(found[1].trim())) {
        if (!list.hidden) { close(); }
        dismissed = -1;
        return;
      }
      typedAt = caret - found[0].length;
      if (typedAt === dismissed) { return; }
      timer = window.setTimeout(function () { search(found[1].trim()); }, WAIT_MS);
    });
    // On the textarea's parent, capturing: before markdownx's own keys on the textarea (Tab
    // indents there), which a key used here never reaches.
    // Whether the caret is still at the end of the [[ being completed (a click or an arrow key
    // may have moved it): if not, the list is for text elsewhere and no key is taken from it.
    function stillTyping() {
      var caret = textarea.selectionStart;
      return typedAt >= 0 && caret === textarea.selectionEnd && caret > typedAt &&
        /^\[\[[^\[\]\n]{2,60}$/.test(textarea.value.slice(typedAt, caret));
    }

    textarea.parentNode.addEventListener("keydown", function (event) {
      if (event.target !== textarea || list.hidden) { return; }
      // Moving the caret away leaves the list for what it was: closed.
      if (!stillTyping() || /^(ArrowLeft|ArrowRight|Home|End|PageUp|PageDown)$/.test(event.key)) {
        close();
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        event.stopPropagation();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 &&
                 !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        event.stopPropagation();
        pick(options()[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        dismissed = typedAt;
        close();
        status.textContent = "Closed: the text stays as typed.";
      }
    }, true);
    textarea.addEventListener("blur", function () { window.setTimeout(close, 150); });
    textarea.addEventListener("click", function () {
      if (!list.hidden && !stillTyping()) { close(); }
    });
    textarea.addEventListener("scroll", function () { if (!list.hidden) { place(); } });
    window.addEventListener("resize", function () { if (!list.hidden) { place(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-cite-search], textarea[data-link-search]")
      .forEach(attachSuggestions);
  });
})();
