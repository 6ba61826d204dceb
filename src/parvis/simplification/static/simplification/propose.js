// « Sujet de la démarche »: once an organisation is chosen, the motif list shows only that
// organisation's group (each organisation's motifs are an optgroup labelled with its name).
// Without JavaScript every group shows, and the form refuses a motif of another one.
(function () {
  "use strict";

  function narrow(motifs, organisations) {
    var chosen = organisations.value ? organisations.options[organisations.selectedIndex].text : "";
    Array.prototype.forEach.call(motifs.querySelectorAll("optgroup"), function (group) {
      var shown = !chosen || group.label === chosen;
      group.hidden = !shown;
      group.disabled = !shown;
      if (!shown && group.contains(motifs.options[motifs.selectedIndex])) motifs.value = "";
    });
  }

  document.querySelectorAll("select[data-narrowed-by]").forEach(function (motifs) {
    var organisations = document.getElementById(motifs.getAttribute("data-narrowed-by"));
    if (!organisations) return;
    organisations.addEventListener("change", function () { narrow(motifs, organisations); });
    narrow(motifs, organisations);
  });
})();
