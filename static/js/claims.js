// Claim annotations: the native popover API does the work; this only reacts to #claim-ID links.
(function () {
  "use strict";
  function highlight() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf("claim-") !== 0) return;
    var note = document.getElementById(id);
    if (note) note.classList.add("is-target");
  }
  window.addEventListener("hashchange", highlight);
  highlight();
})();
