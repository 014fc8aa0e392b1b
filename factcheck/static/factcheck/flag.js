// Flag by selecting text: turn the selection into the exact text and its
// character offsets in the article, and put them into the flag form.
(function () {
  "use strict";
  var article = document.getElementById("article-text");
  var form = document.getElementById("flag-form");
  if (!article || !form) { return; }
  var hint = document.getElementById("flag-hint");
  var picker = document.getElementById("paragraph-picker");
  if (picker && !form.querySelector(".is-invalid, .invalid-feedback")) { picker.open = false; }

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

  function onSelect() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return; }
    var range = selection.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer)) { return; }
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    var startPara = range.startContainer.parentElement.closest("p");
    var endPara = range.endContainer.parentElement && range.endContainer.parentElement.closest("p");
    if (start === null || end === null || end <= start) { return; }
    if (startPara !== endPara) {
      hint.textContent = "Select words within one paragraph.";
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
  }

  article.addEventListener("mouseup", onSelect);
  article.addEventListener("keyup", onSelect);
  // Typing words by hand means they are looked up in the chosen paragraph instead.
  form.querySelector("[name=text]").addEventListener("input", function () {
    form.querySelector("[name=span_start]").value = "";
    form.querySelector("[name=span_end]").value = "";
  });
})();
