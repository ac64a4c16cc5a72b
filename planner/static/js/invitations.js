// The invitations page: follow a sending (a job on the server; n/N shown as it goes), copy links, print.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }

  // A sending runs as a job on the server: poll its counts and its job's state until it has finished.
  function watch(section) {
    var url = section.dataset.statusUrl;
    var bar = section.querySelector(".inv-progress");
    var count = section.querySelector(".inv-count");
    var job = section.querySelector(".inv-job");
    var error = section.querySelector(".inv-error");
    var continueForm = section.querySelector(".inv-continue");

    function show(p) {
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
      count.textContent = format(count.dataset.template, p);
      if (p.job && job) { job.textContent = format(job.dataset.template, p.job); }
      error.textContent = p.error || "";
      error.hidden = !p.error;
      if (continueForm) { continueForm.hidden = !(p.job && p.job.state === "failed"); }
    }

    function poll(wait) {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (p) {
          if (!p) { return; }
          show(p);
          if (p.finished) {
            setTimeout(function () { window.location.reload(); }, p.error ? 2500 : 600);
            return;
          }
          if (p.job && p.job.state === "failed") { return; }
          setTimeout(function () { poll(Math.min(wait * 1.2, 4000)); }, wait);
        })
        .catch(function () { setTimeout(function () { poll(5000); }, 5000); });
    }
    poll(800);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector(".inv-sending[data-status-url]");
    if (section) { watch(section); }

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
