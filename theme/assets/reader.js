/* The 大字模式 switch (large text, high contrast): every [data-board-large] button turns it on or off
 * for this browser; partials/board-reader.html applies the remembered choice before the page paints. */
(function () {
  "use strict";
  var KEY = "board-large-print";
  var root = document.documentElement;
  var buttons = document.querySelectorAll("[data-board-large]");

  function sync() {
    var on = root.classList.contains("board-large");
    for (var i = 0; i < buttons.length; i += 1) { buttons[i].setAttribute("aria-pressed", on ? "true" : "false"); }
  }

  function toggle() {
    var on = !root.classList.contains("board-large");
    if (on) { root.classList.add("board-large"); } else { root.classList.remove("board-large"); }
    try {
      if (on) { localStorage.setItem(KEY, "1"); } else { localStorage.removeItem(KEY); }
    } catch (e) { /* storage off: the switch still works on this page */ }
    sync();
  }

  for (var i = 0; i < buttons.length; i += 1) { buttons[i].addEventListener("click", toggle); }
  sync();
}());
