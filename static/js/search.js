// The search page (layouts/search.html): asks the Pagefind index (pagefind/, made by
// explainers/search.py) through Pagefind's own JS API, and shows its results here.
// The page reads ?q= (the header's search box sends it) and the filters from the query
// string, and writes them back, so a search can be linked to. Every word shown comes from
// the page's data-* attributes (translatable templates), none from this file.
(function () {
  "use strict";
  var page = document.getElementById("search");
  if (!page) return;
  var text = page.dataset;
  var form = page.querySelector(".search-form");
  var input = document.getElementById("search-q");
  var fieldset = page.querySelector(".search-filters");
  var selects = Array.prototype.slice.call(page.querySelectorAll("select[data-filter]"));
  var status = page.querySelector(".search-status");
  var list = page.querySelector(".search-results");
  var more = page.querySelector(".search-more");
  var noScript = page.querySelector(".search-nojs");
  var PAGE_SIZE = 10;
  var KEY = /^[A-Za-z0-9_-]+$/; // a status key, as it names a badge file
  var siteRoot = new URL(text.root, window.location.href);
  var pagefind = null;
  var asked = 0; // the latest search: an older one's answer arriving late is dropped
  var pending = [];

  noScript.hidden = true;
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";

  function say(message) { status.textContent = message; }

  function unavailable() {
    say(text.unavailable);
    noScript.hidden = false;
  }

  function fillFilters(available) {
    // one option per value the index knows, sorted, after "Any"
    selects.forEach(function (select) {
      var values = Object.keys(available[select.dataset.filter] || {}).sort(function (a, b) { return a.localeCompare(b); });
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
      var wanted = params.get(select.name);
      if (wanted && values.indexOf(wanted) >= 0) select.value = wanted;
    });
    fieldset.hidden = false;
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) { if (select.value) filters[select.dataset.filter] = select.value; });
    return filters;
  }

  function remember(words, filters) {
    var query = new URLSearchParams();
    if (words) query.set("q", words);
    Object.keys(filters).forEach(function (name) { query.set(name, filters[name]); });
    var search = query.toString();
    window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  // Pagefind's excerpt, with only its text and <mark> elements kept (parsed inertly, never run).
  function excerptNodes(html) {
    var doc = new DOMParser().parseFromString("<p>" + (html || "") + "</p>", "text/html");
    var out = document.createDocumentFragment();
    Array.prototype.forEach.call(doc.body.firstChild.childNodes, function (node) {
      if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function resultItem(data) {
    var meta = data.meta || {};
    var li = document.createElement("li");
    var kind = document.createElement("p");
    kind.className = "search-kind";
    var key = meta.status_key;
    if (key && KEY.test(key)) {
      var img = document.createElement("img");
      img.src = new URL("badges/" + key + ".svg", siteRoot).href;
      img.alt = "";
      img.width = 24;
      img.height = 24;
      kind.appendChild(img);
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.setAttribute("data-status", key);
      badge.textContent = meta.status || key;
      kind.appendChild(badge);
    }
    var label = document.createElement("span");
    label.textContent = (meta.kind || "") + (meta.explainer ? " " + text["in"] + " " + meta.explainer : "");
    kind.appendChild(label);
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = meta.title || data.url;
    heading.appendChild(link);
    var excerpt = document.createElement("p");
    excerpt.appendChild(excerptNodes(data.excerpt));
    li.appendChild(heading);
    li.appendChild(kind);
    li.appendChild(excerpt);
    return li;
  }

  function showMore(focusFirst) {
    var batch = pending.splice(0, PAGE_SIZE);
    var mine = asked;
    return Promise.all(batch.map(function (result) { return result.data(); })).then(function (items) {
      if (mine !== asked) return;
      var first = null;
      items.forEach(function (data) {
        var li = resultItem(data);
        first = first || li;
        list.appendChild(li);
      });
      more.hidden = pending.length === 0;
      if (focusFirst && first) first.querySelector("a").focus();
    });
  }

  function run() {
    if (!pagefind) return;
    var words = input.value.trim();
    var filters = chosenFilters();
    remember(words, filters);
    var mine = ++asked;
    list.textContent = "";
    more.hidden = true;
    pending = [];
    if (!words && !Object.keys(filters).length) {
      say("");
      return;
    }
    say(text.searching);
    pagefind.search(words || null, { filters: filters }).then(function (search) {
      if (mine !== asked) return;
      var count = search.results.length;
      pending = search.results.slice();
      return showMore(false).then(function () {
        // said once the first results are in place, so what is announced is there to read
        if (mine === asked) say(count === 0 ? text.foundNone : count === 1 ? text.foundOne : text.foundMany.replace("{n}", String(count)));
      });
    }).catch(unavailable);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  selects.forEach(function (select) { select.addEventListener("change", run); });
  more.addEventListener("click", function () { showMore(true); });

  // resolved against the page: a bare import() resolves a relative address against this script's
  import(new URL(text.index, window.location.href).href).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: siteRoot.pathname });
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    fillFilters(available || {});
    run();
  }).catch(unavailable);
})();
