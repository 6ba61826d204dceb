// The citizen timeline's « older contacts » link: fetches the next items from the
// lazy-load endpoint and appends them in place (without JavaScript, the link opens them).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-timeline-more]");
    if (!link) return;
    event.preventDefault();
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
        if (first) {
          first.setAttribute("tabindex", "-1");
          first.focus();
        }
      })
      .catch(function () {
        link.removeAttribute("aria-busy");
        window.location.href = link.href;
      });
  });
})();
