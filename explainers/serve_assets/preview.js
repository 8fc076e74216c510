// The preview's live reload and error overlay. `build.py serve` adds this script to every
// HTML page it sends; it is never written into the built site. It is a file, not inline
// code, because the pages' Content-Security-Policy allows scripts from the same origin only.
(function () {
  "use strict";

  var script = document.currentScript;
  var digest = (script && script.getAttribute("data-digest")) || "";
  var base = script ? new URL(".", script.src) : new URL("/__preview__/", location.href);
  var overlay = makeOverlay();
  var dismissed = null;
  var retryDelay = 250;

  // The overlay lives in a shadow root so the site's CSS and this one leave each other alone.
  function makeOverlay() {
    var host = document.createElement("explainers-preview");
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("preview.css", base).href;
    var box = document.createElement("section");
    box.id = "preview-errors";
    box.className = "overlay";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "preview-errors-title");
    box.hidden = true;
    var title = document.createElement("h2");
    title.id = "preview-errors-title";
    var help = document.createElement("p");
    help.textContent = "The page below is the last good build. Save a fix and this goes away.";
    var list = document.createElement("ul");
    var hide = document.createElement("button");
    hide.type = "button";
    hide.textContent = "Hide";
    hide.addEventListener("click", function () {
      box.hidden = true;
      dismissed = box.getAttribute("data-errors");
    });
    box.append(title, help, list, hide);
    root.append(style, box);
    (document.body || document.documentElement).append(host);
    return { box: box, title: title, list: list };
  }

  function showErrors(errors) {
    var key = JSON.stringify(errors);
    overlay.box.setAttribute("data-errors", key);
    if (!errors.length) {
      overlay.box.hidden = true;
      dismissed = null;
      return;
    }
    overlay.title.textContent = "The site does not build: " + errors.length + (errors.length === 1 ? " error" : " errors");
    overlay.list.replaceChildren.apply(overlay.list, errors.map(function (text) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.textContent = text;
      item.append(code);
      return item;
    }));
    overlay.box.hidden = key === dismissed;
  }

  function connect() {
    var url = new URL("ws", base);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("path", location.pathname);
    url.searchParams.set("digest", digest);
    var socket = new WebSocket(url.href);
    socket.addEventListener("open", function () { retryDelay = 250; });
    socket.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "reload") {
        location.reload();
      } else if (message.type === "problems") {
        showErrors(message.errors);
      }
    });
    // The server stopped or restarted: keep trying; on reconnecting it reloads us if needed.
    socket.addEventListener("close", function () {
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 2000);
    });
  }

  connect();
})();
