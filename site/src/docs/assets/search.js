// contrail docs: search over window.CONTRAIL_SEARCH (search-index.js), rendered into
// #search-results. Runs from file:// (no fetch), no framework. The query comes from ?q= so a
// search form on any page lands here with its results already shown.
(function () {
  "use strict";
  var index = window.CONTRAIL_SEARCH || [];
  var results = document.getElementById("search-results");
  var input = document.getElementById("q");
  if (!results || !input) {
    return;
  }

  function score(entry, terms) {
    var total = 0;
    var matched = [];
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var best = 0;
      var title = entry.title.toLowerCase();
      if (title === term) {
        best = 100;
      } else if (title.indexOf(term) >= 0) {
        best = 50;
      }
      var fields = entry.fields || [];
      for (var f = 0; f < fields.length; f++) {
        if (fields[f].toLowerCase().indexOf(term) >= 0) {
          best = Math.max(best, 20);
          if (matched.indexOf(fields[f]) < 0) {
            matched.push(fields[f]);
          }
        }
      }
      if (best === 0 && (entry.text || "").toLowerCase().indexOf(term) >= 0) {
        best = 5;
      }
      if (best === 0) {
        return null;
      }
      total += best;
    }
    return { entry: entry, score: total, fields: matched };
  }

  function render(query) {
    while (results.firstChild) {
      results.removeChild(results.firstChild);
    }
    var terms = query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
    if (terms.length === 0) {
      return;
    }
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var hit = score(index[i], terms);
      if (hit) {
        found.push(hit);
      }
    }
    found.sort(function (a, b) {
      return b.score - a.score || (a.entry.title < b.entry.title ? -1 : a.entry.title > b.entry.title ? 1 : 0);
    });
    var summary = document.createElement("p");
    summary.className = "search-summary";
    summary.textContent = found.length + (found.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d";
    results.appendChild(summary);
    var list = document.createElement("ul");
    list.className = "search-results";
    for (var j = 0; j < found.length; j++) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = found[j].entry.url;
      link.textContent = found[j].entry.title;
      item.appendChild(link);
      var kind = document.createElement("span");
      kind.className = "badge";
      kind.textContent = found[j].entry.kind;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(kind);
      if (found[j].fields.length > 0) {
        var fields = document.createElement("div");
        fields.className = "search-fields";
        fields.textContent = "fields: " + found[j].fields.slice(0, 8).join(", ");
        item.appendChild(fields);
      } else if (found[j].entry.text) {
        var text = document.createElement("div");
        text.className = "search-fields";
        text.textContent = found[j].entry.text;
        item.appendChild(text);
      }
      list.appendChild(item);
    }
    results.appendChild(list);
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  render(query);
  input.addEventListener("input", function () {
    render(input.value);
  });
})();
