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
    if (event.pointerType !== "mouse" || !state.hovered) return;
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
    var c = claimOf(event.target);
    if (!c || c.panel.contains(event.target)) return;
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
    if (!panel.classList || !panel.classList.contains("claim-panel")) return;
    panel.parentNode.classList.toggle("is-open", event.newState === "open");
    if (anchored || event.newState !== "open") return;
    state.placed = panel;
    // The panel can be measured once shown; an animation frame comes after that, before paint.
    requestAnimationFrame(function () { if (state.placed === panel) place(panel); });
  }

  function onToggle(event) {
    var panel = event.target;
    if (event.newState !== "closed" || !panel.classList || !panel.classList.contains("claim-panel")) return;
    if (state.preview === panel) state.preview = null;
    if (state.placed === panel) state.placed = null;
    var c = claimOf(panel);
    if (c && state.hovered === c.claim) state.dismissed = panel;  // Escape while hovering
  }

  // ---- placement without anchor positioning ----

  /** Put the panel under its marker (over it when there is no room), inside the viewport. */
  function place(panel) {
    var c = claimOf(panel);
    if (!c) return;
    var rects = (c.claim.querySelector(".claim-label") || c.button).getClientRects();
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
