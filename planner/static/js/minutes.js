// The minutes editor: textareas grow with their text, and leaving the page with a section changed but
// not saved asks first. Every section is an ordinary form: the page works without this file.
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
      form.addEventListener("input", function () {
        dirty.add(form);
        form.classList.add("is-dirty");
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
