"""The page model of a resource: its properties, incoming links, evidence, conflicts and matches."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox

from accords.loaders.namespaces import ACC, INFERRED_GRAPH, WIKIDATA_GRAPH
from accords.server.html import Term, pick_label, public_iri, short
from accords.server.linked_data.common import DESCRIPTIONS, LABELS, MATCHES, RDF, RDF_TYPE, RDFS, SKOS, select

MAX_LINKS = 1000  # triples of each direction shown on a page
REIFICATION = (RDF + "subject", RDF + "predicate", RDF + "object")
PROPERTY_ORDER = {RDF_TYPE: 0, RDFS + "label": 1, SKOS + "prefLabel": 1, SKOS + "altLabel": 2}

PREFIXES = f"PREFIX acc: <{ACC}>\nPREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX skos: <{SKOS}>\n"
FACTS_QUERY = """SELECT ?dir ?p ?v ?g WHERE {{
  {{ SELECT ("out" AS ?dir) ?p ?v ?g WHERE {{ GRAPH ?g {{ {r} ?p ?v }} }} LIMIT {limit} }}
  UNION
  {{ SELECT ("in" AS ?dir) ?p ?v ?g WHERE {{ GRAPH ?g {{ ?v ?p {r} }} }} LIMIT {limit} }}
}}"""
EVIDENCE_QUERY = (
    PREFIXES
    + """SELECT ?dir ?p ?v ?e ?quote ?begin ?end ?source ?rule WHERE {{
  {{ {r} acc:evidence ?e }}
  UNION {{ ?st rdf:subject {r} ; rdf:predicate ?p ; rdf:object ?v ; acc:evidence ?e . BIND("out" AS ?dir) }}
  UNION {{ ?st rdf:subject ?v ; rdf:predicate ?p ; rdf:object {r} ; acc:evidence ?e . BIND("in" AS ?dir) }}
  UNION {{
    ?st rdf:subject {r} ; rdf:predicate ?p ; rdf:object ?v ; acc:derivedFrom ?e .
    OPTIONAL {{ ?st acc:derivationRule ?rule }}
    BIND("out" AS ?dir)
  }}
  OPTIONAL {{ ?e acc:quote ?quote }}
  OPTIONAL {{ ?e acc:begin ?begin }}
  OPTIONAL {{ ?e acc:end ?end }}
  OPTIONAL {{ ?e acc:source ?source }}
}} LIMIT {limit}"""
)
CONFLICTS_QUERY = (
    PREFIXES
    + """SELECT ?p ?v ?quote ?source ?preferred ?rule WHERE {{
  {r} acc:conflict ?c . ?c acc:conflictProperty ?p ; acc:conflictingStatement ?st .
  ?st rdf:object ?v ; acc:evidence|acc:derivedFrom ?e .
  ?e acc:quote ?quote ; acc:source ?source .
  BIND(EXISTS {{ ?c acc:preferredStatement ?st }} AS ?preferred)
  OPTIONAL {{ ?c acc:preferenceRule ?rule FILTER(lang(?rule) = "en") }}
}} LIMIT {limit}"""
)
LABELS_QUERY = (
    PREFIXES + "SELECT ?x ?label WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label|skos:prefLabel ?label }}"
)


def shown(term: Term, label: str | None) -> str:
    """How a value reads on a page: its label, else the short IRI or the literal."""
    if label:
        return label
    return short(term.value) if term.is_iri else term.value


@dataclass
class Value:
    """One value of a property (or one subject of an incoming link), with where it comes from."""

    term: Term
    label: str | None
    graphs: set[str]
    evidence: list[int] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    @property
    def inferred(self) -> bool:
        """Only in the inferred graph: the reasoner added it."""
        return bool(self.graphs) and self.graphs <= {str(INFERRED_GRAPH)}

    @property
    def from_wikidata(self) -> bool:
        return bool(self.graphs) and self.graphs <= {str(WIKIDATA_GRAPH)}

    @property
    def graph_note(self) -> str:
        if self.inferred:
            return "inferred by OWL 2 RL reasoning (graph inferred)"
        return "asserted in " + ", ".join(sorted(short(g) for g in self.graphs))

    @property
    def text(self) -> str:
        return shown(self.term, self.label)


@dataclass
class Property:
    """A property and its values on the page."""

    predicate: Term
    label: str | None
    values: list[Value]

    @property
    def inferred(self) -> bool:
        return all(value.inferred for value in self.values)

    @property
    def anchor(self) -> str:
        return "p-" + "".join(c if c.isalnum() else "-" for c in short(self.predicate.value))


@dataclass
class Evidence:
    """A quote that supports facts of the page, numbered."""

    number: int
    iri: str
    quote: str | None
    begin: int | None
    end: int | None
    source: str | None
    source_label: str | None


@dataclass
class WikidataLink:
    qid: str
    iri: str
    relation: str
    inferred: bool

    @property
    def page(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.qid}"


@dataclass
class ConflictValue:
    """One of the values reports give, with the quotes that give it (source, quote)."""

    term: Term
    label: str | None
    preferred: bool
    quotes: list[tuple[str, str]]

    @property
    def text(self) -> str:
        return shown(self.term, self.label)


@dataclass
class Conflict:
    """A property on which the reports of a merged resource disagree."""

    predicate: Term
    label: str | None
    rule: str | None
    values: list[ConflictValue]


@dataclass
class Description:
    """Everything the resource page shows."""

    iri: str
    label: str
    labels: list[Term]
    descriptions: list[Term]
    types: list[Value]
    properties: list[Property]
    incoming: list[Property]
    provenance: list[Property]
    evidence: list[Evidence]
    wikidata: list[WikidataLink]
    truncated: bool
    conflicts: list[Conflict] = field(default_factory=list)


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _integer(term: Term | None) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


def _labels(terms: set[str]) -> dict[str, str]:
    """The label to show for each IRI that has one."""
    if not terms:
        return {}
    values = " ".join(str(ox.NamedNode(value)) for value in sorted(terms))
    found: dict[str, list[Term]] = defaultdict(list)
    for row in select(LABELS_QUERY.format(values=values)):
        found[row["x"].value].append(row["label"])
    return {value: label for value, labels in found.items() if (label := pick_label(labels))}


def _evidence(rows: list[dict[str, Term]]) -> tuple[list[Evidence], dict, dict]:
    """The numbered quotes, and for each fact the numbers of its quotes and its derivation rules."""
    quotes: dict[str, dict[str, Term]] = {}
    for row in rows:
        quotes.setdefault(row["e"].value, row)

    def order(item: tuple[str, dict[str, Term]]) -> tuple:
        iri, row = item
        source = row.get("source")
        return (source.value if source else "", _integer(row.get("begin")) or 0, iri)

    evidence = []
    numbers = {}
    for number, (iri, row) in enumerate(sorted(quotes.items(), key=order), start=1):
        numbers[iri] = number
        source = row.get("source")
        evidence.append(
            Evidence(
                number=number,
                iri=iri,
                quote=row["quote"].value if "quote" in row else None,
                begin=_integer(row.get("begin")),
                end=_integer(row.get("end")),
                source=source.value if source else None,
                source_label=None,
            )
        )
    by_fact: dict[tuple, set[int]] = defaultdict(set)
    rules: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        if "p" not in row:
            continue
        key = (row["dir"].value, row["p"], row["v"])
        if "rule" in row:
            rules[key].add(row["rule"].value)
        else:
            by_fact[key].add(numbers[row["e"].value])
    return evidence, by_fact, rules


def _conflicts(r: str, labels: dict[str, str]) -> list[Conflict]:
    """The disagreements of the reports of a merged resource, each value with its quotes."""
    rows = select(CONFLICTS_QUERY.format(r=r, limit=MAX_LINKS))
    if not rows:
        return []
    found = _labels({t.value for row in rows for t in (row["p"], row["v"], row["source"]) if t.is_iri})
    labels = {**found, **labels}
    conflicts: dict[str, Conflict] = {}
    values: dict[tuple[str, str], ConflictValue] = {}
    for row in rows:
        prop, term = row["p"], row["v"]
        rule = row["rule"].value if "rule" in row else None
        conflict = conflicts.setdefault(prop.value, Conflict(prop, labels.get(prop.value), rule, []))
        key = (prop.value, term.value)
        if key not in values:
            preferred = row["preferred"].value == "true"
            values[key] = ConflictValue(term, labels.get(term.value), preferred, [])
            conflict.values.append(values[key])
        source = row["source"].value
        values[key].quotes.append((labels.get(source, short(source)), row["quote"].value))
    for conflict in conflicts.values():
        conflict.values.sort(key=lambda v: (not v.preferred, v.text))
        for value in conflict.values:
            value.quotes.sort()
    return sorted(conflicts.values(), key=lambda c: c.predicate.value)


def describe(node: ox.NamedNode, extra: list[ox.Triple] | None = None) -> Description | None:
    """The page of a resource, or None when no triple mentions it.

    ``extra``: facts about it that no graph holds (a named graph's size), shown as stated by VoID.
    """
    r = str(node)
    facts = select(FACTS_QUERY.format(r=r, limit=MAX_LINKS))
    if not facts and not extra:
        return None
    graphs: dict[tuple, set[str]] = defaultdict(set)
    for row in facts:
        graphs[(row["dir"].value, row["p"], row["v"])].add(row["g"].value)
    for triple in extra or []:
        counted = cast(ox.NamedNode | ox.Literal, triple.object)  # graph_facts: a class or a count
        graphs[("out", Term.from_ox(triple.predicate), Term.from_ox(counted))].add(public_iri("void"))
    evidence, by_fact, rules = _evidence(select(EVIDENCE_QUERY.format(r=r, limit=MAX_LINKS)))

    wanted = {key[1].value for key in graphs} | {key[2].value for key in graphs if key[2].is_iri}
    wanted |= {e.source for e in evidence if e.source}
    labels = _labels(wanted)
    for item in evidence:
        item.source_label = labels.get(item.source or "")
        if item.quote and item.iri not in labels:
            labels[item.iri] = f"[{item.number}] « {_shorten(item.quote)} »"

    grouped: dict[tuple[str, Term], list[Value]] = defaultdict(list)
    for (direction, predicate, term), found in graphs.items():
        key = (direction, predicate, term)
        value = Value(
            term=term,
            label=labels.get(term.value) if term.is_iri else None,
            graphs=found,
            evidence=sorted(by_fact.get(key, ())),
            rules=sorted(rules.get(key, ())),
        )
        grouped[(direction, predicate)].append(value)

    def value_order(value: Value) -> tuple:
        return (value.inferred, value.text.casefold(), value.term.value)

    def property_order(prop: Property) -> tuple:
        return (
            PROPERTY_ORDER.get(prop.predicate.value, 5),
            (prop.label or short(prop.predicate.value)).casefold(),
        )

    outgoing, incoming, provenance = [], [], []
    for (direction, predicate), values in grouped.items():
        prop = Property(predicate, labels.get(predicate.value), sorted(values, key=value_order))
        if direction == "out":
            outgoing.append(prop)
        elif predicate.value in REIFICATION:
            provenance.append(prop)
        else:
            incoming.append(prop)
    outgoing.sort(key=property_order)
    incoming.sort(key=property_order)
    provenance.sort(key=property_order)

    own = {prop.predicate.value: prop.values for prop in outgoing}
    own_labels = [v.term for p in LABELS for v in own.get(p, []) if v.term.is_literal]
    label = pick_label(own_labels) or short(node.value)
    wikidata = [
        WikidataLink(value.term.wikidata_id, value.term.value, relation, value.inferred)
        for predicate, relation in MATCHES.items()
        for value in own.get(predicate, [])
        if value.term.is_wikidata
    ]
    return Description(
        iri=node.value,
        label=label,
        labels=[term for term in own_labels if term.value != label],
        descriptions=[v.term for p in DESCRIPTIONS for v in own.get(p, []) if v.term.is_literal],
        types=own.get(RDF_TYPE, []),
        properties=outgoing,
        incoming=incoming,
        provenance=provenance,
        evidence=evidence,
        wikidata=wikidata,
        truncated=len(facts) >= MAX_LINKS,
        conflicts=_conflicts(r, labels),
    )
