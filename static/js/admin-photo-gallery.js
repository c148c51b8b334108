/* Drag-to-order for the admin's ordered inlines (galleries, the home page's regions):
   kazportal.admin.SortableInline marks each row's `order` input with data-sortable-order (its
   value is the handle's translated label). Each row gets a handle: drag it (mouse, pen or
   touch), or focus it and press the up / down arrow keys; then the `order` inputs of the rows
   in use are renumbered 1, 2, 3… in the rows' new order. The inputs stay editable. Empty extra
   rows keep their value, so that Django does not take them for rows being added. */
(function () {
  "use strict";

  function tbodyRows(tbody) {
    return Array.prototype.filter.call(tbody.children, function (row) {
      return row.classList.contains("form-row") && !row.classList.contains("empty-form") &&
        row.querySelector("input[data-sortable-order]");
    });
  }

  function inUse(row) {
    if (row.classList.contains("has_original")) return true;
    return Array.prototype.some.call(row.querySelectorAll("select"), function (select) {
      return select.value !== "";
    });
  }

  function renumber(tbody) {
    var n = 0;
    tbodyRows(tbody).forEach(function (row) {
      var input = row.querySelector("input[data-sortable-order]");
      if (!inUse(row)) return;
      n += 1;
      if (String(input.value) !== String(n)) {
        input.value = n;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function addHandle(row) {
    var input = row.querySelector("input[data-sortable-order]");
    if (!input || row.querySelector(".admin-photo-sort-handle")) return;
    var handle = document.createElement("button");
    handle.type = "button";
    handle.className = "admin-photo-sort-handle";
    handle.textContent = "\u2630";
    handle.title = input.getAttribute("data-sortable-order");
    handle.setAttribute("aria-label", handle.title);
    var cell = input.closest("td") || input.parentNode;
    cell.insertBefore(handle, cell.firstChild);
    row.classList.add("admin-photo-sortable-row");
  }

  function startDrag(event) {
    var handle = event.target.closest && event.target.closest(".admin-photo-sort-handle");
    if (!handle || event.button > 0) return;
    var row = handle.closest("tr");
    var tbody = row.parentNode;
    event.preventDefault();
    row.classList.add("is-dragging");
    // Listened to on the document: moving the row in the DOM ends a pointer capture.

    function move(e) {
      var others = tbodyRows(tbody).filter(function (r) { return r !== row; });
      var before = others.find(function (r) {
        var rect = r.getBoundingClientRect();
        return e.clientY < rect.top + rect.height / 2;
      });
      if (before) {
        if (row.nextElementSibling !== before) tbody.insertBefore(row, before);
      } else if (others.length) {
        var last = others[others.length - 1];
        if (last.nextElementSibling !== row) last.after(row);
      }
    }

    function stop() {
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", stop);
      document.removeEventListener("pointercancel", stop);
      row.classList.remove("is-dragging");
      renumber(tbody);
      handle.focus();
    }

    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", stop);
    document.addEventListener("pointercancel", stop);
  }

  function keyMove(event) {
    var handle = event.target.closest(".admin-photo-sort-handle");
    if (!handle || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    var row = handle.closest("tr");
    var rows = tbodyRows(row.parentNode);
    var at = rows.indexOf(row);
    if (event.key === "ArrowUp" && at > 0) rows[at - 1].before(row);
    if (event.key === "ArrowDown" && at < rows.length - 1) rows[at + 1].after(row);
    renumber(row.parentNode);
    handle.focus();
  }

  function setUp(root) {
    root.querySelectorAll("input[data-sortable-order]").forEach(function (input) {
      var row = input.closest("tr.form-row");
      if (row && !row.classList.contains("empty-form")) addHandle(row);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    document.addEventListener("pointerdown", startDrag);
    document.addEventListener("keydown", keyMove);
  });
  // A row added with "Add another" (Django's inlines.js).
  document.addEventListener("formset:added", function (event) {
    var row = event.target.closest ? event.target.closest("tr.form-row") : null;
    if (row) addHandle(row);
  });
})();
