// kamkit: tell the trainee when the page has lost its kernel, so nobody types into a page that
// can no longer save. Put into every served page by kamkit's patched Voila template.
//
// The page talks to its kernel over one websocket. The kernel is gone when that socket reports
// the kernel restarting or dead (it was killed, or crashed: a restarted kernel has none of the
// page's state), when the socket closes and is not reopened within a few seconds (the server
// stopped), or when the page's own kernel connection gives up. Then a banner says what happened:
// changes after the last "All changes saved" may not have been saved, and reloading the page
// carries on from what was.
// It also asks before the page is left while a field shows something typed and not saved (an
// error marked `kk-unsaved` next to it), so a mistyped value is never lost by closing the tab;
// and when a part of the page cannot be drawn (the widget library reports a view it could not
// build - seen once, never reproduced), it says so and offers the reload that draws it again.
// One banner for every piece of news: fixed to the top or bottom edge, announced, with the
// reload that carries on from the saved work. Shown once per id.
window.__kamkitBanner = function (id, edge, headline, detail) {
  if (document.getElementById(id)) { return; }
  var box = document.createElement("div");
  box.id = id;
  box.setAttribute("role", "alert");
  box.style.cssText = "position:fixed;" + edge + ":0;left:0;right:0;z-index:10000;" +
    "padding:14px 20px;background:#fff4e5;border-" + (edge === "top" ? "bottom" : "top") +
    ":3px solid #c05621;color:#1f2933;font:15px/1.45 system-ui,sans-serif;" +
    "box-shadow:0 2px 6px rgba(0,0,0,.15)";
  var title = document.createElement("strong");
  title.textContent = headline + " ";
  var text = document.createElement("span");
  text.textContent = detail + " ";
  var button = document.createElement("button");
  button.textContent = "Reload the page";
  button.style.cssText = "margin-left:8px;padding:4px 12px;font:inherit;cursor:pointer";
  button.addEventListener("click", function () { window.location.reload(); });
  box.appendChild(title);
  box.appendChild(text);
  box.appendChild(button);
  (document.body || document.documentElement).appendChild(box);
};
(function () {
  "use strict";
  var signs = ["widget model not found", "Could not create a view"];
  var report = window.console.error;
  window.console.error = function () {
    report.apply(window.console, arguments);
    var said = Array.prototype.map.call(arguments, function (a) {
      return a && a.message ? a.message : String(a);
    }).join(" ");
    for (var i = 0; i < signs.length; i++) {
      if (said.indexOf(signs[i]) !== -1) {
        window.__kamkitBanner("kamkit-part-missing", "bottom",
          "A part of this page could not be drawn.",
          "Your saved work is safe: reload the page to draw it again.");
        return;
      }
    }
  };
})();
(function () {
  "use strict";
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".kk-unsaved")) {
      event.preventDefault();
      event.returnValue = "";  // the browser shows its own "leave this page?" question
    }
  });
})();
(function () {
  "use strict";
  var NativeSocket = window.WebSocket;
  if (!NativeSocket || window.__kamkitWatchdog) { return; }
  window.__kamkitWatchdog = true;
  var open = 0;
  var lostTimer = null;
  var decoder = window.TextDecoder ? new TextDecoder() : null;

  function banner(reason) {
    window.__kamkitBanner("kamkit-connection-lost", "top",
      "This page has lost its connection to the workbook server (" + reason + ").",
      "Anything you changed after the last \u201cAll changes saved\u201d message was not " +
      "saved. Reload the page to carry on: your saved work will be there.");
  }

  function textOf(data) {
    if (typeof data === "string") { return data; }
    if (decoder && data instanceof ArrayBuffer) {
      return decoder.decode(new Uint8Array(data, 0, Math.min(data.byteLength, 4096)));
    }
    return "";
  }

  function KamkitSocket(url, protocols) {
    var socket = protocols === undefined ? new NativeSocket(url)
      : new NativeSocket(url, protocols);
    if (String(url).indexOf("/api/kernels/") === -1) { return socket; }
    socket.addEventListener("open", function () {
      open += 1;
      if (lostTimer) { clearTimeout(lostTimer); lostTimer = null; }
    });
    socket.addEventListener("message", function (event) {
      var text = textOf(event.data);
      if (text.indexOf('"status"') !== -1 && /"execution_state":\s*"(restarting|dead)"/.test(text)) {
        banner("the page's kernel stopped");
      }
    });
    socket.addEventListener("close", function () {
      open = Math.max(0, open - 1);
      if (lostTimer) { clearTimeout(lostTimer); }
      lostTimer = setTimeout(function () {
        if (open === 0) { banner("the server does not answer"); }
      }, 4000);
    });
    return socket;
  }
  // When the page's kernel connection gives up (its reconnection attempts ran out, or the page
  // disposed of it while a reconnection after a kernel restart was still waiting), Voila's bundle
  // rejects a promise nobody awaits. That is this watchdog's news, not an error: say so in the
  // banner, unless the page is being left anyway, and keep it out of the console.
  var leaving = false;
  window.addEventListener("pagehide", function () { leaving = true; });
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    var message = reason && typeof reason.message === "string" ? reason.message : "";
    var givenUp = message === "Kernel connection disconnected" ||
      message === "Kernel connection is disposed";
    if (!givenUp) { return; }
    event.preventDefault();
    if (!leaving) { banner("the page could not reconnect to its kernel"); }
  });

  KamkitSocket.prototype = NativeSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) {
    KamkitSocket[name] = NativeSocket[name];
  });
  window.WebSocket = KamkitSocket;
}());
