/* Starts YASGUI on the Accords editor page.
 *
 * Loaded as a file (no inline script: the page runs under script-src 'self').
 * The endpoint and the example queries come from the JSON block #accords-examples.
 * A query in the link (#query=… or ?query=…, as YASGUI's share links write it) opens in
 * its own tab and waits for a click on Run: a link never runs a query by itself.
 */
(function () {
  "use strict";

  function readData() {
    var block = document.getElementById("accords-examples");
    if (!block) return {};
    try {
      return JSON.parse(block.textContent || "{}");
    } catch (error) {
      return {};
    }
  }

  function notice(root, text) {
    var p = document.createElement("p");
    p.className = "accords-notice";
    p.textContent = text;
    root.appendChild(p);
  }

  // The query and title a link carries, or null.
  function linkedQuery() {
    var found = null;
    [window.location.hash, window.location.search].forEach(function (part) {
      var params = new URLSearchParams((part || "").replace(/^[#?]/, ""));
      if (!found && params.get("query")) {
        found = { query: params.get("query"), name: params.get("tabTitle") || "Linked query" };
      }
    });
    return found;
  }

  function start() {
    var root = document.getElementById("yasgui");
    if (!root) return;
    if (typeof window.Yasgui !== "function") {
      notice(root, "The query editor could not be loaded.");
      return;
    }
    var Yasgui = window.Yasgui;
    var data = readData();
    var endpoint = new URL(data.endpoint || "/sparql", document.baseURI).href;
    var examples = Array.isArray(data.examples) ? data.examples : [];

    // Only completers that work offline: the "property" and "class" completers ask
    // a third-party service (LOV), which connect-src 'self' forbids.
    Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

    // text/plain first: an error's reason comes as one line of text, which YASR shows as is.
    var requestConfig = {
      endpoint: endpoint,
      acceptHeaderSelect: "text/plain,application/sparql-results+json;q=0.9,*/*;q=0.8",
    };
    var yasgui = new Yasgui(root, {
      requestConfig: requestConfig,
      copyEndpointOnNewTab: true,
      autoAddOnInit: false,
      tabName: "Query",
      // Not YASGUI's own reading of the link: it would run the query at once.
      populateFromUrl: false,
      endpointCatalogueOptions: {
        getData: function () {
          return [{ endpoint: endpoint }];
        },
      },
      yasqe: { value: data.newTabQuery || "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
    });

    // One tab per example; tabs kept from an earlier visit (and the user's edits in
    // them) stay as they are.
    var first = null;
    examples.forEach(function (example) {
      if (!example || !example.id || yasgui.getTab(example.id)) return;
      var tab = yasgui.addTab(false, {
        id: example.id,
        name: example.name || example.title || "Example",
        yasqe: { value: example.query || "" },
        requestConfig: requestConfig,
      });
      if (!first) first = tab;
    });
    if (!yasgui.getTab()) {
      var target = first || (examples.length && yasgui.getTab(examples[0].id));
      if (!target) target = yasgui.addTab(true);
      yasgui.persistentConfig.setActive(target.getId());
      yasgui.markTabSelected(target.getId());
    }
    var linked = linkedQuery();
    if (linked) {
      var tab = yasgui.addTab(true, {
        name: linked.name,
        yasqe: { value: linked.query },
        requestConfig: requestConfig,
      });
      yasgui.persistentConfig.setActive(tab.getId());
      yasgui.markTabSelected(tab.getId());
      notice(root, "The query from the link is in the editor: press the run button to run it.");
      history.replaceState(null, "", window.location.pathname);
    }
    window.accordsYasgui = yasgui;
  }

  // IRIs of the graph in the results lead to this server's own pages, not to the public
  // w3id.org address (which may point elsewhere): rewritten as a link is about to be used.
  var PUBLIC_BASE = "https://w3id.org/accords/";
  function toLocalPage(event) {
    var link = event.target && event.target.closest && event.target.closest("a[href]");
    if (!link || !link.closest("#yasgui")) return;
    if (link.href.indexOf(PUBLIC_BASE) !== 0) {
      if (event.type === "click" && link.classList.contains("iri") && link.origin === window.location.origin) {
        event.stopPropagation();
      }
      return;
    }
    var root = document.body.getAttribute("data-script-root") || "";
    link.href = root + "/" + link.href.slice(PUBLIC_BASE.length);
    link.removeAttribute("target");
    // The results table cancels clicks on its cells: let this one follow its link.
    if (event.type === "click") event.stopPropagation();
  }
  ["mousedown", "focusin", "click", "keydown"].forEach(function (type) {
    document.addEventListener(type, toLocalPage, true);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
