/* People picker (templates/_forms.html, people_picker): the plain <select> of the form, turned into a
   search field with the chosen persons as removable chips. Type part of a name, with or without accents
   ("huynh" finds "Đinh Thế Huynh"), Down/Up move in the list, Enter adds, Escape closes, Backspace in the
   empty field removes the last person. The <select> stays in the form and holds the choice; without
   JavaScript it is the picker (a multiple select). The order chosen is kept: the chips are in the order
   the persons were added, a chip's "earlier" button (or Alt+Up on it) moves it one place up, and the
   chosen <option>s are moved to the top of the select in chip order, which is the order the browser
   sends them (the server draws the chosen first in their saved order, so without JavaScript too the order
   shown is the order sent). Every page that chooses people loads this one file. */
(function () {
  "use strict";

  var LIMIT = 60;

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function make(tag, className, attrs) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)[sd]/g, function (_m, k) { return values[k]; });
  }

  function setup(box) {
    if (box.dataset.pickerReady) { return; }
    var select = box.querySelector("select");
    if (!select) { return; }
    box.dataset.pickerReady = "1";
    var text = box.dataset;
    var multiple = select.multiple;
    var base = select.id;
    var people = Array.prototype.filter.call(select.options, function (o) { return o.value !== ""; })
      .map(function (o) {
        // "Name — position": a match in the name ranks before one in the position.
        return { option: o, label: o.textContent, key: " " + fold(o.textContent),
                 name: " " + fold(o.textContent.split(" — ")[0]) };
      });

    var chips = make(multiple ? "ol" : "ul", "picker-chips", { "aria-label": text.textChosen || "" });
    var label = make("label", "picker-label", { "for": base + "-search", id: base + "-search-label" });
    label.textContent = text.textSearch || "";
    var combo = make("div", "picker-combo");
    var input = make("input", "picker-input", {
      type: "text", id: base + "-search", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": base + "-list", autocomplete: "off", spellcheck: "false", autocapitalize: "off",
      "aria-labelledby": (box.querySelector("legend") ? box.querySelector("legend").id + " " : "") + label.id
    });
    var describedby = select.getAttribute("aria-describedby");
    if (describedby) { input.setAttribute("aria-describedby", describedby); }
    if (select.getAttribute("aria-invalid")) { input.setAttribute("aria-invalid", "true"); }
    var list = make("ul", "picker-list", { id: base + "-list", role: "listbox", "aria-labelledby": label.id });
    list.hidden = true;
    var status = make("p", "visually-hidden", { role: "status" });
    combo.appendChild(input);
    combo.appendChild(list);
    select.hidden = true;
    select.tabIndex = -1;
    Array.prototype.forEach.call(box.querySelectorAll(".picker-nojs"), function (el) { el.hidden = true; });
    select.parentNode.insertBefore(chips, select);
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(combo, select);
    box.appendChild(status);

    var shown = [];
    var active = -1;
    // The chosen, in their order: at first the select's (the server puts them first, in the saved order).
    var order = Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value !== ""; })
      .map(function (o) { return people.filter(function (p) { return p.option === o; })[0]; })
      .filter(Boolean);

    function sync() {
      if (!multiple) { return; }
      // The browser sends a multiple select's values in option order: put the chosen first, in chip order.
      var anchor = select.firstChild;
      order.forEach(function (p) {
        if (p.option.parentNode !== select) { return; }  // inside an optgroup: the group keeps it
        if (p.option !== anchor) { select.insertBefore(p.option, anchor); } else { anchor = anchor.nextSibling; }
      });
    }

    function say(message) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 30);
    }

    function drawChips() {
      chips.textContent = "";
      order.forEach(function (p, i) {
        var li = make("li", "chip picker-chip");
        var name = make("span");
        name.textContent = p.label;
        li.appendChild(name);
        if (multiple && i > 0) {
          var earlier = make("button", "picker-earlier", { type: "button",
            "aria-label": format(text.textEarlier, { name: p.label }), title: format(text.textEarlier, { name: p.label }) });
          earlier.textContent = "↑";
          earlier.addEventListener("click", function () { moveEarlier(p); });
          li.appendChild(earlier);
        }
        var remove = make("button", "picker-remove", { type: "button",
          "aria-label": format(text.textRemove, { name: p.label }) });
        remove.textContent = "×";
        remove.addEventListener("click", function () { unchoose(p, li); });
        li.addEventListener("keydown", function (event) {
          if (multiple && event.altKey && event.key === "ArrowUp" && order.indexOf(p) > 0) {
            event.preventDefault();
            moveEarlier(p);
          }
        });
        li.appendChild(remove);
        chips.appendChild(li);
      });
      chips.hidden = !chips.children.length;
    }

    function matches(query) {
      var words = fold(query).trim().split(/\s+/).filter(Boolean);
      var ranks = [[], [], []];
      people.forEach(function (p) {
        if (multiple && p.option.selected) { return; }
        if (!words.every(function (w) { return p.key.indexOf(w) >= 0; })) { return; }
        var inName = words.every(function (w) { return p.name.indexOf(w) >= 0; });
        ranks[!inName ? 2 : p.name.indexOf(" " + words[0]) >= 0 ? 0 : 1].push(p);
      });
      return ranks[0].concat(ranks[1], ranks[2]);
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        if (li.getAttribute("role") !== "option") { return; }
        li.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) {
          input.setAttribute("aria-activedescendant", li.id);
          if (li.scrollIntoView) { li.scrollIntoView({ block: "nearest" }); }
        }
      });
    }

    function open(query) {
      var found = matches(query);
      shown = found.slice(0, LIMIT);
      list.textContent = "";
      shown.forEach(function (p, i) {
        var li = make("li", "picker-option", { role: "option", id: base + "-option-" + i, "aria-selected": "false" });
        li.textContent = p.label;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(p); });
        list.appendChild(li);
      });
      if (found.length > shown.length) {
        var more = make("li", "picker-more", { role: "presentation" });
        more.textContent = format(text.textMore, { num: found.length - shown.length });
        list.appendChild(more);
      }
      if (!shown.length) {
        var none = make("li", "picker-more", { role: "presentation" });
        none.textContent = text.textNone || "";
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(shown.length ? 0 : -1);
      say(shown.length ? format(text.textFound, { num: found.length }) : (text.textNone || ""));
    }

    function moveEarlier(p) {
      var at = order.indexOf(p);
      if (at <= 0) { return; }
      order.splice(at, 1);
      order.splice(at - 1, 0, p);
      sync();
      drawChips();
      changed();
      say(format(text.textMoved, { name: p.label, num: at }));
      // Focus stays with the person moved: their "earlier" button, or the first chip's remove button.
      var li = chips.children[at - 1];
      var button = li ? li.querySelector(at - 1 > 0 ? ".picker-earlier" : ".picker-remove") : null;
      if (button) { button.focus(); }
    }

    function changed() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(p) {
      if (!multiple) {
        people.forEach(function (other) { other.option.selected = false; });
        order = [];
      }
      p.option.selected = true;
      if (order.indexOf(p) < 0) { order.push(p); }
      sync();
      input.value = "";
      close();
      drawChips();
      changed();
      say(format(text.textAdded, { name: p.label }));
      input.focus();
    }

    function unchoose(p, li) {
      var next = li && li.nextElementSibling ? li.nextElementSibling.querySelector("button") : null;
      p.option.selected = false;
      order = order.filter(function (other) { return other !== p; });
      if (!multiple) { select.value = ""; }
      drawChips();
      changed();
      say(format(text.textRemoved, { name: p.label }));
      (next && document.body.contains(next) ? next : input).focus();
    }

    input.addEventListener("input", function () {
      if (input.value.trim()) { open(input.value); } else { close(); }
    });
    input.addEventListener("keydown", function (event) {
      var count = shown.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { open(input.value); return; }
        if (!count) { return; }
        mark(event.key === "ArrowDown" ? (active + 1) % count : (active - 1 + count) % count);
      } else if (event.key === "Enter") {
        if (!list.hidden) {  // with the list open Enter chooses; closed, it submits the form as usual
          event.preventDefault();
          if (active >= 0 && shown[active]) { choose(shown[active]); }
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; }
      } else if (event.key === "Backspace" && !input.value && multiple) {
        if (order.length) { event.preventDefault(); unchoose(order[order.length - 1], null); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    // Whatever else changes the options' order (none today), the form sends the chips' order.
    if (select.form) { select.form.addEventListener("submit", sync); }
    sync();
    drawChips();
  }

  function setupAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-people-picker]"), setup);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setupAll); }
  else { setupAll(); }
})();
