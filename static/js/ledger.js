// The claims ledger's filters: the table is complete without this; it only hides rows.
// Filters read from and write to the query string (?status=…&source=…&page=…), so a
// filtered view can be linked to, and the explainers link to their own claims this way.
(function () {
  "use strict";
  var form = document.getElementById("ledger-filters");
  var table = document.getElementById("ledger-table");
  if (!form || !table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var live = document.getElementById("ledger-count");
  var empty = document.getElementById("ledger-empty");
  var counts = Array.prototype.slice.call(document.querySelectorAll("[data-status-count]"));

  function sourcesOf(row) {
    return Array.prototype.map.call(row.querySelectorAll("[data-source]"), function (el) {
      return el.getAttribute("data-source");
    });
  }

  function matches(row, filter, value) {
    if (!value) return true;
    if (filter === "source") return sourcesOf(row).indexOf(value) !== -1;
    return row.getAttribute("data-" + filter) === value;
  }

  function chosen() {
    return selects.filter(function (s) { return s.value; });
  }

  function describe(shown) {
    var total = rows.length;
    var noun = total === 1 ? "claim" : "claims";
    if (!chosen().length) return "Showing all " + total + " " + noun + ".";
    var which = chosen().map(function (s) {
      var label = form.querySelector("label[for='" + s.id + "']").textContent.trim().toLowerCase();
      return label + " " + s.options[s.selectedIndex].text;
    }).join(", ");
    if (!shown) return "No claim matches " + which + ".";
    return "Showing " + shown + " of " + total + " " + noun + " (" + which + ").";
  }

  function remember() {
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) {
      if (s.value) params.set(s.name, s.value); else params.delete(s.name);
    });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function apply() {
    var byStatus = {};
    var shown = 0;
    rows.forEach(function (row) {
      var visible = selects.every(function (s) { return matches(row, s.getAttribute("data-filter"), s.value); });
      row.hidden = !visible;
      if (visible) {
        shown += 1;
        var key = row.getAttribute("data-status");
        byStatus[key] = (byStatus[key] || 0) + 1;
      }
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
  form.hidden = false;
  apply();
})();
