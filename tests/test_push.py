"""``accords build --push URL``: the build's graphs land in a real ``oxigraph serve``
(started here, on a loopback port) through the Graph Store Protocol."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from accords.bench.servers import free_port, start_oxigraph
from accords.loaders.push import push
from accords.loaders.store import StoreError
from tests.conftest import SOURCE_GRAPH, server_store_quads
from tests.fixtures import accords, new_build


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """The tiny dataset, with one triple stated again in another graph."""
    root = tmp_path / "store"
    with new_build(root) as (db, info):
        db.extend(_quads())
        info["quads"] = len(_quads())
    return root


def _quads() -> list[ox.Quad]:
    quads = server_store_quads()
    again = next(q for q in quads if q.graph_name.value.startswith("https://w3id.org/accords/graph/source/"))
    other = ox.NamedNode("https://w3id.org/accords/graph/source/again")
    return [*quads, ox.Quad(again.subject, again.predicate, again.object, other)]


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A read-write ``oxigraph serve`` (the oxigraph CLI of the test extras); its base URL."""
    oxigraph = start_oxigraph(tmp_path / "oxigraph", tmp_path / "oxigraph.log")
    try:
        yield oxigraph.url
    finally:
        oxigraph.stop()


def _counts(base: str) -> dict[str, int]:
    query = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(
        base + "/query?query=" + urllib.parse.quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        bindings = json.load(response)["results"]["bindings"]
    return {b["g"]["value"]: int(b["n"]["value"]) for b in bindings}


def _expected() -> dict[str, int]:
    expected: dict[str, int] = {}
    for quad in _quads():
        expected[quad.graph_name.value] = expected.get(quad.graph_name.value, 0) + 1
    return expected


def _default_graph(base: str) -> int:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    request = urllib.request.Request(
        base + "/query?query=" + urllib.parse.quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def test_push_puts_every_graph(store: Path, oxigraph: str) -> None:
    summary = push(store, oxigraph + "/store")
    assert summary["graphs"] == len(_expected())
    assert summary["triples"] == len(_quads())
    # the default graph is the merge: every triple once
    distinct = {q.triple for q in _quads()}
    assert len(distinct) == len(_quads()) - 1
    assert summary["merged"] == len(distinct) == _default_graph(oxigraph)
    assert _counts(oxigraph) == _expected()
    # a second push replaces the graphs (PUT), it does not add to them
    push(store, oxigraph + "/store")
    assert _counts(oxigraph) == _expected()
    assert _expected()[SOURCE_GRAPH] > 2


def test_push_in_chunks_puts_whole_graphs_and_a_named_default(
    store: Path, oxigraph: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphs larger than a chunk arrive whole (PUT, then POSTs), and again after a second push;
    with a ``default_graph`` the merge goes to that named graph, as for Virtuoso."""
    monkeypatch.setattr("accords.loaders.push.CHUNK_TRIPLES", 7)
    merged = len({q.triple for q in _quads()})
    for _ in range(2):
        summary = push(store, oxigraph + "/store", default_graph="urn:accords:default-graph")
        assert _counts(oxigraph) == {**_expected(), "urn:accords:default-graph": merged}
    assert summary["merged"] == merged
    assert _default_graph(oxigraph) == 0
    with pytest.raises(StoreError, match="is a graph of the build"):
        push(store, oxigraph + "/store", default_graph=SOURCE_GRAPH)


def test_push_reports_errors_in_one_line(store: Path, oxigraph: str) -> None:
    with pytest.raises(StoreError, match=r"push to .*HTTP 404"):
        push(store, oxigraph + "/no-such-endpoint")
    with pytest.raises(StoreError, match="http"):
        push(store, "ftp://example.org/store")
    with pytest.raises(StoreError, match="push to"):
        push(store, f"http://127.0.0.1:{free_port()}/store", timeout=2)


def test_accords_build_push(tmp_path: Path, oxigraph: str) -> None:
    """The command line: build two generated articles, then push them."""
    from accords.bench.generate import generate_corpus

    generate_corpus(tmp_path / "corpus", 2, seed=0, processes=1)
    built = str(tmp_path / "built")
    done = accords("build", "--store", built, str(tmp_path / "corpus"), "--push", oxigraph + "/store")
    assert done.returncode == 0, done.stderr
    assert "pushed" in done.stderr
    counts = _counts(oxigraph)
    assert "https://w3id.org/accords/graph/inferred" in counts
    assert sum(1 for g in counts if "/graph/source/" in g) == 2
