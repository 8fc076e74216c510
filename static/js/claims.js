// Claim annotations. The markup already works without this file: each marker is a native
// <button popovertarget> and each passage its <label>, so click, tap, Enter, Space, Escape,
// light dismiss, focus return and "one open at a time" come from the browser's popover API.
// This script adds what the browser cannot: a hover preview for mouse users that meets
// WCAG 1.4.13, a click on an open passage that closes it, highlighting of #claim-ID
// endnotes and of the passage an endnote's "Back to the text" (#ref-ID-N) leads to,
// and placement of the panel where CSS anchor positioning is missing.
// Everything is delegated from the document, so start-up costs the same for 10 claims or 1,000.
(function () {
  "use strict";

  var OPEN_DELAY = 300;   // ms of resting on a claim before its preview opens
  var CLOSE_DELAY = 350;  // ms of grace after leaving, to cross into the panel
  var EDGE = 8;           // px kept free between a panel and the viewport's edges

  var root = document.documentElement;
  var anchored = !!(window.CSS && CSS.supports && CSS.supports("anchor-name: --claim") &&
    CSS.supports("position-area: block-end"));
  var fine = window.matchMedia ? window.matchMedia("(hover: hover) and (pointer: fine)") : null;
  // The words this script writes, in the page's language: a page not in English carries them
  // in <body data-ui>, a JSON object from each English text to its translation (layouts/base.html).
  var words = {};
  try { words = JSON.parse(document.body.getAttribute("data-ui") || "{}"); } catch (e) { words = {}; }
  function t(text, values) {
    var s = words[text] || text;
    for (var name in values) s = s.split("{" + name + "}").join(values[name]);
    return s;
  }

  var state = {
    preview: null,   // the panel opened by hovering and not yet pinned by a click
    hovered: null,   // the .claim wrapper the mouse is over (passage, marker or panel)
    dismissed: null, // a panel closed by Escape while hovered: not reopened until the mouse leaves
    openTimer: 0,
    closeTimer: 0,
    down: null,      // what a press on a passage found, before light dismiss ran
    placed: null     // the open panel that the script places (no anchor positioning)
  };

  if (!anchored) root.classList.add("claims-js-position");

  /** The wrapper, marker and panel of the claim an element belongs to, or null. */
  function claimOf(el) {
    var claim = el && el.closest ? el.closest(".claim") : null;
    if (!claim && el && el.closest && el.closest(".xref-panel")) {
      var owner = el.closest(".xref-panel").xref;  // a preview opened from a claim's panel is part of that claim
      claim = owner ? owner.link.closest(".claim") : null;
    }
    if (!claim) return null;
    var button = claim.querySelector(".claim-trigger");
    var panel = button && document.getElementById(button.getAttribute("popovertarget"));
    return panel ? { claim: claim, button: button, panel: panel } : null;
  }

  function isOpen(panel) {
    return panel.matches(":popover-open");
  }

  /** Open a panel without moving focus; the marker stays its invoker for light dismiss. */
  function show(c) {
    if (isOpen(c.panel)) return;
    try {
      c.panel.showPopover({ source: c.button });
    } catch (e) {
      c.panel.showPopover();
    }
  }

  function hide(panel) {
    if (isOpen(panel)) panel.hidePopover();
  }

  function clearTimers() {
    clearTimeout(state.openTimer);
    clearTimeout(state.closeTimer);
    state.openTimer = state.closeTimer = 0;
  }

  // ---- hover preview (mouse only: touch and pen taps are clicks) ----

  function onPointerOver(event) {
    if (event.pointerType !== "mouse" || !(fine && fine.matches)) return;
    xrefOver(event);
    var c = claimOf(event.target);
    if (!c || state.hovered === c.claim) return;
    state.hovered = c.claim;
    clearTimers();
    if (state.dismissed === c.panel || isOpen(c.panel)) return;
    state.openTimer = setTimeout(function () {
      if (state.hovered !== c.claim || isOpen(c.panel)) return;
      show(c);
      state.preview = c.panel;
    }, OPEN_DELAY);
  }

  function onPointerOut(event) {
    if (event.pointerType !== "mouse") return;
    xrefOut(event);
    if (!state.hovered) return;
    var to = claimOf(event.relatedTarget);
    if (to && to.claim === state.hovered) return;  // still inside: passage, marker or panel
    var left = claimOf(state.hovered);
    state.hovered = null;
    state.dismissed = null;
    clearTimers();
    if (left && state.preview === left.panel) {
      state.closeTimer = setTimeout(function () {
        if (state.hovered !== left.claim && state.preview === left.panel) hide(left.panel);
      }, CLOSE_DELAY);
    }
  }

  // ---- clicks: pin a preview; passages act like their marker ----

  function onPointerDown(event) {
    var c = claimOf(event.target);
    state.down = c && event.target.closest(".claim-label") ?
      { panel: c.panel, open: isOpen(c.panel), preview: state.preview === c.panel } : null;
  }

  function onClick(event) {
    if (xrefClick(event)) return;
    var c = claimOf(event.target);
    if (!c || c.panel.contains(event.target) || event.target.closest(".xref-panel")) return;
    clearTimers();
    if (event.target.closest(".claim-label")) {
      // Handled here instead of by the label's own forwarding: a press on the passage is
      // outside the popover, so light dismiss has already closed an open panel by now.
      event.preventDefault();
      var was = state.down && state.down.panel === c.panel ? state.down : { open: isOpen(c.panel), preview: state.preview === c.panel };
      state.down = null;
      if (was.open && !was.preview) {
        hide(c.panel);
      } else {
        show(c);
      }
      state.preview = null;
      return;
    }
    if (state.preview === c.panel && isOpen(c.panel)) {
      event.preventDefault();  // the click pins the preview rather than toggling it shut
    }
    state.preview = null;
  }

  // ---- open and close, whoever did it (the browser or this script) ----

  function onBeforeToggle(event) {
    var panel = event.target;
    if (panel.xref && panel.xref.button) panel.xref.button.setAttribute("aria-expanded", event.newState === "open" ? "true" : "false");
    if (!panel.classList || !panel.classList.contains("claim-panel")) return;
    panel.parentNode.classList.toggle("is-open", event.newState === "open");
    if (anchored || event.newState !== "open") return;
    state.placed = panel;
    // The panel can be measured once shown; an animation frame comes after that, before paint.
    requestAnimationFrame(function () { if (state.placed === panel) place(panel); });
  }

  function onToggle(event) {
    var panel = event.target;
    if (panel.xref && event.newState === "closed") {
      panel.xref.preview = false;
      if (state.placed === panel) state.placed = null;
      if (xstate.hovered === panel.xref) xstate.dismissed = panel.xref;
      return;
    }
    if (event.newState !== "closed" || !panel.classList || !panel.classList.contains("claim-panel")) return;
    if (state.preview === panel) state.preview = null;
    if (state.placed === panel) state.placed = null;
    var c = claimOf(panel);
    if (c && state.hovered === c.claim) state.dismissed = panel;  // Escape while hovering
  }

  // ---- placement without anchor positioning ----

  /** Put the panel under its marker (over it when there is no room), inside the viewport. */
  function place(panel) {
    var c = panel.xref ? { claim: panel.xref.link, button: panel.xref.button || panel.xref.link } : claimOf(panel);
    if (!c) return;
    var rects = (panel.xref ? c.claim : c.claim.querySelector(".claim-label") || c.button).getClientRects();
    var at = rects.length ? rects[rects.length - 1] : c.button.getBoundingClientRect();
    var marker = c.button.getBoundingClientRect();
    var right = Math.max(at.right, marker.right);
    var left = Math.min(at.left, marker.left);
    var width = root.clientWidth;
    var height = root.clientHeight;
    panel.style.maxHeight = "";
    var w = panel.offsetWidth;
    var h = panel.offsetHeight;
    var x = Math.min(Math.max((left + right) / 2 - w / 2, EDGE), Math.max(EDGE, width - w - EDGE));
    var top = Math.min(at.top, marker.top);
    var bottom = Math.max(at.bottom, marker.bottom);
    var below = height - EDGE - (bottom + 6);
    var above = top - 6 - EDGE;
    var y;
    if (h <= below || (h > above && below >= above)) {
      y = bottom + 6;
      if (h > below) panel.style.maxHeight = Math.max(below, 80) + "px";  // scrolls inside
    } else {
      if (h > above) panel.style.maxHeight = above + "px";
      y = top - 6 - Math.min(h, above);
    }
    panel.style.left = Math.round(x) + "px";
    panel.style.top = Math.round(y) + "px";
  }

  var frame = 0;
  function onViewportChange() {
    if (!state.placed || frame) return;
    frame = requestAnimationFrame(function () {
      frame = 0;
      if (state.placed) place(state.placed);
    });
  }

  // ---- previews of cross-references ----
  // A link to a page or claim of this site (a.xref, marked by the builder) previews its
  // target in a panel like a claim's: on hover (fine pointer) and from the small button after
  // it (keyboard, touch). The data is the target page itself, fetched from this site on first
  // use and kept (a claim's endnote; a page's title, summary and status counts), or, for a
  // claim of this page, its endnote here. Nothing runs until a preview is asked for.

  var xstate = { hovered: null, dismissed: null, openTimer: 0, closeTimer: 0, count: 0 };
  var fetched = {};  // page address -> Promise of its parsed document, or null when it failed

  /** The cross-reference a link, its preview button or its preview panel belongs to. */
  function xrefOf(el) {
    if (!el || !el.closest) return null;
    var panel = el.closest(".xref-panel");
    if (panel) return panel.xref || null;
    var button = el.closest(".xref-button");
    var link = button ? button.previousElementSibling : el.closest("a.xref");
    if (!link || !link.classList.contains("xref")) return null;
    if (!link.xref) {
      var next = link.nextElementSibling;
      link.xref = { link: link, button: next && next.classList.contains("xref-button") ? next : null, panel: null, preview: false };
    }
    return link.xref;
  }

  function pageOf(url) {
    var key = url.split("#")[0];
    if (key === location.href.split("#")[0]) return Promise.resolve(document);
    if (!fetched[key]) {
      fetched[key] = fetch(key, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (text) { return new DOMParser().parseFromString(text, "text/html"); })
        .catch(function () { return null; });
    }
    return fetched[key];
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  /** A copy of an element of the target page, its links made absolute and ids dropped. */
  function copy(node, base) {
    var c = document.importNode(node, true);
    var all = [c].concat([].slice.call(c.querySelectorAll("*")));
    for (var i = 0; i < all.length; i++) {
      all[i].removeAttribute("id");
      if (all[i].hasAttribute("href")) all[i].setAttribute("href", new URL(all[i].getAttribute("href"), base).href);
    }
    return c;
  }

  /** The preview panel's content, from the target page (null: it could not be loaded). */
  function fill(x, doc) {
    var url = new URL(x.link.href), base = url.href.split("#")[0];
    var id = "";
    try { id = decodeURIComponent(url.hash.slice(1)); } catch (e) { /* no such claim */ }
    var panel = el("div", "xref-panel");
    panel.setAttribute("popover", "auto");
    panel.setAttribute("role", "group");
    panel.id = "xref-panel-" + (++xstate.count);
    panel.xref = x;
    var title = doc && doc.querySelector("h1");
    var page = title ? title.textContent.trim() : "";
    var note = doc && id.indexOf("claim-") === 0 ? doc.getElementById(id) : null;
    if (!doc) {
      panel.setAttribute("aria-label", t("Preview"));
      panel.appendChild(el("p", "xref-kind", t("No preview: follow the link to read it.")));
    } else if (note) {
      var number = [].indexOf.call(note.parentNode.children, note) + 1;
      var status = note.getAttribute("data-status");
      panel.setAttribute("data-status", status);
      panel.setAttribute("aria-label", doc === document ? t("Preview of claim {number}", { number: number }) :
        t("Preview of claim {number} of {page}", { number: number, page: page }));
      var kind = el("p", "xref-kind", doc === document ? t("Claim {number} on this page", { number: number }) :
        t("Claim {number} of ", { number: number }));
      if (doc !== document) kind.appendChild(el("cite", "", page));
      panel.appendChild(kind);
      var parts = note.querySelectorAll(".claim-text, .claim-head, .claim-sources, .claim-note, .claim-evidence, .claim-history, .claim-checked");
      for (var i = 0; i < parts.length; i++) panel.appendChild(copy(parts[i], base));
      var head = panel.querySelector(".claim-sources");
      var legend = doc.querySelector('.legend dt .badge[data-status="' + status + '"]');
      var meaning = legend && legend.parentNode.nextElementSibling;
      if (head && meaning) head.parentNode.insertBefore(el("p", "status-meaning", meaning.textContent.trim()), head.nextSibling);
    } else {
      panel.setAttribute("aria-label", t("Preview of {page}", { page: page || t("the page") }));
      panel.appendChild(el("p", "xref-title", page));
      var dek = doc.querySelector(".dek") || doc.querySelector('meta[name="description"]');
      if (dek) panel.appendChild(el("p", "xref-summary", (dek.content || dek.textContent).trim()));
      var counts = doc.querySelector(".status-counts");
      var total = doc.querySelector("#summary-heading");
      if (counts && total) {
        panel.appendChild(el("p", "xref-count", total.textContent.trim()));
        panel.appendChild(copy(counts, base));
      }
    }
    // In the page right after its button (or link): Tab from there reaches the panel's links,
    // and inside a claim's panel it is nested in that popover, so it opens on top of it.
    var after = x.button || x.link;
    after.parentNode.insertBefore(panel, after.nextSibling);
    if (x.button) x.button.setAttribute("aria-controls", panel.id);
    x.panel = panel;
  }

  /** Open the preview (`pinned`: asked for by its button, so it stays when the pointer leaves). */
  function openXref(x, pinned) {
    return pageOf(x.link.href).then(function (doc) {
      if (!pinned && xstate.hovered !== x) return;
      if (!x.panel) fill(x, doc);
      if (!isOpen(x.panel)) {
        try {
          x.panel.showPopover({ source: x.button || x.link });
        } catch (e) {
          x.panel.showPopover();
        }
      }
      x.preview = !pinned;
      if (x.button) x.button.setAttribute("aria-expanded", "true");
      state.placed = x.panel;
      place(x.panel);
    });
  }

  function closeXref(x) {
    if (x.panel) hide(x.panel);
  }

  function xrefOver(event) {
    var x = xrefOf(event.target);
    if (!x || event.target.closest(".xref-button") || xstate.hovered === x) return;
    xstate.hovered = x;
    clearTimeout(xstate.openTimer);
    clearTimeout(xstate.closeTimer);
    if (xstate.dismissed === x || (x.panel && isOpen(x.panel))) return;
    xstate.openTimer = setTimeout(function () { if (xstate.hovered === x) openXref(x, false); }, OPEN_DELAY);
  }

  function xrefOut(event) {
    var left = xstate.hovered;
    if (!left || xrefOf(event.relatedTarget) === left) return;
    // into a preview opened from this one's panel: still inside
    var to = event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest(".xref-panel");
    if (to && left.panel && left.panel.contains(to)) return;
    xstate.hovered = null;
    xstate.dismissed = null;
    clearTimeout(xstate.openTimer);
    if (left.preview && left.panel) {
      xstate.closeTimer = setTimeout(function () {
        if (xstate.hovered !== left && left.preview) closeXref(left);
      }, CLOSE_DELAY);
    }
  }

  /** A click on a preview button toggles its preview; true when the click was about a preview. */
  function xrefClick(event) {
    var button = event.target.closest && event.target.closest(".xref-button");
    if (!button) return false;
    var x = xrefOf(button);
    if (!x) return false;
    clearTimeout(xstate.openTimer);
    if (x.panel && isOpen(x.panel) && !x.preview) {
      closeXref(x);
    } else {
      openXref(x, true);
    }
    return true;
  }

  // ---- #claim-ID: scroll to the endnote and mark it ----

  function highlight(event) {
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return;
    }
    var old = document.querySelectorAll(".endnote-list > li.is-target, .claim.is-target");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("is-target");
    if (id.indexOf("ref-") === 0) return backToText(id, event);
    if (id.indexOf("claim-") !== 0) return;
    var note = document.getElementById(id);
    if (!note || note.tagName !== "LI") return;
    note.classList.add("is-target");
    note.setAttribute("tabindex", "-1");  // so a screen reader continues reading from it
    note.focus({ preventScroll: true });
    // at load, jump (the reader asked for this place); after a click in the page, CSS decides
    note.scrollIntoView({ block: "start", behavior: event ? "auto" : "instant" });
  }

  /** #ref-ID-N (an endnote's "Back to the text"): mark the whole passage and put focus on its marker. */
  function backToText(id, event) {
    var button = document.getElementById(id);
    var c = button && button.classList.contains("claim-trigger") ? claimOf(button) : null;
    if (!c) return;
    c.claim.classList.add("is-target");  // CSS :target marks it too; the class also survives a later hash
    button.focus({ preventScroll: true });  // focus alone opens nothing; a screen reader reads the passage
    if (!event) button.scrollIntoView({ block: "start", behavior: "instant" });
  }

  // ---- print: the legend prints open ----

  function openLegends(open) {
    var all = document.querySelectorAll("details.legend");
    for (var i = 0; i < all.length; i++) {
      if (open) {
        all[i].dataset.wasOpen = all[i].open ? "1" : "";
        all[i].open = true;
      } else if (all[i].dataset.wasOpen !== undefined) {
        all[i].open = all[i].dataset.wasOpen === "1";
        delete all[i].dataset.wasOpen;
      }
    }
  }

  document.addEventListener("pointerover", onPointerOver);
  document.addEventListener("pointerout", onPointerOut);
  document.addEventListener("pointerdown", onPointerDown, true);
  document.addEventListener("click", onClick);
  document.addEventListener("beforetoggle", onBeforeToggle, true);  // toggle events do not bubble
  document.addEventListener("toggle", onToggle, true);
  window.addEventListener("scroll", onViewportChange, { passive: true });
  window.addEventListener("resize", onViewportChange);
  window.addEventListener("hashchange", highlight);
  window.addEventListener("beforeprint", function () { openLegends(true); });
  window.addEventListener("afterprint", function () { openLegends(false); });
  if (location.hash) highlight(null);
})();
