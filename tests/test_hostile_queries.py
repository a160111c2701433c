"""Hostile queries against a real `accords serve`: each gets a bounded, clear answer.

The server has a time limit of 2 s, a memory limit of 256 MB per query process and a store
of 9,000 triples with a 3,000-node cycle, so that runaway queries are really expensive.
While each hostile query runs, another client is answered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from accords.loaders.namespaces import source_graph
from tests.fixtures import Listener, new_build

QUERY_TIMEOUT = 2.0
MEMORY_MB = 256
MAX_ROWS = 1000
ITEMS = 3000
EX = "http://example.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NORMAL = f"SELECT ?s ?v WHERE {{ ?s <{EX}value> ?v }} LIMIT 5"
DOUBLING = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(40))
TIME_LIMIT = f"time limit of {QUERY_TIMEOUT:g} s"
MEMORY_LIMIT = f"more than {MEMORY_MB} MB"


def hostile_store_quads() -> list[ox.Quad]:
    """ITEMS items with a value, a label and a link to the next one (the last to the first)."""
    graph = ox.NamedNode(source_graph("hostile"))
    quads = []
    for i in range(ITEMS):
        item = ox.NamedNode(f"{EX}item/{i}")
        quads += [
            ox.Quad(item, ox.NamedNode(f"{EX}value"), ox.Literal(i), graph),
            ox.Quad(item, ox.NamedNode(f"{EX}next"), ox.NamedNode(f"{EX}item/{(i + 1) % ITEMS}"), graph),
            ox.Quad(item, ox.NamedNode(RDFS_LABEL), ox.Literal(f"item {i} " + "a" * 40), graph),
        ]
    return quads


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-store")
    with new_build(root) as (store, info):
        store.extend(hostile_store_quads())
        info["quads"] = len(store)
    return root


@pytest.fixture(scope="module")
def live(server_live_factory, hostile_store: Path):
    return server_live_factory(
        hostile_store,
        "--workers",
        "1",
        "--query-timeout",
        str(QUERY_TIMEOUT),
        ACCORDS_QUERY_PROCESSES="2",
        ACCORDS_MAX_RESULT_ROWS=str(MAX_ROWS),
        ACCORDS_MAX_QUERY_MEMORY_MB=str(MEMORY_MB),
        no_proxy="127.0.0.1,localhost",
        NO_PROXY="127.0.0.1,localhost",
    )


def session() -> requests.Session:
    http = requests.Session()
    http.trust_env = False  # no proxy between the tests and the loopback server
    return http


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with session() as http:
        yield http


def while_served(
    live, send: Callable[[requests.Session], requests.Response]
) -> tuple[requests.Response, float]:
    """Send a hostile request; meanwhile another client must get its answers, each within 1.5 s."""
    outcome: dict = {}

    def hostile() -> None:
        with session() as http:
            started = time.monotonic()
            try:
                outcome["response"] = send(http)
            except requests.RequestException as error:
                outcome["error"] = error
            outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=hostile)
    thread.start()
    served = []
    with session() as other:
        while thread.is_alive() and len(served) < 40:
            started = time.monotonic()
            response = other.get(live.base_url + "/sparql", params={"query": NORMAL}, timeout=10)
            served.append((response.status_code, round(time.monotonic() - started, 2)))
            time.sleep(0.1)
    thread.join(timeout=QUERY_TIMEOUT + 20)
    assert not thread.is_alive(), "the hostile request got no answer"
    assert all(status == 200 and seconds < 1.5 for status, seconds in served), served
    assert "error" not in outcome, outcome.get("error")
    return outcome["response"], outcome["seconds"]


def post_direct(live, query: str) -> Callable[[requests.Session], requests.Response]:
    """Send ``query`` as the body of an application/sparql-query POST (no form encoding)."""
    return lambda http: http.post(
        live.base_url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=QUERY_TIMEOUT + 15,
    )


def post_query(live, query: str) -> Callable[[requests.Session], requests.Response]:
    """Send ``query`` as a form POST."""
    return lambda http: http.post(
        live.base_url + "/sparql", data={"query": query}, timeout=QUERY_TIMEOUT + 15
    )


def assert_clear(response: requests.Response, seconds: float, statuses: set[int], *reasons: str) -> None:
    """A bounded answer: an expected status, within the time limit (and a margin), a short reason."""
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert seconds < QUERY_TIMEOUT + 3, seconds
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        assert len(response.text) < 1000
        if reasons:
            assert any(reason in response.text for reason in reasons), response.text


RUNAWAY = {
    "cartesian product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "path * over a cycle": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}next>* ?o }}",
    "path * over a negated set": "SELECT (COUNT(*) AS ?n) WHERE { ?s !(<urn:x:p>)* ?o }",
    "path + over negated and inverse": "SELECT ?s ?o WHERE { ?s (!<urn:x:p>|^<urn:x:q>)+ ?o }",
    "GROUP_CONCAT of a product": "SELECT (GROUP_CONCAT(STR(?c)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }",
}


@pytest.mark.parametrize("name", sorted(RUNAWAY))
def test_runaway_queries_stop_at_the_time_limit(live, name: str) -> None:
    response, seconds = while_served(live, post_query(live, RUNAWAY[name]))
    assert_clear(response, seconds, {503}, TIME_LIMIT, MEMORY_LIMIT)
    assert response.headers.get("Retry-After")


MEMORY_HOGS = {
    "ORDER BY over everything": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    "string blow-up through CONCAT": (
        f'SELECT (STRLEN(?x40) AS ?n) WHERE {{ BIND("aaaaaaaaaaaaaaaa" AS ?x0) {DOUBLING} }}'
    ),
    "DISTINCT over a product": "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
}


@pytest.mark.parametrize("name", sorted(MEMORY_HOGS))
def test_memory_hogs_stop_at_the_memory_or_time_limit(live, http, name: str) -> None:
    response, seconds = while_served(live, post_query(live, MEMORY_HOGS[name]))
    assert_clear(response, seconds, {503}, MEMORY_LIMIT, TIME_LIMIT)


def test_a_query_past_the_memory_limit_is_stopped_and_its_process_replaced(live, http) -> None:
    response, _ = while_served(live, post_query(live, MEMORY_HOGS["string blow-up through CONCAT"]))
    assert response.status_code == 503
    assert f"query stopped: it used more than {MEMORY_MB} MB of memory" in response.text
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        processes = http.get(live.base_url + "/health", timeout=10).json()["query_processes"]
        if processes == {"processes": 2, "idle": 2}:
            break
        time.sleep(0.1)
    assert processes == {"processes": 2, "idle": 2}
    answer = http.get(live.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert answer.json()["boolean"] is True


BOUNDED = {
    "cartesian SELECT *": ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", {200}),
    "catastrophic REGEX": (
        'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?l FILTER(REGEX(STR(?l), "^(a+)+$")) }',
        {200},
    ),
    "catastrophic REGEX on a long string": (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?l "
        f'BIND(CONCAT(STR(?l), "{"a" * 5000}!") AS ?x) FILTER(REGEX(?x, "^(a|aa|a*)*(a+)+$")) }}',
        {200},
    ),
    "huge REGEX pattern": ('ASK { FILTER(REGEX("a", "(a{1000}){1000}")) }', {200, 400}),
    "huge OFFSET": ("SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999", {400}),
    "big OFFSET": ("SELECT * WHERE { ?s ?p ?o } OFFSET 1000000000", {200}),
    "DESCRIBE of everything": ("DESCRIBE ?s WHERE { ?s ?p ?o }", {200}),
    "CONSTRUCT of everything twice": (
        "CONSTRUCT { ?a ?b ?c . ?d ?e ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
        {200},
    ),
}


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_expensive_looking_queries_are_bounded(live, name: str) -> None:
    query, statuses = BOUNDED[name]
    response, seconds = while_served(live, post_query(live, query))
    assert_clear(response, seconds, statuses)
    if response.status_code == 200 and "Accords-Truncated" in response.headers:
        assert response.headers["Accords-Truncated"] in ("rows", "bytes")


def test_2000_nested_groups_are_refused_by_the_nesting_limit(live) -> None:
    query = "SELECT * WHERE " + "{" * 2000 + " ?s ?p ?o " + "}" * 2000
    response, seconds = while_served(live, post_query(live, query))
    assert_clear(response, seconds, {400}, "too deeply nested")
    assert "max_query_depth" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 2000 + "true" + ")" * 2000 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * 2000 + "?o" + " ]" * 2000 + " }",
        "SELECT * WHERE { " + "{ SELECT * WHERE " * 1000 + "{ ?s ?p ?o }" + " }" * 1000 + " }",
    ],
    ids=["parentheses", "blank nodes", "subqueries"],
)
def test_other_deep_nestings_are_refused(live, query: str) -> None:
    response, seconds = while_served(live, post_query(live, query))
    assert_clear(response, seconds, {400}, "too deeply nested")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 20000) + ") } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o " + " UNION ".join(["{ ?s ?p ?o }"] * 5000) + " } LIMIT 1",
        f"SELECT * WHERE {{ ?s {'/'.join([f'<{EX}next>'] * 3000)} ?o }} LIMIT 1",
    ],
    ids=["20000 ORs", "5000 UNIONs", "path of 3000 steps"],
)
def test_long_chains_of_operators_do_not_crash_the_evaluator(live, query: str) -> None:
    """Not nested in brackets, but deep trees all the same: evaluated on a large stack."""
    response, seconds = while_served(live, post_direct(live, query))
    assert_clear(response, seconds, {200, 503}, TIME_LIMIT, MEMORY_LIMIT)


def test_5000_projected_variables_are_refused(live) -> None:
    query = "SELECT " + " ".join(f"?v{i}" for i in range(5000)) + " WHERE { ?s ?p ?o }"
    response, seconds = while_served(live, post_query(live, query))
    assert_clear(response, seconds, {400}, "too many variables")
    assert "max_query_variables" in response.text


def test_nul_bytes_are_refused(live) -> None:
    for query in ["SELECT * WHERE { ?s ?p ?o }\x00", "SELECT * WHERE { ?s ?p <urn:a\x00b> }", "\x00"]:
        response, seconds = while_served(live, post_query(live, query))
        assert_clear(response, seconds, {400})
    response, seconds = while_served(
        live,
        lambda http: http.post(
            live.base_url + "/sparql",
            data=b"ASK {\x00}",
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        ),
    )
    assert_clear(response, seconds, {400})


def test_invalid_utf8_is_refused(live) -> None:
    response, seconds = while_served(
        live,
        lambda http: http.post(
            live.base_url + "/sparql",
            data=b"ASK { ?s ?p '\xff\xfe' }",
            headers={"Content-Type": "application/sparql-query"},
            timeout=10,
        ),
    )
    assert_clear(response, seconds, {400}, "not valid UTF-8")
    for raw in ["query=ASK%20%7B%7D%FF%FE", "query=%C3%28", "query=ASK%20%7B%7D&infer=%FF"]:
        response, seconds = while_served(
            live, lambda http, raw=raw: http.get(f"{live.base_url}/sparql?{raw}", timeout=10)
        )
        assert_clear(response, seconds, {400})


def test_a_1_mb_query_gets_413(live) -> None:
    query = "ASK { ?s ?p '" + "x" * (1024 * 1024) + "' }"
    attempts = [
        lambda http: http.get(live.base_url + "/sparql", params={"query": query}, timeout=20),
        lambda http: http.post(live.base_url + "/sparql", data={"query": query}, timeout=20),
        lambda http: http.post(
            live.base_url + "/sparql",
            data=query.encode(),
            headers={"Content-Type": "application/sparql-query"},
            timeout=20,
        ),
        lambda http: http.post(  # chunked: no Content-Length to refuse up front
            live.base_url + "/sparql",
            data=iter([query[i : i + 65536].encode() for i in range(0, len(query), 65536)]),
            headers={"Content-Type": "application/sparql-query"},
            timeout=20,
        ),
    ]
    for send in attempts:
        response, seconds = while_served(live, send)
        assert_clear(response, seconds, {413, 414}, "request too large")  # 414: in the request line


@pytest.mark.parametrize(
    "query",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "LOAD <file:///etc/passwd> INTO GRAPH <urn:g>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX e: <urn:e:> INSERT { ?s e:p 1 } WHERE { ?s ?p ?o }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_updates_through_the_query_parameter_are_refused(live, query: str) -> None:
    response, seconds = while_served(
        live, lambda http: http.get(live.base_url + "/sparql", params={"query": query})
    )
    assert_clear(response, seconds, {400, 403})
    if response.status_code == 400:
        assert "syntax error" in response.text
    else:
        assert "read-only" in response.text


@pytest.fixture
def listener() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


def test_service_to_loopback_private_file_and_variable_endpoints_is_refused(live, listener: Listener) -> None:
    port = listener.port
    targets = [
        f"<http://127.0.0.1:{port}/sparql>",
        f"<http://localhost:{port}/sparql>",
        f"<http://[::1]:{port}/sparql>",
        f"<http://0.0.0.0:{port}/sparql>",
        "<http://10.0.0.1/sparql>",
        "<http://192.168.1.1/sparql>",
        "<http://172.16.0.1/sparql>",
        "<http://169.254.169.254/latest/meta-data/>",
        "<file:///etc/passwd>",
        "?endpoint",
    ]
    for target in targets:
        for silent in ("", "SILENT "):
            query = (
                f"SELECT * WHERE {{ VALUES ?endpoint {{ <http://127.0.0.1:{port}/> }} "
                f"SERVICE {silent}{target} {{ ?s ?p ?o }} }}"
            )
            response, seconds = while_served(live, post_query(live, query))
            assert_clear(response, seconds, {403}, "not allowed")
    time.sleep(0.2)
    assert listener.connections == 0


def test_from_a_file_iri_reads_no_file(live) -> None:
    queries = [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ]
    for query in queries:
        response, seconds = while_served(live, post_query(live, query))
        assert_clear(response, seconds, {200})
        assert "root:" not in response.text
    response, seconds = while_served(
        live,
        lambda http: http.get(
            live.base_url + "/sparql",
            params={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"},
            timeout=10,
        ),
    )
    assert_clear(response, seconds, {200})
    assert response.json()["results"]["bindings"] == []


def test_the_server_is_whole_after_the_hostile_queries(live, http) -> None:
    """Last in the module: every query process is there, and the log has no traceback."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        health = http.get(live.base_url + "/health", timeout=10).json()
        if health["query_processes"] == {"processes": 2, "idle": 2}:
            break
        time.sleep(0.1)
    assert health["status"] == "ok" and health["query_processes"] == {"processes": 2, "idle": 2}
    assert "Traceback" not in live.log_text()
