// The Dossier tab: build the ZIP as a stream, showing files and megabytes as they arrive, then save it.
// Without script the button is a plain download link (the browser shows its own progress).
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString(document.documentElement.lang || undefined,
      {minimumFractionDigits: 1, maximumFractionDigits: 1}) + " MB";
  }

  function filename(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) { return decodeURIComponent(star[1]); }
    var plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : "dossier.zip";
  }

  // Each entry of the streamed ZIP ends with a data descriptor (PK 07 08): counting them counts the files
  // written so far (capped at the number planned; only the progress shown depends on it).
  function descriptors(chunk, carry) {
    var bytes = new Uint8Array(carry.length + chunk.length);
    bytes.set(carry, 0);
    bytes.set(chunk, carry.length);
    var found = 0;
    for (var i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x07 && bytes[i + 3] === 0x08) { found++; }
    }
    return {found: found, carry: bytes.slice(Math.max(bytes.length - 3, 0))};
  }

  function build(box, button) {
    var status = box.querySelector(".dossier-status");
    var bar = box.querySelector(".dossier-progress");
    var total = parseInt(box.dataset.files, 10);
    var received = 0, done = 0, carry = new Uint8Array(0), parts = [];
    button.setAttribute("aria-disabled", "true");
    button.classList.add("busy");
    bar.hidden = false;
    bar.value = 0;
    function show() {
      bar.value = Math.min(done, total);
      status.textContent = format(box.dataset.working, {done: Math.min(done, total), total: total, size: megabytes(received)});
    }
    show();
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok || !response.body) {
        // The error page says why (minutes not approved, no clearance): show it.
        window.location.href = box.dataset.url;
        return null;
      }
      var name = filename(response);
      var reader = response.body.getReader();
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { return name; }
          parts.push(step.value);
          received += step.value.length;
          var counted = descriptors(step.value, carry);
          carry = counted.carry;
          done += counted.found;
          show();
          return pump();
        });
      }
      return pump();
    }).then(function (name) {
      if (name == null) { return; }
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob(parts, {type: "application/zip"}));
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      bar.value = total;
      status.textContent = format(box.dataset.finished, {total: total, size: megabytes(received), name: name});
    }).catch(function () {
      status.textContent = box.dataset.failed;
    }).then(function () {
      button.removeAttribute("aria-disabled");
      button.classList.remove("busy");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector(".dossier-build[data-url]");
    if (!box || !window.fetch || !window.ReadableStream) { return; }
    var button = box.querySelector(".dossier-button");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (button.getAttribute("aria-disabled") === "true") { return; }
      build(box, button);
    });
  });
})();
