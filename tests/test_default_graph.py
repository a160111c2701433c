"""The default graph is a set: a triple several articles state comes back once.

Several generated articles name the same states, so their source graphs repeat triples such
as a state's label. SPARQL's default graph is the merge of the graphs (a set of triples),
not a bag with one copy per article.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from accords.bench.generate import generate_corpus
from accords.config import Settings
from accords.loaders.namespaces import INFERRED_GRAPH
from accords.loaders.store import BUILD_INFO, current_build, open_read_only
from accords.server.app import create_app
from tests.fixtures import accords

ARTICLES = 30
JSON = {"Accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("default-graph")
    generate_corpus(work / "articles", ARTICLES, seed=5)
    result = accords("build", "--store", str(work / "store"), str(work / "articles"))
    assert result.returncode == 0, result.stderr
    return work / "store"


@pytest.fixture(scope="module")
def named_quads(store: Path) -> list[ox.Quad]:
    """Every quad of the named graphs, read straight from the store."""
    opened = open_read_only(store)
    return [q for q in opened.store if not isinstance(q.graph_name, ox.DefaultGraph)]


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[FlaskClient]:
    app = create_app(Settings(store=store, query_processes=1, max_result_rows=100_000, query_timeout=20.0))
    yield app.test_client()
    app.extensions["accords"].executors.close()


def _count(client: FlaskClient, query: str, **params: str) -> int:
    response = client.get("/sparql", query_string={"query": query, **params}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_the_corpus_repeats_triples_across_articles(named_quads: list[ox.Quad]) -> None:
    graphs_of: dict[ox.Triple, set] = {}
    for quad in named_quads:
        graphs_of.setdefault(quad.triple, set()).add(quad.graph_name)
    assert max(len(graphs) for graphs in graphs_of.values()) >= 2


def test_a_repeated_triple_comes_back_once(client: FlaskClient, named_quads: list[ox.Quad]) -> None:
    graphs_of: dict[ox.Triple, set] = {}
    for quad in named_quads:
        graphs_of.setdefault(quad.triple, set()).add(quad.graph_name)
    repeated = max(graphs_of, key=lambda t: len(graphs_of[t]))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {repeated.subject} {repeated.predicate} {repeated.object} }}"
    assert _count(client, query) == 1
    in_graphs = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {repeated} }} }}"
    assert _count(client, in_graphs) == len(graphs_of[repeated])


def test_the_default_graph_is_the_merge_of_the_named_graphs(
    client: FlaskClient, named_quads: list[ox.Quad]
) -> None:
    everything = {q.triple for q in named_quads}
    stated = {q.triple for q in named_quads if q.graph_name != ox.NamedNode(str(INFERRED_GRAPH))}
    assert _count(client, COUNT) == len(everything)
    assert _count(client, COUNT, infer="false") == len(stated)
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert _count(client, distinct) == len(everything)


def test_graph_listings_name_the_build_s_named_graphs_only(
    client: FlaskClient, named_quads: list[ox.Quad]
) -> None:
    """No graph of the layout (the stated store, the merges) shows up among the named graphs."""
    graphs = {q.graph_name.value for q in named_quads}
    listing = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    for infer, expected in (("true", graphs), ("false", graphs - {str(INFERRED_GRAPH)})):
        response = client.get("/sparql", query_string={"query": listing, "infer": infer}, headers=JSON)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert {b["g"]["value"] for b in response.get_json()["results"]["bindings"]} == expected


def test_the_command_line_query_sees_the_same_default_graph(store: Path, named_quads: list[ox.Quad]) -> None:
    result = accords("query", "--store", str(store), "--format", "json", COUNT)
    assert result.returncode == 0, result.stderr
    count = json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"]
    assert int(count) == len({q.triple for q in named_quads})


def test_dumps_and_health_count_the_named_graphs(client: FlaskClient, named_quads: list[ox.Quad]) -> None:
    health = client.get("/health").get_json()
    assert health["store"]["quads"] == len(named_quads)
    assert health["store"]["distinct_triples"] == len({q.triple for q in named_quads})
    dumped = list(ox.parse(client.get("/dump.trig").get_data(), ox.RdfFormat.TRIG))
    assert sorted(map(str, dumped)) == sorted(map(str, named_quads))
    turtle = list(ox.parse(client.get("/dump.ttl").get_data(), ox.RdfFormat.TURTLE))
    assert len(turtle) == len({q.triple for q in named_quads})


def test_a_store_of_the_former_layout_is_refused_with_a_clear_message(tmp_path: Path, store: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    build = current_build(store)
    assert build is not None
    (old / "current").symlink_to(build)
    copy = tmp_path / "old-build"
    copy.mkdir()
    (copy / "db").symlink_to(build / "db")
    info = json.loads((build / BUILD_INFO).read_text(encoding="utf-8"))
    del info["format"]
    (copy / BUILD_INFO).write_text(json.dumps(info), encoding="utf-8")
    (old / "current").unlink()
    (old / "current").symlink_to(copy)
    result = accords("query", "--store", str(old), COUNT)
    assert result.returncode != 0
    assert "another version of Accords" in result.stderr and "accords build" in result.stderr
    assert "Traceback" not in result.stderr
