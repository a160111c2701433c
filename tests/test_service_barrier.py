"""The second barrier behind the guard: whatever a query says, SERVICE reaches only the proxy.

Each attack names a loopback *bait*: an HTTP server that counts its connections and answers
SPARQL results holding the word LEAKED. The bait must never be called and LEAKED never seen.
Control tests show that the same job does reach the bait where the barrier is taken away, so
that a bait left uncalled means something.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask

from accords.config import Settings
from accords.loaders.namespaces import INFERRED_GRAPH, PREFIXES
from accords.server import isolation
from accords.server.app import create_app
from accords.server.engine.jobs import ExecutionError, Job, Setup
from accords.server.engine.pool import ExecutorPool
from accords.server.engine.wire import DATA, ERROR, FINAL, read_error, split_final
from accords.server.problem import engine_problem
from tests.fixtures import accords, reply, serve_http, stop_http

LEAKED = "LEAKED"
ANSWER = json.dumps(
    {
        "head": {"vars": ["s"]},
        "results": {"bindings": [{"s": {"type": "uri", "value": f"http://bait.test/{LEAKED}"}}]},
    }
).encode()
JSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Bait:
    """A loopback SPARQL endpoint that counts the calls it gets; what it answers can be set."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    calls: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def start(self) -> Bait:
        bait = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self._answer()

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._answer()

            def _answer(self) -> None:
                bait.calls += 1
                body = ANSWER if bait.status == 200 else b"no"
                reply(self, bait.status, "application/sparql-results+json", body, bait.headers)

            def log_message(self, *args: object) -> None:
                pass

        self.server = serve_http(Handler)
        return self

    def stop(self) -> None:
        stop_http(self.server)


@pytest.fixture
def bait() -> Iterator[Bait]:
    started = Bait().start()
    yield started
    started.stop()


def _setup(store: Path, isolate: bool = True) -> Setup:
    return Setup(str(store), str(INFERRED_GRAPH), dict(PREFIXES), isolate=isolate)


@pytest.fixture(scope="module")
def pool(server_store: Path) -> Iterator[ExecutorPool]:
    started = ExecutorPool(_setup(server_store), 1, 10.0)
    yield started
    started.close()


def _past_the_guard(pool: ExecutorPool, job: Job) -> tuple[bytes, bytes]:
    """Send a job straight to a query process (no guard, no rewrite): final or error, and its bytes."""
    job = replace(job, max_rows=100, max_bytes=100_000)
    worker = pool._acquire()
    try:
        worker.connection.send(job)
        data = b""
        while True:
            assert worker.connection.poll(10), "the query process did not answer"
            message = worker.connection.recv_bytes()
            tag = message[:1]
            if tag == DATA:
                data += message[1:]
            elif tag == FINAL:
                return tag, data + split_final(message)[1]
            else:
                assert tag == ERROR
                return tag, message[1:]
    finally:
        pool._release(worker)


def test_query_processes_live_in_a_network_namespace_of_their_own(pool: ExecutorPool) -> None:
    assert pool.isolation_problem is None
    (worker,) = pool.processes
    theirs = isolation.network_namespace(worker.process.pid)
    assert theirs.startswith("net:[") and theirs != isolation.network_namespace()
    threads = list(Path(f"/proc/{worker.process.pid}/task").iterdir())
    assert len(threads) >= 2  # the query thread and the forwarder at least
    assert {isolation.network_namespace(f"{worker.process.pid}/task/{t.name}") for t in threads} == {theirs}


@pytest.mark.parametrize("silent", ["", "SILENT"])
def test_a_service_job_sent_past_the_guard_never_reaches_a_loopback_listener(
    pool: ExecutorPool, bait: Bait, silent: str
) -> None:
    query = f"SELECT ?s WHERE {{ SERVICE {silent} <{bait.url}> {{ ?s ?p ?o }} }}"
    for federated in (False, True):
        tag, body = _past_the_guard(pool, Job(query=query, federated=federated))
        assert LEAKED.encode() not in body
        if silent:  # the failed call gives no solution with a value
            assert tag == FINAL and json.loads(body)["results"]["bindings"] == [{}]
        else:
            assert tag == ERROR and engine_problem(read_error(tag + body)).status == 502
    assert bait.calls == 0


def test_without_the_barrier_the_same_job_reaches_the_listener(server_store: Path, bait: Bait) -> None:
    """Control: the barrier is what keeps the bait uncalled (isolation turned off here)."""
    unguarded = ExecutorPool(_setup(server_store, isolate=False), 1, 10.0)
    try:
        tag, body = _past_the_guard(
            unguarded, Job(query=f"SELECT ?s {{ SERVICE <{bait.url}> {{ ?s ?p ?o }} }}")
        )
    finally:
        unguarded.close()
    assert unguarded.isolation_problem == "network isolation is turned off"
    assert bait.calls == 1 and LEAKED.encode() in body


def test_a_pool_that_cannot_isolate_refuses_service(server_store: Path, bait: Bait) -> None:
    unguarded = ExecutorPool(_setup(server_store, isolate=False), 1, 10.0)
    try:
        for query in (
            f"SELECT * {{ SERVICE <{bait.url}> {{ ?s ?p ?o }} }}",
            f"SELECT * {{ BIND(true<?x&&'>'!=<http://no> AS ?z) SERVICE <{bait.url}> {{ ?s ?p ?o }} }} #'",
        ):
            with pytest.raises(ExecutionError, match="SERVICE is disabled on this server") as refused:
                unguarded.run(Job(query=query))
            assert engine_problem(refused.value).status == 403
        assert unguarded.run(Job(query="ASK { ?s ?p ?o }")).first  # other queries still answer
    finally:
        unguarded.close()
    assert bait.calls == 0


GUARD_FOOLING = "SELECT * WHERE {{ BIND(true<?x&&'>'!=<http://no> AS ?z) SERVICE <{url}> {{ ?s ?p ?o }} }} #'"


def test_a_guard_fooling_query_through_sparql_never_reaches_the_listener(
    server_app: Flask, bait: Bait
) -> None:
    client = server_app.test_client()
    for query in (
        GUARD_FOOLING.format(url=bait.url),
        GUARD_FOOLING.format(url=bait.url).replace("SERVICE", "SERVICE SILENT"),
        f"ASK {{ FILTER EXISTS {{}}<?x && '>' != <http://no> SERVICE <{bait.url}> {{ }} }} #'",
    ):
        response = client.post("/sparql", data={"query": query}, headers=JSON)
        assert LEAKED not in response.get_data(as_text=True)
        assert response.status_code != 500, response.data
    assert bait.calls == 0


# --------------------------------------------------------------------------- amplification


@pytest.fixture
def federated(server_store: Path, bait: Bait) -> Iterator[tuple[Flask, str]]:
    """An application whose allow-listed service <https://endpoint.test/sparql> is the bait."""
    service = "https://endpoint.test/sparql"
    settings = Settings(
        store=server_store,
        query_timeout=10.0,
        service_timeout=3.0,
        service_allowlist=(service,),
        service_max_calls=5,
        service_failure_ttl=30.0,
        service_cache_ttl=0.0,  # no answer reused: every row's call would go out
        extra={"services": {service: bait.url}},
    )
    app = create_app(settings)
    yield app, service
    app.extensions["accords"].executors.close()


def _per_row(service: str, rows: int = 300, silent: str = "") -> str:
    values = " ".join(str(i) for i in range(rows))
    exists = f"FILTER EXISTS {{ SERVICE {silent} <{service}> {{ ?s ?p ?o }} }}"
    return f"SELECT ?i WHERE {{ VALUES ?i {{ {values} }} {exists} }}"


def test_a_failing_service_inside_filter_exists_is_called_once(federated, bait: Bait) -> None:
    app, service = federated
    bait.status = 500
    response = app.test_client().post(
        "/sparql", data={"query": _per_row(service, silent="SILENT")}, headers=JSON
    )
    assert response.status_code == 200, response.data
    assert len(response.get_json()["results"]["bindings"]) == 300  # SILENT: each row stays
    assert bait.calls == 1  # the failure is remembered for the other 299 rows


def test_calls_per_query_are_capped(federated, bait: Bait) -> None:
    app, service = federated
    client = app.test_client()
    response = client.post("/sparql", data={"query": _per_row(service)}, headers=JSON)
    # pyoxigraph reads a failed EXISTS as true: every row stays, but only 5 calls went out.
    assert response.status_code == 200, response.data
    assert len(response.get_json()["results"]["bindings"]) == 300
    assert bait.calls == 5
    unions = " UNION ".join(f"{{ SERVICE <{service}> {{ ?s ?p {n} }} }}" for n in range(6))
    sixth = client.post("/sparql", data={"query": f"SELECT * {{ {unions} }}"}, headers=JSON)
    assert sixth.status_code == 502
    assert "already made 5 SERVICE calls, the limit (service_max_calls)" in sixth.get_json()["message"]
    assert bait.calls == 10
    again = client.post("/sparql", data={"query": _per_row(service, rows=3)}, headers=JSON)
    assert again.status_code == 200, again.data  # the cap is per query
    assert bait.calls == 13


def test_retry_after_stops_every_call_until_then(federated, bait: Bait) -> None:
    app, service = federated
    client = app.test_client()
    bait.status, bait.headers = 429, {"Retry-After": "120"}
    first = client.post(
        "/sparql", data={"query": f"ASK {{ SERVICE <{service}> {{ ?s ?p ?o }} }}"}, headers=JSON
    )
    assert first.status_code == 502 and "HTTP 429" in first.get_json()["message"]
    bait.status, bait.headers = 200, {}
    other = client.post(
        "/sparql", data={"query": f"ASK {{ SERVICE <{service}> {{ ?a ?b 1 }} }}"}, headers=JSON
    )
    assert other.status_code == 502 and "Retry-After" in other.get_json()["message"]
    assert bait.calls == 1


def test_redirects_are_not_followed(federated, bait: Bait) -> None:
    app, service = federated
    elsewhere = Bait().start()
    try:
        bait.status, bait.headers = 302, {"Location": elsewhere.url}
        response = app.test_client().post(
            "/sparql", data={"query": f"ASK {{ SERVICE <{service}> {{ ?s ?p ?o }} }}"}, headers=JSON
        )
        assert response.status_code == 502
        assert "redirects are not followed" in response.get_json()["message"]
        assert bait.calls == 1 and elsewhere.calls == 0
    finally:
        elsewhere.stop()


# --------------------------------------------------------------------------- --backend


def _backend_app(store: Path, backend: str, bait: Bait, federation: str) -> Flask:
    return create_app(
        Settings(
            store=store,
            backend=backend,
            backend_federation=federation,
            service_allowlist=(bait.url,),
            query_timeout=5.0,
        )
    )


def test_service_through_oxigraph_server_never_reaches_a_listener(
    server_backend: str, bait: Bait, tmp_path: Path
) -> None:
    app = _backend_app(tmp_path, server_backend, bait, "on")
    client = app.test_client()
    for query in (
        f"SELECT * {{ SERVICE <{bait.url}> {{ ?s ?p ?o }} }}",  # allow-listed, as the guard reads it
        GUARD_FOOLING.format(url=bait.url),
    ):
        response = client.post("/sparql", data={"query": query}, headers=JSON)
        message = response.get_json()["message"]
        # Refused by the backend rule, or already by the guard, which reads the fooling text as
        # SPARQL's longest-token rule does (an IRI where an operator is due).
        assert (response.status_code, "backend_federation" in message) == (403, True) or (
            response.status_code == 400 and "is an IRI for SPARQL" in message
        ), response.data
    ordinary = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
    assert ordinary.status_code == 200 and ordinary.get_json()["boolean"] is True
    assert bait.calls == 0


def test_oxigraph_server_would_call_the_listener_if_allowed(
    server_backend: str, bait: Bait, tmp_path: Path
) -> None:
    """Control: Oxigraph server does evaluate SERVICE itself (it has no option to turn it off)."""
    app = _backend_app(tmp_path, server_backend, bait, "allowlist")
    query = f"SELECT * {{ SERVICE <{bait.url}> {{ ?s ?p ?o }} }}"
    response = app.test_client().post("/sparql", data={"query": query}, headers=JSON)
    assert bait.calls >= 1 and LEAKED in response.get_data(as_text=True)


# --------------------------------------------------------------------------- accords query


def test_the_command_line_refuses_service_in_one_line(seed_store_dir: Path, bait: Bait) -> None:
    result = accords(
        "query", "--store", str(seed_store_dir), f"SELECT * {{ SERVICE <{bait.url}> {{ ?s ?p ?o }} }}"
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "accords query: the command line does not evaluate SERVICE: send the query to /sparql of "
        "`accords serve`, which calls allow-listed endpoints"
    )
    hidden = accords("query", "--store", str(seed_store_dir), GUARD_FOOLING.format(url=bait.url))
    assert hidden.returncode == 2 and len(hidden.stderr.strip().splitlines()) == 1
    assert hidden.stderr.startswith("accords query: ") and "Traceback" not in hidden.stderr
    assert LEAKED not in hidden.stdout
    assert bait.calls == 0


def test_the_command_line_still_answers_queries_that_only_say_service(seed_store_dir: Path) -> None:
    result = accords("query", "--store", str(seed_store_dir), 'ASK { FILTER("service" != "") }')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "true"


def test_serve_says_in_one_line_when_service_is_disabled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from accords.server import command

    assert isolation.available() is None  # here, namespaces work: nothing is said
    command._say_if_service_is_disabled()
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(isolation, "available", lambda: "unshare: Operation not permitted")
    command._say_if_service_is_disabled()
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("accords serve: SERVICE is disabled: query processes cannot get a network")
    assert "unshare: Operation not permitted" in line
