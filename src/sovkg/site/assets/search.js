// Client-side search over entity names. The index (window.SOVKG_INDEX) comes from a script
// file rather than a fetched JSON file, so that it also works when the site is opened from disk.
(function () {
  "use strict";
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var root = document.body.getAttribute("data-root") || "";
  var index = window.SOVKG_INDEX || [];
  var LIMIT = 20;

  function matches(query) {
    var q = query.toLowerCase();
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var e = index[i];
      var name = e.n.toLowerCase();
      var at = name.indexOf(q);
      var alt = e.a.toLowerCase().indexOf(q);
      if (at >= 0 || alt >= 0) {
        found.push({ e: e, rank: (at === 0 || alt === 0) ? 0 : 1 });
      }
    }
    found.sort(function (a, b) { return a.rank - b.rank || a.e.n.localeCompare(b.e.n); });
    return found;
  }

  function show() {
    var query = box.value.trim();
    list.textContent = "";
    if (query.length < 2) { return; }
    var found = matches(query);
    found.slice(0, LIMIT).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + hit.e.u;
      link.textContent = hit.e.n;
      var kind = document.createElement("small");
      kind.textContent = " " + hit.e.k;
      item.appendChild(link);
      item.appendChild(kind);
      list.appendChild(item);
    });
    if (found.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No name contains \u201c" + query + "\u201d.";
      list.appendChild(none);
    } else if (found.length > LIMIT) {
      var more = document.createElement("li");
      more.textContent = (found.length - LIMIT) + " more: type more letters.";
      list.appendChild(more);
    }
  }

  if (box && list) {
    box.addEventListener("input", show);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = list.querySelector("a");
        if (first) { window.location.href = first.href; }
      }
    });
  }
})();
