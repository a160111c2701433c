"""Files loaded with ``accords build --graph`` are reasoned over with the rest; ``--graph-as-is`` not.

Also: the full entailment regime (``--full-entailment`` builds, ``accords query --entailment
full``, ``/sparql?entailment=full``), an inconsistent user graph failing the build with
owlrl's message and its graph's name, and incremental updates keeping the user's graphs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph

from accords.bench.generate import generate_corpus
from accords.config import ConfigError, Settings, load_settings
from accords.loaders.build import Inputs, build_store
from accords.loaders.namespaces import ACC, INFERRED_FULL_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH
from accords.loaders.store import current_build, open_read_only
from accords.server.app import create_app
from tests.fixtures import accords

EX = "http://example.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DOGS = f"""@prefix ex: <{EX}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Dog a owl:Class ; rdfs:subClassOf ex:Animal . ex:rex a ex:Dog .
"""
CLASSES_OF_REX = f"SELECT ?c {{ <{EX}rex> a ?c }}"
CONTRADICTION = f"""@prefix ex: <{EX}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Cat owl:disjointWith ex:Dog . ex:tom a ex:Cat, ex:Dog .
"""
# An extension of the Accords ontology: every agreement of the articles is also an ex:Pact.
PACTS = f"""@prefix ex: <{EX}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ACC.Agreement}> rdfs:subClassOf ex:Pact .
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def classes(store: Path, *flags: str) -> set[str]:
    result = accords("query", "--store", str(store), "--format", "json", *flags, CLASSES_OF_REX)
    assert result.returncode == 0, result.stderr
    return {row["c"]["value"] for row in json.loads(result.stdout)["results"]["bindings"]}


def test_a_graph_file_is_reasoned_over_and_its_inferences_go_to_the_inferred_graph(tmp_path: Path) -> None:
    dogs = write(tmp_path, "dogs.ttl", DOGS)
    store = tmp_path / "store"
    result = accords("build", "--store", str(store), "--no-articles", "--graph", f"{EX}dogs={dogs}")
    assert result.returncode == 0, result.stderr
    assert classes(store) == {f"{EX}Dog", f"{EX}Animal"}
    opened = open_read_only(store)
    animal = ox.Quad(ox.NamedNode(f"{EX}rex"), ox.NamedNode(RDF_TYPE), ox.NamedNode(f"{EX}Animal"))
    graphs = {
        q.graph_name for q in opened.store.quads_for_pattern(animal.subject, animal.predicate, animal.object)
    }  # the default graph, the merge the queries read, holds it too
    assert graphs == {ox.NamedNode(str(INFERRED_GRAPH)), ox.DefaultGraph()}, "in no source graph"
    assert opened.info["reasoning"]["graphs"] == [str(ONTOLOGY_GRAPH), f"{EX}dogs"]


def test_a_graph_as_is_is_not_reasoned_over(tmp_path: Path) -> None:
    dogs = write(tmp_path, "dogs.ttl", DOGS)
    store = tmp_path / "store"
    result = accords("build", "--store", str(store), "--no-articles", "--graph-as-is", f"{EX}dogs={dogs}")
    assert result.returncode == 0, result.stderr
    assert classes(store) == {f"{EX}Dog"}
    assert open_read_only(store).info["reasoning"]["as_is"] == [f"{EX}dogs"]


def test_the_full_regime_adds_what_the_filter_drops_only_when_asked(tmp_path: Path) -> None:
    dogs = write(tmp_path, "dogs.ttl", DOGS)
    plain, full = tmp_path / "plain", tmp_path / "full"
    for store, flags in ((plain, ()), (full, ("--full-entailment",))):
        result = accords("build", "--store", str(store), "--no-articles", "--no-ontology", *flags,
                         "--graph", f"{EX}dogs={dogs}")  # fmt: skip
        assert result.returncode == 0, result.stderr
    thing = "http://www.w3.org/2002/07/owl#Thing"
    assert classes(full) == {f"{EX}Dog", f"{EX}Animal"}, "the default view stays filtered"
    assert classes(full, "--entailment", "full") == {f"{EX}Dog", f"{EX}Animal", thing}
    reflexive = f"ASK {{ <{EX}Dog> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EX}Dog> }}"
    answer = accords("query", "--store", str(full), "--entailment", "full", reflexive)
    assert answer.stdout.strip() == "true"
    refused = accords("query", "--store", str(plain), "--entailment", "full", CLASSES_OF_REX)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "accords query: this build has no full-entailment graph: build it with --full-entailment"
    ]


def test_an_inconsistent_graph_fails_the_build_with_owlrls_message_and_its_name(tmp_path: Path) -> None:
    dogs, cats = write(tmp_path, "dogs.ttl", DOGS), write(tmp_path, "cats.ttl", CONTRADICTION)
    store = tmp_path / "store"
    assert (
        accords("build", "--store", str(store), "--no-articles", "--graph", f"{EX}dogs={dogs}").returncode
        == 0
    )
    served = current_build(store)
    result = accords("build", "--store", str(store), "--no-articles",
                     "--graph", f"{EX}dogs={dogs}", "--graph", f"{EX}cats={cats}")  # fmt: skip
    assert result.returncode == 1
    reference = owlrl.OWLRL_Semantics(Graph().parse(cats), False, False, rdfs=False)
    reference.closure()
    (message,) = reference.error_messages
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"accords build: graph <{EX}cats> is inconsistent under OWL 2 RL: ")
    assert message in lines[0]
    assert current_build(store) == served, "the previous build stays current"
    assert classes(store) == {f"{EX}Dog", f"{EX}Animal"}


def _nquads(store: Path) -> list[str]:
    """Every quad of the build, default graph included, as sorted N-Quads lines."""
    opened = open_read_only(store)
    return sorted(f"{q}" for q in opened.store)


@pytest.mark.parametrize("change", ["--add", "--remove"])
def test_updates_keep_the_graphs_and_their_inferences_as_a_full_rebuild(tmp_path: Path, change: str) -> None:
    every = tmp_path / "every"
    generate_corpus(every, 6, seed=5)
    articles = sorted(every.glob("*.txt"))
    first, whole = tmp_path / "first", tmp_path / "whole"
    kept = articles[:-1] if change == "--add" else articles
    after = articles if change == "--add" else articles[:-1]
    for folder, chosen in ((first, kept), (whole, after)):
        folder.mkdir()
        for article in chosen:
            shutil.copy(article, folder)
            shutil.copy(article.with_suffix(".yaml"), folder)
    pacts, dogs = write(tmp_path, "pacts.ttl", PACTS), write(tmp_path, "dogs.ttl", DOGS)
    graphs = ["--graph", f"{EX}pacts={pacts}", "--graph-as-is", f"{EX}dogs={dogs}", "--full-entailment"]
    updated, rebuilt = tmp_path / "updated", tmp_path / "rebuilt"
    assert accords("build", "--store", str(updated), str(first), *graphs).returncode == 0
    argument = str(articles[-1]) if change == "--add" else articles[-1].stem
    result = accords("build", "--store", str(updated), change, argument)
    assert result.returncode == 0, result.stderr
    assert accords("build", "--store", str(rebuilt), str(whole), *graphs).returncode == 0
    count = "SELECT (COUNT(?a) AS ?n) {{ ?a a <{}> }}"
    pacts, agreements = (
        int(accords("query", "--store", str(updated), "--format", "csv", count.format(c)).stdout.split()[-1])
        for c in (f"{EX}Pact", ACC.Agreement)
    )
    assert pacts == agreements > 0, "every agreement is a pact, by the user's graph"
    assert _nquads(updated) == _nquads(rebuilt)


@pytest.fixture(scope="module")
def dog_server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("dog-server")
    dogs, cats = (
        write(root, "dogs.ttl", DOGS),
        write(root, "cats.ttl", CONTRADICTION.replace("disjointWith", "seeAlso")),
    )
    settings = Settings(store=root / "store", sources=(), full_entailment=True)
    build_store(settings, inputs=Inputs({f"{EX}dogs": dogs}, {f"{EX}cats": cats}))
    app = create_app(settings)
    yield app.test_client()
    app.extensions["accords"].executors.close()


def test_the_entailment_setting_chooses_what_a_query_gets_when_it_does_not_say(dog_server) -> None:
    store = Path(dog_server.application.extensions["accords"].settings.store)
    app = create_app(Settings(store=store, entailment="full"))
    try:
        client = app.test_client()
        query = {"query": CLASSES_OF_REX}
        assert len(client.get("/sparql", query_string=query).json["results"]["bindings"]) == 3
        filtered = client.get("/sparql", query_string={**query, "entailment": "filtered"})
        assert len(filtered.json["results"]["bindings"]) == 2
        assert (
            len(client.get("/sparql", query_string={**query, "infer": "false"}).json["results"]["bindings"])
            == 1
        )
    finally:
        app.extensions["accords"].executors.close()
    with pytest.raises(
        ConfigError, match="ACCORDS_ENTAILMENT: cannot use 'some' \\(must be one of filtered, full\\)"
    ):
        load_settings(environ={"ACCORDS_ENTAILMENT": "some"})


def test_sparql_entailment_full_and_what_the_service_says(dog_server) -> None:
    def rows(**params: str) -> set[str]:
        response = dog_server.get("/sparql", query_string={"query": CLASSES_OF_REX, **params})
        assert response.status_code == 200, response.text
        return {b["c"]["value"] for b in response.json["results"]["bindings"]}

    assert rows() == {f"{EX}Dog", f"{EX}Animal"}
    assert rows(entailment="full") == {f"{EX}Dog", f"{EX}Animal", "http://www.w3.org/2002/07/owl#Thing"}
    bad = dog_server.get("/sparql", query_string={"query": CLASSES_OF_REX, "entailment": "some"})
    assert bad.status_code == 400 and "entailment must be filtered or full" in bad.text
    both = dog_server.get(
        "/sparql", query_string={"query": CLASSES_OF_REX, "entailment": "full", "infer": "false"}
    )
    assert both.status_code == 400

    description = dog_server.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=description.data, format="turtle")
    reasoned = {
        str(row.g)
        for row in graph.query(
            "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
            "PREFIX ent: <http://www.w3.org/ns/entailment/> "
            "SELECT ?g { ?n sd:name ?g ; sd:entailmentRegime ent:OWL-RDF-Based }"
        )
    }
    assert reasoned == {f"{EX}dogs", str(ONTOLOGY_GRAPH)}
    assert "entailment=full" in description.text and str(INFERRED_FULL_GRAPH) in description.text

    health = dog_server.get("/health").json["reasoning"]
    assert health["reasoned_graphs"] == [str(ONTOLOGY_GRAPH), f"{EX}dogs"]
    assert health["not_reasoned"] == [f"{EX}cats"]
    assert health["full_entailment"] is True


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--graph", f"{INFERRED_GRAPH}=FILE"], "is one the build writes itself"),
        (["--graph", f"{EX}d=FILE", "--graph-as-is", f"{EX}d=FILE"], "both with --graph and --graph-as-is"),
    ],
    ids=["reserved", "twice"],
)
def test_a_graph_iri_the_build_cannot_take_is_one_line(tmp_path: Path, flags: list[str], says: str) -> None:
    dogs = write(tmp_path, "dogs.ttl", DOGS)
    flags = [flag.replace("FILE", str(dogs)) for flag in flags]
    result = accords("build", "--store", str(tmp_path / "store"), "--no-articles", *flags)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"accords build: {dogs}: graph <") and says in line
