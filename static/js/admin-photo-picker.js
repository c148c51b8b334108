/* Thumbnails in the admin's photo pickers (kazportal.admin.PhotoAutocompleteSelect): each
   search result carries `thumbnail` in the autocomplete JSON, the chosen photo's <option> a
   data-thumbnail attribute. Set as Select2's defaults before Django's autocomplete.js starts
   the widgets (on DOM ready), so gallery rows added later get them too; results without a
   thumbnail (other pickers) show their text as before. */
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) return;

  function withThumbnail(item) {
    var url = item.thumbnail || (item.element && item.element.getAttribute("data-thumbnail"));
    if (!url || item.loading) return item.text;
    var box = document.createElement("span");
    box.className = "admin-photo-option";
    var img = document.createElement("img");
    img.src = url;
    img.alt = "";
    img.width = 48;
    img.height = 36;
    img.loading = "lazy";
    img.className = "admin-photo-option-thumb";
    var label = document.createElement("span");
    label.textContent = item.text;
    box.appendChild(img);
    box.appendChild(label);
    return $(box);
  }

  $.fn.select2.defaults.set("templateResult", withThumbnail);
  $.fn.select2.defaults.set("templateSelection", withThumbnail);

  // A result chosen from the list: keep its thumbnail on the <option> Select2 adds, so that
  // the chosen value shows it again after the widget redraws.
  $(document).on("select2:select", "select.admin-autocomplete", function (event) {
    var data = event.params && event.params.data;
    if (data && data.thumbnail && data.element) {
      data.element.setAttribute("data-thumbnail", data.thumbnail);
    }
  });
})();
