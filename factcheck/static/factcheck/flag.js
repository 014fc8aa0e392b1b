// Flag by selecting text: turn the selection into the exact text and its character offsets in
// the article and put them into the flag form. A floating "Flag" button appears at the selection
// (mouse, keyboard or touch); it opens the form right there, warning when the words overlap a
// claim already on the desk. A refused flag shows its errors where the person acted.
(function () {
  "use strict";
  var article = document.getElementById("article-text");
  var form = document.getElementById("flag-form");
  if (!article || !form) { return; }
  var hint = document.getElementById("flag-hint");
  var picker = document.getElementById("paragraph-picker");
  var hasErrors = !!form.querySelector(".is-invalid, .invalid-feedback, .alert-danger");
  if (picker && !hasErrors) { picker.open = false; }

  var floatButton = document.createElement("button");
  floatButton.type = "button";
  floatButton.id = "flag-float";
  floatButton.className = "btn btn-primary btn-sm shadow flag-float";
  floatButton.textContent = "Flag";
  floatButton.setAttribute("aria-label", "Flag the selected words for checking");
  floatButton.hidden = true;
  article.insertAdjacentElement("afterend", floatButton);

  var overlap = document.createElement("div");
  overlap.id = "flag-overlap";
  overlap.className = "alert alert-warning small py-1 px-2";
  overlap.setAttribute("role", "status");
  overlap.hidden = true;
  form.insertBefore(overlap, form.firstChild);

  var close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close float-end flag-close";
  close.setAttribute("aria-label", "Close the flag form");
  close.hidden = true;
  form.insertBefore(close, form.firstChild);

  var anchor = null; // where the selection ends, in page coordinates

  // The server counts characters (code points); the DOM counts UTF-16 units,
  // which differ after an emoji or any character outside the BMP.
  function codePoints(text) { return Array.from(text).length; }

  function offsetOf(node, offset) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var segment = element && element.closest("[data-offset]");
    if (!segment || !article.contains(segment)) { return null; }
    var units = node.nodeType === Node.TEXT_NODE ? offset : (offset === 0 ? 0 : segment.textContent.length);
    return parseInt(segment.dataset.offset, 10) + codePoints(segment.textContent.slice(0, units));
  }

  function place(element, x, y) {
    var width = element.offsetWidth || 0;
    var left = Math.max(8, Math.min(x, window.scrollX + document.documentElement.clientWidth - width - 8));
    element.style.left = left + "px";
    element.style.top = y + "px";
  }

  function overlapping(range) {
    var ids = {};
    article.querySelectorAll("mark[data-claims]").forEach(function (mark) {
      if (range.intersectsNode(mark)) {
        mark.dataset.claims.trim().split(/\s+/).forEach(function (id) { if (id) { ids[id] = true; } });
      }
    });
    return Object.keys(ids);
  }

  function showOverlap(ids) {
    overlap.replaceChildren();
    overlap.hidden = ids.length === 0;
    if (!ids.length) { return; }
    overlap.append("These words overlap ");
    ids.forEach(function (id, i) {
      var link = document.createElement("a");
      link.href = "/claims/" + id + "/";
      link.textContent = "claim #" + id;
      if (i) { overlap.append(", "); }
      overlap.append(link);
    });
    overlap.append(" already on the desk. Flag them anyway only if this is a different claim.");
  }

  function openHere(x, y) {
    form.classList.add("flag-popover");
    close.hidden = false;
    place(form, x, y);
    var first = form.querySelector(".is-invalid") || form.querySelector("[name=kind]");
    if (first) { first.focus(); }
  }

  function closeForm() {
    form.classList.remove("flag-popover");
    form.style.left = form.style.top = "";
    close.hidden = true;
  }

  function onSelect() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { floatButton.hidden = true; return; }
    var range = selection.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer)) { return; }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    var startPara = range.startContainer.parentElement && range.startContainer.parentElement.closest("p");
    var endPara = range.endContainer.parentElement && range.endContainer.parentElement.closest("p");
    if (start === null || end === null || end <= start) { return; }
    if (startPara !== endPara) {
      hint.textContent = "Select words within one paragraph.";
      floatButton.hidden = true;
      return;
    }
    var text = selection.toString();
    // Trim the selection's surrounding spaces, keeping offsets exact.
    var lead = codePoints(text) - codePoints(text.replace(/^\s+/, ""));
    var trail = codePoints(text) - codePoints(text.replace(/\s+$/, ""));
    text = text.trim();
    if (!text) { return; }
    form.querySelector("[name=span_start]").value = start + lead;
    form.querySelector("[name=span_end]").value = end - trail;
    form.querySelector("[name=text]").value = text;
    form.querySelectorAll("[name=paragraph]").forEach(function (radio) { radio.checked = false; });
    hint.textContent = "Selected: “" + (text.length > 120 ? text.slice(0, 119) + "…" : text) + "”";
    form.classList.add("border-primary");
    showOverlap(overlapping(range));
    var rects = range.getClientRects();
    var last = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    anchor = { x: window.scrollX + last.left, y: window.scrollY + last.bottom + 6 };
    floatButton.hidden = false;
    place(floatButton, window.scrollX + last.right - 20, window.scrollY + last.bottom + 6);
  }

  var pending = null;
  document.addEventListener("selectionchange", function () {  // mouse, keyboard and touch alike
    clearTimeout(pending);
    pending = setTimeout(onSelect, 120);
  });
  article.addEventListener("mouseup", onSelect);
  article.addEventListener("keyup", onSelect);
  floatButton.addEventListener("click", function () {
    floatButton.hidden = true;
    if (anchor) { openHere(anchor.x, anchor.y); }
  });
  close.addEventListener("click", closeForm);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && form.classList.contains("flag-popover")) { closeForm(); }
  });
  // Typing words by hand means they are looked up in the chosen paragraph instead.
  form.querySelector("[name=text]").addEventListener("input", function () {
    form.querySelector("[name=span_start]").value = "";
    form.querySelector("[name=span_end]").value = "";
  });

  // A refused flag: open the form again where the words are, with its errors.
  if (hasErrors) {
    var spanStart = parseInt(form.querySelector("[name=span_start]").value, 10);
    var segments = Array.from(article.querySelectorAll("[data-offset]"));
    var at = segments.filter(function (s) { return parseInt(s.dataset.offset, 10) <= spanStart; }).pop();
    if (!isNaN(spanStart) && at) {
      var box = at.getBoundingClientRect();
      openHere(window.scrollX + box.left, window.scrollY + box.bottom + 6);
    }
  }
})();
