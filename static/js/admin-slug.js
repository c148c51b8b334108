/* Prefills an empty slug from the Kazakh (or Russian) title with Latin letters, as editors type.
   Same table as kazportal/text.py. The slug field carries data-slug-from="<source field id>". */
(function () {
  "use strict";
  var MAP = {"а":"a","ә":"a","б":"b","в":"v","г":"g","ғ":"g","д":"d","е":"e","ё":"yo","ж":"zh",
    "з":"z","и":"i","й":"i","к":"k","қ":"q","л":"l","м":"m","н":"n","ң":"ng","о":"o","ө":"o",
    "п":"p","р":"r","с":"s","т":"t","у":"u","ұ":"u","ү":"u","ф":"f","х":"kh","һ":"h","ц":"ts",
    "ч":"ch","ш":"sh","щ":"shch","ъ":"","ы":"y","і":"i","ь":"","э":"e","ю":"yu","я":"ya"};
  function slugify(text, max) {
    var out = Array.prototype.map.call(text.toLowerCase(), function (ch) {
      return Object.prototype.hasOwnProperty.call(MAP, ch) ? MAP[ch] : ch;
    }).join("");
    out = out.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    out = out.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return out.slice(0, max || 80).replace(/-+$/, "");
  }
  window.addEventListener("load", function () {
    document.querySelectorAll("input[data-slug-from]").forEach(function (slug) {
      var source = document.getElementById(slug.dataset.slugFrom);
      if (!source) return;
      var touched = slug.value !== "";
      slug.addEventListener("input", function () { touched = slug.value !== ""; });
      source.addEventListener("input", function () {
        if (!touched) slug.value = slugify(source.value, slug.maxLength > 0 ? slug.maxLength : 80);
      });
    });
  });
})();
