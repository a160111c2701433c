"""OWL 2 RL materialization with owlrl, and the filter that keeps only useful inferences."""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal
from rdflib.term import Node

from accords.errors import AccordsError
from accords.loaders.namespaces import ACC

Triple = tuple[Node, Node, Node]
BUILT_IN = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
REFLEXIVE_NOISE = {
    OWL.sameAs,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    ACC.sharesAgreementWith,
}
TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


class InconsistencyError(AccordsError):
    """owlrl found the ontology and data contradict each other."""

    def __init__(self, messages: list[str], where: str = "the graph") -> None:
        self.messages = messages
        self.where = where
        listed = "; ".join(messages[:5]) + (f" (and {len(messages) - 5} more)" if len(messages) > 5 else "")
        super().__init__(f"{where} is inconsistent under OWL 2 RL: {listed}")


def is_useful(triple: Triple) -> bool:
    """False for generalized triples, axiomatic noise about built-in terms and reflexive trivia."""
    s, p, o = triple
    if isinstance(s, Literal) or isinstance(p, BNode | Literal):
        return False
    if isinstance(s, BNode) or isinstance(o, BNode):
        return False  # facts about the ontology's anonymous class expressions and lists
    if str(s).startswith(BUILT_IN):
        return False
    if s == o and p in REFLEXIVE_NOISE:
        return False
    if p == RDF.type and o in TRIVIAL_OBJECTS:
        return False
    return not (p in (RDFS.subClassOf, OWL.equivalentClass) and o in TRIVIAL_OBJECTS)


def is_storable(triple: Triple) -> bool:
    """False for generalized triples (a literal subject, a predicate not an IRI): RDF cannot hold them."""
    s, p, _ = triple
    return not isinstance(s, Literal) and not isinstance(p, BNode | Literal)


def entailed(asserted: Iterable[Triple]) -> set[Triple]:
    """Every storable triple OWL 2 RL entails from ``asserted`` that was not asserted (the full regime).

    Raises InconsistencyError with owlrl's messages when the input is inconsistent.
    """
    graph = Graph()
    for triple in asserted:
        graph.add(triple)
    before = set(graph)
    closure = owlrl.OWLRL_Semantics(graph, False, False, rdfs=False)
    closure.closure()
    if closure.error_messages:
        raise InconsistencyError(list(closure.error_messages))
    return {t for t in graph if t not in before and is_storable(t)}


def materialize(asserted: Iterable[Triple]) -> set[Triple]:
    """The useful triples OWL 2 RL entails from ``asserted`` that were not asserted (InconsistencyError)."""
    return {t for t in entailed(asserted) if is_useful(t)}
