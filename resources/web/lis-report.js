/* LIS web report: the reader for window.LIS_REPORT (format version 1, written to data.js by lis:exportwebreport).
 *
 * Plain JavaScript, no library, no build step. Every text from the data reaches the page through textContent or
 * setAttribute on elements made with createElement/createElementNS, never as markup, so a name such as
 * "<script>alert(1)</script>" shows as text. Nothing is fetched: the data came with data.js.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var NO_DATA_COLOUR = "#d9d9d9";
  var TREND_FALLBACK = { "better": "#3f7a12", "worse": "#C00000", "no polarity": "#3a3ab8", "no change": "#5f6b70" };
  var SIGNIFICANCE_WORDS = {
    "better": "better than England", "similar": "similar to England", "worse": "worse than England",
    "higher": "higher than England", "lower": "lower than England", "not compared": "not compared"
  };
  var SERIES_STYLES = [  // the area, the district and England: told apart by colour, line style and marker
    { key: "area", colour: "#1f4e79", dash: "", width: 2.5 },
    { key: "district", colour: "#b35806", dash: "6 4", width: 2 },
    { key: "england", colour: "#333333", dash: "2 3", width: 2 }
  ];

  var report = window.LIS_REPORT;
  var state = { indicator: "", period: "", area: "", sortKey: "name", sortAscending: true };
  var areaByCode = {};
  var indicatorById = {};

  // --- small helpers -------------------------------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id);
  }

  /** An HTML element with attributes and children (strings become text nodes, never markup). */
  function el(tag, attributes, children) {
    return fill(document.createElement(tag), attributes, children);
  }

  /** An SVG element, made the same way. */
  function svg(tag, attributes, children) {
    return fill(document.createElementNS(SVG_NS, tag), attributes, children);
  }

  function fill(node, attributes, children) {
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
    return node;
  }

  function swatch(colour, className) {
    var mark = el("span", { "class": className || "swatch", "aria-hidden": "true" });
    mark.style.backgroundColor = colour;  // CSSOM, allowed by the CSP (a style attribute would not be)
    return mark;
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  function fixed(value, decimals) {
    return value.toLocaleString("en-GB", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }

  function decimalsOf(indicator) {
    return isNumber(indicator.decimals) ? Math.max(0, Math.min(6, indicator.decimals)) : 1;
  }

  /** A value with its unit, as a person reads it: "23.4%", "79.9 per 1,000", "5.0". */
  function formatValue(value, indicator) {
    if (!isNumber(value)) {
      return "no value";
    }
    var text = fixed(value, decimalsOf(indicator));
    var unit = indicator.unit || "";
    if (unit === "%") {
      return text + "%";
    }
    if (unit.indexOf("per ") === 0) {
      return text + " " + unit;
    }
    return text;
  }

  function formatNumber(value, indicator) {
    return isNumber(value) ? fixed(value, decimalsOf(indicator)) : "\u2013";
  }

  function formatCount(value) {
    if (!isNumber(value)) {
      return "\u2013";
    }
    return fixed(value, Number.isInteger(value) ? 0 : 1);
  }

  /** The name with its unit, unless the name already ends with it ("Residents aged 60 and over (%)"). */
  function unitTitle(indicator) {
    var suffix = " (" + indicator.unit + ")";
    if (!indicator.unit || indicator.name.slice(-suffix.length) === suffix) {
      return indicator.name;
    }
    return indicator.name + suffix;
  }

  function plural(word) {
    return word + "s";
  }

  function areaWord() {
    return report.areaWord || "area";
  }

  function districtName() {
    return (report.district && report.district.name) || "the district";
  }

  function figures(indicatorId, period, code) {
    var byPeriod = (report.values || {})[indicatorId] || {};
    var row = (byPeriod[period] || {})[code];
    return Array.isArray(row) ? row : [];
  }

  function comparator(indicatorId, period) {
    var byPeriod = (report.comparators || {})[indicatorId] || {};
    return byPeriod[period] || {};
  }

  function districtValue(indicatorId, period) {
    var district = comparator(indicatorId, period).district;
    return Array.isArray(district) && isNumber(district[0]) ? district[0] : null;
  }

  function englandValue(indicatorId, period) {
    var england = comparator(indicatorId, period).england;
    return isNumber(england) ? england : null;
  }

  /** The map class of a value: the first class (lowest first) whose max it does not pass. */
  function classOf(value, classes) {
    if (!isNumber(value) || !classes || !classes.length) {
      return null;
    }
    for (var index = 0; index < classes.length; index += 1) {
      if (!isNumber(classes[index].max) || value <= classes[index].max) {
        return classes[index];
      }
    }
    return classes[classes.length - 1];
  }

  function significanceColour(word) {
    var colours = (report.colours && report.colours.significance) || {};
    return colours[word] || colours["not compared"] || "#FFFFFF";
  }

  /** The print profile's trend colours: green getting better, red getting worse, blue rising/falling, grey else. */
  function trendColour(trend) {
    var colours = (report.colours && report.colours.trend) || TREND_FALLBACK;
    if (/getting better$/.test(trend)) {
      return colours.better;
    }
    if (/getting worse$/.test(trend)) {
      return colours.worse;
    }
    if (trend === "increasing" || trend === "decreasing") {
      return colours["no polarity"];
    }
    return colours["no change"];
  }

  function currentIndicator() {
    return indicatorById[state.indicator];
  }

  function announce(text) {
    byId("status").textContent = text;
  }

  // --- the URL hash: #indicator=..&period=..&area=.. --------------------------------------------------------------

  function readHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    var indicator = indicatorById[params.get("indicator")] || report.indicators[0];
    state.indicator = indicator.id;
    var period = params.get("period");
    state.period = indicator.periods.indexOf(period) >= 0 ? period : indicator.latest;
    var area = params.get("area");
    state.area = areaByCode[area] ? area : "";
  }

  function writeHash() {
    var params = new URLSearchParams();
    params.set("indicator", state.indicator);
    params.set("period", state.period);
    if (state.area) {
      params.set("area", state.area);
    }
    var hash = "#" + params.toString();
    if (window.location.hash !== hash) {
      try {
        window.history.replaceState(null, "", hash);
      } catch (error) {  // some browsers refuse replaceState on file:// pages
        window.location.hash = hash;
      }
    }
  }

  // --- controls ------------------------------------------------------------------------------------------------

  function buildIndicatorPicker() {
    var select = byId("indicator");
    report.indicators.forEach(function (indicator) {
      select.appendChild(el("option", { value: indicator.id }, [indicator.name]));
    });
    select.addEventListener("change", function () {
      chooseIndicator(select.value);
    });
    byId("period").addEventListener("change", function () {
      state.period = byId("period").value;
      refresh();
    });
  }

  function fillPeriodPicker() {
    var select = clear(byId("period"));
    var indicator = currentIndicator();
    indicator.periods.slice().reverse().forEach(function (period) {
      var label = period === indicator.latest ? period + " (latest)" : period;
      select.appendChild(el("option", { value: period }, [label]));
    });
    select.value = state.period;
    select.disabled = indicator.periods.length < 2;
    byId("indicator").value = state.indicator;
  }

  function chooseIndicator(id) {
    var indicator = indicatorById[id];
    if (!indicator) {
      return;
    }
    state.indicator = id;
    if (indicator.periods.indexOf(state.period) < 0) {
      state.period = indicator.latest;
    }
    refresh();
    announce("Showing " + indicator.name + ", " + state.period);
  }

  function chooseArea(code) {
    if (!areaByCode[code]) {
      return;
    }
    state.area = code;
    keepingFocus(function () {
      renderSelection();
      renderAreaList();
      renderProfile();
      renderTable();
    });
    writeHash();
    announce("Profile of " + areaByCode[code].name + " shown");
    if (window.matchMedia("(max-width: 900px)").matches) {  // one column: the answer is below the map
      byId("profile").scrollIntoView({ block: "start" });
    }
  }

  /** Redraw, and give the focus back to the same area's button when the redraw replaced the focused one (the list
   * and the table are rebuilt), so a keyboard user keeps their place. */
  function keepingFocus(redraw) {
    var active = document.activeElement;
    var code = active && active.getAttribute ? active.getAttribute("data-code") : null;
    var holder = active && active.closest ? active.closest("#area-list, #table") : null;
    redraw();
    if (code && holder && !document.body.contains(active)) {
      var again = holder.querySelector("button[data-code=\"" + CSS.escape(code) + "\"]");
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
  }

  // --- the map -------------------------------------------------------------------------------------------------

  function buildMap() {
    var map = byId("map");
    map.setAttribute("viewBox", report.map.viewBox);
    map.setAttribute("preserveAspectRatio", "xMidYMid meet");
    var areasGroup = svg("g", { "class": "areas" });
    report.areas.forEach(function (area) {
      var path = svg("path", { d: area.path, "data-code": area.code, tabindex: "0", role: "button" });
      path.addEventListener("click", function (event) {
        chooseArea(area.code);
        showTooltip(path, event);
      });
      path.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          chooseArea(area.code);
        }
      });
      path.addEventListener("mousemove", function (event) {
        showTooltip(path, event);
      });
      path.addEventListener("mouseleave", hideTooltip);
      path.addEventListener("focus", function () {
        showTooltip(path, null);
        outline("map-focus", area.code);
      });
      path.addEventListener("blur", function () {
        hideTooltip();
        outline("map-focus", "");
      });
      areasGroup.appendChild(path);
    });
    map.appendChild(areasGroup);
    // The chosen and the focused area's outlines, drawn above every area so no neighbour hides them.
    map.appendChild(svg("path", { id: "map-selected", "class": "selected-outline", "aria-hidden": "true" }));
    map.appendChild(svg("g", { id: "map-focus", "class": "focus-outline", "aria-hidden": "true" }, [
      svg("path", { "class": "focus-halo" }), svg("path", { "class": "focus-line" })
    ]));
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hideTooltip();
      }
    });
  }

  function outline(id, code) {
    var node = byId(id);
    var paths = node.tagName.toLowerCase() === "g" ? Array.prototype.slice.call(node.childNodes) : [node];
    paths.forEach(function (path) {
      if (code && areaByCode[code]) {
        path.setAttribute("d", areaByCode[code].path);
      } else {
        path.removeAttribute("d");
      }
    });
  }

  function areaText(code) {
    var indicator = currentIndicator();
    var value = figures(indicator.id, state.period, code)[0];
    return areaByCode[code].name + ": " + formatValue(value, indicator);
  }

  function recolourMap() {
    var indicator = currentIndicator();
    var paths = byId("map").querySelectorAll("path[data-code]");
    Array.prototype.forEach.call(paths, function (path) {
      var code = path.getAttribute("data-code");
      var found = classOf(figures(indicator.id, state.period, code)[0], indicator.classes);
      path.setAttribute("fill", found ? found.colour : NO_DATA_COLOUR);
      path.setAttribute("aria-label", areaText(code) + (found ? " (" + found.label + ")" : ""));
    });
  }

  function renderSelection() {
    outline("map-selected", state.area);
    var paths = byId("map").querySelectorAll("path[data-code]");
    Array.prototype.forEach.call(paths, function (path) {
      if (path.getAttribute("data-code") === state.area) {
        path.setAttribute("aria-current", "true");
      } else {
        path.removeAttribute("aria-current");
      }
    });
  }

  function showTooltip(path, event) {
    var tooltip = byId("tooltip");
    var wrap = tooltip.parentNode.getBoundingClientRect();
    tooltip.textContent = areaText(path.getAttribute("data-code"));
    tooltip.hidden = false;
    var x;
    var y;
    if (event && isNumber(event.clientX) && (event.clientX || event.clientY)) {
      x = event.clientX - wrap.left + 14;
      y = event.clientY - wrap.top + 14;
    } else {
      var box = path.getBoundingClientRect();
      x = box.left + box.width / 2 - wrap.left;
      y = box.top + box.height / 2 - wrap.top;
    }
    var width = tooltip.offsetWidth;
    var height = tooltip.offsetHeight;
    x = Math.max(0, Math.min(x, wrap.width - width));
    y = Math.max(0, Math.min(y, wrap.height - height));
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }

  function hideTooltip() {
    byId("tooltip").hidden = true;
  }

  function renderKey() {
    var indicator = currentIndicator();
    var key = clear(byId("key"));
    key.appendChild(el("h3", { "class": "key-title" }, ["Key: " + unitTitle(indicator) + ", " + state.period]));
    if (indicator.nationalDeciles) {
      key.appendChild(el("p", { "class": "hint" }, ["Classes are England's deciles, fixed across areas."]));
    }
    var list = el("ul", { "class": "key-list" });
    (indicator.classes || []).forEach(function (item) {
      list.appendChild(el("li", {}, [swatch(item.colour), item.label]));
    });
    var missing = report.areas.some(function (area) {
      return !isNumber(figures(indicator.id, state.period, area.code)[0]);
    });
    if (missing) {
      list.appendChild(el("li", {}, [swatch(NO_DATA_COLOUR), "no value"]));
    }
    key.appendChild(list);
  }

  // --- the area picker -----------------------------------------------------------------------------------------

  function buildAreaPicker() {
    var input = byId("area-search");
    var word = areaWord();
    byId("area-search-label").textContent = "Find a " + word + " by name or code";
    input.addEventListener("input", renderAreaList);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = matchingAreas()[0];
        if (first) {
          chooseArea(first.code);
        }
      }
    });
  }

  function matchingAreas() {
    var text = byId("area-search").value.trim().toLowerCase();
    return report.areas.filter(function (area) {
      return !text || area.name.toLowerCase().indexOf(text) >= 0 || area.code.toLowerCase().indexOf(text) >= 0;
    });
  }

  function renderAreaList() {
    var list = clear(byId("area-list"));
    var matches = matchingAreas();
    matches.forEach(function (area) {
      var button = el("button", { type: "button", "class": "area-button", "data-code": area.code,
        "aria-current": area.code === state.area ? "true" : null }, [area.name]);
      button.addEventListener("click", function () {
        chooseArea(area.code);
      });
      list.appendChild(el("li", {}, [button]));
    });
    var total = report.areas.length;
    byId("area-count").textContent = matches.length === total
      ? total + " " + plural(areaWord()) + " in " + districtName()
      : matches.length + " of " + total + " " + plural(areaWord()) + " match; Enter opens the first";
  }

  // --- the profile ---------------------------------------------------------------------------------------------

  function renderProfile() {
    var section = clear(byId("profile"));
    var area = areaByCode[state.area];
    if (!area) {
      section.appendChild(el("h2", { id: "profile-title" }, ["Profile of a " + areaWord()]));
      section.appendChild(el("p", { "class": "headline" }, [
        "Choose a " + areaWord() + " on the map, in the list or in the table to see how it compares with " +
        districtName() + " and England."
      ]));
      return;
    }
    var profile = (report.profiles || {})[area.code] || { headline: "", rows: {} };
    section.appendChild(el("h2", { id: "profile-title" }, [area.name]));
    section.appendChild(el("p", { "class": "subtitle" }, [
      capitalise(areaWord()) + " " + area.code + " in " + districtName()
    ]));
    section.appendChild(el("p", { "class": "headline", id: "headline" }, [
      profile.headline || "No indicator of " + area.name + " could be tested against England."
    ]));
    var print = el("button", { type: "button", "class": "button no-print", id: "print" }, ["Print this profile"]);
    print.addEventListener("click", function () {
      window.print();
    });
    section.appendChild(print);
    section.appendChild(profileTable(area, profile));
    section.appendChild(spineChart(area, profile));
    section.appendChild(timeSeries(area));
  }

  function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function profileTable(area, profile) {
    var heading = "How " + area.name + " compares with " + districtName() + " and England";
    var head = el("tr", {}, profileColumns().map(function (text) {
      return el("th", { scope: "col" }, [text]);
    }));
    var body = el("tbody");
    report.indicators.forEach(function (indicator) {
      body.appendChild(profileRow(area, indicator, (profile.rows || {})[indicator.id] || {}));
    });
    var table = el("table", { "class": "data-table profile-table", id: "profile-table" }, [
      el("caption", {}, [heading]), el("thead", {}, [head]), body
    ]);
    return el("div", { "class": "table-scroll", role: "region", tabindex: "0", "aria-label": heading }, [table]);
  }

  function profileColumns() {
    return ["Indicator", "Period", "Value", "95% limits", "Count / denominator", districtName(), "England",
      "Compared with England", "Recent trend"];
  }

  function profileRow(area, indicator, row) {
    var period = indicator.latest;
    var numbers = figures(indicator.id, period, area.code);
    var limits = isNumber(numbers[1]) && isNumber(numbers[2])
      ? formatNumber(numbers[1], indicator) + "\u2013" + formatNumber(numbers[2], indicator) : "\u2013";
    var counts = isNumber(numbers[5]) || isNumber(numbers[6])
      ? formatCount(numbers[5]) + " / " + formatCount(numbers[6]) : "\u2013";
    var flag = row.flag || SIGNIFICANCE_WORDS[row.significance] || "not compared";
    var trend = row.trend || "";
    var trendCell = el("td", { "class": "trend" }, [trend || "\u2013"]);
    if (trend) {
      trendCell.style.color = trendColour(trend);
    }
    var name = el("th", { scope: "row" }, [indicator.name]);
    if (indicator.polarity) {
      name.appendChild(el("span", { "class": "polarity" }, [indicator.polarity]));
    }
    var labels = profileColumns();
    var cells = [
      name,
      el("td", {}, [period]),
      el("td", { "class": "number value" }, [formatValue(numbers[0], indicator)]),
      el("td", { "class": "number" }, [limits]),
      el("td", { "class": "number" }, [counts]),
      el("td", { "class": "number" }, [formatValue(districtValue(indicator.id, period), indicator)]),
      el("td", { "class": "number" }, [formatValue(englandValue(indicator.id, period), indicator)]),
      el("td", { "class": "flag" }, [el("span", {}, [swatch(significanceColour(row.significance || "not compared")),
        flag])]),
      trendCell
    ];
    cells.forEach(function (cell, index) {  // the phone layout shows each cell under its column's name
      cell.setAttribute("data-label", labels[index]);
    });
    return el("tr", { "data-indicator": indicator.id, "class": indicator.id === state.indicator ? "current" : null },
      cells);
  }

  /** Fingertips' spine chart, drawn as the print profile draws it: England at the centre when the area was compared
   * with England (else the district), the light band from the worst to the best area, the dark band the middle
   * half, the area's dot in the colour of its significance; worse always on the left when there is a polarity. */
  function spineChart(area, profile) {
    var rows = profile.rows || {};
    var national = report.indicators.some(function (indicator) {
      var row = rows[indicator.id] || {};
      return row.significance && englandValue(indicator.id, indicator.latest) !== null;
    });
    var judged = report.indicators.some(function (indicator) {
      return indicator.polarity === "higher is better" || indicator.polarity === "higher is worse";
    });
    var centreName = national ? "England" : districtName();
    var figure = el("figure", { "class": "spine", id: "spine-chart" });
    figure.appendChild(el("figcaption", {}, ["Spine chart: " + area.name + " against " + centreName]));
    figure.appendChild(el("div", { "class": "spine-row spine-head", "aria-hidden": "true" }, [
      el("span", { "class": "spine-label" }, [""]),
      el("span", { "class": "spine-scale" }, [
        el("span", {}, ["\u25c0 " + (judged ? "worse" : "lower")]),
        el("strong", {}, [centreName]),
        el("span", {}, [(judged ? "better" : "higher") + " \u25b6"])
      ])
    ]));
    report.indicators.forEach(function (indicator) {
      figure.appendChild(spineRow(area, indicator, rows[indicator.id] || {}, national));
    });
    var shown = report.indicators.map(function (indicator) {
      return (rows[indicator.id] || {}).significance || "";
    });
    figure.appendChild(spineLegend(area, national, shown));
    return figure;
  }

  function spineRow(area, indicator, row, national) {
    var period = indicator.latest;
    var value = figures(indicator.id, period, area.code)[0];
    var district = districtValue(indicator.id, period);
    var england = englandValue(indicator.id, period);
    var spine = national ? england : district;
    var diamond = national ? district : england;
    if (national && spine === null) {
      spine = district;
      diamond = null;
    }
    var spread = row.spread || null;
    var known = [value, district, england].concat(spread ? [spread.min, spread.max] : []).filter(isNumber);
    var centre = spine !== null ? spine : spread && isNumber(spread.min) ? (spread.min + spread.max) / 2 : 0;
    var half = Math.max.apply(null, known.map(function (item) { return Math.abs(item - centre); }).concat([0])) || 1;
    var direction = indicator.polarity === "higher is worse" ? -1 : 1;
    var width = 400;
    var middle = width / 2;
    var halfWidth = middle * 0.92;
    function x(item) {
      return middle + direction * (item - centre) / half * halfWidth;
    }
    var parts = [svg("rect", { x: 0, y: 0, width: width, height: 24, fill: "#f3f6f7" })];
    if (spread && isNumber(spread.min) && isNumber(spread.max)) {
      parts.push(band(x(spread.min), x(spread.max), "#dfe5e8"));
    }
    if (spread && isNumber(spread.lq) && isNumber(spread.uq)) {
      parts.push(band(x(spread.lq), x(spread.uq), "#a9b8bf"));
    }
    parts.push(svg("line", { x1: middle, x2: middle, y1: 0, y2: 24, stroke: "#1d1d1d", "stroke-width": 2 }));
    if (isNumber(diamond)) {
      var dx = x(diamond);
      parts.push(svg("polygon", { points: [dx, 5, dx + 7, 12, dx, 19, dx - 7, 12].join(" "), fill: "#ffffff",
        stroke: "#1d1d1d", "stroke-width": 1.5, "class": "spine-diamond" }));
    }
    if (isNumber(value)) {
      var sig = row.significance || "";
      var colour = national && sig ? significanceColour(sig) : "#8c8c8c";
      parts.push(svg("circle", { cx: x(value), cy: 12, r: 7, fill: colour, stroke: "#1d1d1d", "stroke-width": 1.5,
        "class": "spine-dot", "data-significance": sig }));
    }
    var description = area.name + " " + formatValue(value, indicator) + "; England " +
      formatValue(england, indicator) + "; " + districtName() + " " + formatValue(district, indicator) +
      (spread && isNumber(spread.min) ? "; " + plural(areaWord()) + " from " + formatValue(spread.min, indicator) +
        " to " + formatValue(spread.max, indicator) : "");
    var hint = indicator.polarity === "higher is better" || indicator.polarity === "higher is worse"
      ? indicator.polarity : (indicator.polarity || "no polarity") + ": not judged, lower to the left";
    if (national && england === null) {
      hint = "no England value: centred on " + districtName();
    }
    return el("div", { "class": "spine-row", "data-indicator": indicator.id }, [
      el("span", { "class": "spine-label" }, [indicator.name, el("span", { "class": "polarity" }, [hint])]),
      svg("svg", { viewBox: "0 0 " + width + " 24", preserveAspectRatio: "none", role: "img",
        "aria-label": description, "class": "spine-bar" }, parts)
    ]);
  }

  function band(from, to, colour) {
    var left = Math.min(from, to);
    return svg("rect", { x: left, y: 4, width: Math.max(Math.abs(to - from), 1), height: 16, fill: colour });
  }

  function spineLegend(area, national, shown) {
    var items = [
      [legendMark("range"), "range of " + plural(areaWord()) + " in " + districtName() + " (worst to best)"],
      [legendMark("middle"), "middle half of the " + plural(areaWord())],
      [legendMark("line"), national ? "England" : districtName()],
      [legendMark("diamond"), national ? districtName() : "England"]
    ];
    if (national) {
      ["better", "similar", "worse", "higher", "lower", "not compared"].filter(function (word) {
        return shown.indexOf(word) >= 0;
      }).forEach(function (word) {
        items.push([legendMark("dot", significanceColour(word)), area.name + ": " + SIGNIFICANCE_WORDS[word]]);
      });
    } else {
      items.push([legendMark("dot", "#8c8c8c"), area.name]);
    }
    return el("ul", { "class": "legend" }, items.map(function (item) {
      return el("li", {}, item);
    }));
  }

  function legendMark(kind, colour) {
    var shapes = {
      range: function () { return svg("rect", { x: 0, y: 3, width: 16, height: 10, fill: "#dfe5e8" }); },
      middle: function () { return svg("rect", { x: 0, y: 3, width: 16, height: 10, fill: "#a9b8bf" }); },
      line: function () { return svg("line", { x1: 8, x2: 8, y1: 0, y2: 16, stroke: "#1d1d1d", "stroke-width": 2 }); },
      diamond: function () {
        return svg("polygon", { points: "8,2 14,8 8,14 2,8", fill: "#ffffff", stroke: "#1d1d1d", "stroke-width": 1.5 });
      },
      dot: function () {
        return svg("circle", { cx: 8, cy: 8, r: 6, fill: colour, stroke: "#1d1d1d", "stroke-width": 1.5 });
      }
    };
    return svg("svg", { viewBox: "0 0 16 16", width: 16, height: 16, "aria-hidden": "true", "class": "mark" },
      [shapes[kind]()]);
  }

  function timeSeries(area) {
    var section = el("div", { "class": "series", id: "time-series" });
    var charts = report.indicators.filter(function (indicator) {
      return indicator.periods.length > 1;
    });
    if (!charts.length) {
      return section;
    }
    section.appendChild(el("h3", {}, ["Over time: " + area.name + ", " + districtName() + " and England"]));
    var grid = el("div", { "class": "series-grid" });
    charts.forEach(function (indicator) {
      grid.appendChild(seriesChart(area, indicator));
    });
    section.appendChild(grid);
    section.appendChild(el("ul", { "class": "legend" }, SERIES_STYLES.map(function (style) {
      var name = style.key === "area" ? area.name : style.key === "district" ? districtName() : "England";
      return el("li", {}, [svg("svg", { viewBox: "0 0 24 12", width: 24, height: 12, "aria-hidden": "true",
        "class": "mark" }, [svg("line", { x1: 0, x2: 24, y1: 6, y2: 6, stroke: style.colour,
        "stroke-width": style.width, "stroke-dasharray": style.dash || null })]), name]);
    })));
    return section;
  }

  function seriesValues(area, indicator) {
    return {
      area: indicator.periods.map(function (period) { return figures(indicator.id, period, area.code)[0]; }),
      district: indicator.periods.map(function (period) { return districtValue(indicator.id, period); }),
      england: indicator.periods.map(function (period) { return englandValue(indicator.id, period); })
    };
  }

  function seriesChart(area, indicator) {
    var series = seriesValues(area, indicator);
    var all = series.area.concat(series.district, series.england).filter(isNumber);
    var width = 320;
    var height = 150;
    var left = 56;
    var right = 12;
    var top = 10;
    var bottom = 30;
    var low = all.length ? Math.min.apply(null, all) : 0;
    var high = all.length ? Math.max.apply(null, all) : 1;
    var pad = (high - low) * 0.08 || Math.abs(high) * 0.1 || 1;
    low -= pad;
    high += pad;
    var count = indicator.periods.length;
    function px(index) {
      return left + (count > 1 ? index / (count - 1) : 0.5) * (width - left - right);
    }
    function py(value) {
      return top + (high - value) / (high - low) * (height - top - bottom);
    }
    var parts = [
      svg("line", { x1: left, x2: width - right, y1: py(low + pad), y2: py(low + pad), stroke: "#c8d0d4" }),
      svg("line", { x1: left, x2: width - right, y1: py(high - pad), y2: py(high - pad), stroke: "#c8d0d4" }),
      svg("text", { x: left - 6, y: py(high - pad) + 4, "text-anchor": "end", "class": "axis" },
        [formatNumber(high - pad, indicator)]),
      svg("text", { x: left - 6, y: py(low + pad) + 4, "text-anchor": "end", "class": "axis" },
        [formatNumber(low + pad, indicator)])
    ];
    indicator.periods.forEach(function (period, index) {
      if (count <= 5 || index === 0 || index === count - 1) {
        parts.push(svg("text", { x: px(index), y: height - 10, "text-anchor": index === 0 ? "start" :
          index === count - 1 ? "end" : "middle", "class": "axis" }, [period]));
      }
    });
    SERIES_STYLES.slice().reverse().forEach(function (style) {
      parts = parts.concat(seriesLine(series[style.key], style, px, py));
    });
    var description = indicator.name + " from " + indicator.periods[0] + " to " + indicator.periods[count - 1] +
      ". " + area.name + ": " + series.area.map(function (value, index) {
        return indicator.periods[index] + " " + formatValue(value, indicator);
      }).join(", ") + ".";
    return el("figure", { "class": "series-chart", "data-indicator": indicator.id }, [
      el("figcaption", {}, [unitTitle(indicator)]),
      svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": description }, parts)
    ]);
  }

  function seriesLine(values, style, px, py) {
    var parts = [];
    var points = [];
    values.forEach(function (value, index) {
      if (isNumber(value)) {
        points.push(px(index).toFixed(1) + "," + py(value).toFixed(1));
      }
    });
    if (points.length > 1) {
      parts.push(svg("polyline", { points: points.join(" "), fill: "none", stroke: style.colour,
        "stroke-width": style.width, "stroke-dasharray": style.dash || null, "class": "line-" + style.key }));
    }
    if (style.key === "area") {
      values.forEach(function (value, index) {
        if (isNumber(value)) {
          parts.push(svg("circle", { cx: px(index), cy: py(value), r: 3.5, fill: style.colour }));
        }
      });
    }
    return parts;
  }

  // --- the table of all areas, and its CSV ---------------------------------------------------------------------

  var TABLE_COLUMNS = [
    { key: "name", title: "Area", text: true },
    { key: "code", title: "Code", text: true },
    { key: "value", title: "Value", index: 0 },
    { key: "lower95", title: "Lower 95%", index: 1 },
    { key: "upper95", title: "Upper 95%", index: 2 },
    { key: "count", title: "Count", index: 5 },
    { key: "denominator", title: "Denominator", index: 6 }
  ];

  function tableRows() {
    var indicator = currentIndicator();
    var column = TABLE_COLUMNS.filter(function (item) { return item.key === state.sortKey; })[0];
    var rows = report.areas.map(function (area) {
      return { area: area, numbers: figures(indicator.id, state.period, area.code) };
    });
    var sign = state.sortAscending ? 1 : -1;
    rows.sort(function (a, b) {
      if (column.text) {
        return sign * String(a.area[column.key]).localeCompare(String(b.area[column.key]), "en-GB");
      }
      var first = a.numbers[column.index];
      var second = b.numbers[column.index];
      if (!isNumber(first) || !isNumber(second)) {  // no value: always last
        return (isNumber(first) ? 0 : 1) - (isNumber(second) ? 0 : 1) ||
          a.area.name.localeCompare(b.area.name, "en-GB");
      }
      return sign * (first - second) || a.area.name.localeCompare(b.area.name, "en-GB");
    });
    return rows;
  }

  function renderTable() {
    var indicator = currentIndicator();
    var table = byId("table");
    byId("table-title").textContent = "All " + plural(areaWord());
    byId("table-caption").textContent = unitTitle(indicator) + ", " + state.period + ": " +
      report.areas.length + " " + plural(areaWord()) + " of " + districtName() + ". Sort by a column's heading.";
    var head = clear(table.querySelector("thead"));
    head.appendChild(el("tr", {}, TABLE_COLUMNS.map(headerCell)));
    var body = clear(table.querySelector("tbody"));
    tableRows().forEach(function (row) {
      var button = el("button", { type: "button", "class": "link-button", "data-code": row.area.code },
        [row.area.name]);
      button.addEventListener("click", function () {
        chooseArea(row.area.code);
      });
      var cells = [el("th", { scope: "row" }, [button]), el("td", {}, [row.area.code])];
      TABLE_COLUMNS.slice(2).forEach(function (column) {
        var number = row.numbers[column.index];
        cells.push(el("td", { "class": "number" }, [column.index >= 5 ? formatCount(number) :
          formatNumber(number, indicator)]));
      });
      body.appendChild(el("tr", { "data-code": row.area.code,
        "class": row.area.code === state.area ? "current" : null }, cells));
    });
  }

  function headerCell(column) {
    var sorted = column.key === state.sortKey;
    var button = el("button", { type: "button", "class": "sort-button", "data-key": column.key }, [column.title,
      el("span", { "class": "sort-mark", "aria-hidden": "true" }, [sorted ? (state.sortAscending ? " \u25b2" : " \u25bc")
        : " \u21c5"])]);
    button.addEventListener("click", function () {
      state.sortAscending = sorted ? !state.sortAscending : true;
      state.sortKey = column.key;
      renderTable();
      var again = byId("table").querySelector("button[data-key='" + column.key + "']");
      if (again) {
        again.focus();
      }
    });
    return el("th", { scope: "col", "aria-sort": sorted ? (state.sortAscending ? "ascending" : "descending") : null,
      "class": column.text ? null : "number" }, [button]);
  }

  /** A CSV field: quoted when it holds a comma, quote or line break; text that a spreadsheet would read as a
   * formula (starting with = + - @) gets a leading apostrophe, so opening the file never runs it. */
  function csvField(value, isText) {
    if (value === null || value === undefined) {
      return "";
    }
    var text = String(value);
    if (isText && /^[=+\-@\t\r]/.test(text)) {
      text = "'" + text;
    }
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function csvText() {
    var indicator = currentIndicator();
    var lines = [["area_code", "area_name", "indicator", "period", "value", "lower95", "upper95", "count",
      "denominator"].join(",")];
    tableRows().forEach(function (row) {
      var cells = [csvField(row.area.code, true), csvField(row.area.name, true), csvField(indicator.id, true),
        csvField(state.period, true)];
      [0, 1, 2, 5, 6].forEach(function (index) {
        cells.push(csvField(isNumber(row.numbers[index]) ? row.numbers[index] : null, false));
      });
      lines.push(cells.join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  /** A file name every system accepts: a period such as 2019/20 becomes 2019-20. */
  function safeName(text) {
    return text.replace(/[^A-Za-z0-9._-]+/g, "-");
  }

  function downloadCsv() {
    var blob = new Blob(["\ufeff" + csvText()], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = el("a", { href: url, download: safeName("lis-" + state.indicator + "-" + state.period) + ".csv" });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
    announce("CSV of " + currentIndicator().name + ", " + state.period + " downloaded");
  }

  // --- the whole page ------------------------------------------------------------------------------------------

  function refresh() {
    fillPeriodPicker();
    recolourMap();
    renderKey();
    renderSelection();
    renderProfile();
    renderTable();
    writeHash();
  }

  function renderNotes() {
    var list = clear(byId("notes"));
    (report.notes || []).forEach(function (note) {
      list.appendChild(el("li", {}, [String(note)]));
    });
    if (report.generated) {
      list.appendChild(el("li", {}, ["Made on " + report.generated + " with LIS for QGIS."]));
    }
  }

  function damaged() {
    return !report || report.version !== 1 || !Array.isArray(report.areas) || !report.areas.length ||
      !Array.isArray(report.indicators) || !report.indicators.length || !report.map;
  }

  function start() {
    if (damaged()) {
      var error = byId("load-error");
      error.textContent = "This report's data (data.js, format version 1) is missing or damaged: export the " +
        "report again with LIS (Processing: Export web report), and keep data.js beside index.html.";
      error.hidden = false;
      return;
    }
    report.areas.forEach(function (area) {
      areaByCode[area.code] = area;
    });
    report.indicators.forEach(function (indicator) {
      indicatorById[indicator.id] = indicator;
    });
    document.title = report.title || document.title;
    byId("report-title").textContent = report.title || "Area profiles";
    byId("report-subtitle").textContent = capitalise(plural(areaWord())) + " of " + districtName() +
      (report.generated ? ", published " + report.generated : "");
    readHash();
    buildIndicatorPicker();
    buildMap();
    buildAreaPicker();
    byId("download").addEventListener("click", downloadCsv);
    renderNotes();
    renderAreaList();
    refresh();
    window.addEventListener("hashchange", function () {
      readHash();
      refresh();
      renderAreaList();
    });
  }

  start();
}());
