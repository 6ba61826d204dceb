/* The agent desk, live: one WebSocket, fragments refetched through scoped HTTP on every
   (re)connection and every event (events carry ids only). Keyboard shortcuts with
   Alt+Shift, listed under "?", can be turned off (kept in this browser). Without
   JavaScript the pages work as plain forms and links. */
(function () {
  "use strict";
  var root = document.querySelector("[data-desk]");
  if (!root) return;
  var status = document.getElementById("desk-status");
  var pending = null;
  var delay = 1000;
  // The site's time zone, as the server renders every other time of the page: the
  // browser's own zone would show another hour beside them.
  var timeZone = root.getAttribute("data-desk-time-zone") || undefined;

  function clock() {
    var now = new Date();
    try {
      return new Intl.DateTimeFormat("fr-FR", {
        hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: timeZone
      }).format(now);
    } catch (error) {  // an unknown zone name: the browser's time rather than nothing
      return now.toLocaleTimeString("fr-FR");
    }
  }

  function refresh() {
    var parts = document.querySelectorAll("[data-desk-fragment]");
    return Promise.all(Array.prototype.map.call(parts, function (part) {
      return fetch(part.getAttribute("data-desk-fragment"), {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          if (part.contains(document.activeElement) && document.activeElement !== document.body) return;
          part.innerHTML = html;
        });
    })).then(function () { if (status) status.textContent = "Mis à jour à " + clock(); })
      .catch(function () { /* the next event or reconnection refetches */ });
  }

  function schedule() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 100);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-desk-socket"));
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function () { schedule(); };  // "hello" on (re)connection, then ids
    socket.onclose = function (event) {
      if (event.code >= 4400 && event.code < 4500) return;  // refused: no retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();

  var KEY = "parvis.desk.shortcuts";
  var dialog = document.getElementById("desk-shortcuts");
  var toggle = document.getElementById("desk-shortcuts-on");
  function enabled() { try { return localStorage.getItem(KEY) !== "off"; } catch (e) { return true; } }
  if (toggle) {
    toggle.checked = enabled();
    toggle.addEventListener("change", function () {
      try { localStorage.setItem(KEY, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  }
  if (dialog) {
    dialog.querySelector("[data-desk-close]").addEventListener("click", function () { dialog.close(); });
  }
  function focus(selector) {
    var target = document.querySelector(selector);
    if (target) { target.focus(); return true; }
    return false;
  }
  var actions = {
    M: function () { focus("#mine-title") || (location.href = root.getAttribute("data-desk-home") || "/espace-agents/poste/"); },
    F: function () { focus("#waiting-title"); },
    P: function () { var b = document.querySelector(".parvis-desk-take button"); if (b) b.click(); },
    R: function () { focus("#id_text"); },
    N: function () { focus("#id_note"); }
  };
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if (event.key === "?" && !typing && dialog && !dialog.open) {
      event.preventDefault();
      dialog.showModal();
      return;
    }
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || !enabled()) return;
    var action = actions[(event.code || "").replace("Key", "")];
    if (action) { event.preventDefault(); action(); }
  });
})();
