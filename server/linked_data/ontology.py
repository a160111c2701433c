"""``/ontology``: the Accords ontology as RDF, or as a documentation page made from itself.

The terms' IRIs are ``<public base>ontology#Term``: a browser lands on the page at the
term's anchor. The page lists every class and property with its labels and comments
(English and French), domain, range, super- and sub-terms, characteristics and alignments
to other vocabularies, then the topic scheme. It is built from the ontology graph as
stored (fetched through a query process, so the time limit applies) once per build.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

import pyoxigraph as ox
from flask import Blueprint, Response
from markupsafe import Markup

from accords.formats import HTML
from accords.loaders.namespaces import ONTOLOGY_GRAPH
from accords.server.html import Term, href, page, pick_label, public_iri, short
from accords.server.linked_data.common import (
    DESCRIPTIONS,
    LABELS,
    MATCHES,
    OWL,
    RDF,
    RDF_TYPE,
    RDFS,
    SKOS,
    alternates,
    construct,
    format_links,
    local_path,
    negotiate,
    per_build,
    rdf_response,
)
from accords.server.problem import Problem

blueprint = Blueprint("ontology_page", __name__)

ONTOLOGY_DATASET = {"default_graphs": (str(ONTOLOGY_GRAPH),), "named_graphs": ()}
DCTERMS = "http://purl.org/dc/terms/"
KINDS = {
    OWL + "Class": ("class", "Class"),
    RDFS + "Class": ("class", "Class"),
    OWL + "ObjectProperty": ("object", "Object property"),
    OWL + "DatatypeProperty": ("datatype", "Datatype property"),
    OWL + "AnnotationProperty": ("annotation", "Annotation property"),
    RDF + "Property": ("property", "Property"),
}
SECTIONS = (
    ("classes", "Classes", ("class",)),
    ("object-properties", "Object properties", ("object",)),
    ("datatype-properties", "Datatype properties", ("datatype",)),
    ("other-properties", "Other properties", ("annotation", "property")),
)
CHARACTERISTICS = {
    OWL + "SymmetricProperty": "symmetric",
    OWL + "AsymmetricProperty": "asymmetric",
    OWL + "TransitiveProperty": "transitive",
    OWL + "FunctionalProperty": "functional",
    OWL + "InverseFunctionalProperty": "inverse functional",
    OWL + "ReflexiveProperty": "reflexive",
    OWL + "IrreflexiveProperty": "irreflexive",
}
ALIGNMENTS = {
    **MATCHES,
    OWL + "equivalentProperty": "equivalent to",
}
RESTRICTIONS = {
    OWL + "hasValue": "value",
    OWL + "someValuesFrom": "some",
    OWL + "allValuesFrom": "only",
    OWL + "minCardinality": "min",
    OWL + "maxCardinality": "max",
    OWL + "cardinality": "exactly",
    OWL + "minQualifiedCardinality": "min",
    OWL + "maxQualifiedCardinality": "max",
    OWL + "qualifiedCardinality": "exactly",
}
RDF_NIL = RDF + "nil"

# An expression: ("term", Term) | ("text", str) | (operator, [expressions]) |
# ("restriction", keyword, property expression, filler expression).
Expression = tuple


@dataclass
class Entry:
    """One class or property of the ontology, as its documentation shows it."""

    iri: str
    fragment: str
    kind: str
    kind_label: str
    characteristics: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    parents: list[Expression] = field(default_factory=list)
    children: list[Term] = field(default_factory=list)
    equivalent: list[Expression] = field(default_factory=list)
    disjoint: list[Expression] = field(default_factory=list)
    inverse: list[Expression] = field(default_factory=list)
    chains: list[list[Term]] = field(default_factory=list)
    domain: list[Expression] = field(default_factory=list)
    range: list[Expression] = field(default_factory=list)
    alignments: list[tuple[str, Term]] = field(default_factory=list)
    domain_of: list[Term] = field(default_factory=list)
    range_of: list[Term] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.labels.get("en") or next(iter(self.labels.values()), self.fragment)


@dataclass
class Topic:
    """A concept of the topic scheme."""

    iri: str
    slug: str
    labels: dict[str, str]
    definition: str | None
    matches: list[tuple[str, Term]]
    children: list[Topic] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.labels.get("en") or next(iter(self.labels.values()), self.slug)


@dataclass
class Documentation:
    """The ontology page: its header, the terms by section, the topics."""

    iri: str
    title: dict[str, str]
    description: dict[str, str]
    version: str | None
    license: Term | None
    sections: list[tuple[str, str, list[Entry]]]
    external: list[Term]
    topics: list[Topic]
    topic_count: int
    triples: int


class _Graph:
    """The ontology graph, indexed by subject and predicate."""

    def __init__(self, triples: list[ox.Triple]):
        self.triples = triples
        self.index: dict[tuple, list] = defaultdict(list)
        self.subjects: dict = {}
        for t in triples:
            self.index[(t.subject, t.predicate.value)].append(t.object)
            self.subjects.setdefault(t.subject, None)

    def objects(self, subject: object, predicate: str) -> list:
        return self.index.get((subject, predicate), [])

    def one(self, subject: object, predicate: str) -> object | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def by_language(self, subject: object, predicates: tuple[str, ...]) -> dict[str, str]:
        """The first literal of each language (``""`` for none) among the predicates."""
        found: dict[str, str] = {}
        for predicate in predicates:
            for value in self.objects(subject, predicate):
                if isinstance(value, ox.Literal):
                    found.setdefault(value.language or "", value.value)
        return found

    def items(self, head: object) -> list:
        """The members of an RDF list."""
        members, seen = [], set()
        while isinstance(head, ox.BlankNode | ox.NamedNode) and head.value != RDF_NIL and head not in seen:
            seen.add(head)
            first = self.one(head, RDF + "first")
            if first is not None:
                members.append(first)
            head = self.one(head, RDF + "rest")
        return members

    def expression(self, node: object, depth: int = 0) -> Expression:
        """A class or datatype expression, as a tree the page renders."""
        if isinstance(node, ox.NamedNode):
            return ("term", Term("iri", node.value))
        if isinstance(node, ox.Literal) or depth > 8:
            return ("text", getattr(node, "value", "…"))
        for predicate, operator in ((OWL + "intersectionOf", "and"), (OWL + "unionOf", "or")):
            head = self.one(node, predicate)
            if head is not None:
                return (operator, [self.expression(m, depth + 1) for m in self.items(head)])
        one_of = self.one(node, OWL + "oneOf")
        if one_of is not None:
            return ("one of", [self.expression(m, depth + 1) for m in self.items(one_of)])
        complement = self.one(node, OWL + "complementOf")
        if complement is not None:
            return ("not", [self.expression(complement, depth + 1)])
        on_property = self.one(node, OWL + "onProperty")
        if on_property is not None:
            for predicate, keyword in RESTRICTIONS.items():
                filler = self.one(node, predicate)
                if filler is not None:
                    return (
                        "restriction",
                        keyword,
                        self.expression(on_property, depth + 1),
                        self.expression(filler, depth + 1),
                    )
        return ("text", "(an anonymous expression)")


def _fragment(iri: str, namespace: str) -> str | None:
    return iri[len(namespace) :] if iri.startswith(namespace) and len(iri) > len(namespace) else None


def _entries(graph: _Graph, namespace: str) -> tuple[list[Entry], list[Term]]:
    """Every class and property of the ontology's namespace, and the other terms it declares."""
    entries: dict[str, Entry] = {}
    external: list[Term] = []
    for subject in graph.subjects:
        if not isinstance(subject, ox.NamedNode):
            continue
        types = [t.value for t in graph.objects(subject, RDF_TYPE)]
        kinds = [KINDS[t] for t in types if t in KINDS]
        if not kinds:
            continue
        fragment = _fragment(subject.value, namespace)
        if fragment is None:
            external.append(Term("iri", subject.value))
            continue
        kind, kind_label = kinds[0]
        entry = Entry(subject.value, fragment, kind, kind_label)
        entry.characteristics = sorted(CHARACTERISTICS[t] for t in types if t in CHARACTERISTICS)
        entry.labels = graph.by_language(subject, (RDFS + "label",))
        entry.comments = graph.by_language(subject, (RDFS + "comment",))
        parent = RDFS + ("subClassOf" if kind == "class" else "subPropertyOf")
        entry.parents = [graph.expression(o) for o in graph.objects(subject, parent)]
        entry.equivalent = [graph.expression(o) for o in graph.objects(subject, OWL + "equivalentClass")]
        entry.disjoint = [graph.expression(o) for o in graph.objects(subject, OWL + "disjointWith")]
        entry.inverse = [graph.expression(o) for o in graph.objects(subject, OWL + "inverseOf")]
        entry.chains = [
            [Term.from_ox(m) for m in graph.items(head)]
            for head in graph.objects(subject, OWL + "propertyChainAxiom")
        ]
        entry.domain = [graph.expression(o) for o in graph.objects(subject, RDFS + "domain")]
        entry.range = [graph.expression(o) for o in graph.objects(subject, RDFS + "range")]
        entry.alignments = [
            (relation, Term.from_ox(o))
            for predicate, relation in ALIGNMENTS.items()
            for o in graph.objects(subject, predicate)
        ]
        entries[subject.value] = entry
    for entry in entries.values():
        for expressions, inverse in ((entry.domain, "domain_of"), (entry.range, "range_of")):
            for expression in expressions:
                if expression[0] == "term" and expression[1].value in entries:
                    getattr(entries[expression[1].value], inverse).append(Term("iri", entry.iri))
        for expression in entry.parents:
            if expression[0] == "term" and expression[1].value in entries:
                entries[expression[1].value].children.append(Term("iri", entry.iri))
    ordered = sorted(entries.values(), key=lambda e: (e.fragment.casefold(), e.fragment))
    for entry in ordered:
        for terms in (entry.children, entry.domain_of, entry.range_of):
            terms.sort(key=lambda t: t.value.casefold())
    return ordered, sorted(external, key=lambda t: short(t.value))


def _topics(graph: _Graph, namespace: str) -> tuple[list[Topic], int]:
    """The topic scheme as a tree: top concepts and their narrower concepts."""
    concept = SKOS + "Concept"
    topics: dict[str, Topic] = {}
    broader: dict[str, list[str]] = {}
    for subject in graph.subjects:
        if not isinstance(subject, ox.NamedNode):
            continue
        if concept not in {t.value for t in graph.objects(subject, RDF_TYPE)}:
            continue
        definition = pick_label([Term.from_ox(d) for d in graph.objects(subject, SKOS + "definition")])
        topics[subject.value] = Topic(
            iri=subject.value,
            slug=_fragment(subject.value, namespace) or short(subject.value),
            labels=graph.by_language(subject, (SKOS + "prefLabel", RDFS + "label")),
            definition=definition,
            matches=[
                (relation, Term.from_ox(o))
                for predicate, relation in MATCHES.items()
                for o in graph.objects(subject, predicate)
            ],
        )
        broader[subject.value] = [o.value for o in graph.objects(subject, SKOS + "broader")]
    roots = []
    for iri, topic in topics.items():
        parents = [p for p in broader[iri] if p in topics]
        for parent in parents:
            topics[parent].children.append(topic)
        if not parents:
            roots.append(topic)
    for topic in topics.values():
        topic.children.sort(key=lambda t: t.label.casefold())
    return sorted(roots, key=lambda t: t.label.casefold()), len(topics)


def documentation() -> Documentation:
    """The page's content, from the ontology graph (once per build)."""

    def build() -> Documentation:
        graph = _Graph(construct("CONSTRUCT WHERE { ?s ?p ?o }", **ONTOLOGY_DATASET))
        ontology = public_iri("ontology")
        node = ox.NamedNode(ontology)
        entries, external = _entries(graph, ontology + "#")
        topics, topic_count = _topics(graph, public_iri("topic/"))
        version = graph.one(node, OWL + "versionInfo")
        license_ = graph.one(node, DCTERMS + "license")
        return Documentation(
            iri=ontology,
            title=graph.by_language(node, (DCTERMS + "title", *LABELS)),
            description=graph.by_language(node, (DCTERMS + "description", *DESCRIPTIONS)),
            version=getattr(version, "value", None),
            license=Term.from_ox(cast(ox.NamedNode, license_)) if license_ is not None else None,
            sections=[
                (anchor, heading, [e for e in entries if e.kind in kinds])
                for anchor, heading, kinds in SECTIONS
            ],
            external=external,
            topics=topics,
            topic_count=topic_count,
            triples=len(graph.triples),
        )

    return per_build("ontology", build)


# --------------------------------------------------------------------------- rendering


def _link(term: Term, labels: dict[str, str]) -> Markup:
    text = labels.get(term.value) or short(term.value)
    target = href(term.value)
    if target is None:
        return Markup("<span class='iri'>{}</span>").format(text)
    if target.startswith("/"):
        return Markup('<a href="{}" title="{}">{}</a>').format(target, term.value, text)
    return Markup('<a href="{}" class="external" rel="external">{}</a>').format(target, text)


def render_expression(expression: Expression, labels: dict[str, str], nested: bool = False) -> Markup:
    """An expression in a readable, Manchester-like form, with links."""
    kind = expression[0]
    if kind == "term":
        return _link(expression[1], labels)
    if kind == "text":
        return Markup("<span class='literal'>{}</span>").format(expression[1])
    if kind == "restriction":
        _, keyword, prop, filler = expression
        inner = Markup("{} <span class='keyword'>{}</span> {}").format(
            render_expression(prop, labels, True), keyword, render_expression(filler, labels, True)
        )
    elif kind == "not":
        inner = Markup("<span class='keyword'>not</span> {}").format(
            render_expression(expression[1][0], labels, True)
        )
    elif kind == "one of":
        members = Markup(", ").join(render_expression(m, labels, True) for m in expression[1])
        return Markup("{{{}}}").format(members)
    else:
        separator = Markup(" <span class='keyword'>{}</span> ").format(kind)
        inner = separator.join(render_expression(m, labels, True) for m in expression[1])
    return Markup("({})").format(inner) if nested else inner


def _labels(doc: Documentation) -> dict[str, str]:
    labels = {entry.iri: entry.label for _, _, entries in doc.sections for entry in entries}

    def walk(topics: list[Topic]) -> None:
        for topic in topics:
            labels[topic.iri] = topic.label
            walk(topic.children)

    walk(doc.topics)
    return labels


@blueprint.get("/ontology")
def ontology() -> Response:
    fmt = negotiate()
    here = local_path("ontology")
    iri = public_iri("ontology")
    headers = alternates(here, iri)
    if fmt is HTML:
        doc = documentation()
        labels = _labels(doc)
        return page(
            "ontology.html",
            headers=headers,
            doc=doc,
            formats=format_links(here),
            title=doc.title.get("en", "Ontology"),
            expression=lambda e: render_expression(e, labels),
            link=lambda t: _link(t, labels),
        )
    topics = public_iri("topic/")
    query = (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
        f'FILTER(isBlank(?s) || !STRSTARTS(STR(?s), "{topics}")) }}'
    )
    response = rdf_response(query, fmt, headers, **ONTOLOGY_DATASET)
    if response is None:
        raise Problem.unavailable("the ontology graph is empty: rebuild the store")
    return response
