// Meetings: show only the repetition fields that apply; the print button of the week's print view.
// Every page works without this file (all fields are then shown).
(function () {
  "use strict";
  function toggleRecurrence(box) {
    var select = box.querySelector("select[name=repeat]");
    if (!select) { return; }
    var value = select.value;
    box.querySelectorAll(".when-repeats").forEach(function (el) { el.hidden = !value; });
    box.querySelectorAll(".when-weekly").forEach(function (el) { el.hidden = value !== "weekly"; });
    box.querySelectorAll(".when-monthly").forEach(function (el) { el.hidden = value !== "monthly"; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-recurrence]").forEach(function (box) {
      toggleRecurrence(box);
      box.addEventListener("change", function (event) {
        if (event.target.name === "repeat") { toggleRecurrence(box); }
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
