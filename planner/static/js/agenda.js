// The agenda editor: drag and drop with SortableJS, posted to the server, which stays the truth.
// Without JavaScript (or without a mouse) the ↑ ↓ buttons and the item form do the same.
(function () {
  "use strict";

  function idsOf(list) {
    var ids = [];
    Array.prototype.forEach.call(list.children, function (li) {
      if (li.dataset && li.dataset.id) { ids.push(li.dataset.id); }
    });
    return ids;
  }

  // Keep the reading position across the reload that follows a drop.
  var SCROLL_KEY = "agenda-scroll:" + location.pathname;

  function reload() { window.Planner.reload(SCROLL_KEY); }

  function setUpSorting(root) {
    var url = root.getAttribute("data-reorder-url");
    var live = document.getElementById("agenda-live");
    if (!url || typeof window.Sortable === "undefined") { return; }
    root.classList.add("sortable-ready");

    root.querySelectorAll(".agenda-list").forEach(function (list) {
      var isChildren = list.classList.contains("agenda-children");
      window.Sortable.create(list, {
        // Items move within their day: between the day's list and its sessions' lists.
        group: {
          name: "day-" + list.getAttribute("data-day"),
          put: function (to, from, dragged) {
            // Sessions cannot be put inside a session.
            return !(to.el.classList.contains("agenda-children") && dragged.getAttribute("data-kind") === "session");
          }
        },
        handle: ".drag-handle",
        draggable: ".agenda-entry",
        animation: 150,
        fallbackOnBody: true,
        emptyInsertThreshold: 12,
        ghostClass: "drag-ghost",
        chosenClass: "drag-chosen",
        onEnd: function (event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) { return; }
          var target = event.to;
          var body = {
            item: event.item.getAttribute("data-id"),
            parent: target.getAttribute("data-parent") || null,
            order: idsOf(target)
          };
          if (live) { live.textContent = ""; }
          root.classList.add("is-saving");
          fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": window.Planner.csrfToken(), "Accept": "application/json" },
            body: JSON.stringify(body)
          }).then(function () {
            reload();
          }).catch(function () {
            if (live) { live.textContent = root.getAttribute("data-error-text") || ""; }
            reload();
          });
        }
      });
      if (isChildren) { list.classList.add("drop-target"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.Planner.restoreScroll(SCROLL_KEY);
    var root = document.querySelector(".agenda[data-reorder-url]");
    if (root) { setUpSorting(root); }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
