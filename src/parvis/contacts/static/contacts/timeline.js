// The citizen timeline's « older contacts » link: fetches the next items from the
// lazy-load endpoint and appends them in place (without JavaScript, the link opens them).
// A list marked ``data-timeline-autoload`` (the desk, which renders the conversation
// first) loads its first items at once, without moving the focus.
(function () {
  "use strict";

  function load(link, moveFocus) {
    var row = link.closest("li");
    var list = row.parentElement;
    link.setAttribute("aria-busy", "true");
    fetch(link.getAttribute("data-timeline-more"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        row.remove();
        var first = holder.firstElementChild;
        while (holder.firstChild) list.appendChild(holder.firstChild);
        if (first && moveFocus) {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      })
      .catch(function () {
        link.removeAttribute("aria-busy");
        if (moveFocus) window.location.href = link.href;
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-timeline-more]");
    if (!link) return;
    event.preventDefault();
    load(link, true);
  });

  function autoload() {
    document.querySelectorAll("[data-timeline-autoload] [data-timeline-more]").forEach(function (link) {
      load(link, false);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoload);
  else autoload();
})();
