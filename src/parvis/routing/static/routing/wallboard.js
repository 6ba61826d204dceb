/* The supervision wallboard, live: one WebSocket (ids only), the page's fragment
   refetched through scoped HTTP on every (re)connection and on events, at most every
   two seconds during a burst, and every fifteen seconds anyway (waits grow without
   events). A fragment holding the keyboard focus is left alone. Without JavaScript the
   page is a plain page with forms. */
(function () {
  "use strict";
  var root = document.querySelector("[data-wallboard]");
  if (!root) return;
  var status = document.getElementById("wallboard-status");
  var url = root.getAttribute("data-wallboard-fragment");
  var pending = null;
  var last = 0;
  var delay = 1000;
  var MIN_GAP = 2000;

  function refresh() {
    last = Date.now();
    if (root.contains(document.activeElement) && document.activeElement !== document.body) return;
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (root.contains(document.activeElement) && document.activeElement !== document.body) return;
        root.innerHTML = html;
        // The server's time, in the queues' time zone as the table's caption says it,
        // not the browser's (an agent overseas read two different times).
        var stamp = root.querySelector("[data-updated-at]");
        if (status && stamp) status.textContent = "Mis à jour à " + stamp.getAttribute("data-updated-at");
      })
      .catch(function () { /* the next event, tick or reconnection refetches */ });
  }

  function schedule() {
    if (pending) return;
    var wait = Math.max(100, MIN_GAP - (Date.now() - last));
    pending = setTimeout(function () { pending = null; refresh(); }, wait);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-wallboard-socket"));
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function () { schedule(); };  // "hello" on (re)connection, then ids
    socket.onclose = function (event) {
      if (event.code >= 4400 && event.code < 4500) return;  // refused: no retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
  setInterval(schedule, 15000);
})();
