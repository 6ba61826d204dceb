/* Live reminder not to write personal data (progressive enhancement: the page works without it). */
(function () {
  "use strict";
  var field = document.getElementById("id_text");
  if (!field) { return; }
  var box = document.createElement("p");
  box.className = "fr-message fr-message--warning";
  box.setAttribute("aria-live", "polite");
  box.id = "personal-data-live";
  field.parentNode.appendChild(box);
  var patterns = [
    [/(?:\+33|0)\s*[1-9](?:[\s.-]*\d{2}){4}/, "un numéro de téléphone"],
    [/[^\s@]+@[^\s@]+\.[a-z]{2,}/i, "une adresse électronique"],
    [/\b[12]\s*\d{2}\s*\d{2}\s*\d{2}\s*\d{3}\s*\d{3}/, "un numéro de sécurité sociale"],
    [/\b\d{1,4}\s*(?:bis|ter)?\s*,?\s*(?:rue|avenue|boulevard|bd|chemin|allée|impasse|place)\b/i, "une adresse"]
  ];
  function check() {
    var found = [];
    for (var i = 0; i < patterns.length; i++) {
      if (patterns[i][0].test(field.value)) { found.push(patterns[i][1]); }
    }
    box.textContent = found.length
      ? "Votre texte semble contenir " + found.join(", ") + " : retirez-le, il serait masqué avant publication."
      : "";
  }
  field.addEventListener("input", check);
  check();
})();
