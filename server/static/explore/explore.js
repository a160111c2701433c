/* The Accords explorer: a map, a timeline and a network over the agreements, driven by filters.
 *
 * Every figure is what a SPARQL query to this server's own endpoint gives (shown with "Show the
 * query"): its rows come from the counts kept with the build (/explore/data, the same rows) or,
 * for a build without them, from the query itself. The selection lives in the URL. Loaded as a
 * file under script-src 'self'.
 */
(function () {
  "use strict";

  var ACC = "https://w3id.org/accords/ontology#";
  var BASE = "https://w3id.org/accords/";
  var TOPIC = BASE + "topic/";
  var PREFIXES =
    "PREFIX acc: <" + ACC + ">\n" +
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n";
  var LANG = (navigator.language || "en").toLowerCase().indexOf("fr") === 0 ? "fr" : "en";
  var WORDS = {
    en: {
      title: "Explore the agreements", search: "Search", state: "State", topic: "Topic", from: "From",
      to: "To", language: "Reports in", reset: "Reset", anyState: "Any state", anyTopic: "Any topic",
      anyLanguage: "Any language", map: "Map", timeline: "Timeline", network: "Network",
      agreements: "Agreements", showQuery: "Show the query", csv: "CSV", per: "Per", year: "year",
      month: "month", loading: "Loading…", inSelection: "agreements in the selection",
      agreementsOf: "agreements", partners: "Partners", other: "no topic", noResult: "Nothing found.",
      failed: "The query failed: ", allAgreements: "All agreements of the selection",
      intro: "Who signs with whom, on what, and when. Every mark leads to the agreements behind it and the quotes that support them.",
      mapHint: "Shade: number of agreements. Choose a state (click, or Tab then Enter) to draw its partners.",
      networkHint: "Parties linked by the agreements they share; line width: how many. Circles: states; squares: organizations.",
      timelineHint: "Signings per period, stacked by top-level topic: an agreement about several topics counts once in each.",
      dataTable: "Data table", date: "date", place: "place", filterState: "Show its agreements",
      monthOnly: "agreements dated to the year only are left out of the monthly view",
    },
    fr: {
      title: "Explorer les accords", search: "Rechercher", state: "État", topic: "Thème", from: "De",
      to: "À", language: "Articles en", reset: "Réinitialiser", anyState: "Tout État",
      anyTopic: "Tout thème", anyLanguage: "Toute langue", map: "Carte", timeline: "Chronologie",
      network: "Réseau", agreements: "Accords", showQuery: "Voir la requête", csv: "CSV", per: "Par",
      year: "année", month: "mois", loading: "Chargement…", inSelection: "accords dans la sélection",
      agreementsOf: "accords", partners: "Partenaires", other: "sans thème", noResult: "Aucun résultat.",
      failed: "La requête a échoué : ", allAgreements: "Tous les accords de la sélection",
      intro: "Qui signe avec qui, sur quoi et quand. Chaque marque mène aux accords et aux citations qui les fondent.",
      mapHint: "Teinte : nombre d’accords. Choisissez un État (clic, ou Tab puis Entrée) pour tracer ses partenaires.",
      networkHint: "Parties reliées par les accords qu’elles partagent ; épaisseur : combien. Cercles : États ; carrés : organisations.",
      timelineHint: "Signatures par période, empilées par thème de premier niveau : un accord sur plusieurs thèmes compte dans chacun.",
      dataTable: "Tableau des données", date: "date", place: "lieu", filterState: "Voir ses accords",
      monthOnly: "les accords datés de l’année seule ne figurent pas dans la vue mensuelle",
    },
  };
  var PATTERNS = { state: /^[A-Z]{2}$/, topic: /^[a-z0-9-]+$/, from: /^\d{4}$/, to: /^\d{4}$/,
    language: /^(fr|en)$/, granularity: /^(year|month)$/ };
  var NETWORK_TICKS = 120;
  var SAFE_IRI = /^https?:\/\/[^<>"{}|^`\\\s]+$/;

  var root, cfg, selection, queries = {}, lastList = null, atlas = null, numericToIso = {};
  var choicesLoaded = Promise.resolve();  // the filters' states and topics, loaded once

  function t(key) { return WORDS[LANG][key] || WORDS.en[key] || key; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function status(text) { document.getElementById("status").textContent = text; }

  /* ------------------------------------------------------------------ selection and URL */

  function readSelection() {
    var params = new URLSearchParams(window.location.search);
    var chosen = { state: "", topic: "", from: "", to: "", language: "", granularity: "year" };
    Object.keys(PATTERNS).forEach(function (key) {
      var value = params.get(key);
      if (value && PATTERNS[key].test(value)) chosen[key] = value;
    });
    return chosen;
  }

  function writeSelection() {
    var params = new URLSearchParams();
    Object.keys(PATTERNS).forEach(function (key) {
      if (selection[key] && !(key === "granularity" && selection[key] === "year")) params.set(key, selection[key]);
    });
    var search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function syncForm() {
    ["state", "topic", "from", "to", "language"].forEach(function (key) {
      document.getElementById(key).value = selection[key];
    });
    document.getElementById("granularity").value = selection.granularity;
  }

  /* ------------------------------------------------------------------ SPARQL */

  function label(variable, target, property) {
    var via = property || "rdfs:label";
    return "OPTIONAL { " + variable + " " + via + " " + target + "1 FILTER(LANG(" + target + "1) = \"" + LANG + "\") }\n" +
      "  OPTIONAL { " + variable + " " + via + " " + target + "2 }\n";
  }

  function filters() {
    var lines = ["?a a acc:Agreement ."];
    if (selection.state) lines.push("?a acc:party ?chosen . ?chosen skos:notation \"" + selection.state + "\" .");
    if (selection.topic) lines.push("?a acc:concerns <" + TOPIC + selection.topic + "> .");
    if (selection.from || selection.to) {
      lines.push("?a acc:signing/acc:date ?when . BIND(xsd:integer(SUBSTR(STR(?when), 1, 4)) AS ?year)");
      if (selection.from) lines.push("FILTER(?year >= " + selection.from + ")");
      if (selection.to) lines.push("FILTER(?year <= " + selection.to + ")");
    }
    if (selection.language) {
      // Reports give their language as an xsd:language literal: compare its text.
      lines.push("FILTER EXISTS { ?a acc:evidence/acc:source|acc:reportedIn ?report . ?report acc:language ?language .\n" +
        "    FILTER(STR(?language) = \"" + selection.language + "\") }");
    }
    return "  " + lines.join("\n  ") + "\n";
  }

  // Counts first (a subquery over the agreements), then names for the few hundred rows it gives.
  function partiesQuery() {
    return PREFIXES + "SELECT ?party ?n (SAMPLE(?code) AS ?iso) (SAMPLE(COALESCE(?name1, ?name2)) AS ?label)\n" +
      "       (SAMPLE(?isState) AS ?state) WHERE {\n" +
      "  { SELECT ?party (COUNT(DISTINCT ?a) AS ?n) WHERE {\n" + filters() + "  ?a acc:party ?party .\n  } GROUP BY ?party }\n" +
      "  OPTIONAL { ?party skos:notation ?code }\n  " + label("?party", "?name") +
      "  BIND(EXISTS { ?party a acc:State } AS ?isState)\n} GROUP BY ?party ?n ORDER BY DESC(?n)";
  }

  function pairsQuery() {
    return PREFIXES + "SELECT ?p ?q (COUNT(DISTINCT ?a) AS ?n) WHERE {\n" + filters() +
      "  ?a acc:party ?p, ?q . FILTER(STR(?p) < STR(?q))\n} GROUP BY ?p ?q ORDER BY DESC(?n) LIMIT 500";
  }

  function timelineQuery() {
    var width = selection.granularity === "month" ? 7 : 4;
    return PREFIXES + "SELECT ?period ?top ?n (SAMPLE(COALESCE(?name1, ?name2)) AS ?topic) WHERE {\n" +
      "  { SELECT ?period ?top (COUNT(DISTINCT ?a) AS ?n) WHERE {\n" + filters() +
      "  ?a acc:signing/acc:date ?date . BIND(SUBSTR(STR(?date), 1, " + width + ") AS ?period)\n" +
      "  FILTER(STRLEN(?period) = " + width + ")\n" +
      "  OPTIONAL { ?a acc:concerns ?top . ?top skos:topConceptOf ?scheme }\n" +
      "  } GROUP BY ?period ?top }\n  " + label("?top", "?name", "skos:prefLabel") +
      "} GROUP BY ?period ?top ?n ORDER BY ?period";
  }

  function listQuery(extra, limit) {
    // The page of agreements first (newest first), then their title and place: the details of
    // a few hundred agreements, not of every agreement of the selection.
    return listDetails("{ SELECT ?a (MAX(STR(?day)) AS ?latest) WHERE {\n" + filters() + (extra || "") +
      "    OPTIONAL { ?a acc:signing/acc:date ?day } } GROUP BY ?a ORDER BY DESC(?latest) ?a LIMIT " + (limit || 200) + " }");
  }

  // The title, place and a quote of the agreements ``source`` gives (with their ?latest date).
  function listDetails(source) {
    return PREFIXES + "SELECT ?a (SAMPLE(?latest) AS ?date) (SAMPLE(COALESCE(?name1, ?name2)) AS ?title)\n" +
      "       (SAMPLE(COALESCE(?where1, ?where2)) AS ?place) (SAMPLE(?text) AS ?quote) WHERE {\n" +
      "  " + source + "\n" +
      "  " + label("?a", "?name") +
      "  OPTIONAL { ?a acc:signing/acc:place ?at . " + label("?at", "?where") + "  }\n" +
      "  OPTIONAL { ?a acc:evidence/acc:quote ?text }\n" +
      "} GROUP BY ?a ORDER BY DESC(?date) ?a";
  }

  // The details of the agreements the summary listed (rows of ?a and ?latest), by VALUES.
  function listedQuery(listed) {
    var rows = listed.filter(function (row) { return iriOk(row.a); }).map(function (row) {
      return "(<" + row.a + "> " + (row.latest === undefined ? "UNDEF" : JSON.stringify(row.latest)) + ")";
    });
    return listDetails("VALUES (?a ?latest) { " + rows.join(" ") + " }");
  }

  function quotesQuery(agreements) {
    // Each agreement's quotes, with how many other agreements cite the same one: a quote about
    // this agreement alone reads better than the lead that announces the whole signing.
    return PREFIXES + "SELECT ?a ?quote (COUNT(DISTINCT ?other) AS ?shared) WHERE {\n" +
      "  VALUES ?a { " + agreements.map(function (iri) { return "<" + iri + ">"; }).join(" ") + " }\n" +
      "  ?a acc:evidence ?evidence . ?evidence acc:quote ?quote .\n" +
      "  OPTIONAL { ?other acc:evidence ?evidence ; a acc:Agreement . FILTER(?other != ?a) }\n" +
      "} GROUP BY ?a ?quote";
  }

  function statesQuery() {
    return PREFIXES + "SELECT ?iso (SAMPLE(COALESCE(?name1, ?name2)) AS ?label) WHERE {\n" +
      "  { SELECT DISTINCT ?state WHERE { ?a a acc:Agreement ; acc:party ?state } }\n" +
      "  ?state a acc:State ; skos:notation ?iso .\n  " + label("?state", "?name") + "} GROUP BY ?iso ORDER BY ?label";
  }

  function topicsQuery() {
    return PREFIXES + "SELECT ?topic (SAMPLE(COALESCE(?name1, ?name2)) AS ?label) (SAMPLE(?up) AS ?broader) WHERE {\n" +
      "  ?topic a acc:Topic .\n  OPTIONAL { ?topic skos:broader ?up }\n" +
      "  OPTIONAL { ?topic skos:prefLabel ?name1 FILTER(LANG(?name1) = \"" + LANG + "\") }\n" +
      "  OPTIONAL { ?topic skos:prefLabel ?name2 }\n} GROUP BY ?topic ORDER BY ?label";
  }

  function ask(query, accept) {
    var body = new URLSearchParams();
    body.set("query", query);
    return fetch(cfg.endpoint, {
      method: "POST",
      headers: { Accept: accept || "application/sparql-results+json" },
      body: body,
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(response.status + " " + text.trim()); });
      }
      return accept ? response.blob() : response.json().then(function (data) {
        return data.results.bindings.map(function (row) {
          var plain = {};
          Object.keys(row).forEach(function (k) { plain[k] = row[k].value; });
          return plain;
        });
      });
    });
  }

  function remember(view, query) {
    queries[view] = query;
    var endpoint = new URL(cfg.endpoint, document.baseURI).href;
    Array.prototype.forEach.call(document.querySelectorAll('.show-query[data-view="' + view + '"]'), function (a) {
      a.href = cfg.editor + "#query=" + encodeURIComponent(query) + "&endpoint=" + encodeURIComponent(endpoint);
    });
  }

  function localPage(iri) {
    return iri.indexOf(BASE) === 0 ? cfg.base + iri.slice(BASE.length) : iri;
  }

  /* ------------------------------------------------------------------ keyboard-operable marks */

  function operable(selectionD3, describe, act) {
    selectionD3
      .attr("tabindex", 0)
      .attr("role", "button")
      .attr("aria-label", describe)
      .on("click", function (event, d) { act(d); })
      .on("keydown", function (event, d) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); act(d); }
      });
    selectionD3.append("title").text(describe);
  }

  function dataTable(container, header, rows) {
    var details = el("details", { class: "data-table" });
    details.appendChild(el("summary", {}, t("dataTable")));
    var table = el("table");
    var head = el("tr");
    header.forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    table.appendChild(head);
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell) { tr.appendChild(el("td", {}, cell)); });
      table.appendChild(tr);
    });
    details.appendChild(table);
    container.appendChild(details);
  }

  /* ------------------------------------------------------------------ map */

  // The projected outlines of the countries, made once: every view of the map draws the same ones.
  var projected = null;

  function outlines(width, height) {
    if (projected) return projected;
    var projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
    var path = d3.geoPath(projection);
    projected = { sphere: path({ type: "Sphere" }), countries: [], centroid: {} };
    topojson.feature(atlas, atlas.objects.countries).features.forEach(function (f) {
      var iso = numericToIso[f.id] || "";
      projected.countries.push({ d: path(f), iso: iso });
      if (iso) projected.centroid[iso] = path.centroid(f);
    });
    return projected;
  }

  function drawMap(parties, pairs) {
    var container = document.getElementById("map");
    container.textContent = "";
    var states = parties.filter(function (p) { return p.state === "true" && p.iso; });
    var byIso = {};
    states.forEach(function (s) { byIso[s.iso] = s; });
    var max = d3.max(states, function (s) { return +s.n; }) || 1;
    var shade = d3.scaleSequential(d3.interpolateBlues).domain([0, max]);
    var width = 960, height = 500;
    var svg = d3.select(container).append("svg").attr("viewBox", "0 0 " + width + " " + height)
      .attr("xmlns", "http://www.w3.org/2000/svg").attr("role", "group").attr("aria-label", t("map"));
    var shapes = outlines(width, height);
    svg.append("path").attr("d", shapes.sphere).attr("fill", "#f4f6f9").attr("stroke", "#ccd");
    var features = shapes.countries.map(function (f) {
      return { d: f.d, iso: f.iso, party: byIso[f.iso] };
    });
    var centroid = shapes.centroid;
    svg.append("g").selectAll("path").data(features.filter(function (f) { return !f.party; })).join("path")
      .attr("d", function (f) { return f.d; }).attr("fill", "#e6e8ec")
      .attr("stroke", "#fff").attr("stroke-width", 0.4);
    var shaded = svg.append("g").selectAll("path").data(features.filter(function (f) { return f.party; })).join("path")
      .attr("d", function (f) { return f.d; })
      .attr("class", function (f) { return "state" + (f.iso === selection.state ? " selected" : ""); })
      .attr("data-iso", function (f) { return f.iso; })
      .attr("fill", function (f) { return shade(+f.party.n); })
      .attr("stroke", function (f) { return f.iso === selection.state ? "#000" : "#556"; })
      .attr("stroke-width", function (f) { return f.iso === selection.state ? 2 : 0.6; });
    operable(shaded, function (f) { return f.party.label + ": " + f.party.n + " " + t("agreementsOf"); }, function (f) {
      selection.state = selection.state === f.iso ? "" : f.iso;
      refresh();
    });
    var partners = [];
    if (selection.state) {
      var chosen = byIso[selection.state];
      pairs.forEach(function (pair) {
        if (!chosen || (pair.p !== chosen.party && pair.q !== chosen.party)) return;
        var other = pair.p === chosen.party ? pair.q : pair.p;
        var party = parties.find(function (x) { return x.party === other; });
        if (party) partners.push({ party: party, n: +pair.n, chosen: chosen });
      });
      var from = centroid[selection.state];
      var lines = svg.append("g").attr("class", "partner-lines").selectAll("line")
        .data(partners.filter(function (x) { return x.party.iso && centroid[x.party.iso] && from; })).join("line")
        .attr("x1", from && from[0]).attr("y1", from && from[1])
        .attr("x2", function (x) { return centroid[x.party.iso][0]; })
        .attr("y2", function (x) { return centroid[x.party.iso][1]; })
        .attr("stroke", "#b03a2e").attr("stroke-linecap", "round")
        .attr("stroke-width", function (x) { return 1.5 + 2 * Math.sqrt(x.n); });
      operable(lines, function (x) { return x.chosen.label + " – " + x.party.label + ": " + x.n + " " + t("agreementsOf"); },
        function (x) { listPair(x.chosen, x.party); });
    }
    var legend = el("p", { class: "legend" });
    legend.appendChild(el("span", { class: "swatch low" }));
    legend.appendChild(document.createTextNode(" 1 … " + max + " " + t("agreementsOf") + " "));
    legend.appendChild(el("span", { class: "swatch high" }));
    container.appendChild(legend);
    if (partners.length) {
      var heading = el("h3", {}, t("partners") + " — " + byIso[selection.state].label);
      var list = el("ul", { class: "partners" });
      partners.sort(function (a, b) { return b.n - a.n; }).forEach(function (x) {
        var item = el("li");
        var button = el("button", { type: "button", class: "link" }, x.party.label + " — " + x.n);
        button.addEventListener("click", function () { listPair(x.chosen, x.party); });
        item.appendChild(button);
        list.appendChild(item);
      });
      container.appendChild(heading);
      container.appendChild(list);
    }
    dataTable(container, [t("state"), t("agreements")], states.map(function (s) { return [s.label, s.n]; }));
  }

  /* ------------------------------------------------------------------ timeline */

  function drawTimeline(rows) {
    var container = document.getElementById("timeline");
    container.textContent = "";
    var periods = Array.from(new Set(rows.map(function (r) { return r.period; }))).sort();
    var topics = Array.from(new Set(rows.map(function (r) { return r.top || ""; })));
    var names = {};
    rows.forEach(function (r) { names[r.top || ""] = r.top ? r.topic || r.top : t("other"); });
    topics.sort(function (a, b) { return names[a].localeCompare(names[b]); });
    var table = periods.map(function (period) {
      var row = { period: period };
      topics.forEach(function (k) { row[k] = 0; });
      rows.forEach(function (r) { if (r.period === period) row[r.top || ""] = +r.n; });
      return row;
    });
    var width = 960, height = 300, margin = { top: 10, right: 10, bottom: 40, left: 40 };
    var svg = d3.select(container).append("svg").attr("viewBox", "0 0 " + width + " " + height)
      .attr("xmlns", "http://www.w3.org/2000/svg").attr("role", "group").attr("aria-label", t("timeline"));
    var span = Math.min(width - margin.right - margin.left, Math.max(periods.length, 1) * 48);
    var x = d3.scaleBand().domain(periods).range([margin.left, margin.left + span]).padding(0.15);
    var stacked = d3.stack().keys(topics)(table);
    var top = d3.max(stacked.length ? stacked[stacked.length - 1] : [], function (d) { return d[1]; }) || 1;
    var y = d3.scaleLinear().domain([0, top]).nice().range([height - margin.bottom, margin.top]);
    // Luminance steps from dark to light, and white gaps: the stacks read in grey scale too.
    var colour = d3.scaleOrdinal().domain(topics).range(topics.map(function (_, i) {
      return d3.interpolateViridis(topics.length > 1 ? i / (topics.length - 1) : 0.4);
    }));
    var groups = svg.append("g").selectAll("g").data(stacked).join("g").attr("fill", function (s) { return colour(s.key); });
    var bars = groups.selectAll("rect").data(function (s) {
      return s.map(function (d) { return { key: s.key, period: d.data.period, y0: d[0], y1: d[1] }; })
        .filter(function (d) { return d.y1 > d.y0; });
    }).join("rect")
      .attr("x", function (d) { return x(d.period); }).attr("width", x.bandwidth())
      .attr("y", function (d) { return y(d.y1); }).attr("height", function (d) { return y(d.y0) - y(d.y1); })
      .attr("stroke", "#fff").attr("stroke-width", 1).attr("class", "bar");
    operable(bars, function (d) { return d.period + " — " + names[d.key] + ": " + (d.y1 - d.y0); }, function (d) {
      listPeriod(d.period, d.key, names[d.key]);
    });
    svg.append("g").attr("transform", "translate(0," + (height - margin.bottom) + ")").call(d3.axisBottom(x)
      .tickValues(periods.filter(function (_, i) { return i % Math.ceil(periods.length / 20) === 0; })));
    svg.append("g").attr("transform", "translate(" + margin.left + ",0)").call(d3.axisLeft(y).ticks(5, "d"));
    var legend = el("ul", { class: "legend" });
    topics.forEach(function (k) {
      var item = el("li");
      var swatch = el("span", { class: "swatch" });
      swatch.style.background = colour(k);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(" " + names[k]));
      legend.appendChild(item);
    });
    container.appendChild(legend);
    if (selection.granularity === "month") container.appendChild(el("p", { class: "muted" }, t("monthOnly")));
    dataTable(container, [t("per") + " " + t(selection.granularity), t("topic"), t("agreements")],
      rows.map(function (r) { return [r.period, names[r.top || ""], r.n]; }));
  }

  /* ------------------------------------------------------------------ network */

  function drawNetwork(parties, pairs) {
    var container = document.getElementById("network");
    container.textContent = "";
    var width = 960, height = 520;
    var byIri = {};
    var nodes = parties.map(function (p) { var node = { id: p.party, party: p }; byIri[p.party] = node; return node; });
    var links = pairs.filter(function (pair) { return byIri[pair.p] && byIri[pair.q]; })
      .map(function (pair) { return { source: pair.p, target: pair.q, n: +pair.n }; });
    var simulation = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id(function (d) { return d.id; }).distance(90))
      .force("charge", d3.forceManyBody().strength(-260))
      .force("center", d3.forceCenter(width / 2, height / 2))
      .force("collide", d3.forceCollide(22))
      .alphaDecay(1 - Math.pow(0.001, 1 / NETWORK_TICKS))
      .stop();
    // A still picture, the same layout each time, in fewer steps than d3's 300 (the slowest part
    // of drawing a selection of hundreds of parties).
    for (var i = 0; i < NETWORK_TICKS; i += 1) simulation.tick();
    nodes.forEach(function (d) {
      d.x = Math.max(30, Math.min(width - 30, d.x));
      d.y = Math.max(20, Math.min(height - 20, d.y));
    });
    var svg = d3.select(container).append("svg").attr("viewBox", "0 0 " + width + " " + height)
      .attr("xmlns", "http://www.w3.org/2000/svg").attr("role", "group").attr("aria-label", t("network"));
    var lines = svg.append("g").selectAll("line").data(links).join("line").attr("class", "edge")
      .attr("x1", function (d) { return d.source.x; }).attr("y1", function (d) { return d.source.y; })
      .attr("x2", function (d) { return d.target.x; }).attr("y2", function (d) { return d.target.y; })
      .attr("stroke", "#6b7385").attr("stroke-opacity", 0.75)
      .attr("stroke-width", function (d) { return 1 + 2 * Math.sqrt(d.n); });
    operable(lines, function (d) {
      return d.source.party.label + " – " + d.target.party.label + ": " + d.n + " " + t("agreementsOf");
    }, function (d) { listPair(d.source.party, d.target.party); });
    var radius = function (d) { return 6 + 3 * Math.sqrt(+d.party.n); };
    var marks = svg.append("g").selectAll("g").data(nodes).join("g").attr("class", "node")
      .attr("transform", function (d) { return "translate(" + d.x + "," + d.y + ")"; });
    marks.filter(function (d) { return d.party.state === "true"; }).append("circle").attr("r", radius);
    marks.filter(function (d) { return d.party.state !== "true"; }).append("rect")
      .attr("x", function (d) { return -radius(d); }).attr("y", function (d) { return -radius(d); })
      .attr("width", function (d) { return 2 * radius(d); }).attr("height", function (d) { return 2 * radius(d); });
    marks.selectAll("circle, rect").attr("fill", function (d) { return d.party.state === "true" ? "#2b6cb0" : "#f2f2f2"; })
      .attr("stroke", "#1d2430").attr("stroke-width", 1.5);
    marks.append("text").attr("x", function (d) { return radius(d) + 4; }).attr("dy", "0.35em")
      .attr("font-size", 13).attr("fill", "#1d2430").text(function (d) { return d.party.label || d.id; });
    operable(marks, function (d) { return (d.party.label || d.id) + ": " + d.party.n + " " + t("agreementsOf"); },
      function (d) { listParty(d.party); });
    dataTable(container, [t("network"), t("agreements")], links.map(function (d) {
      return [d.source.party.label + " – " + d.target.party.label, String(d.n)];
    }));
  }

  /* ------------------------------------------------------------------ the list behind a mark */

  function iriOk(iri) { return SAFE_IRI.test(iri); }

  function quotesOf(iris) { return iris.length ? ask(quotesQuery(iris)) : Promise.resolve([]); }

  // Each row with the quote about its agreement alone where there is one.
  function withQuotes(rows, quotes) {
    var best = {};
    quotes.forEach(function (q) {
      if (!(q.a in best) || +q.shared < +best[q.a].shared) best[q.a] = q;
    });
    rows.forEach(function (row) { if (best[row.a]) row.quote = best[row.a].quote; });
    return rows;
  }

  // ``listed``: the page of agreements from the summary, when it gave one (the same rows as the
  // first part of the query shown).
  function showList(caption, extra, listed) {
    var query = listQuery(extra);
    lastList = { caption: caption, extra: extra };
    remember("list", query);
    document.getElementById("list-caption").textContent = caption;
    var list = document.getElementById("list");
    list.textContent = "";
    var asked;
    if (listed) {  // the agreements are known: their details and their quotes are asked together
      var known = listed.map(function (row) { return row.a; }).filter(iriOk);
      asked = Promise.all([known.length ? ask(listedQuery(listed)) : Promise.resolve([]), quotesOf(known)])
        .then(function (answers) { return withQuotes(answers[0], answers[1]); });
    } else {
      asked = ask(query).then(function (rows) {
        return quotesOf(rows.map(function (row) { return row.a; }).filter(iriOk)).then(function (quotes) {
          return withQuotes(rows, quotes);
        });
      });
    }
    return asked.then(function (rows) {
      if (!rows.length) list.appendChild(el("li", {}, t("noResult")));
      rows.forEach(function (row) {
        var item = el("li", { class: "agreement" });
        var title = el("a", { href: localPage(row.a) }, row.title || row.a);
        item.appendChild(title);
        var facts = [row.date, row.place].filter(Boolean).join(" · ");
        if (facts) item.appendChild(el("span", { class: "facts" }, " — " + facts));
        if (row.quote) item.appendChild(el("blockquote", {}, row.quote));
        list.appendChild(item);
      });
      return rows;
    }).catch(function (error) { status(t("failed") + error.message); });
  }

  function listPair(a, b) {
    if (!iriOk(a.party) || !iriOk(b.party)) return;
    showList(a.label + " – " + b.label, "  ?a acc:party <" + a.party + ">, <" + b.party + "> .\n");
    document.getElementById("list-panel").scrollIntoView({ block: "nearest" });
  }

  function listParty(party) {
    if (!iriOk(party.party)) return;
    showList(party.label, "  ?a acc:party <" + party.party + "> .\n");
    document.getElementById("list-panel").scrollIntoView({ block: "nearest" });
  }

  function listPeriod(period, topic, name) {
    var extra = "  ?a acc:signing/acc:date ?at . FILTER(STRSTARTS(STR(?at), \"" + period.replace(/[^0-9-]/g, "") + "\"))\n";
    if (topic && iriOk(topic)) extra += "  ?a acc:concerns <" + topic + "> .\n";
    showList(period + " — " + name, extra);
    document.getElementById("list-panel").scrollIntoView({ block: "nearest" });
  }

  /* ------------------------------------------------------------------ exports */

  function download(blob, name) {
    var a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function svgText(view) {
    var svg = document.querySelector("#" + view + " svg");
    if (!svg) return null;
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("width", svg.viewBox.baseVal.width);
    copy.setAttribute("height", svg.viewBox.baseVal.height);
    copy.setAttribute("font-family", "sans-serif");
    return new XMLSerializer().serializeToString(copy);
  }

  function exportSvg(view) {
    var text = svgText(view);
    if (text) download(new Blob([text], { type: "image/svg+xml" }), "accords-" + view + ".svg");
  }

  function exportPng(view) {
    var text = svgText(view);
    if (!text) return;
    var svg = document.querySelector("#" + view + " svg");
    var image = new Image();
    image.onload = function () {
      var canvas = el("canvas", { width: svg.viewBox.baseVal.width * 2, height: svg.viewBox.baseVal.height * 2 });
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { download(blob, "accords-" + view + ".png"); }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  }

  function exportCsv() {
    var query = listQuery(lastList ? lastList.extra : "", 100000);
    ask(query, "text/csv").then(function (blob) { download(blob, "accords-selection.csv"); })
      .catch(function (error) { status(t("failed") + error.message); });
  }

  /* ------------------------------------------------------------------ search */

  var searchTimer = null;

  function runSearch(text) {
    var box = document.getElementById("search-results");
    if (!text.trim()) { box.textContent = ""; return; }
    fetch(cfg.search + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        box.textContent = "";
        if (!data.results.length) { box.appendChild(el("p", {}, t("noResult"))); return; }
        var list = el("ul", { class: "hits" });
        data.results.forEach(function (hit) {
          var item = el("li", { class: "hit", "data-kind": hit.kind });
          item.appendChild(el("span", { class: "kind" }, hit.kind));
          item.appendChild(document.createTextNode(" "));
          item.appendChild(el("a", { href: hit.page }, hit.names.join(" · ") || hit.iri));
          if (hit.snippet) item.appendChild(el("span", { class: "snippet" }, " " + hit.snippet));
          list.appendChild(item);
        });
        box.appendChild(list);
      })
      .catch(function (error) { status(t("failed") + error.message); });
  }

  /* ------------------------------------------------------------------ putting it together */

  // The selection as /explore/data reads it.
  function selectionParams() {
    var params = new URLSearchParams({ lang: LANG });
    Object.keys(PATTERNS).forEach(function (key) { if (selection[key]) params.set(key, selection[key]); });
    return params.toString();
  }

  // The counts kept with the build for the selection (the same rows as the queries shown give),
  // or null when the build has none: the page then asks the queries themselves.
  function summaryRows() {
    return fetch(cfg.summary + "?" + selectionParams(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; });
  }

  function refresh() {
    writeSelection();
    syncForm();
    status(t("loading"));
    var parties = partiesQuery(), pairs = pairsQuery(), timeline = timelineQuery();
    var count = PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {\n" + filters() + "}";
    remember("map", parties);
    remember("network", pairs);
    remember("timeline", timeline);
    var summary = summaryRows();
    var figures = summary.then(function (data) {
      if (data) return [data.parties, data.pairs, data.timeline, [{ n: String(data.count) }]];
      return Promise.all([ask(parties), ask(pairs), ask(timeline), ask(count)]);
    }).then(function (answers) {
      drawMap(answers[0], answers[1]);
      drawTimeline(answers[2]);
      drawNetwork(answers[0], answers[1]);
      status((answers[3].length ? answers[3][0].n : 0) + " " + t("inSelection"));
    });
    // The list's queries run beside the figures' (the server has several query processes).
    var listed = summary.then(function (data) { return showList(t("allAgreements"), "", data ? data.list : null); });
    return Promise.all([figures, listed, choicesLoaded]).then(function () {
      root.setAttribute("data-ready", "true");
    }).catch(function (error) { status(t("failed") + error.message); });
  }

  function fillChoices(states, topics) {
    var stateSelect = document.getElementById("state");
    states.forEach(function (s) { stateSelect.appendChild(el("option", { value: s.iso }, s.label || s.iso)); });
    var children = {};
    topics.forEach(function (topic) {
      var parent = topic.broader || "";
      (children[parent] = children[parent] || []).push(topic);
    });
    var topicSelect = document.getElementById("topic");
    (children[""] || []).forEach(function (topic) {
      topicSelect.appendChild(el("option", { value: topic.topic.slice(TOPIC.length) }, topic.label));
      (children[topic.topic] || []).forEach(function (child) {
        topicSelect.appendChild(el("option", { value: child.topic.slice(TOPIC.length) }, "\u00a0\u00a0\u2514 " + child.label));
      });
    });
  }

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = t(node.getAttribute("data-i18n"));
    });
    document.documentElement.lang = LANG;
    ["state", "topic", "from", "to", "language"].forEach(function (key) {
      document.getElementById(key).addEventListener("change", function (event) {
        var value = event.target.value.trim();
        selection[key] = !value || PATTERNS[key].test(value) ? value : "";
        refresh();
      });
    });
    document.getElementById("granularity").addEventListener("change", function (event) {
      selection.granularity = event.target.value;
      refresh();
    });
    document.getElementById("reset").addEventListener("click", function () {
      selection = { state: "", topic: "", from: "", to: "", language: "", granularity: "year" };
      refresh();
    });
    document.getElementById("filters").addEventListener("submit", function (event) { event.preventDefault(); });
    var search = document.getElementById("search");
    search.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { runSearch(search.value); }, 150);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".export-svg"), function (b) {
      b.addEventListener("click", function () { exportSvg(b.getAttribute("data-view")); });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".export-png"), function (b) {
      b.addEventListener("click", function () { exportPng(b.getAttribute("data-view")); });
    });
    document.getElementById("export-csv").addEventListener("click", exportCsv);
  }

  function start() {
    root = document.getElementById("explorer");
    if (!root || typeof d3 === "undefined" || typeof topojson === "undefined") return;
    cfg = root.dataset;
    selection = readSelection();
    wire();
    // The filters' choices load beside the first view; the form shows the URL's selection once
    // they are there.
    // The states from the build's summary (the rows of statesQuery), else from the query itself.
    var stateChoices = fetch(cfg.states + "?lang=" + LANG, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : ask(statesQuery()); })
      .catch(function () { return ask(statesQuery()); });
    choicesLoaded = Promise.all([stateChoices, ask(topicsQuery())]).then(function (loaded) {
      fillChoices(loaded[0], loaded[1]);
      syncForm();
    });
    Promise.all([
      fetch(cfg.atlas).then(function (r) { return r.json(); }),
      fetch(cfg.codes).then(function (r) { return r.json(); }),
    ]).then(function (loaded) {
      atlas = loaded[0];
      loaded[1].forEach(function (row) { numericToIso[row[2]] = row[0]; });
      return refresh();
    }).catch(function (error) { status(t("failed") + error.message); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
