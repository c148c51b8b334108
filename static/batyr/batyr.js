/* "Become a batyr": drag and drop with a preview on the upload page, and live progress on the
   portrait page. Everything works without this file: the form posts normally and the progress
   page refreshes itself through <noscript><meta refresh>. */
(function () {
  "use strict";

  // --- upload page -----------------------------------------------------------------------
  // "3.2 MB" in English, "3,2 МБ" in Kazakh and Russian: the page's language decides the unit
  // and the decimal separator.
  var pageLang = (document.documentElement.lang || "en").slice(0, 2);
  var MB_UNIT = { kk: "МБ", ru: "МБ" };
  var DECIMAL_COMMA = { kk: true, ru: true };
  function megabytes(bytes) {
    var number = (bytes / 1048576).toFixed(1);
    if (DECIMAL_COMMA[pageLang]) number = number.replace(".", ",");
    return number + "\u00a0" + (MB_UNIT[pageLang] || "MB");
  }

  var form = document.querySelector("[data-batyr-upload]");
  if (form) {
    var zone = form.querySelector("[data-dropzone]");
    var inputs = form.querySelectorAll('input[type="file"]');
    var preview = form.querySelector("[data-preview]");
    var previewImg = null;
    var previewName = form.querySelector("[data-preview-name]");
    var hint = form.querySelector("[data-drop-hint]");
    var submit = form.querySelector("[data-submit]");
    var sending = form.querySelector("[data-sending]");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    var objectUrl = null;

    if (hint && "draggable" in document.createElement("span")) hint.hidden = false;

    var show = function (file) {
      if (!preview || !file) return;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = URL.createObjectURL(file);
      if (!previewImg) {
        previewImg = document.createElement("img");
        previewImg.alt = preview.getAttribute("data-alt") || "";
        preview.insertBefore(previewImg, preview.firstChild);
      }
      previewImg.hidden = false;
      previewImg.onerror = function () { previewImg.hidden = true; }; // e.g. HEIC in most browsers
      previewImg.src = objectUrl;
      previewName.textContent = file.name + " (" + megabytes(file.size) + ")";
      preview.hidden = false;
    };

    var chosen = function (changed) {
      // only one photo is sent: choosing in one input clears the other
      Array.prototype.forEach.call(inputs, function (input) {
        if (input !== changed) input.value = "";
      });
      show(changed.files && changed.files[0]);
    };

    Array.prototype.forEach.call(inputs, function (input) {
      input.addEventListener("change", function () { chosen(input); });
    });

    if (zone && inputs.length && window.DataTransfer) {
      ["dragenter", "dragover"].forEach(function (type) {
        zone.addEventListener(type, function (event) {
          event.preventDefault();
          zone.classList.add("is-over");
        });
      });
      ["dragleave", "drop"].forEach(function (type) {
        zone.addEventListener(type, function () { zone.classList.remove("is-over"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        var files = event.dataTransfer && event.dataTransfer.files;
        if (!files || !files.length) return;
        var transfer = new DataTransfer();
        transfer.items.add(files[0]);
        inputs[0].files = transfer.files;
        chosen(inputs[0]);
      });
    }

    form.addEventListener("submit", function (event) {
      var file = null;
      Array.prototype.forEach.call(inputs, function (input) {
        if (!file && input.files && input.files[0]) file = input.files[0];
      });
      if (file && maxBytes && file.size > maxBytes * 1.05) {
        // let the server answer with its translated message; just do not wait for the upload
        // of a file that is certainly too big
        return;
      }
      if (submit) submit.disabled = true;
      if (sending) sending.hidden = false;
      // re-enable if the visitor comes back with the Back button
      window.addEventListener("pageshow", function () {
        if (submit) submit.disabled = false;
        if (sending) sending.hidden = true;
      }, { once: true });
    });
  }

  // --- progress page ---------------------------------------------------------------------
  var page = document.querySelector("[data-portrait]");
  if (page && (page.getAttribute("data-status") === "queued" || page.getAttribute("data-status") === "processing")) {
    var url = page.getAttribute("data-status-url");
    var list = page.querySelector("[data-steps]");
    var slow = page.querySelector("[data-slow]");
    var delay = 1000;

    var render = function (steps) {
      if (!list) return;
      steps.forEach(function (step) {
        var item = list.querySelector('[data-step="' + step.key + '"]');
        if (!item) return;
        item.className = "step step-" + step.state;
        if (step.state === "current") item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
      });
    };

    var poll = function () {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.steps) render(data.steps);
          if (slow) slow.hidden = !data.slow;
          if (data.done || data.failed || data.status === "deleted") {
            window.location.reload();
            return;
          }
          delay = Math.min(delay * 1.3, 4000);
          window.setTimeout(poll, delay);
        })
        .catch(function () { window.setTimeout(poll, 4000); });
    };
    window.setTimeout(poll, delay);
  }
})();
