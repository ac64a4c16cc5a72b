// An open vote's page (templates/votes/vote.html), kept current without reloading it under the clerk:
// - every few seconds (while the tab is visible) it asks how the vote is doing and updates "k of n have
//   voted", the numbers where the page shows them (a named vote's) and the marks on the roll in place;
// - a named vote's choice buttons are sent with fetch, so the clerk calling a long roll keeps their place;
//   a refusal is said in the live region and the buttons show what is saved;
// - when the vote changed on another screen (closed, for instance) the page reloads itself, unless the
//   clerk has typed counts not saved yet: then it says so and offers the reload.
// Without this file the page still works: every button posts its form and the page comes back.
(function () {
  "use strict";

  var POLL_MS = 4000;

  document.addEventListener("DOMContentLoaded", function () {
    var card = document.getElementById("vote");
    if (!card || !card.dataset.progressUrl) { return; }
    var live = document.getElementById("vote-live");
    var voted = document.getElementById("vote-voted");
    var roll = document.getElementById("vote-roll");
    var typed = false;
    var told = false;

    document.querySelectorAll("#vote form input:not([type=hidden])").forEach(function (input) {
      input.addEventListener("input", function () { typed = true; });
    });

    function say(text, isError) {
      if (!live) { return; }
      live.textContent = text;
      live.classList.toggle("is-error", !!isError);
    }

    function changedElsewhere() {
      if (!typed) {
        window.Planner.reload("vote-" + card.id);
        return;
      }
      if (told || !live) { return; }
      told = true;
      live.textContent = card.dataset.changedText + " ";
      var again = document.createElement("button");
      again.type = "button";
      again.className = "button small";
      again.textContent = card.dataset.reloadText;
      again.addEventListener("click", function () { window.Planner.reload("vote-" + card.id); });
      live.appendChild(again);
    }

    function mark(row, value) {
      var buttons = row.querySelectorAll(".roll-choices button");
      if (buttons.length) {
        buttons.forEach(function (button) {
          var form = button.form;
          var choice = form ? form.querySelector("input[name=choice]").value : "";
          button.setAttribute("aria-pressed", choice === value ? "true" : "false");
        });
        return;
      }
      if (value === "voted" && !row.querySelector(".badge-ok") && roll) {
        var badge = document.createElement("span");
        badge.className = "badge badge-ok";
        badge.textContent = roll.dataset.votedText;
        row.appendChild(badge);
      }
    }

    function show(state) {
      if (state.status !== card.dataset.status) {
        changedElsewhere();
        return;
      }
      if (voted && state.progress) { voted.textContent = state.progress; }
      Object.keys(state.numbers || {}).forEach(function (key) {
        var cell = document.querySelector('#vote-numbers [data-field="' + key + '"]');
        if (cell) { cell.textContent = state.numbers[key]; }
      });
      if (!roll) { return; }
      roll.querySelectorAll("li[data-participant]").forEach(function (row) {
        mark(row, state.marks[row.dataset.participant] || "");
      });
    }

    function poll() {
      if (document.hidden || told) { return; }
      fetch(card.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) { if (state) { show(state); } })
        .catch(function () { /* the next time round */ });
    }

    window.setInterval(poll, POLL_MS);
    window.Planner.restoreScroll("vote-" + card.id);

    if (!roll) { return; }
    roll.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.closest(".roll-choices")) { return; }
      event.preventDefault();
      var row = form.closest("li[data-participant]");
      var buttons = row.querySelectorAll(".roll-choices button");
      buttons.forEach(function (button) { button.disabled = true; });
      fetch(form.action, {
        method: "POST", credentials: "same-origin", body: new FormData(form),
        headers: {"Accept": "application/json", "X-CSRFToken": window.Planner.csrfToken()}
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; })
            .then(function (body) { return {ok: response.ok, body: body}; });
        })
        .then(function (answer) {
          if (answer.ok) {
            say("");
            show(answer.body);
          } else {
            say(answer.body.detail || "", true);
            poll();
          }
        })
        .catch(function () { say(card.dataset.offlineText, true); })
        .then(function () { buttons.forEach(function (button) { button.disabled = false; }); });
    });
  });
})();
