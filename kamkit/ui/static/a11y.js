// kamkit: what the widget library leaves out for people who use a screen reader. Put into every
// served page by kamkit's patched Voila template, next to the connection watchdog.
//
// - Every kamkit message line ("All changes saved", "Not saved", an error next to a field) is a
//   polite live region, so a change is read out without moving the reader's focus. The region
//   must exist before its words change: it is marked as soon as its element is on the page.
// - A slider's handle (role="slider") gets the name its visible label says.
// - The page has a language and a main landmark.
(function () {
  "use strict";
  function mark(el) {
    if (el.classList.contains("kk-message") && !el.hasAttribute("role")) {
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
    }
    if (el.classList.contains("noUi-handle") && !el.hasAttribute("aria-label")) {
      var widget = el.closest(".widget-slider");
      var label = widget && widget.querySelector(".widget-label");
      if (label && label.textContent) { el.setAttribute("aria-label", label.textContent); }
    }
  }
  function visit(node) {
    if (node.nodeType !== 1) { return; }
    mark(node);
    var inner = node.querySelectorAll(".kk-message:not([role]), .noUi-handle:not([aria-label])");
    for (var i = 0; i < inner.length; i++) { mark(inner[i]); }
  }
  function start() {
    if (!document.documentElement.lang) { document.documentElement.lang = "en"; }
    var cells = document.getElementById("rendered_cells");  // Voila's page: everything shown
    if (cells && !document.querySelector("main, [role=main]")) {
      cells.setAttribute("role", "main");
    }
    visit(document.body);
    new MutationObserver(function (changes) {
      for (var i = 0; i < changes.length; i++) {
        var added = changes[i].addedNodes;
        for (var j = 0; j < added.length; j++) { visit(added[j]); }
      }
    }).observe(document.body, {childList: true, subtree: true});
  }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
