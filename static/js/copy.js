/* The copy button of a claim page (layouts/claim.html): shown only when it can work, it copies
   the embed code, which stays selectable text without JavaScript. A file, not inline: the CSP forbids inline script. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    var button = buttons[i];
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) continue;
    button.hidden = false;
    button.addEventListener("click", copy.bind(null, button, source));
  }

  function copy(button, source) {
    var status = button.parentNode.querySelector(".copy-status");
    var text = source.value !== undefined ? source.value : source.textContent;
    function done(ok) {
      if (status) status.textContent = ok ? "Copied." : "Select the code and copy it.";
      if (!ok) { source.focus(); if (source.select) source.select(); }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(legacy(source)); });
    } else {
      done(legacy(source));
    }
  }

  function legacy(source) {
    try {
      source.focus();
      source.select();
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }
})();
