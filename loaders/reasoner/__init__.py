"""A fast OWL 2 RL materialization that gives exactly owlrl's filtered result.

owlrl (``loaders.reasoning``) stays the reference: it re-applies every rule to every triple
until nothing changes, which costs about half a millisecond per triple here and grows with the
graph. This package computes the same closure in two strata:

1. the schema closure: owlrl's ``scm-*`` rules over the input's schema triples, a few thousand
   triples at most (``program.schema_closure``);
2. the data closure: owlrl's ``prp-*``, ``cls-*`` and ``cax-*`` rules, compiled from that
   closed schema into lookup tables and evaluated semi-naively, a set of pairs at a time, over
   N-Triples strings (``engine.Engine``), with owlrl's one-time datatype rules and its
   consistency checks.

The terms of the rules are read from the ontology, not written in the code. Input this engine
does not mirror exactly (owl:sameAs and what derives it, keys, cardinalities…) raises
``Unsupported`` inside, and the public functions then fall back to owlrl (``reason_keys`` says
so in its result, ``materialize`` with a warning). ``reason_keys`` also gives the full regime:
what the ``is_useful`` filter drops, owlrl's ``x owl:sameAs x`` included.
``tests/test_fast_reasoning.py`` checks that the result equals owlrl's after the same
``is_useful`` filter (the seed, a synthetic sample, a toy ontology of RL constructs) and in the
full regime (the seed, the toy ontology, every data file of the W3C entailment tests).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.term import Node

from accords.loaders.reasoner.engine import Closure, group
from accords.loaders.reasoner.program import Unsupported
from accords.loaders.reasoner.terms import Triple, from_key, to_key
from accords.loaders.reasoning import InconsistencyError, entailed, is_useful
from accords.loaders.reasoning import materialize as owlrl_materialize

__all__ = ["Inference", "Unsupported", "group", "materialize", "owlrl_materialize", "reason_keys"]


@dataclass
class Inference:
    """The useful inferred triples, what the filter dropped (only when asked), and why owlrl ran if it did."""

    useful: set[Triple]
    dropped: set[Triple]
    fallback: str | None = None


def reason_keys(
    by_property: dict[str, set[tuple[str, str]]], full: bool = False, reasoner: str = "fast"
) -> Inference:
    """The inference of triples grouped by property, as N-Triples strings (taken over).

    With ``full``, ``dropped`` holds the rest of the full regime: every storable entailed
    triple that ``is_useful`` leaves out. The fast engine falls back to owlrl on input it does
    not support, and says why in ``fallback``. InconsistencyError as owlrl raises it.
    """
    fallback = None
    if reasoner == "fast":
        try:
            closure = Closure(by_property)
        except Unsupported as why:
            fallback = str(why)
        else:
            errors = closure.errors()
            if errors:
                raise InconsistencyError(errors)
            useful = closure.useful()
            return Inference(useful, closure.entailed() - useful if full else set())
    terms: dict[str, Node] = {}
    kept = [(s, p, o) for p, pairs in by_property.items() for s, o in pairs]
    rdf_triples = [tuple(terms.setdefault(k, from_key(k)) for k in t) for t in kept]
    everything = entailed(rdf_triples)  # type: ignore[arg-type]
    useful_terms = {t for t in everything if is_useful(t)}
    dropped = {(to_key(s), to_key(p), to_key(o)) for s, p, o in everything - useful_terms} if full else set()
    return Inference({(to_key(s), to_key(p), to_key(o)) for s, p, o in useful_terms}, dropped, fallback)


def materialize(asserted: Iterable[tuple[Node, Node, Node]]) -> set[tuple[Node, Node, Node]]:
    """Same contract as ``loaders.reasoning.materialize`` (rdflib terms in and out), but fast."""
    asserted = list(asserted)
    terms: dict[str, Node] = {}
    keyed = []
    for triple in asserted:
        keys = []
        for term in triple:
            key = to_key(term)
            terms.setdefault(key, term)
            keys.append(key)
        keyed.append((keys[0], keys[1], keys[2]))
    try:
        closure = Closure(group(keyed))
    except Unsupported as why:
        warnings.warn(f"fast reasoner: {why}; using owlrl", stacklevel=2)
        return owlrl_materialize(asserted)
    errors = closure.errors()
    if errors:
        raise InconsistencyError(errors)
    inferred = closure.useful()
    for key in {k for t in inferred for k in t} - terms.keys():
        terms[key] = from_key(key)
    return {(terms[s], terms[p], terms[o]) for s, p, o in inferred}
