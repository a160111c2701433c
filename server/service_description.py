"""The SPARQL 1.1 Service Description of the endpoint, as RDF."""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox

from accords.config import LIMITS, Settings
from accords.formats import GRAPH_FORMATS, SOLUTION_FORMATS, Format
from accords.loaders.namespaces import BASE, INFERRED_FULL_GRAPH, INFERRED_GRAPH, SOURCE_GRAPH_PREFIX

SD = "http://www.w3.org/ns/sparql-service-description#"
# A triple before it is made: subject, predicate, object.
Statement = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
OWL_RDF_BASED = ox.NamedNode("http://www.w3.org/ns/entailment/OWL-RDF-Based")
OWL2_RL = ox.NamedNode("http://www.w3.org/ns/owl-profile/RL")
SERVICE = BASE + "service#"
FORMATS = "http://www.w3.org/ns/formats/"
PREFIXES = {
    "sd": SD,
    "void": VOID,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "formats": FORMATS,
    "service": SERVICE,
}


def _sd(name: str) -> ox.NamedNode:
    """A term of the Service Description vocabulary."""
    return ox.NamedNode(SD + name)


def _format_iri(fmt: Format) -> ox.NamedNode:
    """The W3C format IRI of a result format."""
    return ox.NamedNode(fmt.iri)


def describe(endpoint: str, settings: Settings, statistics: dict | None) -> list[ox.Triple]:
    """The triples describing the service at ``endpoint`` (and its dataset, when known)."""
    service = ox.NamedNode(endpoint)
    triples: list[Statement] = [
        (service, RDF_TYPE, _sd("Service")),
        (service, _sd("endpoint"), service),
        (service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        (service, _sd("feature"), _sd("UnionDefaultGraph")),
        (service, _sd("feature"), _sd("BasicFederatedQuery")),
        (service, _sd("defaultEntailmentRegime"), OWL_RDF_BASED),
        (service, _sd("defaultSupportedEntailmentProfile"), OWL2_RL),
        (
            service,
            RDFS_COMMENT,
            ox.Literal(
                "Read-only. OWL 2 RL entailment by materialization over every graph marked with"
                " sd:entailmentRegime (the articles, the ontology and the files loaded with"
                f" --graph): the inferred triples are in the graph <{INFERRED_GRAPH}>, part of the"
                " default graph; add infer=false to a request to query without them. That graph"
                " leaves out trivial inferences (axiomatic and reflexive triples, owl:Thing types,"
                " facts about blank nodes); add entailment=full to a request for the whole regime,"
                f" the default graph then also holds <{INFERRED_FULL_GRAPH}> (in builds made with"
                " --full-entailment). FROM and FROM NAMED name local graphs only; SERVICE reaches"
                " only the allow-listed endpoints."
            ),
        ),
    ]
    triples += [
        (service, ox.NamedNode(SERVICE + limit.service_term), ox.Literal(getattr(settings, limit.setting)))
        for limit in LIMITS
        if limit.service_term
    ]
    triples.append((service, ox.NamedNode(SERVICE + "entailmentParameter"), ox.Literal("entailment=full")))
    triples.append((service, ox.NamedNode(SERVICE + "defaultEntailment"), ox.Literal(settings.entailment)))
    triples += [
        (service, ox.NamedNode(SERVICE + "allowedService"), ox.NamedNode(iri))
        for iri in settings.service_allowlist
    ]
    triples += [
        (service, _sd("resultFormat"), _format_iri(fmt)) for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS)
    ]
    if statistics is not None:
        triples += _dataset(service, statistics)
    return [ox.Triple(*triple) for triple in triples]


def _dataset(service: ox.NamedNode, statistics: dict) -> list[Statement]:
    """The default dataset: the default graph (the merge) and each named graph, with their sizes."""
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples: list[Statement] = [
        (service, _sd("defaultDataset"), dataset),
        (dataset, RDF_TYPE, _sd("Dataset")),
        (dataset, _sd("defaultGraph"), default),
        (default, RDF_TYPE, _sd("Graph")),
        (default, RDFS_COMMENT, ox.Literal("The merge of all the named graphs: every triple once.")),
    ]
    if statistics.get("distinct_triples") is not None:
        triples.append((default, ox.NamedNode(VOID + "triples"), ox.Literal(statistics["distinct_triples"])))
    reasoning = statistics.get("info", {}).get("reasoning", {})
    reasoned = set(reasoning.get("graphs", ()))
    if reasoning.get("full_entailment"):
        triples.append(
            (service, ox.NamedNode(SERVICE + "fullEntailmentGraph"), ox.NamedNode(INFERRED_FULL_GRAPH))
        )
    for name, count in sorted(statistics["graphs"].items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            (dataset, _sd("namedGraph"), named),
            (named, RDF_TYPE, _sd("NamedGraph")),
            (named, _sd("name"), ox.NamedNode(name)),
            (named, _sd("graph"), graph),
            (graph, RDF_TYPE, _sd("Graph")),
            (graph, ox.NamedNode(VOID + "triples"), ox.Literal(count)),
        ]
        if name in reasoned or name.startswith(SOURCE_GRAPH_PREFIX):  # part of the reasoning
            triples += [
                (named, _sd("entailmentRegime"), OWL_RDF_BASED),
                (named, _sd("supportedEntailmentProfile"), OWL2_RL),
            ]
    return triples


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    """The description in one of the RDF formats."""
    return cast(bytes, ox.serialize(triples, format=fmt.rdf, prefixes=PREFIXES))  # no output: bytes
