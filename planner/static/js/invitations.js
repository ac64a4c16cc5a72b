// The invitations page: drive a running sending chunk by chunk (n/N shown as it goes), copy links, print.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }

  function drive(section) {
    var url = section.dataset.continueUrl;
    var bar = section.querySelector(".inv-progress");
    var count = section.querySelector(".inv-count");
    var error = section.querySelector(".inv-error");
    var continueForm = section.querySelector(".inv-continue");
    if (continueForm) { continueForm.hidden = true; }

    function show(p) {
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
      count.textContent = format(count.dataset.template, p);
    }

    function step() {
      fetch(url, {method: "POST", credentials: "same-origin",
                  headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}})
        .then(function (response) {
          return response.json().then(function (json) { json.httpStatus = response.status; return json; });
        })
        .then(function (p) {
          if (p.total != null) { show(p); }
          if (p.httpStatus === 409 && !p.finished) {
            // Another window holds this sending for now: look again shortly.
            setTimeout(step, 3000);
            return;
          }
          if (p.error) {
            error.textContent = p.error;
            error.hidden = false;
          }
          if (p.finished) {
            setTimeout(function () { window.location.reload(); }, p.error ? 2500 : 600);
            return;
          }
          if (p.httpStatus >= 400) {
            if (continueForm) { continueForm.hidden = false; }
            return;
          }
          step();
        })
        .catch(function () {
          if (continueForm) { continueForm.hidden = false; }
        });
    }
    step();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector(".inv-sending[data-continue-url]");
    if (section) { drive(section); }

    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = button.parentNode.querySelector(".copy-field");
        if (!field) { return; }
        field.select();
        var done = function () {
          var label = button.textContent;
          button.textContent = "✓";
          setTimeout(function () { button.textContent = label; }, 1200);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done).catch(function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });

    // The category matters only when sending to one category.
    var sendForm = document.querySelector(".inv-send-form");
    if (sendForm) {
      var category = sendForm.querySelector("select[name=category]");
      var field = category ? category.closest(".field") : null;
      var sync = function () {
        var chosen = sendForm.querySelector("input[name=audience]:checked");
        if (field) { field.hidden = !chosen || chosen.value !== "category"; }
      };
      sendForm.querySelectorAll("input[name=audience]").forEach(function (r) { r.addEventListener("change", sync); });
      sync();
    }

    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
