// The review screen: turn a text selection in #document-text into offsets of the ORIGINAL document
// text and put them in the "add a missed item" form (or an item's edit form).
//
// Why offsets come from data attributes: the rendered text carries highlight elements and drops carriage
// returns, so counting characters of the page would drift. Every piece of #document-text is an element
// with data-start / data-end (offsets in the original text, counted in Unicode code points as Python
// does); a position inside a piece is its data-start plus the code points before it in that piece.
// Without JavaScript the forms still work: start and end are typed by hand.
(function () {
  "use strict";
  var doc = document.getElementById("document-text");
  if (!doc) { return; }

  function codePoints(s) { return Array.from(s).length; }

  function piece(node) {
    var el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    while (el && el !== doc && !(el.dataset && el.dataset.start !== undefined)) { el = el.parentElement; }
    return el;
  }

  // The offset in the original text of a DOM position (node, offset), or null outside the document.
  function position(node, offset) {
    if (!doc.contains(node)) { return null; }
    if (node === doc) {  // between pieces: offset counts child nodes
      var kids = doc.children;
      if (offset >= kids.length) { return Number(doc.dataset.length); }
      return Number(kids[offset].dataset.start);
    }
    var el = piece(node);
    if (!el || el === doc) { return null; }
    var start = Number(el.dataset.start);
    if (node.nodeType === Node.TEXT_NODE) {
      return Math.min(start + codePoints(node.data.slice(0, offset)), Number(el.dataset.end));
    }
    return offset === 0 ? start : Number(el.dataset.end);
  }

  function selectedSpan() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return null; }
    var range = sel.getRangeAt(0);
    var a = position(range.startContainer, range.startOffset);
    var b = position(range.endContainer, range.endOffset);
    if (a === null || b === null || a >= b) { return null; }
    return { start: a, end: b, text: sel.toString() };
  }

  var last = null;
  var addForm = document.querySelector("form.add");
  var useButtons = document.querySelectorAll("button.use-selection");

  function fill(form, span) {
    form.querySelector("input[name=start]").value = span.start;
    form.querySelector("input[name=end]").value = span.end;
  }

  function onSelect() {
    var span = selectedSpan();
    if (!span) { return; }
    last = span;
    if (addForm) {
      fill(addForm, span);
      var shown = document.getElementById("add-text");
      if (shown) { shown.textContent = span.text; }
    }
    useButtons.forEach(function (b) { b.hidden = false; });
  }

  doc.addEventListener("mouseup", onSelect);
  doc.addEventListener("keyup", onSelect);
  useButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (last) { fill(button.form, last); }
    });
  });
}());
