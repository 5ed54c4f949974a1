// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function plain(event) {
    return !(event.ctrlKey || event.metaKey || event.altKey);
  }

  // Review queue: j/k move the selection, Enter opens the selected case.
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-keyboard-list] tbody tr[data-href]"));
  var current = -1;
  function select(index) {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("selected");
    rows[current].querySelector("a").focus();
  }

  // Case view: a key per decision presses its button (the form still validates on the server).
  var decisionButtons = {};
  Array.prototype.forEach.call(document.querySelectorAll("#decision-form button[data-key]"), function (button) {
    decisionButtons[button.getAttribute("data-key")] = button;
  });

  document.addEventListener("keydown", function (event) {
    if (typing(event) || !plain(event)) return;
    if (rows.length && (event.key === "j" || event.key === "k")) {
      select(current + (event.key === "j" ? 1 : -1));
      event.preventDefault();
    } else if (rows.length && event.key === "Enter" && current >= 0) {
      // The selected row's link has focus, and Enter on a link follows it too: two navigations,
      // the second aborting the first.
      event.preventDefault();
      window.location.href = rows[current].getAttribute("data-href");
    } else if (decisionButtons[event.key]) {
      event.preventDefault();
      decisionButtons[event.key].click();
    }
  });

  // A form is sent once: a double click must not decide twice.
  Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
