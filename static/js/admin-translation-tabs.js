/* Marks modeltranslation's language tabs that hold a validation error (!) or an empty
   field whose other languages have text (•), so editors see which tab needs them. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".ui-tabs").forEach(function (tabs) {
      tabs.querySelectorAll(".ui-tabs-nav a[href^='#']").forEach(function (link) {
        var panel = tabs.querySelector(link.getAttribute("href"));
        if (!panel || link.dataset.marked) return;
        link.dataset.marked = "1";
        if (panel.querySelector(".errorlist, .errors")) {
          link.classList.add("tab-error");
          link.insertAdjacentText("beforeend", " !");
          link.setAttribute("title", link.textContent + " — error");
        } else {
          var empty = Array.prototype.some.call(
            panel.querySelectorAll("input[type=text], textarea"),
            function (input) { return input.value.trim() === ""; }
          );
          if (empty) {
            link.classList.add("tab-missing");
            link.insertAdjacentText("beforeend", " •");
          }
        }
      });
      var errorTab = tabs.querySelector(".ui-tabs-nav a.tab-error");
      if (errorTab) errorTab.click();
    });
  }
  window.addEventListener("load", function () { setTimeout(mark, 0); });
})();
