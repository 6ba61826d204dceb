/* Public charts (templates publication/charts/): builds DSFR Chart's web components
   (vendor/dsfr-chart, loaded as a module beside this script) from the JSON each include
   writes after its table, and labels what they draw. The table is the accessible view of
   every chart, and the only one without JavaScript.

   DSFR Chart writes its tooltips with innerHTML: the texts given to it lose « < » and
   « > ». Its map knows only a continuous scale of numbers and leaves a département without
   data in its default blue: the map gets each value as French text (for its tooltip) and
   this script paints the départements by our legend classes, « Donnée insuffisante »
   hatched. Inline style, not a class: the component reads the paths' class as their code. */
(function () {
  "use strict";
  var NUMBER = new Intl.NumberFormat("fr-FR", {maximumFractionDigits: 1});
  var MONTH = new Intl.DateTimeFormat("fr-FR", {month: "short", year: "numeric", timeZone: "UTC"});
  var INSUFFICIENT = "Donnée insuffisante";
  // The ends of DSFR Chart's sequential palette (dsfr-chart-colors-09 → -10) per theme.
  var RAMP = {light: ["#DBDAFF", "#00005F"], dark: ["#B8B9FF", "#3647CA"]};
  // The 101 départements the map draws (metropolitan ones and 971-974, 976 as insets).
  // Not the overseas collectivités: the component would fail on them once zoomed in.
  var DRAWN = /^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-46])$/;

  function plain(text) {
    return String(text).replace(/</g, "‹").replace(/>/g, "›");
  }

  // The convention of parvis.core.french: thousands grouped by U+00A0 (Intl writes U+202F),
  // U+202F before « % », U+00A0 before any other unit.
  function withUnit(value, unit) {
    var text = NUMBER.format(value).replace(/\u202f/g, "\u00a0");
    if (unit === "%") return text + "\u202f%";
    return unit ? text + "\u00a0" + unit : text;
  }

  function payload(root) {
    return JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  }

  function mount(root, tag, attributes) {
    var element = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      element.setAttribute(name, attributes[name]);
    });
    root.querySelector("[data-parvis-chart-slot]").replaceChildren(element);
    return element;
  }

  // The components render once their module has run: wait for what they draw.
  function whenRendered(element, selector, callback) {
    if (element.querySelector(selector)) {
      callback();
      return;
    }
    var observer = new MutationObserver(function () {
      if (element.querySelector(selector)) {
        observer.disconnect();
        callback();
      }
    });
    observer.observe(element, {childList: true, subtree: true});
  }

  function labelCanvas(root, element) {
    whenRendered(element, "canvas", function () {
      var canvas = element.querySelector("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute(
        "aria-label",
        root.dataset.parvisChartCaption + " (les valeurs sont dans l’onglet « Tableau »)"
      );
    });
  }

  function monthLabel(month) {
    var parts = month.split("-");
    return MONTH.format(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, 1));
  }

  function line(root) {
    var series = payload(root);
    if (!series.length) return;
    var labels = series[0].points.map(function (point) { return monthLabel(point.month); });
    var element = mount(root, "line-chart", {
      x: JSON.stringify(series.map(function () { return labels; })),
      // null is a gap in the line (Chart.js does not join over it).
      y: JSON.stringify(series.map(function (serie) {
        return serie.points.map(function (point) { return point.value; });
      })),
      name: JSON.stringify(series.map(function (serie) { return plain(serie.label); })),
      "unit-tooltip": plain(root.dataset.parvisChartUnit),
      "selected-palette": series.length > 1 ? "categorical" : "default"
    });
    labelCanvas(root, element);
  }

  function bar(root) {
    var rows = payload(root).filter(function (row) { return row.value !== null; });
    if (!rows.length) return;
    var element = mount(root, "bar-chart", {
      x: JSON.stringify([rows.map(function (row) { return plain(row.label); })]),
      y: JSON.stringify([rows.map(function (row) { return row.value; })]),
      name: JSON.stringify([plain(root.dataset.parvisChartCaption)]),
      horizontal: "true",
      "unit-tooltip": plain(root.dataset.parvisChartUnit),
      // Horizontal bars: the longer the ranking, the taller the chart.
      "aspect-ratio": String(Math.max(0.5, Math.min(2, 16 / rows.length)))
    });
    labelCanvas(root, element);
  }

  function rgb(hex) {
    return [1, 3, 5].map(function (start) { return parseInt(hex.slice(start, start + 2), 16); });
  }

  function classColours(count) {
    var dark = document.documentElement.getAttribute("data-fr-theme") === "dark";
    var ends = (dark ? RAMP.dark : RAMP.light).map(rgb);
    var colours = [];
    for (var index = 0; index < count; index++) {
      var share = count === 1 ? 1 : index / (count - 1);
      var mixed = ends[0].map(function (channel, i) {
        return Math.round(channel + (ends[1][i] - channel) * share);
      });
      colours.push("rgb(" + mixed.join(", ") + ")");
    }
    return colours;
  }

  function classOf(value, bounds) {
    for (var index = 0; index < bounds.length; index++) {
      if (bounds[index] === null || value < bounds[index]) return index;
    }
    return bounds.length - 1;
  }

  function map(root) {
    var rows = payload(root);
    var unit = root.dataset.parvisChartUnit;
    var national = root.dataset.parvisChartNational;
    var swatches = Array.prototype.slice.call(root.querySelectorAll("[data-parvis-legend-class]"));
    var bounds = swatches.map(function (swatch) {
      var below = swatch.dataset.parvisLegendBelow;
      return below === undefined ? null : Number(below);
    });
    var byCode = {};
    var texts = {};
    rows.forEach(function (row) {
      byCode[row.code] = row;
      if (!DRAWN.test(row.code)) return;
      var value = row.value === null ? INSUFFICIENT : withUnit(row.value, unit);
      texts[row.code] = plain(value + " (n = " + NUMBER.format(row.n) + ")");
    });
    var element = mount(root, "map-chart", {
      data: JSON.stringify(texts),
      // Without a number the component prints « NaN »: a text is printed as is.
      value: national === undefined
        ? plain(root.dataset.parvisChartNationalText || "Pas de donnée publiée pour ce mois")
        : withUnit(Number(national), plain(unit)),
      date: plain(root.dataset.parvisChartUpdated),
      name: plain(root.dataset.parvisChartName),
      level: "dep"
    });
    var hatched = "url(#" + root.id + "-hachures)";

    function paint() {
      var colours = classColours(bounds.length);
      swatches.forEach(function (swatch, index) { swatch.style.backgroundColor = colours[index]; });
      element.querySelectorAll('path[class^="FR-"]').forEach(function (path) {
        var row = byCode[path.getAttribute("class").slice(3)];
        var known = row && row.value !== null && bounds.length;
        path.style.fill = known ? colours[classOf(row.value, bounds)] : hatched;
      });
      // The map repeats the table, which is the view for assistive technologies.
      element.querySelectorAll("svg").forEach(function (svg) {
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
      });
      root.setAttribute("data-parvis-chart-painted", "");
    }

    whenRendered(element, 'path[class^="FR-"]', paint);
    document.documentElement.addEventListener("dsfr.theme", paint);
  }

  // DSFR's tabs (1.14) select the next tab on an arrow key but leave the focus on the
  // previous one, out of the tab order by then: the focus follows the selection, as in the
  // ARIA tabs pattern. A click focuses its tab already.
  function focusFollowsSelection(list) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        var tab = change.target;
        var focused = document.activeElement;
        if (tab.getAttribute("aria-selected") === "true" && focused !== tab && list.contains(focused)) {
          tab.focus();
        }
      });
    }).observe(list, {attributes: true, attributeFilter: ["aria-selected"], subtree: true});
  }

  var BUILDERS = {line: line, bar: bar, map: map};
  document.querySelectorAll("[data-parvis-chart]").forEach(function (root) {
    var build = BUILDERS[root.dataset.parvisChart];
    if (build) build(root);
    focusFollowsSelection(root.querySelector(".fr-tabs__list"));
  });
})();
