// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // What the page scripts share (base.html loads this file before them): the CSRF token their requests
  // send, and a reload that keeps the reading position (under a key of the page's own).
  function keepScroll(key) {
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* private mode */ }
  }
  window.Planner = {
    csrfToken: function () {
      var meta = document.querySelector('meta[name="csrf-token"]');
      return meta ? meta.getAttribute("content") : "";
    },
    keepScroll: keepScroll,
    reload: function (key) {
      keepScroll(key);
      location.reload();
    },
    restoreScroll: function (key) {
      try {
        var y = sessionStorage.getItem(key);
        if (y !== null) {
          sessionStorage.removeItem(key);
          window.scrollTo(0, parseInt(y, 10) || 0);
        }
      } catch (e) { /* private mode */ }
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("main-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    document.querySelectorAll("[data-select-on-focus]").forEach(function (el) {
      el.addEventListener("focus", function () { el.select(); });
    });
  });
  // Confirmation before destructive actions (buttons carry the question in data-confirm).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
