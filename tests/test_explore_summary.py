"""The explorer's counts kept with each build give the rows its SPARQL queries give.

The queries below are the page's (``server/static/explore/explore.js``: ``filters``,
``partiesQuery``, ``pairsQuery``, ``timelineQuery``, the count and the first part of
``listQuery``), written out for English labels. They are compared with ``/explore/data`` on the
seed, with ``figures`` on a generated corpus, and after ``--add`` and ``--remove``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from accords.loaders.default_graph import query_dataset
from accords.loaders.explore_summary import SUMMARY_FILE, Selection, figures, states
from accords.loaders.store import current_build, open_read_only
from tests.fixtures import accords, generated_store

try:
    from tests import w3c_manifest as w3c
except ImportError:
    import w3c_manifest as w3c

PREFIXES = """PREFIX acc: <https://w3id.org/accords/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
LABEL = 'OPTIONAL {{ {v} {p} ?name1 FILTER(LANG(?name1) = "en") }}\n  OPTIONAL {{ {v} {p} ?name2 }}\n'
Rows = list[dict[str, str]]
Ask = Callable[[str], Rows]


def page_filters(chosen: Selection) -> str:
    lines = ["?a a acc:Agreement ."]
    if chosen.state:
        lines.append(f'?a acc:party ?chosen . ?chosen skos:notation "{chosen.state}" .')
    if chosen.topic:
        lines.append(f"?a acc:concerns <https://w3id.org/accords/topic/{chosen.topic}> .")
    if chosen.start or chosen.end:
        lines.append("?a acc:signing/acc:date ?when . BIND(xsd:integer(SUBSTR(STR(?when), 1, 4)) AS ?year)")
        if chosen.start:
            lines.append(f"FILTER(?year >= {chosen.start})")
        if chosen.end:
            lines.append(f"FILTER(?year <= {chosen.end})")
    if chosen.language:
        lines.append(
            "FILTER EXISTS { ?a acc:evidence/acc:source|acc:reportedIn ?report . "
            "?report acc:language ?language .\n"
            f'    FILTER(STR(?language) = "{chosen.language}") }}'
        )
    return "  " + "\n  ".join(lines) + "\n"


def page_queries(chosen: Selection) -> dict[str, str]:
    where = page_filters(chosen)
    width = 7 if chosen.granularity == "month" else 4
    return {
        "parties": PREFIXES
        + "SELECT ?party ?n (SAMPLE(?code) AS ?iso) (SAMPLE(COALESCE(?name1, ?name2)) AS ?label)\n"
        + "       (SAMPLE(?isState) AS ?state) WHERE {\n"
        + "  { SELECT ?party (COUNT(DISTINCT ?a) AS ?n) WHERE {\n"
        + where
        + "  ?a acc:party ?party .\n  } GROUP BY ?party }\n"
        + "  OPTIONAL { ?party skos:notation ?code }\n  "
        + LABEL.format(v="?party", p="rdfs:label")
        + "  BIND(EXISTS { ?party a acc:State } AS ?isState)\n} GROUP BY ?party ?n ORDER BY DESC(?n)",
        "pairs": PREFIXES
        + "SELECT ?p ?q (COUNT(DISTINCT ?a) AS ?n) WHERE {\n"
        + where
        + "  ?a acc:party ?p, ?q . FILTER(STR(?p) < STR(?q))\n} GROUP BY ?p ?q ORDER BY DESC(?n) LIMIT 500",
        "timeline": PREFIXES
        + "SELECT ?period ?top ?n (SAMPLE(COALESCE(?name1, ?name2)) AS ?topic) WHERE {\n"
        + "  { SELECT ?period ?top (COUNT(DISTINCT ?a) AS ?n) WHERE {\n"
        + where
        + f"  ?a acc:signing/acc:date ?date . BIND(SUBSTR(STR(?date), 1, {width}) AS ?period)\n"
        + f"  FILTER(STRLEN(?period) = {width})\n"
        + "  OPTIONAL { ?a acc:concerns ?top . ?top skos:topConceptOf ?scheme }\n"
        + "  } GROUP BY ?period ?top }\n  "
        + LABEL.format(v="?top", p="skos:prefLabel")
        + "} GROUP BY ?period ?top ?n ORDER BY ?period",
        "count": PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {\n" + where + "}",
        "list": PREFIXES
        + "SELECT ?a (MAX(STR(?day)) AS ?latest) WHERE {\n"
        + where
        + "    OPTIONAL { ?a acc:signing/acc:date ?day } } GROUP BY ?a ORDER BY DESC(?latest) ?a LIMIT 200",
    }


STATES_QUERY = (
    PREFIXES
    + "SELECT ?iso (SAMPLE(COALESCE(?name1, ?name2)) AS ?label) WHERE {\n"
    + "  { SELECT DISTINCT ?state WHERE { ?a a acc:Agreement ; acc:party ?state } }\n"
    + "  ?state a acc:State ; skos:notation ?iso .\n  "
    + LABEL.format(v="?state", p="rdfs:label")
    + "} GROUP BY ?iso ORDER BY ?label"
)


def assert_same_states(ours: list[dict[str, str]], ask: Ask) -> None:
    """The filter's states: the same codes as the page's query, each named by one of its names."""
    theirs = ask(STATES_QUERY)
    assert sorted(row["iso"] for row in ours) == sorted(row["iso"] for row in theirs)
    names: dict[str, set[str]] = {}
    for party, found in english_names(ask).items():
        code = ask(PREFIXES + f"SELECT ?c WHERE {{ <{party}> skos:notation ?c }}")
        for row in code:
            names.setdefault(row["c"], set()).update(found)
    assert all(row["label"] in names[row["iso"]] for row in ours)
    assert [row["label"] for row in ours] == sorted(row["label"] for row in ours)


def store_asker(root: Path) -> Ask:
    """Run a query on the current build of ``root`` as ``/sparql`` does (inferred triples included)."""
    store = open_read_only(root).store

    def ask(query: str) -> Rows:
        result = store.query(query, **query_dataset())
        names = [v.value for v in result.variables]
        return [{k: row[k].value for k in names if row[k] is not None} for row in result]

    return ask


def http_asker(base_url: str) -> Ask:
    def ask(query: str) -> Rows:
        answer = requests.post(
            base_url + "/sparql",
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]

    return ask


def without(row: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in row.items() if k != key}


def english_names(ask: Ask) -> dict[str, set[str]]:
    """Each party's English names, or all its names when it has none in English."""
    found: dict[str, dict[bool, set[str]]] = {}
    query = (
        PREFIXES
        + "SELECT ?p ?name (LANG(?name) = 'en' AS ?en) WHERE {\n"
        + "  ?a a acc:Agreement ; acc:party ?p . ?p rdfs:label ?name }"
    )
    for row in ask(query):
        found.setdefault(row["p"], {True: set(), False: set()})[row["en"] == "true"].add(row["name"])
    return {p: by[True] or by[True] | by[False] for p, by in found.items()}


def assert_same(summary: dict, ask: Ask, chosen: Selection) -> None:
    """The summary's rows for ``chosen`` are the page's queries' rows."""
    queries = page_queries(chosen)
    assert str(summary["count"]) == ask(queries["count"])[0]["n"]
    # A name is one SAMPLE of the party's English names (else of any): compare the rest, then the name.
    names = english_names(ask)
    ours = sorted(summary["parties"], key=lambda r: r["party"])
    theirs = sorted(ask(queries["parties"]), key=lambda r: r["party"])
    assert [without(row, "label") for row in ours] == [without(row, "label") for row in theirs]
    assert all(row["label"] in names[row["party"]] for row in ours)
    pairs = ask(queries["pairs"])
    assert len(pairs) < 500, "the comparison needs every pair"
    assert sorted(summary["pairs"], key=lambda r: (r["p"], r["q"])) == sorted(
        pairs, key=lambda r: (r["p"], r["q"])
    )
    timeline = ask(queries["timeline"])
    key = lambda row: (row["period"], row.get("top", ""))  # noqa: E731
    assert sorted(summary["timeline"], key=key) == sorted(timeline, key=key)
    assert summary["list"] == ask(queries["list"])  # the same agreements, in the same order


def selections(state: str, start: int, end: int) -> list[Selection]:
    return [
        Selection(),
        Selection(topic="energy"),
        Selection(topic="nuclear-energy"),
        Selection(state=state),
        Selection(start=start),
        Selection(end=end),
        Selection(start=start, end=end, granularity="month"),
        Selection(language="fr"),
        Selection(language="en", topic="economy"),
        Selection(state=state, language="fr", start=start, granularity="month"),
        Selection(state="ZZ"),
    ]


# ------------------------------------------------------------------ the seed, over HTTP


@pytest.mark.parametrize("chosen", selections("ML", 2025, 2025))
def test_explore_data_equals_the_pages_queries_on_the_seed(
    server: w3c.RunningServer, chosen: Selection
) -> None:
    params = {
        "state": chosen.state,
        "topic": chosen.topic,
        "from": chosen.start or "",
        "to": chosen.end or "",
        "language": chosen.language,
        "granularity": chosen.granularity,
    }
    answer = requests.get(server.base_url + "/explore/data", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    assert_same(answer.json(), http_asker(server.base_url), chosen)


def test_the_seed_summary_holds_what_the_page_shows(server: w3c.RunningServer) -> None:
    data = requests.get(
        server.base_url + "/explore/data", params={"topic": "energy", "lang": "fr"}, timeout=30
    ).json()
    assert data["count"] == 1
    assert data["list"][0]["a"].endswith("/agreement/mali-russian-federation/2025-06/energy")
    parties = {(row["label"], row["state"], row["n"]) for row in data["parties"]}
    assert parties == {("Mali", "true", "1"), ("ROSATOM", "false", "1")}  # the nuclear agreement's parties
    everything = requests.get(server.base_url + "/explore/data", params={"lang": "fr"}, timeout=30).json()
    assert {row["label"] for row in everything["parties"] if row["state"] == "true"} == {"Mali", "Russie"}
    languages = requests.get(server.base_url + "/explore/data", params={"language": "fr"}, timeout=30).json()
    assert languages["count"] >= 1  # the seed's article is in French


@pytest.mark.parametrize("query", ["state=mali", "topic=<x>", "from=20", "language=de", "granularity=week"])
def test_explore_data_refuses_what_the_page_never_sends(server: w3c.RunningServer, query: str) -> None:
    answer = requests.get(server.base_url + "/explore/data?" + query, timeout=30)
    assert answer.status_code == 400
    assert answer.text.count("\n") == 1 and query.split("=")[0] in answer.text


def test_no_summary_no_figures(tmp_path: Path) -> None:
    assert figures(tmp_path / SUMMARY_FILE, Selection()) is None  # the page then asks /sparql
    assert states(tmp_path / SUMMARY_FILE) is None


def test_the_filters_states_on_the_seed(server: w3c.RunningServer) -> None:
    answer = requests.get(server.base_url + "/explore/states", timeout=30)
    assert answer.status_code == 200
    assert answer.json() == [{"iso": "ML", "label": "Mali"}, {"iso": "RU", "label": "Russia"}]
    assert_same_states(answer.json(), http_asker(server.base_url))
    assert requests.get(server.base_url + "/explore/states?lang=de", timeout=30).status_code == 400


# ------------------------------------------------------------------ a generated corpus; incremental builds


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """A generated corpus of 40 articles and a store of all but the last one."""
    return generated_store(tmp_path_factory.mktemp("explore-summary"), 40, seed=5)


def corpus_selections(store: Path) -> list[Selection]:
    """The selections to compare, with a state and years that the corpus has."""
    ask = store_asker(store)
    (busiest,) = ask(
        PREFIXES
        + "SELECT ?code WHERE { ?a a acc:Agreement ; acc:party ?s . ?s a acc:State ; skos:notation ?code }"
        " GROUP BY ?code ORDER BY DESC(COUNT(?a)) ?code LIMIT 1"
    )
    years = sorted(
        {
            int(row["d"][:4])
            for row in ask(
                PREFIXES + "SELECT (STR(?x) AS ?d) WHERE { ?a a acc:Agreement ; acc:signing/acc:date ?x }"
            )
        }
    )
    return selections(busiest["code"], years[len(years) // 3], years[2 * len(years) // 3])


def assert_store_matches(store: Path) -> None:
    build = current_build(store)
    assert build is not None
    ask = store_asker(store)
    for chosen in corpus_selections(store):
        summary = figures(build / SUMMARY_FILE, chosen)
        assert summary is not None
        assert_same(summary, ask, chosen)
    assert figures(build / SUMMARY_FILE, Selection())["count"] > 10  # not an empty comparison
    assert_same_states(states(build / SUMMARY_FILE), ask)


def test_the_summary_equals_the_pages_queries_on_a_generated_corpus(
    generated: tuple[Path, Path, list[Path]],
) -> None:
    assert_store_matches(generated[1])


def test_the_summary_follows_add_and_remove(generated: tuple[Path, Path, list[Path]]) -> None:
    _, store, articles = generated
    before = figures(current_build(store) / SUMMARY_FILE, Selection())["count"]
    added = accords("build", "--store", str(store), "--add", str(articles[-1]))
    assert added.returncode == 0, added.stderr
    assert_store_matches(store)
    after_add = figures(current_build(store) / SUMMARY_FILE, Selection())["count"]
    assert after_add > before
    # Ten articles: some of their agreements are reported by them alone.
    removed = accords("build", "--store", str(store), "--remove", *(a.stem for a in articles[:10]))
    assert removed.returncode == 0, removed.stderr
    assert_store_matches(store)
    assert figures(current_build(store) / SUMMARY_FILE, Selection())["count"] < after_add
