/* Marks modeltranslation's language tabs that hold a validation error (!) or an empty field
   whose language still needs text (•), so editors see which tab needs them. The marks follow
   the typing: filling the last empty field of a tab removes its mark at once. */
(function () {
  "use strict";

  function isEmpty(panel) {
    return Array.prototype.some.call(
      panel.querySelectorAll("input[type=text], textarea"),
      function (input) { return input.value.trim() === "" || input.value.trim() === "<p></p>"; }
    );
  }

  function update(link, panel) {
    var marker = link.querySelector(".tab-marker");
    if (!marker) {
      marker = document.createElement("span");
      marker.className = "tab-marker";
      marker.setAttribute("aria-hidden", "true");
      link.appendChild(marker);
    }
    var error = !!panel.querySelector(".errorlist li, .errors li");
    var missing = !error && isEmpty(panel);
    link.classList.toggle("tab-error", error);
    link.classList.toggle("tab-missing", missing);
    marker.textContent = error ? " !" : missing ? " •" : "";
  }

  function watch() {
    document.querySelectorAll(".ui-tabs").forEach(function (tabs) {
      tabs.querySelectorAll(".ui-tabs-nav a[href^='#']").forEach(function (link) {
        var panel = tabs.querySelector(link.getAttribute("href"));
        if (!panel || link.dataset.watched) return;
        link.dataset.watched = "1";
        update(link, panel);
        var again = function () { update(link, panel); };
        panel.addEventListener("input", again);
        panel.addEventListener("change", again);
        // The rich-text editor writes into its hidden textarea without an input event.
        panel.addEventListener("keyup", again);
        panel.addEventListener("focusout", again);
      });
      var errorTab = tabs.querySelector(".ui-tabs-nav a.tab-error");
      if (errorTab) errorTab.click();
    });
  }

  window.addEventListener("load", function () { setTimeout(watch, 0); });
})();
