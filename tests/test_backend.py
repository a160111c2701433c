"""``accords serve --backend URL``: the endpoint's rules over a real ``oxigraph serve``
(started here on a loopback port, filled with ``loaders.push``)."""

from __future__ import annotations

import contextlib
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from accords.config import Settings
from loaders.namespaces import INFERRED_GRAPH
from loaders.push import push
from loaders.store import new_build
from server.app import create_app
from tests.conftest import FILLER_TRIPLES, free_port, server_store_quads

JSON = {"Accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve --union-default-graph`` holding the tiny dataset; its query URL."""
    work = tmp_path_factory.mktemp("backend")
    with new_build(work / "store") as (db, info):
        db.extend(server_store_quads())
        info["quads"] = len(server_store_quads())
    port = free_port()
    command = ["oxigraph", "serve", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            time.sleep(0.1)
        push(work / "store", base + "/store")
        yield base + "/query"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def client(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    empty = tmp_path_factory.mktemp("no-local-store")
    settings = Settings(store=empty, backend=backend, max_result_rows=50, query_timeout=5.0)
    app = create_app(settings)
    yield app.test_client()
    app.extensions["accords"].executors.close()


def _count(response) -> int:
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_queries_go_to_the_backend(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    assert response.status_code == 200, response.data
    assert _count(response) == len(server_store_quads())
    assert "Accords-Cache" not in response.headers  # no build: nothing says when the data change


def test_infer_false_hides_the_inferred_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT, "infer": "false"}, headers=JSON)
    assert response.status_code == 200, response.data
    inferred = sum(1 for q in server_store_quads() if q.graph_name.value == str(INFERRED_GRAPH))
    assert _count(response) == len(server_store_quads()) - inferred


def test_content_negotiation_and_limits(client: FlaskClient) -> None:
    csv = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert csv.data.splitlines()[0] == b"n"
    everything = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"}, headers=JSON)
    assert everything.headers["Accords-Truncated"] == "rows"
    assert len(everything.get_json()["results"]["bindings"]) == 50 < FILLER_TRIPLES
    construct = client.get(
        "/sparql",
        query_string={"query": "CONSTRUCT WHERE { ?s a ?o }"},
        headers={"Accept": "text/turtle"},
    )
    assert construct.status_code == 200 and construct.headers["Content-Type"].startswith("text/turtle")
    assert b"NuclearAgreement" in construct.data
    ask = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
    assert ask.get_json()["boolean"] is True


def test_the_rules_still_hold(client: FlaskClient) -> None:
    update = client.post("/sparql", data={"update": "DROP ALL"})
    assert update.status_code == 403
    service = "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert client.get("/sparql", query_string={"query": service}).status_code in (400, 403)
    bad = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p"}, headers=JSON)
    assert bad.status_code == 400
    after = client.get("/sparql", query_string={"query": COUNT}, headers=JSON)
    assert _count(after) == len(server_store_quads())


def test_health_counts_the_backend_graphs(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["store"]["quads"] == len(server_store_quads())


def test_an_unreachable_backend_is_a_503(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path, backend=f"http://127.0.0.1:{free_port()}/query", query_timeout=2.0)
    app = create_app(settings)
    response = app.test_client().get("/sparql", query_string={"query": COUNT}, headers=JSON)
    assert response.status_code == 503
    assert "backend" in response.get_json()["message"] if response.is_json else b"backend" in response.data


def test_accords_serve_backend(backend: str, tmp_path: Path) -> None:
    """The command line: `accords serve --backend URL` with no local store at all."""
    import json

    from tests.conftest import start_live_server

    server = start_live_server(tmp_path / "nothing-here", tmp_path, "--backend", backend)
    try:
        request = urllib.request.Request(
            server.base_url + "/sparql?query=" + urllib.parse.quote(COUNT), headers=JSON
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
        assert int(body["results"]["bindings"][0]["n"]["value"]) == len(server_store_quads())
    finally:
        server.stop()
    assert not (tmp_path / "nothing-here").exists()  # nothing was built
