// Delegates: the one-field name shown split into family, middle and given name (and back), and the
// print button of the attendance sheet. The pages work without this file.
(function () {
  "use strict";

  function words(text) {
    return text.trim().split(/\s+/).filter(Boolean);
  }

  // The same rule as core.text.split_full_name: first word family, last word given, the rest middle.
  function split(full) {
    var w = words(full);
    if (w.length === 0) { return ["", "", ""]; }
    if (w.length === 1) { return ["", "", w[0]]; }
    return [w[0], w.slice(1, -1).join(" "), w[w.length - 1]];
  }

  function bindName(form) {
    var full = form.querySelector("[data-name-full]");
    var parts = {
      family: form.querySelector("[data-name-part=family]"),
      middle: form.querySelector("[data-name-part=middle]"),
      given: form.querySelector("[data-name-part=given]")
    };
    if (!full || !parts.family || !parts.middle || !parts.given) { return; }
    function fromFull() {
      var s = split(full.value);
      parts.family.value = s[0];
      parts.middle.value = s[1];
      parts.given.value = s[2];
    }
    full.addEventListener("input", fromFull);
    // A name typed before this script ran (a slow phone, a quick hand) is split now.
    if (full.value.trim() && !parts.family.value && !parts.middle.value && !parts.given.value) { fromFull(); }
    ["family", "middle", "given"].forEach(function (key) {
      parts[key].addEventListener("input", function () {
        full.value = [parts.family.value, parts.middle.value, parts.given.value]
          .map(function (v) { return v.trim(); }).filter(Boolean).join(" ");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(bindName);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
