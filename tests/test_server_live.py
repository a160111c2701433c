"""A real `accords serve` (gunicorn, query processes): time limit, network, read-only, log, speed."""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from accords.bench.servers import cpu_seconds
from tests.fixtures import Listener, reply

QUERY_TIMEOUT = 2.0
MAX_ROWS = 500
RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?count) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
CARTESIAN = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
REMOTE_RESULT = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": "from the allowed endpoint"}}]},
}


class RemoteEndpoint(BaseHTTPRequestHandler):
    """A SPARQL endpoint on loopback that answers one row to any query."""

    requests = 0

    def _answer(self) -> None:
        RemoteEndpoint.requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps(REMOTE_RESULT).encode()
        reply(self, 200, "application/sparql-results+json", body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def forbidden() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def allowed_endpoint() -> Iterator[str]:
    remote = ThreadingHTTPServer(("127.0.0.1", 0), RemoteEndpoint)
    thread = threading.Thread(target=remote.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{remote.server_address[1]}/sparql"
    remote.shutdown()
    remote.server_close()


@pytest.fixture(scope="module")
def live(server_live_factory, server_store: Path, allowed_endpoint: str):
    return server_live_factory(
        server_store,
        "--workers",
        "1",
        "--query-timeout",
        str(QUERY_TIMEOUT),
        ACCORDS_QUERY_PROCESSES="2",
        ACCORDS_MAX_RESULT_ROWS=str(MAX_ROWS),
        ACCORDS_SERVICE_ALLOWLIST=allowed_endpoint,
        no_proxy="127.0.0.1,localhost",
        NO_PROXY="127.0.0.1,localhost",
    )


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # no proxy between the tests and the loopback server
    yield session
    session.close()


def cpu_of(pids: set[int]) -> dict[int, float]:
    return {pid: cpu_seconds(pid) for pid in pids}


def ask(http: requests.Session, base_url: str, query: str = "ASK {}") -> requests.Response:
    return http.get(base_url + "/sparql", params={"query": query}, timeout=10)


def test_runaway_query_is_killed_at_the_limit_while_others_are_served(live, http) -> None:
    outcome: dict = {}

    def runaway() -> None:
        with requests.Session() as session:
            session.trust_env = False
            started = time.monotonic()
            response = session.post(live.base_url + "/sparql", data={"query": RUNAWAY_COUNT}, timeout=30)
            outcome.update(response=response, seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    before = cpu_of(live.pids())
    served = []
    for _ in range(3):  # another client, answered while the runaway query runs
        started = time.monotonic()
        response = ask(http, live.base_url, "SELECT ?s WHERE { ?s a ?type } LIMIT 5")
        served.append((response.status_code, time.monotonic() - started))
        time.sleep(0.1)
    time.sleep(0.4)
    after = cpu_of(live.pids())
    burning = max(after, key=lambda pid: after[pid] - before.get(pid, after[pid]))
    assert after[burning] - before[burning] > 0.1, "no process works on the runaway query"
    assert "outcome" not in outcome, "the runaway query ended too early"
    assert all(status == 200 and seconds < 1.0 for status, seconds in served), served

    thread.join(timeout=15)
    response = outcome["response"]
    assert response.status_code == 503
    assert f"time limit of {QUERY_TIMEOUT:g} s" in response.text
    assert QUERY_TIMEOUT - 0.2 < outcome["seconds"] < QUERY_TIMEOUT + 2
    assert not Path(f"/proc/{burning}").exists(), "the query process still exists"
    time.sleep(0.5)  # the fresh process that takes its place starts meanwhile
    idle = cpu_of(live.pids())
    time.sleep(0.5)
    spent = sum(cpu_seconds(pid) - seconds for pid, seconds in idle.items())
    assert spent < 0.25, f"the server still burns CPU ({spent:.2f} s in 0.5 s)"
    assert ask(http, live.base_url).json()["boolean"] is True  # a fresh process took its place
    assert http.get(live.base_url + "/health", timeout=10).json()["query_processes"]["processes"] == 2


def test_cartesian_select_stops_at_the_row_limit(live, http) -> None:
    started = time.monotonic()
    response = http.get(live.base_url + "/sparql", params={"query": CARTESIAN}, timeout=30)
    assert time.monotonic() - started < QUERY_TIMEOUT
    assert response.status_code == 200
    assert response.headers["Accords-Truncated"] == "rows"
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS


def test_no_connection_but_to_allow_listed_endpoints(
    live, http, forbidden: Listener, allowed_endpoint
) -> None:
    target = f"http://127.0.0.1:{forbidden.port}"
    refused = [
        f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{target}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{target}/sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a< ?b)SERVICE#>\n<{target}/sparql> {{}} }}",
        f"LOAD <{target}/data.ttl>",
    ]
    for query in refused:
        response = ask(http, live.base_url, query)
        assert response.status_code == 403, (query, response.text)
    # Not SPARQL (its '<?b)SERVICE#>' is an IRI by the longest-token rule), though pyoxigraph reads it.
    two_ways = f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<?b)SERVICE#>\n<{target}/sparql> {{}} }}"
    response = ask(http, live.base_url, two_ways)
    assert response.status_code == 400 and "longest token" in response.text
    read_locally = [
        f"SELECT * FROM <{target}/graph> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}/graph> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ]
    for query in read_locally:
        response = ask(http, live.base_url, query)
        assert response.status_code == 200 and response.json()["results"]["bindings"] == []
    response = http.get(
        live.base_url + "/sparql",
        params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{target}/graph"},
        timeout=10,
    )
    assert response.json()["boolean"] is False

    response = ask(http, live.base_url, f"SELECT ?x WHERE {{ SERVICE <{allowed_endpoint}> {{ ?x ?p ?o }} }}")
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "from the allowed endpoint"
    assert RemoteEndpoint.requests >= 1
    time.sleep(0.2)
    assert forbidden.connections == 0


def store_files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


def test_updates_are_refused_and_the_store_is_unchanged(live, http, server_store: Path) -> None:
    files = store_files(server_store)
    count = ask(http, live.base_url, COUNT_ALL).json()["results"]["bindings"][0]["n"]["value"]
    insert = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    attempts = [
        http.get(live.base_url + "/sparql", params={"query": insert}, timeout=10),
        http.get(live.base_url + "/sparql", params={"update": "CLEAR ALL"}, timeout=10),
        http.post(live.base_url + "/sparql", data={"update": "DROP ALL"}, timeout=10),
        http.post(live.base_url + "/sparql", data={"query": "CLEAR ALL"}, timeout=10),
        http.post(
            live.base_url + "/sparql/",
            data=insert.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=10,
        ),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    after = ask(http, live.base_url, COUNT_ALL).json()["results"]["bindings"][0]["n"]["value"]
    assert after == count
    assert ask(http, live.base_url, "ASK { GRAPH <urn:g> { ?s ?p ?o } }").json()["boolean"] is False
    assert store_files(server_store) == files


def test_one_json_access_log_line_per_request(live, http) -> None:
    marker = "/sparql"
    ask(http, live.base_url, "ASK { }")
    http.get(live.base_url + "/health", timeout=10)
    http.get(live.base_url + "/nowhere", timeout=10)
    time.sleep(0.2)
    records = [json.loads(line) for line in live.log_text().splitlines() if line.startswith("{")]
    assert {"method", "path", "status", "duration_ms", "bytes"} <= set(records[-1])
    last_three = records[-3:]
    assert [(r["method"], r["path"], r["status"]) for r in last_three] == [
        ("GET", marker, 200),
        ("GET", "/health", 200),
        ("GET", "/nowhere", 404),
    ]
    assert last_three[0]["bytes"] == len('{"head":{},"boolean":true}')
    assert last_three[0]["form"] == "ASK" and last_three[0]["rows"] == 1
    assert "Traceback" not in live.log_text()


def test_a_trivial_ask_is_fast(live, http) -> None:
    ask(http, live.base_url)
    durations = []
    for _ in range(40):
        started = time.perf_counter()
        response = ask(http, live.base_url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    median = statistics.median(durations)
    print(f"trivial ASK through gunicorn: median {median:.1f} ms, best {min(durations):.1f} ms")
    assert median < 30


def test_a_streaming_result_past_the_limit_ends_incomplete(
    server_live_factory, server_store: Path, http
) -> None:
    server = server_live_factory(
        server_store,
        "--workers",
        "1",
        "--query-timeout",
        "1",
        ACCORDS_MAX_RESULT_ROWS="1000000000",
        ACCORDS_MAX_RESULT_BYTES="1000000000000",
    )
    started = time.monotonic()
    response = http.get(server.base_url + "/sparql", params={"query": CARTESIAN}, stream=True, timeout=30)
    assert response.status_code == 200  # the result had started to stream
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for _ in response.iter_content(65536):
            pass
    assert time.monotonic() - started < 3
    time.sleep(0.2)
    record = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")][-1]
    assert record["outcome"] == "timeout" and record["status"] == 200
    assert "Traceback" not in server.log_text()
    assert ask(http, server.base_url).status_code == 200


def test_serve_builds_the_store_first_when_there_is_none(server_live_factory, tmp_path: Path, http) -> None:
    store = tmp_path / "empty-store"
    server = server_live_factory(store, "--workers", "1")
    health = http.get(server.base_url + "/health", timeout=10).json()
    assert health["status"] == "ok" and health["store"]["quads"] > 0
    assert (store / "current").is_symlink()
    assert "building it from" in server.log_text()
