// The claims ledger's filters: the pages are complete without this; it only hides rows.
// Filters read from and write to the query string (?status=…&source=…&page=…), so a
// filtered view can be linked to, and the explainers link to their own claims this way.
// Two tables (layouts/claims.html): #ledger-table, claims (a small site's ledger, an
// explainer's own ledger page), and #ledger-explainers, the explainers of a large site with
// their claims by status; there a filter keeps the explainers that have matching claims,
// and their links open their own ledger pages filtered the same way.
(function () {
  "use strict";
  var form = document.getElementById("ledger-filters");
  var claims = document.getElementById("ledger-table");
  var table = claims || document.getElementById("ledger-explainers");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var live = document.getElementById("ledger-count");
  var empty = document.getElementById("ledger-empty");
  var counts = Array.prototype.slice.call(document.querySelectorAll("[data-status-count]"));
  var statusKeys = counts.map(function (li) { return li.getAttribute("data-status-count"); });
  var FIRST_COUNT = 2; // an explainer's row: its title, its number of claims, then one cell per status
  // The words written here, in the page's language: a page not in English carries them in <body data-ui>
  // (layouts/claims.html), a JSON object from each English text, or "singular|plural category" for a count, to its translation.
  var words = {};
  try { words = JSON.parse(document.body.getAttribute("data-ui") || "{}"); } catch (e) { words = {}; }
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
  function say(one, other, n, values) {
    var english = n === 1 ? one : other;
    var s = (plurals && words[one + "|" + plurals.select(n)]) || words[english] || english;
    for (var name in values) s = s.split("{" + name + "}").join(values[name]);
    return s;
  }

  function sourcesOf(row) {
    return Array.prototype.map.call(row.querySelectorAll("[data-source]"), function (el) {
      return el.getAttribute("data-source");
    });
  }

  function countOf(row, key) {
    var cell = row.cells[FIRST_COUNT + statusKeys.indexOf(key)];
    return cell ? Number(cell.textContent) : 0;
  }

  function matches(row, select) {
    var filter = select.getAttribute("data-filter");
    var value = select.value;
    if (!value) return true;
    if (claims) {
      if (filter === "source") return sourcesOf(row).indexOf(value) !== -1;
      return row.getAttribute("data-" + filter) === value;
    }
    if (filter === "status") return countOf(row, value) > 0;
    return (" " + row.getAttribute("data-sources") + " ").indexOf(" " + (select.selectedIndex - 1) + " ") !== -1;
  }

  function chosen() {
    return selects.filter(function (s) { return s.value; });
  }

  function describe(shown) {
    var total = rows.length;
    if (!chosen().length) {
      return claims ? say("Showing all {total} claim.", "Showing all {total} claims.", total, { total: total }) :
        say("Showing all {total} explainer.", "Showing all {total} explainers.", total, { total: total });
    }
    var which = chosen().map(function (s) {
      var label = form.querySelector("label[for='" + s.id + "']").textContent.trim().toLowerCase();
      return label + " " + s.options[s.selectedIndex].text;
    }).join(", ");
    var values = { shown: shown, total: total, which: which };
    if (!shown) return claims ? say("No claim matches {which}.", "", 1, values) : say("No explainer has claims that match {which}.", "", 1, values);
    return claims ? say("Showing {shown} of {total} claim ({which}).", "Showing {shown} of {total} claims ({which}).", total, values) :
      say("Showing {shown} of {total} explainer with matching claims ({which}).",
          "Showing {shown} of {total} explainers with matching claims ({which}).", total, values);
  }

  function query(names) {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      if (s.value && names.indexOf(s.name) !== -1) params.set(s.name, s.value); else params.delete(s.name);
    });
    params.delete("page");
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function remember() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      if (s.value) params.set(s.name, s.value); else params.delete(s.name);
    });
    var text = params.toString();
    history.replaceState(history.state, "", location.pathname + (text ? "?" + text : "") + location.hash);
  }

  function apply() {
    var byStatus = {};
    var shown = 0;
    var status = form.querySelector("select[data-filter='status']");
    var onward = query(["status", "source"]);
    rows.forEach(function (row) {
      var visible = selects.every(function (s) { return matches(row, s); });
      row.hidden = !visible;
      if (!visible) return;
      shown += 1;
      if (claims) {
        var key = row.getAttribute("data-status");
        byStatus[key] = (byStatus[key] || 0) + 1;
        return;
      }
      statusKeys.forEach(function (k) {
        if (!status.value || status.value === k) byStatus[k] = (byStatus[k] || 0) + countOf(row, k);
      });
      var link = row.querySelector("a");
      link.setAttribute("href", link.getAttribute("href").split("?")[0] + onward);
    });
    counts.forEach(function (li) {
      var n = byStatus[li.getAttribute("data-status-count")] || 0;
      li.querySelector(".ledger-number").textContent = String(n);
      li.classList.toggle("is-zero", n === 0);
    });
    if (empty) empty.hidden = shown !== 0;
    live.textContent = describe(shown);
    remember();
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.name);
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === wanted; });
      s.value = wanted && known ? wanted : "";
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  // "reset" fires before the controls are cleared, so apply once they are.
  form.addEventListener("reset", function () {
    setTimeout(function () {
      var lost = empty && empty.contains(document.activeElement);
      apply();
      if (lost) selects[0].focus(); // the button that was pressed is hidden now
    }, 0);
  });
  restore();
  // An explainer's link to "its claims in the ledger" (claims/?page=KEY) opens its own ledger page.
  var page = new URLSearchParams(location.search).get("page");
  if (!claims && page) {
    var row = rows.filter(function (r) { return r.getAttribute("data-page") === page; })[0];
    if (row) {
      location.replace(row.querySelector("a").getAttribute("href").split("?")[0] + query(["status", "source"]) + location.hash);
      return;
    }
  }
  form.hidden = false;
  apply();
})();
