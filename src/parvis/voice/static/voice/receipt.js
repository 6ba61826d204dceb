/* The receipt's print button (progressive enhancement: without it, the browser's own print command prints the same page). */
(function () {
  "use strict";
  var button = document.getElementById("print-receipt");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
