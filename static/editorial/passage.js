/*
 * Select a passage of a source's text to annotate it: fills start, end and quote of an
 * empty annotation row. Offsets count Unicode code points, as Python's str does; every
 * piece of the text carries the offset it starts at (data-offset).
 * Without this script the editor types the quote or the offsets instead.
 */
"use strict";
(function () {
  function codePoints(s) {
    return Array.from(s).length;
  }

  // The offset into the source text of a DOM selection point.
  function offsetOf(container, node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const piece = node.parentElement.closest("[data-offset]");
      if (!piece || !container.contains(piece)) return null;
      return Number(piece.dataset.offset) + codePoints(node.data.slice(0, offset));
    }
    // An element boundary: the piece at that child index, or the end of the text.
    const child = node.childNodes[offset];
    if (child && child.dataset && child.dataset.offset !== undefined) {
      return Number(child.dataset.offset);
    }
    return codePoints(container.textContent);
  }

  function emptyRow(prefix) {
    const rows = document.querySelectorAll(
      `#${prefix}-group tr.form-row:not(.empty-form)`
    );
    for (const row of rows) {
      const start = row.querySelector(`[name$="-start"]`);
      const quote = row.querySelector(`[name$="-quote"]`);
      const body = row.querySelector(`[name$="-body"]`);
      const isNew = !row.classList.contains("has_original");
      if (isNew && start && !start.value && quote && !quote.value && body && !body.value) {
        return row;
      }
    }
    const add = document.querySelector(`#${prefix}-group .add-row a`);
    if (add) {
      add.click();
      return emptyRow(prefix);
    }
    return null;
  }

  function fill(container) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) return;
    const start = offsetOf(container, range.startContainer, range.startOffset);
    const end = offsetOf(container, range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    const row = emptyRow(container.dataset.prefix);
    if (!row) return;
    row.querySelector(`[name$="-start"]`).value = start;
    row.querySelector(`[name$="-end"]`).value = end;
    // The quote from the text itself, not the selection's rendering of it.
    const quote = Array.from(container.textContent).slice(start, end).join("");
    row.querySelector(`[name$="-quote"]`).value = quote;
    row.classList.add("passage-selected");
    row.querySelector(`[name$="-body"]`).focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const container = document.getElementById("source-passage");
    if (!container) return;
    container.addEventListener("mouseup", function () { fill(container); });
    container.addEventListener("keyup", function (event) {
      if (event.shiftKey) fill(container);
    });
  });
})();
