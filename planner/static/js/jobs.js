// A background job's box (templates/_job.html): ask the server how the job is doing every second or two,
// show its state, progress, what that means and its failure, and reload the page when it has finished,
// done or failed (the page then offers the result, or the reason and a way to try again). Without script
// the box has a link that reloads the page.
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }

  function show(box, job) {
    var state = box.querySelector(".job-state");
    var bar = box.querySelector("progress");
    var error = box.querySelector(".job-error");
    var note = box.querySelector(".job-note");
    box.dataset.state = job.state;
    state.textContent = job.total ? job.label + " — " + format(box.dataset.progress, job) : job.label;
    if (bar) {
      bar.max = Math.max(job.total, 1);
      bar.value = job.total ? job.done : (job.finished ? 1 : 0);
    }
    if (error) {
      error.textContent = job.error || "";
      error.hidden = !job.error;
    }
    if (note) {
      note.textContent = job.note || "";
      note.hidden = !job.note;
    }
  }

  function poll(box, wait) {
    fetch(box.dataset.jobUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        show(box, job);
        if (job.finished) {
          if (box.dataset.reload) { window.location.reload(); }
          return;
        }
        window.setTimeout(function () { poll(box, Math.min(wait * 1.3, 5000)); }, wait);
      })
      .catch(function () { window.setTimeout(function () { poll(box, 5000); }, 5000); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".job[data-job-url]").forEach(function (box) {
      var refresh = box.querySelector(".job-refresh");
      if (refresh) { refresh.hidden = true; }
      if (box.dataset.finished !== "1") { poll(box, 1000); }
    });
  });
})();
