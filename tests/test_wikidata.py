"""Wikidata: links, federated queries through the service proxy, the snapshot, the reconciliation.

No test reaches the real Wikidata: ``oxigraph serve`` stands in for it, loaded with the
Wikidata-shaped TEST fixture of ``tests/wikidata_fixture.py`` (made-up values; see there), and
every server and command is pointed at it (``ACCORDS_WIKIDATA_ENDPOINT``, ``--endpoint``).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
import yaml

from accords import __version__
from accords.bench.servers import free_port
from accords.config import ConfigError, Settings, load_settings
from accords.loaders.annotation import load_annotation
from accords.loaders.article import read_article
from accords.loaders.default_graph import query_dataset
from accords.loaders.mapping import _Mapper
from accords.loaders.namespaces import INFERRED_GRAPH, WIKIDATA_GRAPH
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.reference import confirmed_qids, states_by_iso2
from accords.loaders.sources import discover
from accords.loaders.store import BUILD_INFO, current_build, open_read_only
from accords.loaders.vocabulary import SEEDS_DIR
from accords.loaders.wikidata import SNAPSHOT_FILE, WIKIDATA_SERVICE
from accords.server.federation import ResultCache
from tests.fixtures import PROJECT_ROOT, accords
from tests.wikidata_fixture import (
    FAKE_GOITA,
    FAKE_ROSATOM,
    FAKE_SHIP,
    CountingProxy,
    FakeWikidata,
    start_fake_wikidata,
)

WD = "http://www.wikidata.org/entity/"
SKOS_EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NO_PROXY = {"no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}
PREFIXES = """PREFIX acc: <https://w3id.org/accords/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
"""
SERVICE = f"SERVICE <{WIKIDATA_SERVICE}>"
SNAPSHOT = f"GRAPH <{WIKIDATA_GRAPH}>"

# The three joins of the README, in their federated form; the snapshot form swaps SERVICE for GRAPH.
CAPITALS_AND_HEADS = (
    PREFIXES
    + f"""# The capital and the head of state (since when) of each state party to an agreement
SELECT DISTINCT ?party ?capital ?headOfState ?since WHERE {{
  ?agreement acc:party ?state .
  ?state a acc:State ; rdfs:label ?party ; skos:exactMatch ?item .
  FILTER(LANG(?party) = "en")
  {SERVICE} {{
    ?item wdt:P36 ?capitalItem ; p:P35 ?statement .
    ?capitalItem rdfs:label ?capital . FILTER(LANG(?capital) = "en")
    ?statement ps:P35 ?head ; pq:P580 ?since .
    FILTER NOT EXISTS {{ ?statement pq:P582 ?end }}
    ?head rdfs:label ?headOfState . FILTER(LANG(?headOfState) = "en")
  }}
}}
ORDER BY ?party
"""
)
POPULATION = (
    PREFIXES
    + f"""# The population of each state party, and the date it was counted
SELECT DISTINCT ?party ?population ?asOf WHERE {{
  ?agreement acc:party ?state .
  ?state a acc:State ; rdfs:label ?party ; skos:exactMatch ?item .
  FILTER(LANG(?party) = "en")
  {SERVICE} {{
    ?item wdt:P36 [] ; wdt:P1082 ?population ; p:P1082 ?statement .
    ?statement ps:P1082 ?population ; pq:P585 ?asOf .
  }}
}}
ORDER BY ?party
"""
)
RELATION = (
    PREFIXES
    + f"""# Is the diplomatic relation the article speaks of recorded in Wikidata (P530)?
SELECT ?stateA ?stateB ?inWikidata WHERE {{
  ?relation a acc:DiplomaticRelation ; acc:between ?a, ?b .
  ?a rdfs:label ?stateA ; skos:exactMatch ?qa .
  ?b rdfs:label ?stateB ; skos:exactMatch ?qb .
  FILTER(LANG(?stateA) = "en" && LANG(?stateB) = "en" && STR(?stateA) < STR(?stateB))
  OPTIONAL {{ {SERVICE} {{ ?qa wdt:P530 ?qb BIND(true AS ?recorded) }} }}
  BIND(COALESCE(?recorded, false) AS ?inWikidata)
}}
"""
)
XSD_DATETIME = "^^http://www.w3.org/2001/XMLSchema#dateTime"
ANSWERS = {
    "capitals-and-heads": (
        CAPITALS_AND_HEADS,
        [
            {
                "party": "Mali",
                "capital": "Bamako",
                "headOfState": "Assimi Goïta",
                "since": "2021-06-07T00:00:00Z",
            },
            {
                "party": "Russia",
                "capital": "Moscow",
                "headOfState": "Vladimir Putin",
                "since": "2012-05-07T00:00:00Z",
            },
        ],
    ),
    "population": (
        POPULATION,
        [
            {"party": "Mali", "population": "22000000", "asOf": "2022-01-01T00:00:00Z"},
            {"party": "Russia", "population": "146000000", "asOf": "2021-01-01T00:00:00Z"},
        ],
    ),
    "diplomatic-relation": (RELATION, [{"stateA": "Mali", "stateB": "Russia", "inWikidata": "true"}]),
}


def snapshot_form(query: str) -> str:
    return query.replace(SERVICE, SNAPSHOT)


def rows(response: requests.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wikidata")


@pytest.fixture(scope="module")
def fake_wikidata(workdir: Path) -> Iterator[FakeWikidata]:
    server = start_fake_wikidata(workdir)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def counting(fake_wikidata: FakeWikidata) -> Iterator[CountingProxy]:
    proxy = CountingProxy(fake_wikidata.endpoint).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def counted(counting: CountingProxy) -> Iterator[CountingProxy]:
    """The counting proxy, back to a well-behaved endpoint after the test."""
    yield counting
    counting.delay, counting.fail = 0.0, 0


def _built(root: Path) -> Path:
    result = accords("build", "--store", str(root))
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def closed_endpoint() -> str:
    """A loopback URL where nothing listens: Wikidata down."""
    return f"http://127.0.0.1:{free_port()}/sparql"


@pytest.fixture(scope="module")
def snapshot_store(workdir: Path, seed_store_dir: Path, fake_wikidata: FakeWikidata) -> Path:
    """A copy of the seed store whose current build has the Wikidata snapshot, taken from the fixture."""
    root = workdir / "store-snapshot"
    shutil.copytree(seed_store_dir, root, symlinks=True)  # `current` is a relative link
    result = accords("wikidata", "snapshot", "--store", str(root), "--endpoint", fake_wikidata.endpoint)
    assert result.returncode == 0, result.stderr
    assert "wikidata snapshot:" in result.stderr
    return root


@pytest.fixture(scope="module")
def live(server_live_factory, seed_store_dir: Path, counting: CountingProxy):
    """`accords serve` whose Wikidata is the fixture, behind the counting proxy; SERVICE time limit 1 s.

    A failed SERVICE call is remembered for 1 s (service_failure_ttl).
    """
    return server_live_factory(
        seed_store_dir,
        "--workers",
        "1",
        "--query-timeout",
        "5",
        ACCORDS_WIKIDATA_ENDPOINT=counting.url,
        ACCORDS_SERVICE_TIMEOUT="1",
        ACCORDS_SERVICE_FAILURE_TTL="1",
        **NO_PROXY,
    )


@pytest.fixture(scope="module")
def offline(server_live_factory, snapshot_store: Path, closed_endpoint: str):
    """`accords serve` on the snapshot store, with Wikidata unreachable."""
    return server_live_factory(
        snapshot_store, "--workers", "1", ACCORDS_WIKIDATA_ENDPOINT=closed_endpoint, **NO_PROXY
    )


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


def ask(http: requests.Session, base_url: str, query: str) -> requests.Response:
    return http.post(base_url + "/sparql", data={"query": query}, timeout=30)


# --------------------------------------------------------------------------- links


def test_every_confirmed_qid_is_linked_and_nothing_else(seed_store: ox.Store) -> None:
    """Each entity with a QID (ISO table for states, `wikidata:` otherwise) has its exactMatch; no other."""
    topics = topic_slugs(ontology_graph())
    expected: set[tuple[str, str]] = set()
    for files in discover([PROJECT_ROOT / "seeds"]):
        article = read_article(files.article)
        annotation = load_annotation(files.annotation, article, topics)
        resources = _Mapper(article, annotation).resources
        for key, entry in annotation.entries.items():
            qid = entry.wikidata
            if entry.section == "states":
                qid = states_by_iso2()[entry.facts["iso"].value].qid
            if qid:
                expected.add((str(resources[key]), WD + qid))
    found = {
        (s["s"].value, s["o"].value)
        for s in seed_store.query(
            f"SELECT ?s ?o WHERE {{ ?s <{SKOS_EXACT}> ?o FILTER(STRSTARTS(STR(?o), '{WD}')) }}",
            **query_dataset(),
        )
    }
    assert found == expected
    assert {o.removeprefix(WD) for _, o in found} <= confirmed_qids()
    assert ("https://w3id.org/accords/id/person/vladimir-putin", WD + "Q7747") in found
    linked = {s for s, _ in found}
    assert "https://w3id.org/accords/id/person/assimi-goita" not in linked
    assert "https://w3id.org/accords/id/organization/rosatom" not in linked
    same_as = (
        "SELECT * WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o FILTER(STRSTARTS(STR(?o), '%s')) }"
    )
    assert list(seed_store.query(same_as % WD, **query_dataset())) == []


# --------------------------------------------------------------------------- federation


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_federated_joins_answer(live, http, name: str) -> None:
    query, expected = ANSWERS[name]
    assert rows(ask(http, live.base_url, query)) == expected


def test_calls_name_accords_and_a_repeated_join_is_served_from_the_cache(live, http, counted) -> None:
    query = CAPITALS_AND_HEADS.replace("?since", "?startedOn")  # a sub-query not asked before
    before = len(counted.calls)
    started = time.monotonic()
    first = rows(ask(http, live.base_url, query))
    uncached = time.monotonic() - started
    assert len(counted.calls) == before + 1
    started = time.monotonic()
    second = rows(ask(http, live.base_url, query))
    cached = time.monotonic() - started
    assert second == first and len(first) == 2
    assert len(counted.calls) == before + 1, "the second join reached the endpoint"
    call = counted.calls[-1]
    assert call.user_agent == f"Accords/{__version__} (+https://w3id.org/accords/)"
    assert "<http://www.wikidata.org/prop/direct/P36>" in call.query  # the SERVICE group, as SPARQL
    assert cached < uncached + 0.5


def test_a_slow_endpoint_stops_at_the_service_time_limit(live, http, counted) -> None:
    counted.delay = 3.0
    started = time.monotonic()
    response = ask(http, live.base_url, f"SELECT * WHERE {{ {SERVICE} {{ ?slow ?p ?o }} }}")
    elapsed = time.monotonic() - started
    assert response.status_code == 502, response.text
    assert f"<{WIKIDATA_SERVICE}> did not answer within 1 s" in response.text
    assert elapsed < 2.5


def test_a_failing_endpoint_gives_a_clear_502(live, http, counted) -> None:
    counted.fail = 500
    response = ask(http, live.base_url, f"SELECT * WHERE {{ {SERVICE} {{ ?failing ?p ?o }} }}")
    assert response.status_code == 502
    assert "a SERVICE call failed" in response.text and "answered HTTP 500" in response.text
    assert "accords-proxy" not in response.text and "127.0.0.1" not in response.text
    silent = ask(
        http, live.base_url, f"SELECT * WHERE {{ SERVICE SILENT <{WIKIDATA_SERVICE}> {{ ?failing ?p ?o }} }}"
    )
    assert rows(silent) == [{}]
    counted.fail = 0
    time.sleep(1.2)  # past service_failure_ttl
    assert len(rows(ask(http, live.base_url, f"SELECT * WHERE {{ {SERVICE} {{ ?failing ?p ?o }} }}"))) > 10


def test_failures_are_remembered_briefly_then_tried_again(live, http, counted) -> None:
    query = f"SELECT ?label WHERE {{ {SERVICE} {{ <{WD}Q912> <{RDFS_LABEL}> ?label }} }}"
    counted.fail = 503
    assert ask(http, live.base_url, query).status_code == 502
    before = len(counted.calls)
    counted.fail = 0
    again = ask(http, live.base_url, query)
    assert again.status_code == 502 and "answered HTTP 503" in again.text  # from memory
    assert len(counted.calls) == before
    time.sleep(1.2)  # past service_failure_ttl
    assert {r["label"] for r in rows(ask(http, live.base_url, query))} == {"Mali"}
    assert len(counted.calls) == before + 1


@pytest.mark.parametrize(
    ("hidden", "reason"),
    [
        (
            f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<?b)SERVICE#>\n<{WIKIDATA_SERVICE}> {{}} }}",
            "longest token",
        ),
        (f"SELECT * WHERE {{ ?s ?p trueSERVICE<{WIKIDATA_SERVICE}>{{}} }}", "SERVICE glued to a word"),
    ],
)
def test_a_service_hidden_from_the_rewrite_is_refused(live, http, counted, hidden: str, reason: str) -> None:
    """Text that also reads as SERVICE would be called directly by pyoxigraph: refused instead."""
    before = len(counted.calls)
    response = ask(http, live.base_url, hidden)
    assert response.status_code == 400 and reason in response.text
    assert len(counted.calls) == before


def test_service_silent_gives_empty_bindings_when_wikidata_is_down(offline, http) -> None:
    silent = (
        PREFIXES
        + f"""SELECT ?party ?capital WHERE {{
          ?state a acc:State ; rdfs:label ?party ; skos:exactMatch ?item . FILTER(LANG(?party) = "en")
          OPTIONAL {{ SERVICE SILENT <{WIKIDATA_SERVICE}> {{ ?item wdt:P36 ?capital }} }}
        }} ORDER BY ?party"""
    )
    assert rows(ask(http, offline.base_url, silent)) == [{"party": "Mali"}, {"party": "Russia"}]
    bare = rows(
        ask(
            http, offline.base_url, f"SELECT * WHERE {{ SERVICE SILENT <{WIKIDATA_SERVICE}> {{ ?s ?p ?o }} }}"
        )
    )
    assert bare == [{}]
    loud = ask(http, offline.base_url, f"SELECT * WHERE {{ {SERVICE} {{ ?s ?p ?o }} }}")
    assert loud.status_code == 502
    assert f"a SERVICE call failed: <{WIKIDATA_SERVICE}> cannot be reached" in loud.text


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_snapshot_answers_the_same_joins_offline(offline, http, name: str) -> None:
    query, expected = ANSWERS[name]
    assert rows(ask(http, offline.base_url, snapshot_form(query))) == expected


def test_the_services_table_routes_another_allow_listed_service(
    seed_store_dir: Path, fake_wikidata: FakeWikidata, closed_endpoint: str
) -> None:
    from accords.server.app import create_app

    other = "https://sparql.example.org/query"
    settings = Settings(
        store=seed_store_dir,
        service_allowlist=(WIKIDATA_SERVICE, other),
        wikidata_endpoint=closed_endpoint,
        service_timeout=2.0,
        extra={"services": {other: fake_wikidata.endpoint}},
    )
    app = create_app(settings)
    try:
        client = app.test_client()
        query = f"SELECT ?label WHERE {{ SERVICE <{other}> {{ <{WD}Q159> <{RDFS_LABEL}> ?label }} }}"
        response = client.post("/sparql", data={"query": query})
        assert response.status_code == 200, response.data
        assert {b["label"]["value"] for b in response.get_json()["results"]["bindings"]} == {
            "Russia",
            "Russie",
        }
        down = client.post("/sparql", data={"query": f"ASK {{ {SERVICE} {{ ?s ?p ?o }} }}"})
        assert down.status_code == 502
    finally:
        app.extensions["accords"].executors.close()


def test_the_configuration_file_names_the_urls_called(tmp_path: Path) -> None:
    config = tmp_path / "accords.toml"
    config.write_text('[services]\n"https://sparql.example.org/query" = "http://127.0.0.1:1/mirror"\n')
    settings = load_settings(
        config_file=config, environ={"ACCORDS_WIKIDATA_ENDPOINT": "http://127.0.0.1:2/wd"}
    )
    assert settings.extra["services"] == {"https://sparql.example.org/query": "http://127.0.0.1:1/mirror"}
    assert settings.wikidata_endpoint == "http://127.0.0.1:2/wd"
    config.write_text(
        '[accords]\nservice_cache_ttl = 60\n[services]\n"https://a.example/sparql" = "http://b/"\n'
    )
    settings = load_settings(config_file=config, environ={})
    assert settings.service_cache_ttl == 60.0 and settings.extra["services"] == {
        "https://a.example/sparql": "http://b/"
    }
    config.write_text('[services]\n"https://a.example/sparql" = 3\n')
    with pytest.raises(ConfigError, match=r"\[services\]"):
        load_settings(config_file=config, environ={})


def test_the_result_cache_expires_and_stays_within_its_size() -> None:
    from accords.loaders.wikidata.client import ServiceAnswer

    now = [0.0]
    cache = ResultCache(ttl=10, max_bytes=2000, clock=lambda: now[0])
    answer = ServiceAnswer("application/sparql-results+json", b"x" * 500)
    cache.put(("u", "q1", "a"), answer)
    assert cache.get(("u", "q1", "a")) == answer
    now[0] = 11
    assert cache.get(("u", "q1", "a")) is None
    for index in range(5):
        cache.put(("u", f"q{index}", "a"), answer)
    assert (
        cache.size <= 2000 and cache.get(("u", "q0", "a")) is None and cache.get(("u", "q4", "a")) == answer
    )
    assert ResultCache(ttl=0, max_bytes=2000).put(("u", "q", "a"), answer) is None


# --------------------------------------------------------------------------- snapshot


def test_the_snapshot_is_a_graph_of_its_own_with_its_retrieval_date(snapshot_store: Path) -> None:
    store = open_read_only(snapshot_store).store
    graph = f"<{WIKIDATA_GRAPH}>"

    def ask_graph(pattern: str) -> bool:
        return bool(store.query(f"ASK {{ GRAPH {graph} {{ {pattern} }} }}"))

    assert ask_graph(f'<{WD}Q912> <http://www.w3.org/2000/01/rdf-schema#label> "Mali"@fr')
    assert ask_graph(f"<{WD}Q159> <http://schema.org/description> ?d")
    assert ask_graph(
        f"<{WD}Q159> <http://www.wikidata.org/prop/P35> ?st . ?st <http://www.wikidata.org/prop/statement/P35>"
        f" <{WD}Q7747> ; <http://www.wikidata.org/prop/qualifier/P580> ?since"
    )
    assert ask_graph(f"<{WD}Q912> <http://www.wikidata.org/prop/direct/P530> <{WD}Q159>")
    assert ask_graph(f'<{WD}Q7747> <http://www.w3.org/2000/01/rdf-schema#label> "Vladimir Poutine"@fr')
    assert ask_graph(f"{graph} <http://www.w3.org/ns/prov#generatedAtTime> ?when")
    assert not ask_graph(f"<{WD}{FAKE_ROSATOM}> ?p ?o"), "an entity that is not linked was fetched"
    in_inferred = f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{WD}')) }} }}"
    assert not bool(store.query(in_inferred)), "the snapshot was reasoned over"
    info = json.loads((current_build(snapshot_store) / BUILD_INFO).read_text())
    assert str(WIKIDATA_GRAPH) in info["extra_graphs"]
    assert (
        (snapshot_store / SNAPSHOT_FILE).read_text().startswith("# Wikidata snapshot for Accords, retrieved ")
    )


def test_a_full_build_loads_the_snapshot_again(snapshot_store: Path, workdir: Path) -> None:
    root = workdir / "store-rebuilt"
    root.mkdir()
    shutil.copy(snapshot_store / SNAPSHOT_FILE, root / SNAPSHOT_FILE)
    _built(root)
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{WIKIDATA_GRAPH}> {{ ?s ?p ?o }} }}"
    before = next(iter(open_read_only(snapshot_store).store.query(count)))["n"].value
    after = next(iter(open_read_only(root).store.query(count)))["n"].value
    assert int(after) == int(before) > 50


def test_commands_fail_in_one_line_when_wikidata_is_down(
    seed_store_dir: Path, closed_endpoint: str, workdir: Path
) -> None:
    out = workdir / "never-written.yaml"
    for command in (("snapshot", "--store", str(seed_store_dir)), ("reconcile", "--out", str(out))):
        result = accords("wikidata", *command, "--endpoint", closed_endpoint, "--timeout", "2")
        assert result.returncode == 1
        assert "cannot be reached" in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith(f"accords wikidata {command[0]}: ")
    assert not out.exists()


# --------------------------------------------------------------------------- reconciliation


def test_reconcile_proposes_candidates_and_links_nothing(workdir: Path, fake_wikidata: FakeWikidata) -> None:
    seeds = workdir / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", seeds)
    annotation = seeds / "000_054c372ceee383ed.yaml"
    original = annotation.read_bytes()
    result = accords("wikidata", "reconcile", str(seeds), "--endpoint", fake_wikidata.endpoint)
    assert result.returncode == 0, result.stderr
    review_file = seeds / "000_054c372ceee383ed.wikidata-review.yaml"
    text = review_file.read_text(encoding="utf-8")
    assert "NOTHING HERE IS LINKED" in text and "wikidata_accepted:" in text
    review = yaml.safe_load(text)["annotations"][str(annotation)]
    assert set(review) == {"goita", "rosatom"}  # Putin, Moscow and Bamako are linked already
    goita = review["goita"]["candidates"]
    assert goita[0]["qid"] == FAKE_GOITA and goita[0]["type_fits"] is True
    assert goita[0]["label"]["fr"] == "Assimi Goïta" and goita[0]["types"] == [
        {"qid": "Q900000101", "label": "human"}
    ]
    rosatom = review["rosatom"]["candidates"]
    assert [c["qid"] for c in rosatom] == [FAKE_ROSATOM, FAKE_SHIP]  # the company first, the ship after
    assert rosatom[0]["country_fits"] is True and rosatom[1]["type_fits"] is False
    assert 'alias "ROSATOM"@fr' in rosatom[0]["matched"]
    assert annotation.read_bytes() == original, "the annotation was written"
    store = workdir / "store-reconciled"
    result = accords("build", "--store", str(store), str(seeds))
    assert result.returncode == 0, result.stderr
    linked = {
        s["s"].value
        for s in open_read_only(store).store.query(
            f"SELECT ?s WHERE {{ ?s <{SKOS_EXACT}> ?o }}", **query_dataset()
        )
    }
    assert (
        not {
            "https://w3id.org/accords/id/person/assimi-goita",
            "https://w3id.org/accords/id/organization/rosatom",
        }
        & linked
    )


def test_reconcile_without_sources_writes_into_the_working_directory(
    workdir: Path, fake_wikidata: FakeWikidata
) -> None:
    """The seeds installed with Accords (in site-packages, or read-only) are read, never written to."""
    here = workdir / "reconcile-here"
    here.mkdir()
    before = set(SEEDS_DIR.iterdir())
    result = accords("wikidata", "reconcile", "--endpoint", fake_wikidata.endpoint, cwd=here)
    created = set(SEEDS_DIR.iterdir()) - before
    for path in created:  # leave the package's seeds as they were, even when this test fails
        path.unlink()
    assert result.returncode == 0, result.stderr
    assert not created, f"written into the package's seeds: {sorted(p.name for p in created)}"
    review_file = here / "000_054c372ceee383ed.wikidata-review.yaml"
    assert "NOTHING HERE IS LINKED" in review_file.read_text(encoding="utf-8")
    assert f"{review_file}: " in result.stderr  # it says where
