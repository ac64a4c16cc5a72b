// The timetable (agenda/timetable.html): blocks placed by their minutes (data-start, data-end), moved
// and stretched with a pointer (mouse, finger by the ⠿ grip, pen) or the keyboard. Each change is
// posted to the page's `place` address, saved by the service the item form uses; the server stays the
// truth: the grid is fetched again and swapped in, so times, versions and warnings are the saved ones.
// Without JavaScript the page is a list per room, with links to add and edit.
(function () {
  "use strict";

  var PX = 2;          // pixels per minute: 120 px an hour, the hour lines of css/agenda.css
  var SNAP = 5;        // minutes
  var SLOT = 30;       // minutes of an empty slot link (the server's SLOT_MINUTES)
  var SHORTEST = 15;   // minutes a block is drawn at least (the server's SHORTEST_DRAWN)
  var DAY = 1440;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(m) { return pad(Math.floor(m / 60) % 24) + ":" + pad(m % 60); }
  function snap(m) { return Math.round(m / SNAP) * SNAP; }
  function num(el, name) { return parseInt(el.getAttribute("data-" + name), 10) || 0; }

  function moment(day, minutes) {
    // A minute of the grid's day as local ISO ("2026-12-03T09:05"); 24:00 is the next day's 00:00.
    if (minutes >= DAY) {
      var next = new Date(day + "T00:00:00Z");
      next.setUTCDate(next.getUTCDate() + 1);
      return next.toISOString().slice(0, 10) + "T00:00";
    }
    return day + "T" + clock(minutes);
  }

  function live(text) {
    var region = document.getElementById("timetable-live");
    if (region) { region.textContent = ""; window.setTimeout(function () { region.textContent = text; }, 50); }
  }

  function alertText(text) {
    var box = document.getElementById("timetable-alert");
    if (!box) { return; }
    box.textContent = text || "";
    box.hidden = !text;
  }

  // Layout ------------------------------------------------------------------------------------------

  function placeBlock(block, first) {
    var holder = block.parentElement.closest(".tt-block");
    var origin = holder ? num(holder, "start") : first;
    var start = num(block, "start"), end = num(block, "end");
    var lanes = num(block, "lanes") || 1, lane = num(block, "lane");
    block.style.top = (start - origin) * PX + "px";
    block.style.height = Math.max(end - start, SHORTEST) * PX + "px";
    block.style.left = (lane * 100 / lanes) + "%";
    block.style.width = (100 / lanes) + "%";
    block.classList.toggle("is-short", end - start <= 30 && !block.classList.contains("has-children"));
  }

  function layout(grid) {
    var first = num(grid, "first"), last = num(grid, "last");
    grid.querySelectorAll(".tt-body, .tt-axis-body").forEach(function (body) {
      body.style.height = (last - first) * PX + "px";
    });
    grid.querySelectorAll(".tt-hour").forEach(function (hour) {
      hour.style.top = (num(hour, "minute") - first) * PX + "px";
    });
    grid.querySelectorAll(".tt-slot").forEach(function (slot) {
      slot.parentElement.style.top = (num(slot, "minute") - first) * PX + "px";
      slot.parentElement.style.height = SLOT * PX + "px";
    });
    grid.querySelectorAll(".tt-block").forEach(function (block) { placeBlock(block, first); });
    grid.classList.add("tt-ready");
  }

  // Saving ------------------------------------------------------------------------------------------

  var busy = false;

  function columns(grid) { return Array.prototype.slice.call(grid.querySelectorAll(".tt-column")); }

  function sessionAt(column, start, end, self) {
    var found = "";
    column.querySelectorAll(".tt-blocks > .tt-block.kind-session").forEach(function (session) {
      if (session !== self && !found && num(session, "start") <= start && end <= num(session, "end")) {
        found = session.getAttribute("data-id");
      }
    });
    return found;
  }

  // `regroup`: a drop (or a move to another room) puts an item into the session it lands in, or out of
  // its own; the keyboard's ↑ ↓ keep it in its session, which the server then holds it to.
  function save(grid, block, start, end, column, regroup) {
    if (busy) { return; }
    var id = block.getAttribute("data-id");
    var body = { starts_at: moment(grid.getAttribute("data-day"), start),
                 ends_at: moment(grid.getAttribute("data-day"), end),
                 version: num(block, "version") };
    var home = block.closest(".tt-column");
    if (column !== home) { body.room_id = column.getAttribute("data-room") || null; }
    if (regroup && block.getAttribute("data-kind") !== "session") {
      var parent = sessionAt(column, start, end, block);
      if (parent !== (block.getAttribute("data-parent") || "")) { body.parent_id = parent || null; }
    }
    busy = true;
    alertText("");
    var page = document.getElementById("timetable-page");
    if (page) { page.setAttribute("aria-busy", "true"); }
    fetch(grid.getAttribute("data-place-url").replace("ITEM", id), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.Planner.csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false }; });
    }).then(function (answer) {
      var text = answer.ok ? [answer.message].concat(answer.warnings || []).join(" ")
                           : (answer.detail || grid.getAttribute("data-text-failed"));
      refresh(id, text, !answer.ok);
    }).catch(function () {
      refresh(id, grid.getAttribute("data-text-failed"), true);
    });
  }

  function refresh(focusId, text, failed) {
    // The grid as saved, swapped in: the moved block, its warnings and every other block's are the server's.
    var scroller = document.querySelector(".timetable-scroll");
    var left = scroller ? scroller.scrollLeft : 0;
    var y = window.scrollY;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("timetable-page");
        var page = document.getElementById("timetable-page");
        if (fresh && page) { page.replaceWith(fresh); }
        start();
        var again = document.querySelector(".timetable-scroll");
        if (again) { again.scrollLeft = left; }
        window.scrollTo(0, y);
        var link = focusId && document.querySelector("#block-" + focusId + " > .tt-title");
        if (link) { link.focus({ preventScroll: true }); }
      })
      .catch(function () { location.reload(); })
      .then(function () {
        busy = false;
        if (failed) { alertText(text); }
        live(text);
      });
  }

  // Pointer: drag to move, drag the lower edge to stretch -------------------------------------------

  function columnAt(grid, x) {
    var best = null, distance = Infinity;
    columns(grid).forEach(function (column) {
      var box = column.getBoundingClientRect();
      var d = x < box.left ? box.left - x : (x > box.right ? x - box.right : 0);
      if (d < distance) { distance = d; best = column; }
    });
    return best;
  }

  function setUpPointer(grid) {
    var drag = null;
    var swallowClick = false;

    grid.addEventListener("pointerdown", function (event) {
      var stretch = event.target.closest(".tt-stretch");
      var grip = event.target.closest(".tt-grip");
      var block = event.target.closest(".tt-block");
      if (!block || busy || (event.pointerType === "mouse" && event.button !== 0)) { return; }
      // A finger scrolls the page, except on the grip and the lower edge.
      if (event.pointerType !== "mouse" && !stretch && !grip) { return; }
      if (stretch && stretch.closest(".tt-block") !== block) { return; }
      drag = { block: block, mode: stretch ? "stretch" : "move", x: event.clientX, y: event.clientY,
               start: num(block, "start"), end: num(block, "end"), home: block.closest(".tt-column"),
               column: block.closest(".tt-column"), moved: false, id: event.pointerId };
      drag.newStart = drag.start;
      drag.newEnd = drag.end;
      block.setPointerCapture(event.pointerId);
      if (event.pointerType !== "mouse") { event.preventDefault(); }
    });

    grid.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) { return; }
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) < 5 && Math.abs(dy) < 5) { return; }
      drag.moved = true;
      var block = drag.block, minutes = snap(dy / PX);
      block.classList.add("is-dragging");
      if (drag.mode === "stretch") {
        drag.newEnd = Math.min(DAY, Math.max(drag.start + SNAP, drag.end + minutes));
        block.style.height = (drag.newEnd - drag.start) * PX + "px";
      } else {
        var length = drag.end - drag.start;
        drag.newStart = Math.max(0, Math.min(DAY - length, drag.start + minutes));
        drag.newEnd = drag.newStart + length;
        drag.column = block.getAttribute("data-parent") && Math.abs(dx) < 40 ? drag.home : columnAt(grid, event.clientX);
        var shift = drag.column.getBoundingClientRect().left - drag.home.getBoundingClientRect().left;
        block.style.transform = "translate(" + shift + "px," + (drag.newStart - drag.start) * PX + "px)";
      }
      var time = block.querySelector(".tt-time");
      if (time) { time.textContent = clock(drag.newStart) + "–" + clock(drag.newEnd); }
    });

    function end(event, cancelled) {
      if (!drag || event.pointerId !== drag.id) { return; }
      var done = drag;
      drag = null;
      if (!done.moved) { return; }
      swallowClick = true;
      window.setTimeout(function () { swallowClick = false; }, 0);
      if (cancelled || (done.newStart === done.start && done.newEnd === done.end && done.column === done.home)) {
        refresh(done.block.getAttribute("data-id"), "", false);
        return;
      }
      save(grid, done.block, done.newStart, done.newEnd, done.column, done.mode === "move");
    }
    grid.addEventListener("pointerup", function (event) { end(event, false); });
    grid.addEventListener("pointercancel", function (event) { end(event, true); });

    grid.addEventListener("click", function (event) {
      if (swallowClick) { event.preventDefault(); event.stopPropagation(); return; }
      var slot = event.target.closest(".tt-slot");
      if (slot) {
        // The click's own 5 minutes, not only the slot's half hour.
        var box = slot.getBoundingClientRect();
        var minute = num(slot, "minute") + Math.floor((event.clientY - box.top) / PX / SNAP) * SNAP;
        slot.href = slot.href.replace(/start=[0-9:]+/, "start=" + clock(minute));
        return;
      }
      var session = event.target.closest(".tt-block.kind-session");
      var children = session && session.querySelector(".tt-children");
      if (session && (event.target === session || event.target === children)) {
        // An empty place in a session: a new item of the session, at that time.
        var top = session.getBoundingClientRect().top;
        var at = num(session, "start") + Math.floor((event.clientY - top) / PX / SNAP) * SNAP;
        location.href = grid.getAttribute("data-new-url") + "?parent=" + encodeURIComponent(session.getAttribute("data-id"))
          + "&day=" + grid.getAttribute("data-day") + "&start=" + clock(at) + "&view=timetable";
      }
    }, true);
  }

  // Keyboard: the same changes from the item's title ------------------------------------------------

  function setUpKeyboard(grid) {
    grid.addEventListener("keydown", function (event) {
      var link = event.target.closest(".tt-title");
      if (link) { return blockKey(grid, event, link.closest(".tt-block")); }
      var slot = event.target.closest(".tt-slot");
      if (slot && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        var slots = Array.prototype.slice.call(slot.closest(".tt-slots").querySelectorAll(".tt-slot"));
        var next = slots[slots.indexOf(slot) + (event.key === "ArrowUp" ? -1 : 1)];
        if (next) { event.preventDefault(); rove(slots, next); }
      }
    });
  }

  function rove(slots, chosen) {
    slots.forEach(function (slot) { slot.tabIndex = slot === chosen ? 0 : -1; });
    chosen.focus();
  }

  function blockKey(grid, event, block) {
    var keys = { ArrowUp: -SNAP, ArrowDown: SNAP, ArrowLeft: -1, ArrowRight: 1 };
    if (!(event.key in keys) || event.altKey || event.ctrlKey || event.metaKey) { return; }
    event.preventDefault();
    if (busy) { return; }
    var start = num(block, "start"), end = num(block, "end");
    var column = block.closest(".tt-column");
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      var all = columns(grid);
      var target = all[all.indexOf(column) + keys[event.key]];
      if (!target) { return; }
      save(grid, block, start, end, target, true);
    } else if (event.shiftKey) {
      var newEnd = Math.min(DAY, Math.max(start + SNAP, end + keys[event.key]));
      if (newEnd !== end) { save(grid, block, start, newEnd, column, false); }
    } else {
      var moved = Math.max(0, Math.min(DAY - (end - start), start + keys[event.key]));
      if (moved !== start) { save(grid, block, moved, moved + end - start, column, false); }
    }
  }

  function start() {
    var grid = document.getElementById("timetable");
    if (!grid) { return; }
    layout(grid);
    if (!grid.getAttribute("data-place-url")) { return; }
    grid.classList.add("tt-editable");
    grid.querySelectorAll(".tt-slots").forEach(function (list) {
      list.querySelectorAll(".tt-slot").forEach(function (slot, i) { slot.tabIndex = i === 0 ? 0 : -1; });
    });
    setUpPointer(grid);
    setUpKeyboard(grid);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
