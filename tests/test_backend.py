"""``accords serve --backend URL``: the endpoint's rules over a real ``oxigraph serve``
(started here on a loopback port, filled with ``loaders.push``)."""

from __future__ import annotations

import gzip
import io
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from accords.bench.servers import free_port, start_accords, start_oxigraph
from accords.config import Settings
from accords.loaders.namespaces import INFERRED_GRAPH
from accords.loaders.push import push
from accords.loaders.vocabulary import INFERRED_FULL_GRAPH as FULL
from accords.server.app import create_app
from tests.conftest import FILLER_TRIPLES, server_store_quads
from tests.fixtures import new_build

JSON = {"Accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def client(server_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    empty = tmp_path_factory.mktemp("no-local-store")
    settings = Settings(store=empty, backend=server_backend, max_result_rows=50, query_timeout=5.0)
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


DUMPS = [
    ("/dump.ttl", ox.RdfFormat.TURTLE, False),
    ("/dump.trig", ox.RdfFormat.TRIG, False),
    ("/dump.nq.gz", ox.RdfFormat.N_QUADS, True),
]


def _dumped(client: FlaskClient, path: str, fmt: ox.RdfFormat, gzipped: bool) -> list[ox.Quad]:
    response = client.get(path)
    assert response.status_code == 200, response.data
    body = response.get_data()
    return list(ox.parse(gzip.decompress(body) if gzipped else body, fmt))


@pytest.mark.parametrize(("path", "fmt", "gzipped"), DUMPS)
def test_dumps_from_the_backend_are_the_local_dumps(
    client: FlaskClient, server_client: FlaskClient, path: str, fmt: ox.RdfFormat, gzipped: bool
) -> None:
    remote = _dumped(client, path, fmt, gzipped)
    local = _dumped(server_client, path, fmt, gzipped)
    terms = [t for q in remote + local for t in (q.subject, q.object)]
    assert not any(isinstance(t, ox.BlankNode) for t in terms)  # so the sets can be compared
    assert len(set(remote)) == len(remote) and len(set(local)) == len(local)
    assert set(remote) == set(local)
    assert len(local) == len(
        {q.triple for q in server_store_quads()} if path == "/dump.ttl" else server_store_quads()
    )


def test_backend_dumps_stream_without_validators(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accords.server.linked_data import dumps

    monkeypatch.setattr(dumps, "BATCH", 50)
    for path, fmt, _ in DUMPS[:2]:
        response = client.get(path, headers={"If-None-Match": "*"})
        assert response.status_code == 200 and response.is_streamed
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers
        chunks = list(response.response)
        assert len(chunks) > 5
        body = b"".join(chunks)
        assert body.count(b"@prefix acc:") == 1
        assert len(list(ox.parse(body, fmt))) == len(server_store_quads())  # no triple in two graphs
    assert client.head("/dump.trig").status_code == 200


def test_turtle_dump_takes_a_triple_shared_by_graphs_once(server_backend: str, tmp_path: Path) -> None:
    """A triple in two graphs of the backend is in /dump.ttl once, in /dump.trig twice."""
    shared = server_store_quads()[0]
    copy = "http://example.org/graph/copy"
    update = f"INSERT DATA {{ GRAPH <{copy}> {{ {shared.triple} }} }}"
    update_url = server_backend.removesuffix("/query") + "/update"
    request = urllib.request.Request(
        update_url, data=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    urllib.request.urlopen(request, timeout=10).read()
    app = create_app(Settings(store=tmp_path, backend=server_backend, query_timeout=5.0))
    try:
        turtle = _dumped(app.test_client(), "/dump.ttl", ox.RdfFormat.TURTLE, False)
        trig = _dumped(app.test_client(), "/dump.trig", ox.RdfFormat.TRIG, False)
    finally:
        drop = urllib.request.Request(
            update_url,
            data=f"DROP GRAPH <{copy}>".encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
        urllib.request.urlopen(drop, timeout=10).read()
    assert [q.triple for q in turtle].count(shared.triple) == 1
    assert len(turtle) == len(set(turtle)) == len({q.triple for q in server_store_quads()})
    assert [q.triple for q in trig].count(shared.triple) == 2


@pytest.mark.parametrize("path", [path for path, _, _ in DUMPS])
def test_dumps_of_an_unreachable_backend_are_a_503(tmp_path: Path, path: str) -> None:
    settings = Settings(store=tmp_path, backend=f"http://127.0.0.1:{free_port()}/query", query_timeout=2.0)
    app = create_app(settings)
    response = app.test_client().get(path, headers=JSON)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    message = response.get_json()["message"]
    assert "backend is unavailable" in message and "Traceback" not in message
    text = app.test_client().get(path).get_data(as_text=True)
    assert text.startswith("503 Service Unavailable: no dump: the backend is unavailable")


def test_dumps_of_a_backend_that_refuses_are_a_502(server_backend: str, tmp_path: Path) -> None:
    settings = Settings(store=tmp_path, backend=server_backend.removesuffix("query") + "nowhere")
    response = create_app(settings).test_client().get("/dump.trig", headers=JSON)
    assert response.status_code == 502
    assert response.get_json()["message"].startswith("no dump: the backend refused the query: HTTP 404")


def test_a_backend_error_after_the_first_bytes_cuts_the_dump(
    server_backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the status is sent, a broken answer ends the download with an error, not a short dump."""
    from accords.server.engine.jobs import ExecutionError
    from accords.server.linked_data import dumps

    monkeypatch.setattr(dumps, "BATCH", 1)
    app = create_app(Settings(store=tmp_path, backend=server_backend))
    pool = app.extensions["accords"].executors
    pool.statistics()  # the graphs are listed (and kept) before the answers break
    answers = iter([b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"])
    monkeypatch.setattr(pool, "stream", lambda *_: io.BytesIO(next(answers, b"<broken")))
    response = app.test_client().get("/dump.trig")
    assert response.status_code == 200
    with pytest.raises(ExecutionError, match="cannot be read"):
        b"".join(response.response)


def test_an_unreadable_graph_answer_from_the_backend_is_a_502(
    server_backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyoxigraph parses as the answer is written: the error must still be the backend's, not a 500."""
    app = create_app(Settings(store=tmp_path, backend=server_backend))
    pool = app.extensions["accords"].executors
    monkeypatch.setattr(pool, "_call", lambda *_: b"<http://example.org/a> <broken")
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    response = app.test_client().get("/sparql", query_string={"query": query, "format": "ntriples"})
    assert response.status_code == 502
    assert "the backend's answer cannot be read" in response.get_data(as_text=True)


def test_accords_serve_backend(server_backend: str, tmp_path: Path) -> None:
    """The command line: `accords serve --backend URL` with no local store at all."""
    import json

    server = start_accords(tmp_path / "nothing-here", tmp_path, "--backend", server_backend)
    try:
        request = urllib.request.Request(
            server.base_url + "/sparql?query=" + urllib.parse.quote(COUNT), headers=JSON
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
        assert int(body["results"]["bindings"][0]["n"]["value"]) == len(server_store_quads())
        with urllib.request.urlopen(server.base_url + "/dump.nq.gz", timeout=10) as response:
            dumped = set(ox.parse(gzip.decompress(response.read()), ox.RdfFormat.N_QUADS))
        assert dumped == set(server_store_quads())
    finally:
        server.stop()
    assert not (tmp_path / "nothing-here").exists()  # nothing was built


def test_infer_false_hides_the_full_entailment_graph_as_the_local_store_does(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """README: ``infer=false`` answers without inferences; ``graph/inferred-full`` holds inferences too."""
    root = tmp_path_factory.mktemp("full-store")
    full = ox.NamedNode("http://example.org/entailed")
    with new_build(root) as (store, info):
        store.extend(server_store_quads())
        store.add(ox.Quad(full, ox.NamedNode("http://example.org/p"), ox.Literal("x"), ox.NamedNode(FULL)))
        info["reasoning"] = {"full_entailment": True}
    work = tmp_path_factory.mktemp("full-backend")
    oxigraph = start_oxigraph(work / "oxigraph", work / "oxigraph.log")
    apps = []
    try:
        push(root, oxigraph.url + "/store")
        apps.append(create_app(Settings(store=root, query_processes=1)))
        apps.append(create_app(Settings(store=work / "none", backend=oxigraph.url + "/query")))
        for query in (
            COUNT,
            f"ASK {{ <{full.value}> ?p ?o }}",
            f"ASK {{ GRAPH ?g {{ <{full.value}> ?p ?o }} }}",
        ):
            local, backend = (
                app.test_client()
                .get("/sparql", query_string={"query": query, "infer": "false"}, headers=JSON)
                .get_json()
                for app in apps
            )
            assert backend == local, query
        assert local == {"head": {}, "boolean": False}
    finally:
        for app in apps:
            app.extensions["accords"].executors.close()
        oxigraph.stop()
