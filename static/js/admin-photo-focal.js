/* The focal point of a photo (kazportal.admin.PhotoAdmin): clicking the picture sets the
   focal_x / focal_y inputs (fractions from 0 to 1) and moves the marker; typing in the inputs
   moves the marker too, and with the picture focused the arrow keys nudge the point. On the
   add form the chosen file is shown (a blob: URL, allowed by the CSP) before it is uploaded.
   The marker is placed through the CSSOM (element.style), which the CSP's style-src allows. */
(function () {
  "use strict";

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function round(value) {
    return Math.round(value * 1000) / 1000;
  }

  function setUp(box) {
    var img = box.querySelector("[data-focal-image]");
    var marker = box.querySelector(".admin-photo-focal-marker");
    var inputX = document.querySelector("input[data-focal-x]");
    var inputY = document.querySelector("input[data-focal-y]");
    if (!img || !marker || !inputX || !inputY) return;

    function value(input) {
      var number = parseFloat(String(input.value).replace(",", "."));
      return isNaN(number) ? 0.5 : clamp(number);
    }

    function place() {
      marker.style.left = value(inputX) * 100 + "%";
      marker.style.top = value(inputY) * 100 + "%";
    }

    function choose(x, y) {
      inputX.value = round(clamp(x));
      inputY.value = round(clamp(y));
      inputX.dispatchEvent(new Event("change", { bubbles: true }));
      inputY.dispatchEvent(new Event("change", { bubbles: true }));
      place();
    }

    img.tabIndex = 0;  // the arrow keys nudge the point; the inputs stay the main way

    img.addEventListener("click", function (event) {
      var rect = img.getBoundingClientRect();
      if (!rect.width || !rect.height) return;
      choose((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    });
    img.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 0.1 : 0.01;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      var move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      choose(value(inputX) + move[0], value(inputY) + move[1]);
    });
    inputX.addEventListener("input", place);
    inputY.addEventListener("input", place);

    // The add form: show the file chosen for upload, to pick its focal point straight away.
    var file = document.querySelector("input[type=file][name=image]");
    if (file) {
      file.addEventListener("change", function () {
        if (!file.files || !file.files[0]) return;
        if (img.dataset.blob) URL.revokeObjectURL(img.dataset.blob);
        img.dataset.blob = URL.createObjectURL(file.files[0]);
        img.src = img.dataset.blob;
        box.hidden = false;
      });
    }
    place();
    box.classList.add("is-ready");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".admin-photo-focal").forEach(setUp);
  });
})();
