// The minutes editor: textareas grow with their text, a changed section is marked, and leaving the page with
// text not saved asks first. The sections are one ordinary form (any section's button saves them all): the page
// works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var dirty = new Set();
    function grow(area) {
      area.style.height = "auto";
      area.style.height = Math.min(area.scrollHeight + 4, 900) + "px";
    }
    document.querySelectorAll(".minutes-form textarea").forEach(function (area) {
      grow(area);
      area.addEventListener("input", function () { grow(area); });
    });
    document.querySelectorAll(".minutes-form").forEach(function (form) {
      form.addEventListener("input", function (event) {
        dirty.add(form);
        var section = event.target.closest(".minutes-section");
        if (section) { section.classList.add("is-dirty"); }
      });
      form.addEventListener("submit", function () { dirty.clear(); });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty.size) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
