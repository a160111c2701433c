"""The fast reasoner gives exactly owlrl's filtered inferences, and fails where owlrl fails."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef

from accords.bench.generate import generate_corpus
from accords.loaders import reasoner
from accords.loaders.convert import to_oxigraph
from accords.loaders.merged import graph_pairs, merge
from accords.loaders.namespaces import ACC, SEEDS_DIR
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.reasoner.terms import from_key, to_key
from accords.loaders.reasoning import InconsistencyError
from accords.loaders.reasoning import materialize as owlrl_materialize
from accords.loaders.sources import discover, read_source
from tests.fixtures import accords

TOY = """
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:A a owl:Class . :B a owl:Class ; rdfs:subClassOf :A . :C a owl:Class ; owl:equivalentClass :D .
:U owl:unionOf ( :B :C ) .
:I owl:intersectionOf ( :A :C ) .
:S a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :B .
:T a owl:Restriction ; owl:onProperty :q ; owl:someValuesFrom owl:Thing .
:V a owl:Restriction ; owl:onProperty :p ; owl:allValuesFrom :C .
:H a owl:Restriction ; owl:onProperty :r ; owl:hasValue :v1 .
:H2 a owl:Restriction ; owl:onProperty :r2 ; owl:hasValue :v1 .
:r rdfs:subPropertyOf :r2 . :r a owl:ObjectProperty . :r2 a owl:ObjectProperty .
:p a owl:ObjectProperty ; rdfs:domain :A ; rdfs:range :B ; owl:inverseOf :pi .
:q owl:equivalentProperty :q2 ; rdfs:subPropertyOf :p .
:s a owl:SymmetricProperty . :t a owl:TransitiveProperty .
:ch owl:propertyChainAxiom ( :p :t :s ) .
:O owl:oneOf ( :o1 :o2 ) .
:lit a owl:DatatypeProperty ; rdfs:range xsd:integer .
:x1 :p :x2 . :x2 :t :x3 . :x3 :t :x4 . :x4 :s :x5 . :x2 a :C . :x6 :q :x7 . :x8 a :V ; :p :x9 .
:x10 :r :v1 . :x11 a :H . :x12 a :I . :x13 a :D , :A . :x14 :lit "5"^^xsd:integer . :x15 :lit "abc" .
:x16 :pi :x17 .
"""


def build_triples(folder: Path, limit: int | None = None) -> list:
    """The ontology, source graphs (until ``limit`` triples) and the merged graph made from them:
    what a build reasons over."""
    ontology = ontology_graph()
    triples = [*ontology]
    sources = {}
    for source in discover([folder]):
        article, graph = read_source(source, topic_slugs(ontology))
        triples.extend(graph)
        sources[article.source_id] = graph_pairs((to_key(s), to_key(p), to_key(o)) for s, p, o in graph)
        if limit is not None and len(triples) >= limit:
            break
    merged = merge(sources, [(to_key(s), to_key(p), to_key(o)) for s, p, o in ontology]).triples
    triples.extend((from_key(s), from_key(p), from_key(o)) for s, p, o in merged)
    return triples


def seed_triples() -> list:
    return build_triples(SEEDS_DIR)


def assert_same_as_owlrl(triples: list) -> set:
    fast = reasoner.materialize(triples)
    assert fast == owlrl_materialize(triples)
    return fast


def test_identical_to_owlrl_on_the_seed() -> None:
    inferred = assert_same_as_owlrl(seed_triples())
    assert len(inferred) > 250


def test_identical_to_owlrl_on_a_synthetic_sample(tmp_path: Path) -> None:
    """About 20,000 asserted triples of generated articles, with the ontology."""
    generate_corpus(tmp_path, 80, seed=11)
    triples = build_triples(tmp_path, limit=20_000)
    assert len(triples) >= 20_000
    inferred = assert_same_as_owlrl(triples)
    assert len(inferred) > 2_000


def test_identical_to_owlrl_on_the_rl_constructs_the_ontology_does_not_use() -> None:
    """Unions, someValuesFrom, allValuesFrom, longer chains, equivalent properties, oneOf…"""
    inferred = assert_same_as_owlrl(list(Graph().parse(data=TOY, format="turtle")))
    assert len(inferred) > 50


NOBODY = URIRef("https://w3id.org/accords/id/person/nobody")
STATE = URIRef("https://w3id.org/accords/id/state/x")


@pytest.mark.parametrize(
    "extra",
    [
        [(NOBODY, RDF.type, ACC.Person), (NOBODY, RDF.type, ACC.State)],  # stated
        [(NOBODY, ACC.visitor, STATE), (STATE, RDF.type, ACC.State)],  # inferred through a range
    ],
    ids=["stated", "inferred"],
)
def test_disjointness_is_raised_like_owlrl(extra: list) -> None:
    triples = [*ontology_graph(), *extra]
    with pytest.raises(InconsistencyError) as expected:
        owlrl_materialize(triples)
    with pytest.raises(InconsistencyError) as raised:
        reasoner.materialize(triples)
    assert raised.value.messages == expected.value.messages


def test_ill_typed_literal_is_raised_like_owlrl() -> None:
    thing = URIRef("https://w3id.org/accords/id/evidence/x/1-2")
    triples = [*ontology_graph(), (thing, ACC.begin, Literal("one", datatype=XSD.integer))]
    with pytest.raises(InconsistencyError) as expected:
        owlrl_materialize(triples)
    with pytest.raises(InconsistencyError) as raised:
        reasoner.materialize(triples)
    assert raised.value.messages == expected.value.messages


def test_unsupported_input_falls_back_to_owlrl() -> None:
    data = TOY + ":p a owl:FunctionalProperty . :x1 :p :x20 .\n"
    triples = list(Graph().parse(data=data, format="turtle"))
    with pytest.warns(UserWarning, match="using owlrl"):
        inferred = reasoner.materialize(triples)
    assert inferred == owlrl_materialize(triples)


def test_term_strings_are_those_pyoxigraph_writes(tmp_path: Path) -> None:
    """The reasoner's strings for terms equal pyoxigraph's N-Triples, so both can be mixed."""
    generate_corpus(tmp_path, 5, seed=2)
    terms = {t for triple in seed_triples() for t in triple}
    for source in discover([tmp_path]):
        terms |= {t for triple in read_source(source, topic_slugs(ontology_graph()))[1] for t in triple}
    terms |= {Literal('quote " back\\slash\nline\ttab\x01\x7f é'), Literal("x", lang="fr")}
    for term in terms:
        key = to_key(term)
        assert key == str(to_oxigraph(term)), term
        assert from_key(key) == term
    assert str(ox.Literal("a")) == to_key(Literal("a"))


def test_build_with_either_reasoner_gives_the_same_store(seed_store_dir: Path, tmp_path: Path) -> None:
    """The session's seed build (the default reasoner, fast) against an owlrl build of the same seeds."""
    owlrl = tmp_path / "owlrl"
    built = accords("build", "--store", str(owlrl), "--reasoner", "owlrl")
    assert built.returncode == 0, built.stderr
    exports = []
    for name, store in (("fast", seed_store_dir), ("owlrl", owlrl)):
        exported = accords("export", "--store", str(store), "--format", "nquads")
        assert exported.returncode == 0, exported.stderr
        exports.append(sorted(exported.stdout.splitlines()))
        assert json.loads((store / "current" / "build.json").read_text())["reasoner"] == name
    assert exports[0] == exports[1]


# --------------------------------------------------------------------------- the full regime

W3C_DATA = sorted((Path(__file__).parent / "w3c" / "sparql11-entailment").glob("*.ttl"))
W3C_DATA = [path for path in W3C_DATA if path.name != "manifest.ttl"]


def both_regimes(triples: list) -> tuple[reasoner.Inference, reasoner.Inference]:
    """The inference of the fast engine and owlrl's, full regime included."""
    keys = [tuple(map(to_key, t)) for t in triples]
    fast = reasoner.reason_keys(reasoner.group(keys), full=True, reasoner="fast")
    reference = reasoner.reason_keys(reasoner.group(keys), full=True, reasoner="owlrl")
    return fast, reference


def test_full_regime_identical_to_owlrl_on_the_seed_and_the_toy() -> None:
    for triples in (seed_triples(), list(Graph().parse(data=TOY, format="turtle"))):
        fast, reference = both_regimes(triples)
        assert fast.fallback is None
        assert fast.useful == reference.useful
        assert fast.dropped == reference.dropped
        assert len(fast.dropped) > len(fast.useful) > 50


@pytest.mark.parametrize("data", W3C_DATA, ids=[p.stem for p in W3C_DATA])
def test_full_regime_identical_to_owlrl_on_the_w3c_entailment_data(data: Path) -> None:
    """The data of the W3C entailment tests: the same triples in both views, or owlrl ran (and it says so)."""
    fast, reference = both_regimes(list(Graph().parse(data, format="turtle")))
    assert (fast.useful, fast.dropped) == (reference.useful, reference.dropped)
    if fast.fallback is not None:
        assert data.stem in {"simple", "data-08", "sparqldl-13"}, fast.fallback


def test_the_build_summary_says_when_the_fast_reasoner_falls_back(tmp_path: Path) -> None:
    data = tmp_path / "functional.ttl"
    data.write_text(TOY + ":p a owl:FunctionalProperty . :x1 :p :x20 .\n", encoding="utf-8")
    result = accords("build", "--store", str(tmp_path / "store"), "--no-articles",
                     "--graph", f"http://example.org/f={data}")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "the fast reasoner fell back to owlrl (" in result.stderr
    assert "FunctionalProperty" in result.stderr
