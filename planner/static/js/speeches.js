// The speakers control page: the running clock, drag and drop of the speaking order (SortableJS), and
// following what other staff do (the page reloads when the list's revision moves on). Every button is
// a plain form: without this file the page works, it just does not tick or follow by itself.
(function () {
  "use strict";

  var POLL_MS = 2000;
  var SCROLL_KEY = "speeches-scroll:" + location.pathname;

  function reload() { window.Planner.reload(SCROLL_KEY); }

  // The clock ---------------------------------------------------------------------------------------
  var offset = 0;   // the server's clock minus this one, in ms

  function parse(value) { return value ? Date.parse(value) : null; }

  function clockText(seconds, signed) {
    var negative = seconds < 0;
    var whole = negative ? Math.floor(-seconds) : Math.ceil(seconds);
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var body = (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return (negative ? (signed ? "+" : "-") : "") + body;
  }

  function tick(clock) {
    var start = parse(clock.getAttribute("data-started"));
    if (start === null || clock.getAttribute("data-status") !== "speaking") { return; }
    var until = parse(clock.getAttribute("data-ended")) || parse(clock.getAttribute("data-paused-at")) ||
      (Date.now() + offset);
    var spoken = Math.max(0, (until - start) / 1000 - Number(clock.getAttribute("data-paused-seconds") || 0));
    var allotted = Number(clock.getAttribute("data-allotted") || 0);
    // The list's row of the speech on the floor counts with the panel: the same time, the same moment.
    document.querySelectorAll(".speaker-row.is-current .spoken").forEach(function (el) {
      el.textContent = clockText(spoken);
      el.classList.toggle("is-over", !!allotted && spoken > allotted);
    });
    var remaining = clock.querySelector(".live-remaining");
    var elapsedEl = clock.querySelector(".live-elapsed");
    if (allotted) {
      var left = allotted - spoken;
      remaining.textContent = clockText(left, true);
      remaining.classList.toggle("is-over", left < 0);
      clock.classList.toggle("is-over", left < 0);
      if (elapsedEl) { elapsedEl.textContent = clockText(spoken); }
    } else {
      remaining.textContent = clockText(spoken);
    }
  }

  // Following the other staff -------------------------------------------------------------------------
  function editing() {
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "hidden") { return true; }
    var typed = false;
    document.querySelectorAll(".add-speaker input[type=text], .add-speaker select").forEach(function (el) {
      if (el.value && el.value !== (el.defaultValue || "") && el.tagName !== "SELECT") { typed = true; }
      if (el.tagName === "SELECT" && el.selectedIndex > 0 && !el.options[el.selectedIndex].defaultSelected &&
          el.name === "participant_id") { typed = true; }
    });
    return typed;
  }

  function follow(panel) {
    var url = panel.getAttribute("data-live-url");
    var revision = panel.getAttribute("data-revision");
    var notice = panel.querySelector(".live-changed");
    var etag = null;
    function poll() {
      var sent = Date.now();
      var headers = { "Accept": "application/json" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(url, { cache: "no-store", credentials: "same-origin", headers: headers }).then(function (response) {
        var serverTime = Number(response.headers.get("X-Server-Time"));
        if (serverTime) { offset = serverTime - (sent + Date.now()) / 2; }
        if (response.status === 304 || !response.ok) { return null; }
        etag = response.headers.get("ETag");
        return response.json();
      }).then(function (state) {
        if (state && String(state.revision) !== revision) {
          if (editing()) {
            notice.textContent = panel.getAttribute("data-changed-text");
            notice.hidden = false;
          } else {
            reload();
            return;
          }
        }
        window.setTimeout(poll, POLL_MS);
      }).catch(function () { window.setTimeout(poll, POLL_MS * 2); });
    }
    window.setTimeout(poll, POLL_MS);
  }

  // Drag and drop -----------------------------------------------------------------------------------
  function sortable(list) {
    var url = list.getAttribute("data-reorder-url");
    if (!url || typeof window.Sortable === "undefined") { return; }
    list.classList.add("sortable-ready");
    var live = document.getElementById("speaker-live");
    window.Sortable.create(list, {
      handle: ".drag-handle",
      draggable: ".speaker-row",
      animation: 150,
      ghostClass: "drag-ghost",
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) { return; }
        var order = [];
        Array.prototype.forEach.call(list.children, function (li) { if (li.dataset.id) { order.push(li.dataset.id); } });
        list.classList.add("is-saving");
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": window.Planner.csrfToken(), "Accept": "application/json" },
          body: JSON.stringify({ item: list.getAttribute("data-item"), order: order,
                                 revision: list.getAttribute("data-revision") })
        }).then(reload).catch(function () {
          if (live) { live.textContent = list.getAttribute("data-error-text") || ""; }
          reload();
        });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.Planner.restoreScroll(SCROLL_KEY);
    var panel = document.querySelector(".live-panel");
    if (panel) { follow(panel); }
    var clock = document.querySelector(".live-clock");
    if (clock) { window.setInterval(function () { tick(clock); }, 250); }
    document.querySelectorAll(".speaker-list").forEach(sortable);
    // One click, one action: a second click while the first is on its way would act on an old state.
    document.querySelectorAll(".act-form").forEach(function (form) {
      form.addEventListener("submit", function () {
        window.setTimeout(function () {
          document.querySelectorAll(".act-form button").forEach(function (b) { b.disabled = true; });
        }, 0);
        window.Planner.keepScroll(SCROLL_KEY);
      });
    });
  });
})();
