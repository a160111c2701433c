"""Virtuoso Open Source (Debian's ``virtuoso-t``) as the backend, started here on loopback ports
with a throwaway database (``server/deploy/virtuoso.ini``).

``accords build --push`` loads the seed's build through Virtuoso's Graph Store endpoint, the
merge in the graph ``backend_default_graph``; ``accords serve --backend`` over it answers the
competency questions, the resource pages, VoID and the dumps as ``accords serve`` on the
embedded store does; its own federation is off.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import DCTERMS, Dataset, Graph
from rdflib.compare import IsomorphicGraph, to_isomorphic

from accords.bench.servers import Spawned, accords_env, start_accords, start_virtuoso
from tests.fixtures import COMPETENCY_DIR, PROJECT_ROOT, Listener

MERGE_GRAPH = "urn:accords:default-graph"
QUERY_TIMEOUT = 5
# The columns that are GROUP_CONCATs: their order is not defined by SPARQL, and Oxigraph keeps
# a language tag all the values share where Virtuoso gives a simple literal (see the README).
CONCATENATED = {"1": "parties", "2": "throughTopics", "3": "fields"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("virtuoso")


@pytest.fixture(scope="module")
def virtuoso(workdir: Path) -> Iterator[Spawned]:
    server = start_virtuoso(workdir, query_timeout=QUERY_TIMEOUT, max_rows=100_000)
    try:
        yield server
    finally:
        server.stop(grace=10)


@pytest.fixture(scope="module")
def pushed(workdir: Path, virtuoso: Spawned) -> tuple[Path, str]:
    """The seed built by ``accords build --push`` into Virtuoso; the store and the command's output."""
    store = workdir / "store"
    url = virtuoso.url.replace("http://", "http://dba:dba@") + "/sparql-graph-crud-auth"
    env = accords_env(os.devnull, ACCORDS_BACKEND_DEFAULT_GRAPH=MERGE_GRAPH)
    done = subprocess.run(
        [sys.executable, "-m", "accords.cli", "build", "--store", str(store), "--push", url],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return store, done.stderr


@pytest.fixture(scope="module")
def servers(workdir: Path, virtuoso: Spawned, pushed: tuple[Path, str]) -> Iterator[tuple[Spawned, Spawned]]:
    """``accords serve`` on the embedded store, and ``accords serve --backend`` on Virtuoso."""
    flags = ("--workers", "1", "--query-timeout", str(QUERY_TIMEOUT))
    embedded = start_accords(pushed[0], workdir, *flags)
    backend = start_accords(
        workdir / "unused",
        workdir,
        *flags,
        "--backend",
        virtuoso.url + "/sparql",
        environment={"ACCORDS_BACKEND_DEFAULT_GRAPH": MERGE_GRAPH},
    )
    try:
        yield embedded, backend
    finally:
        embedded.stop()
        backend.stop()


def fetch(url: str, accept: str, query: str | None = None) -> tuple[int, bytes]:
    data = urllib.parse.urlencode({"query": query}).encode() if query is not None else None
    request = urllib.request.Request(url, data=data, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def rows(data: bytes, concatenated: str | None) -> list[str]:
    """The solutions as sorted JSON; a GROUP_CONCAT column as the sorted list of its parts."""
    solutions = json.loads(data)["results"]["bindings"]
    for solution in solutions:
        if concatenated in solution:
            solution[concatenated] = sorted(solution[concatenated]["value"].split(", "))
    return sorted(json.dumps(solution, sort_keys=True) for solution in solutions)


def triples(data: bytes, format: str = "nt") -> IsomorphicGraph:
    """The graph, compared with another as graphs are: blank nodes matched by isomorphism."""
    return to_isomorphic(Graph().parse(data=data, format=format))


def test_push_loads_every_graph_and_health_lists_only_them(
    pushed: tuple[Path, str], servers: tuple[Spawned, Spawned]
) -> None:
    # the source, merged, ontology and inferred graphs; no password in the output
    assert "pushed 4 graph(s)" in pushed[1] and "dba" not in pushed[1]
    embedded, backend = servers
    local = json.loads(fetch(embedded.url + "/health", "application/json")[1])["store"]
    remote = json.loads(fetch(backend.url + "/health", "application/json")[1])["store"]
    assert remote["graphs"] == local["graphs"]  # not the merge graph, not Virtuoso's own graphs


@pytest.mark.parametrize("question", sorted(p.name for p in COMPETENCY_DIR.glob("*.rq")))
def test_competency_questions_answer_as_on_the_embedded_store(
    servers: tuple[Spawned, Spawned], question: str
) -> None:
    query = (COMPETENCY_DIR / question).read_text(encoding="utf-8")
    accept = "application/sparql-results+json"
    (status_local, local), (status_remote, remote) = (
        fetch(s.url + "/sparql", accept, query) for s in servers
    )
    assert (status_local, status_remote) == (200, 200), remote[:300]
    concatenated = CONCATENATED.get(question.split("-")[0])
    assert rows(remote, concatenated) == rows(local, concatenated)
    assert rows(local, concatenated)  # every question has an answer on the seed


@pytest.mark.parametrize(
    "path",
    [
        "/id/state/mali",
        "/id/organization/rosatom",
        "/id/agreement/mali-russian-federation/2025-06/energy",
        "/id/state/mali?infer=false",
        "/topic/energy",
    ],
)
def test_resource_pages_are_the_same(servers: tuple[Spawned, Spawned], path: str) -> None:
    (status_local, local), (status_remote, remote) = (
        fetch(s.url + path, "application/n-triples") for s in servers
    )
    assert (status_local, status_remote) == (200, 200), remote[:300]
    assert triples(remote) == triples(local)
    assert len(triples(local)) > 0
    page = fetch(servers[1].url + path, "text/html")
    assert page[0] == 200 and b"<html" in page[1]


def test_void_and_the_turtle_dump_are_the_same(servers: tuple[Spawned, Spawned]) -> None:
    local_void, remote_void = (
        triples(fetch(s.url + "/void", "application/n-triples")[1].replace(s.url.encode(), b"http://server"))
        for s in servers
    )
    # The one difference (see the README): a backend has no build time, so no dcterms:modified.
    modified = DCTERMS.modified
    assert len(list(local_void.objects(None, modified))) == 1
    assert list(remote_void.objects(None, modified)) == []
    local_void.remove((None, modified, None))
    difference = sorted(str(t) for t in set(remote_void) ^ set(local_void))
    assert remote_void == local_void, "\n".join(difference)
    local_dump, remote_dump = (
        triples(fetch(s.url + "/dump.ttl", "text/turtle")[1], "turtle") for s in servers
    )
    assert remote_dump == local_dump
    assert len(local_dump) > 2000


def test_service_through_the_backend_never_reaches_a_loopback_listener(
    virtuoso: Spawned, servers: tuple[Spawned, Spawned]
) -> None:
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        status, body = fetch(servers[1].url + "/sparql", "application/sparql-results+json", query)
        assert status == 403, body[:300]  # Accords' guard: loopback endpoints are never called
        # Virtuoso itself, asked directly, refuses it too: its SPARQL user may not federate.
        status, body = fetch(virtuoso.url + "/sparql", "application/sparql-results+json", query)
        assert status >= 400 and b"SECURITY" in body, body[:300]
    finally:
        listener.close()
    assert listener.connections == 0


def test_a_runaway_query_stops_at_the_time_limit(servers: tuple[Spawned, Spawned]) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    status, body = fetch(servers[1].url + "/sparql", "application/json", query)
    assert status == 503, body[:300]
    assert b"time limit" in body


@pytest.mark.parametrize(
    "query",
    [
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",  # not the merge, not Virtuoso's graphs
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/accords/graph/ontology> { ?s ?p ?o } }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/accords/graph/ontology> WHERE { ?s ?p ?o }",
    ],
)
@pytest.mark.parametrize("infer", ["true", "false"])
def test_graphs_and_counts_are_the_same(servers: tuple[Spawned, Spawned], query: str, infer: str) -> None:
    url = "/sparql?" + urllib.parse.urlencode({"infer": infer})
    (status_local, local), (status_remote, remote) = (
        fetch(s.url + url, "application/sparql-results+json", query) for s in servers
    )
    assert (status_local, status_remote) == (200, 200), remote[:300]
    assert rows(remote, None) == rows(local, None)


def test_a_query_s_from_wins_over_infer_false_on_virtuoso(servers: tuple[Spawned, Spawned]) -> None:
    """The known difference (README): Virtuoso prefers a query's FROM to the protocol's dataset."""
    query = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/accords/graph/inferred> WHERE { ?s ?p ?o }"
    accept = "application/sparql-results+json"
    (_, local), (_, remote) = (fetch(s.url + "/sparql?infer=false", accept, query) for s in servers)
    count = [json.loads(answer)["results"]["bindings"][0]["n"]["value"] for answer in (local, remote)]
    assert count[0] == "0" and int(count[1]) > 0


def test_the_nquads_dump_has_the_same_graphs(servers: tuple[Spawned, Spawned]) -> None:
    def graphs(data: bytes) -> dict[str, IsomorphicGraph]:
        dataset = Dataset()
        dataset.parse(data=gzip.decompress(data), format="nquads")
        return {str(graph.identifier): to_isomorphic(graph) for graph in dataset.graphs() if len(graph)}

    local, remote = (graphs(fetch(s.url + "/dump.nq.gz", "application/gzip")[1]) for s in servers)
    assert remote == local
    assert len(local) == 4  # the source, the merged, the ontology, the inferred graph


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("ASK { GRAPH <http://example.org/none> { ?s ?p ?o } }", "application/sparql-results+json"),
        (
            "ASK { GRAPH <https://w3id.org/accords/graph/ontology> { ?s ?p ?o } }",
            "application/sparql-results+json",
        ),
        ("CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples"),  # relative IRIs: the base
    ],
)
def test_asks_and_relative_iris_answer_the_same(
    servers: tuple[Spawned, Spawned], query: str, accept: str
) -> None:
    (status_local, local), (status_remote, remote) = (
        fetch(s.url + "/sparql", accept, query) for s in servers
    )
    assert (status_local, status_remote) == (200, 200), remote[:300]
    assert remote == local
