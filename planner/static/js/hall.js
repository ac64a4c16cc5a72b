// The hall display: polls a small JSON state (ETag, 304 when nothing changed) about once a second and
// counts the time down between polls from the server's timestamps, corrected by the offset between the
// server's clock and this computer's. After a network drop it keeps retrying and shows a discreet mark.
(function () {
  "use strict";

  var POLL_MS = 1000;
  var MAX_BACKOFF_MS = 5000;
  var GONE_RETRY_MS = 10000;

  var root = document.getElementById("hall");
  if (!root) { return; }
  var url = root.getAttribute("data-state-url");
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  var fields = {};
  root.querySelectorAll("[data-field]").forEach(function (el) { fields[el.getAttribute("data-field")] = el; });

  var state = null;
  var etag = null;
  var offset = null;     // server clock minus this clock, in ms
  var failures = 0;
  var gone = false;

  function serverNow() { return Date.now() + (offset || 0); }

  function parse(value) { return value ? Date.parse(value) : null; }

  // Seconds spoken: from the start to the end (or the pause, or now), less the pauses (as timing.py).
  function elapsed(speech, now) {
    var start = parse(speech.started_at);
    if (start === null) { return 0; }
    var until = parse(speech.ended_at) || parse(speech.paused_at) || now;
    return Math.max(0, (until - start) / 1000 - (speech.paused_seconds || 0));
  }

  function clockText(seconds) {
    var negative = seconds < 0;
    var whole = negative ? Math.floor(-seconds) : Math.ceil(seconds);
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var body = (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return (negative ? "+" : "") + body;
  }

  function set(name, value) {
    var el = fields[name];
    if (el && el.textContent !== value) { el.textContent = value; }
  }

  function mode(name) {
    ["idle", "called", "speaking", "paused", "done", "over"].forEach(function (m) {
      root.classList.toggle("hall--" + m, m === name || (name === "over-speaking" && (m === "over" || m === "speaking")));
    });
  }

  function speaker(s) { return s ? s.speaker : ""; }

  function number(value) {
    return (value === null || value === undefined) ? "" : Number(value).toLocaleString(document.documentElement.lang || "vi",
      { maximumFractionDigits: 2 });
  }

  // A vote takes the screen while it is open and, closed, with its result, until a speech starts after it.
  function renderVote() {
    var vote = state.vote;
    var current = state.current;
    var show = !!vote && !(current && current.started_at && parse(current.started_at) > parse(vote.at));
    fields.vote.hidden = !show;
    root.classList.toggle("hall--vote", show);
    if (!show) { return false; }
    var closed = vote.status === "closed";
    root.classList.toggle("hall--adopted", closed && vote.adopted);
    root.classList.toggle("hall--rejected", closed && !vote.adopted);
    set("vote-state", closed ? text("vote-result") : text("vote-open"));
    set("vote-title", vote.title);
    set("vote-progress", !closed && vote.voted !== null && vote.voted !== undefined ?
      text("voted") + ": " + vote.voted + "/" + vote.present : "");
    fields["vote-numbers"].hidden = !closed;
    set("vote-yes", closed ? number(vote.yes) : "");
    set("vote-no", closed ? number(vote.no) : "");
    set("vote-abstain", closed ? number(vote.abstain) : "");
    set("vote-not-voting", closed ? number(vote.not_voting) : "");
    set("vote-verdict", closed ? (vote.adopted ? text("adopted") : text("rejected")) + " · " +
      number(vote.yes) + "/" + number(vote.base) + " (" + number(vote.percent) + "%)" : "");
    return true;
  }

  function render() {
    if (!state) { return; }
    renderVote();
    var current = state.current;
    var shown = current || state.next;
    set("item", state.item ? state.item.title : "");
    if (!shown) {
      mode("idle");
      set("state", "");
      set("speaker", text("waiting"));
      set("position", "");
      set("title", "");
      set("clock-label", "");
      set("time", "");
    } else {
      set("speaker", speaker(shown));
      set("position", shown.position_title || "");
      set("title", shown.title ? "“" + shown.title + "”" : "");
    }
    var next = current ? state.next : null;
    fields["next-wrap"].hidden = !next;
    set("next", next ? next.speaker + (next.position_title ? " — " + next.position_title : "") : "");
    tick();
  }

  function tick() {
    if (!state) { return; }
    var current = state.current;
    var shown = current || state.next;
    if (!shown) { return; }
    var status = current ? current.status : "approved";
    // A kind this display shows untimed (a leader's directive speech): time spoken only, never overtime.
    var untimed = (state.untimed_kinds || []).indexOf(shown.kind) !== -1;
    var allotted = untimed ? null : shown.allotted_seconds;
    var spoken = elapsed(shown, serverNow());
    if (!current || status === "approved") {
      mode("called");
      set("state", current ? text("called") : text("upcoming"));
      set("clock-label", allotted ? text("left") : "");
      set("time", allotted ? clockText(allotted) : "");
      return;
    }
    if (status === "done") {
      mode("done");
      set("state", text("done"));
      set("clock-label", text("spoken"));
      set("time", clockText(spoken));
      root.classList.toggle("hall--over", !!allotted && spoken > allotted);
      return;
    }
    var paused = !!shown.paused_at;
    if (!allotted) {
      mode(paused ? "paused" : "speaking");
      set("state", paused ? text("paused") : text("speaking"));
      set("clock-label", text("spoken"));
      set("time", clockText(spoken));
      return;
    }
    var left = allotted - spoken;
    var over = left < 0;
    mode(paused ? "paused" : (over ? "over-speaking" : "speaking"));
    root.classList.toggle("hall--over", over);
    set("state", paused ? text("paused") : text("speaking"));
    set("clock-label", over ? text("over") : text("left"));
    set("time", clockText(left));
  }

  function offline(on) {
    fields.offline.hidden = !on;
    root.classList.toggle("hall--offline", on);
  }

  function schedule(ms) { window.setTimeout(poll, ms); }

  function poll() {
    var sent = Date.now();
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { cache: "no-store", credentials: "omit", headers: headers }).then(function (response) {
      var received = Date.now();
      var serverTime = Number(response.headers.get("X-Server-Time"));
      if (serverTime) {
        // The server stamped the answer about half-way through the round trip.
        var sample = serverTime - (sent + received) / 2;
        offset = offset === null ? sample : offset * 0.8 + sample * 0.2;
      }
      if (response.status === 304) { return null; }
      if (response.status === 404) { throw { gone: true }; }
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      etag = response.headers.get("ETag");
      return response.json();
    }).then(function (data) {
      failures = 0;
      gone = false;
      offline(false);
      if (data) { state = data; render(); }
      schedule(POLL_MS);
    }).catch(function (error) {
      if (error && error.gone) {
        gone = true;
        state = null;
        etag = null;
        mode("idle");
        ["state", "position", "title", "clock-label", "time", "item"].forEach(function (n) { set(n, ""); });
        set("speaker", text("gone"));
        fields["next-wrap"].hidden = true;
        offline(false);
        schedule(GONE_RETRY_MS);
        return;
      }
      failures += 1;
      if (failures >= 2) { offline(true); }
      schedule(Math.min(POLL_MS * Math.pow(2, failures - 1), MAX_BACKOFF_MS));
    });
  }

  // Full screen on demand (a browser allows it only after a click); the mouse pointer and the button
  // hide when the mouse rests.
  var button = fields.fullscreen;
  if (button) {
    if (!document.documentElement.requestFullscreen) { button.hidden = true; }
    button.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () { /* refused: stay windowed */ });
    });
    document.addEventListener("fullscreenchange", function () { button.hidden = !!document.fullscreenElement; });
  }
  var stillTimer = null;
  function stir() {
    root.classList.remove("hall--still");
    window.clearTimeout(stillTimer);
    stillTimer = window.setTimeout(function () { root.classList.add("hall--still"); }, 3000);
  }
  document.addEventListener("mousemove", stir);
  document.addEventListener("keydown", function (event) {
    if ((event.key === "f" || event.key === "F") && document.documentElement.requestFullscreen && !document.fullscreenElement) {
      document.documentElement.requestFullscreen().catch(function () { /* refused */ });
    }
  });
  stir();

  window.setInterval(function () { if (!gone) { tick(); } }, 200);
  poll();
})();
