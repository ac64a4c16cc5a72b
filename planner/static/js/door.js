// The check-in desk: search as you type, scan a badge's QR code (jsQR, vendored, loaded on first use), one tap to check in,
// undo, and the counts refreshed every few seconds. Without this file the page still works with forms.
(function () {
  "use strict";

  // Badge codes (delegates.models.new_badge_code): 8 characters without I, O, 0 and 1.
  var CODE = /^[A-HJ-NP-Z2-9]{8}$/;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  function badgeCode(text) {
    var value = (text || "").trim();
    // A QR code holding a URL: its last path segment is the code.
    if (/^https?:\/\//i.test(value)) {
      value = value.replace(/[?#].*$/, "").replace(/\/+$/, "");
      value = value.substring(value.lastIndexOf("/") + 1);
    }
    return value.toUpperCase().replace(/[^0-9A-Z]/g, "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("door");
    if (!root) { return; }
    var data = root.dataset;
    var open = data.open === "true";
    var form = root.querySelector(".door-search");
    var input = root.querySelector("#door-q");
    var results = root.querySelector(".door-results");
    var message = root.querySelector(".door-message");
    var scanButton = root.querySelector("[data-scan]");
    var camera = root.querySelector(".door-camera");
    var video = camera.querySelector("video");
    var searchTimer = null;
    var searchSeq = 0;
    var lastQuery = null;

    function request(method, url, body) {
      var options = {method: method, headers: {"Accept": "application/json"}, credentials: "same-origin"};
      if (body) {
        options.headers["Content-Type"] = "application/json";
        options.headers["X-CSRFToken"] = window.Planner.csrfToken();
        options.body = JSON.stringify(body);
      }
      return fetch(url, options).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          json.ok = response.ok;
          json.status = response.status;
          return json;
        });
      });
    }

    function say(text, kind, undoFor) {
      message.textContent = "";
      message.className = "door-message" + (kind ? " is-" + kind : "");
      if (!text) { return; }
      message.appendChild(el("span", null, text));
      if (undoFor && open) {
        var undo = el("button", "button door-undo", data.textUndo);
        undo.type = "button";
        undo.addEventListener("click", function () { act("undo", undoFor); });
        message.appendChild(undo);
      }
    }

    function showCounts(counts) {
      if (!counts) { return; }
      root.querySelector('[data-count="present"]').textContent = counts.present;
      root.querySelector('[data-count="expected"]').textContent = counts.expected;
      var list = root.querySelector('[data-count="categories"]');
      list.textContent = "";
      counts.categories.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("span", null, c.label));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("b", null, c.present + "/" + c.expected));
        list.appendChild(li);
      });
    }

    function personItem(p) {
      var li = el("li", "door-person" + (p.present ? " is-present" : ""));
      li.dataset.id = p.id;
      var text = el("div", "door-person-text");
      var name = el("p", "door-name");
      if (p.honorific) { name.appendChild(el("span", "muted", p.honorific)); name.appendChild(document.createTextNode(" ")); }
      name.appendChild(document.createTextNode(p.name));
      text.appendChild(name);
      var where = [p.title, p.unit].filter(Boolean).join(", ");
      if (where) { text.appendChild(el("p", "door-meta", where)); }
      var meta = el("p", "door-meta");
      meta.appendChild(el("span", "badge", p.category_label));
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "door-code", p.badge_code));
      if (p.present) {
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(el("span", "badge badge-ok", data.textPresent + (p.checked_in_at ? " " + p.checked_in_at : "")));
      }
      text.appendChild(meta);
      li.appendChild(text);
      if (open) {
        var button = el("button", p.present ? "button" : "button primary door-tap", p.present ? data.textUndo : data.textCheckIn);
        button.type = "button";
        button.addEventListener("click", function () { act(p.present ? "undo" : "check-in", p.id); });
        li.appendChild(button);
      }
      return li;
    }

    function showResults(items, query) {
      results.textContent = "";
      if (!items.length && query) {
        results.appendChild(el("li", "door-none muted", data.textNone));
        return;
      }
      items.forEach(function (p) { results.appendChild(personItem(p)); });
    }

    function replaceItem(p) {
      var old = results.querySelector('li[data-id="' + p.id + '"]');
      if (old) { results.replaceChild(personItem(p), old); } else { results.insertBefore(personItem(p), results.firstChild); }
    }

    function search(query) {
      var seq = ++searchSeq;
      lastQuery = query;
      if (!query.trim()) { showResults([], ""); return Promise.resolve(); }
      return request("GET", data.searchUrl + "?q=" + encodeURIComponent(query)).then(function (json) {
        if (seq !== searchSeq) { return; }
        showResults(json.items || [], query);
        showCounts(json.counts);
      }).catch(function () { say(data.textNetwork, "error"); });
    }

    function act(what, participantId, code, fallback) {
      var url = what === "undo" ? data.undoUrl : data.checkInUrl;
      var body = participantId ? {participant_id: participantId} : {code: code};
      return request("POST", url, body).then(function (json) {
        if (!json.ok && fallback && json.status === 404) { return fallback(); }
        if (!json.ok) { say(json.error || json.message || data.textNetwork, "error"); return; }
        var p = json.participant;
        say(json.message, what === "undo" ? "info" : "ok", what !== "undo" && p && p.present ? p.id : null);
        if (p) { replaceItem(p); }
        showCounts(json.counts);
        if (what !== "undo" && navigator.vibrate) { navigator.vibrate(60); }
      }).catch(function () { say(data.textNetwork, "error"); });
    }

    input.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { search(input.value); }, 150);
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(searchTimer);
      var code = badgeCode(input.value);
      if (open && CODE.test(code) && input.value.trim().split(/\s+/).length <= 2) {
        // Not a badge code after all (a name of eight letters): search for it instead.
        act("check-in", null, code, function () { return search(input.value); }).then(function () { input.select(); });
      } else {
        search(input.value);
      }
    });

    // Live counts: every few seconds while the page is visible.
    var every = Math.max(2, parseInt(data.pollSeconds, 10) || 5) * 1000;
    setInterval(function () {
      if (document.hidden) { return; }
      request("GET", data.countsUrl).then(showCounts).catch(function () { /* next time */ });
    }, every);

    // Scanning: the camera into a canvas, each frame through jsQR.
    var stream = null;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", {willReadFrequently: true});
    var scanning = false;

    function stopCamera() {
      scanning = false;
      camera.hidden = true;
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      video.srcObject = null;
    }

    function frame() {
      if (!scanning) { return; }
      if (video.readyState >= 2 && video.videoWidth) {
        var scale = Math.min(1, 640 / video.videoWidth);
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, {inversionAttempts: "attemptBoth"});
        if (found && found.data) {
          var code = badgeCode(found.data);
          stopCamera();
          input.value = code;
          say(format(data.textCode, {code: code}), "info");
          if (open) { act("check-in", null, code); } else { search(code); }
          return;
        }
      }
      requestAnimationFrame(frame);
    }

    // The QR reader (130 KB) is fetched when "Scan" is first pressed, not with the page.
    var scanner = null;
    function loadScanner() {
      if (!scanner) {
        scanner = new Promise(function (resolve, reject) {
          if (window.jsQR) { resolve(); return; }
          var script = document.createElement("script");
          script.src = data.scannerSrc;
          script.onload = function () { if (window.jsQR) { resolve(); } else { reject(new Error("jsQR")); } };
          script.onerror = function () { scanner = null; reject(new Error("jsQR")); };
          document.head.appendChild(script);
        });
      }
      return scanner;
    }

    if (scanButton && data.scannerSrc && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
      scanButton.hidden = false;
      scanButton.addEventListener("click", function () {
        loadScanner().then(function () {
          return navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
        }).then(function (s) {
          stream = s;
          video.srcObject = s;
          camera.hidden = false;
          scanning = true;
          return video.play().then(function () { requestAnimationFrame(frame); });
        }).catch(function () { stopCamera(); say(data.textCamera, "error"); });
      });
      camera.querySelector("[data-scan-stop]").addEventListener("click", stopCamera);
    }
    document.addEventListener("visibilitychange", function () { if (document.hidden) { stopCamera(); } });

    // Buttons rendered by the server (a search without script, then the script loaded): take them over.
    results.querySelectorAll("form").forEach(function (f) {
      f.addEventListener("submit", function (event) {
        event.preventDefault();
        var id = f.querySelector('input[name="participant_id"]').value;
        act(/undo$/.test(f.action) ? "undo" : "check-in", id).then(function () { if (lastQuery !== null) { search(lastQuery); } });
      });
    });
    lastQuery = input.value || null;
  });
})();
