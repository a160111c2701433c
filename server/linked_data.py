"""Dereferenceable IRIs: ``/id/…``, ``/topic/…`` and ``/graph/…`` of the public base.

``https://w3id.org/accords/id/state/mali`` is answered on ``/id/state/mali`` (the base is
``settings.public_base``). By content negotiation, or the ``format`` parameter:

* an HTML page for a browser: labels, types, every property with links, incoming links,
  the quotes that support the facts with their source, inferred facts marked as such,
  links to Wikidata;
* RDF (Turtle, JSON-LD, N-Triples, RDF/XML): the resource's triples from every graph and
  the triples that point to it (``infer=false`` leaves out the inferred graph).

Every query goes through the query processes (``server.executor``), so the time limit
applies. Unknown IRIs get 404. This module also holds what the other linked-data views
share: negotiation, ``Link`` headers, running a query, and a cache kept for one build.
"""

from __future__ import annotations

import errno
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from accords.loaders.namespaces import ACC, INFERRED_GRAPH, RDF_PREFIXES, WIKIDATA_GRAPH
from accords.loaders.store import current_build
from accords.server.errors import error_response
from accords.server.executor import Answer, ExecutionError, Job, StreamAborted
from accords.server.html import Term, error_page, link_header, page, pick_label, public_iri, short
from accords.server.negotiation import GRAPH_FORMATS, HTML, Format, choose, prefers_html
from accords.server.results import GRAPH_FORMATS as RDF_SYNTAXES

if TYPE_CHECKING:
    from accords.server.app import Services

blueprint = Blueprint("linked_data", __name__)
logger = logging.getLogger("accords.server")

PAGE_OFFERS: tuple[Format, ...] = (HTML, *GRAPH_FORMATS)
FALSE_VALUES = {"false", "0", "no", "off"}
MAX_LINKS = 1000  # triples of each direction shown on a page

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
LABELS = (RDFS + "label", SKOS + "prefLabel")
DESCRIPTIONS = (RDFS + "comment", SKOS + "definition")
MATCHES = {
    SKOS + "exactMatch": "same as",
    OWL + "sameAs": "same as",
    SKOS + "closeMatch": "close to",
    SKOS + "relatedMatch": "related to",
    SKOS + "broadMatch": "broader than",
    SKOS + "narrowMatch": "narrower than",
}
REIFICATION = (RDF + "subject", RDF + "predicate", RDF + "object")
PROPERTY_ORDER = {RDF_TYPE: 0, RDFS + "label": 1, SKOS + "prefLabel": 1, SKOS + "altLabel": 2}

PREFIXES = f"PREFIX acc: <{ACC}>\nPREFIX rdf: <{RDF}>\nPREFIX rdfs: <{RDFS}>\nPREFIX skos: <{SKOS}>\n"
DESCRIBE_QUERY = "CONSTRUCT {{ {r} ?p ?o . ?s ?q {r} }} WHERE {{ {{ {r} ?p ?o }} UNION {{ ?s ?q {r} }} }}"
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

T = TypeVar("T")


def services() -> Services:
    return current_app.extensions["accords"]


# --------------------------------------------------------------------------- negotiation


def negotiate(offers: tuple[Format, ...] = PAGE_OFFERS) -> Format | None:
    """The format to answer in: ``format`` if given, HTML for a browser, else the best RDF."""
    name = request.args.get("format")
    if name:
        return choose(offers, None, name)
    accept = request.headers.get("Accept")
    machine = tuple(fmt for fmt in offers if fmt is not HTML)
    if HTML in offers and prefers_html(accept, machine):
        return HTML
    return choose(machine, accept, None)


def not_acceptable(offers: tuple[Format, ...] = PAGE_OFFERS) -> Response:
    names = ", ".join(f"{fmt.media_type} (format={fmt.names[0]})" for fmt in offers)
    return error_response(406, f"no acceptable format: this resource is available as {names}")


def alternates(path: str, canonical: str | None, offers: tuple[Format, ...] = PAGE_OFFERS) -> dict:
    """``Link`` and ``Vary`` headers: every format of the resource, and its public IRI."""
    links: list[tuple[str, str, str | None]] = [(iri, "canonical", None) for iri in [canonical] if iri]
    links += [(f"{path}?format={fmt.names[0]}", "alternate", fmt.media_type) for fmt in offers]
    return {"Link": link_header(links), "Vary": "Accept"}


def format_links(path: str, offers: tuple[Format, ...] = GRAPH_FORMATS) -> list[dict]:
    """The RDF formats of a page, for its links."""
    names = {"turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples", "rdfxml": "RDF/XML"}
    return [
        {"name": names.get(fmt.key, fmt.key), "href": f"{path}?format={fmt.names[0]}", "type": fmt.media_type}
        for fmt in offers
    ]


def wants_inferred() -> bool:
    return request.args.get("infer", "true").strip().lower() not in FALSE_VALUES


def failure(error: ExecutionError, as_page: bool) -> Response:
    """A query that failed (time limit, store missing…), as a page or as text."""
    headers = {"Retry-After": "5"} if error.status == 503 else {}
    if as_page:
        return error_page(error.status, error.message, headers)
    return error_response(error.status, error.message, headers, **error.details)


def not_found(as_page: bool, iri: str) -> Response:
    message = f"nothing is known about <{iri}> in this graph"
    return error_page(404, message) if as_page else error_response(404, message)


def local_path(path: str) -> str:
    """``/id/state/mali`` for ``id/state/mali``, under the application's mount point."""
    return f"{request.script_root.rstrip('/')}/{path}"


# --------------------------------------------------------------------------- queries


def _job(query: str, fmt: str, **dataset: object) -> Job:
    settings = services().settings
    return Job(
        query=query,
        format=fmt,
        max_rows=settings.max_result_rows,
        max_bytes=settings.max_result_bytes,
        **dataset,
    )


def _all_bytes(answer: Answer) -> bytes:
    try:
        return b"".join(answer.chunks())
    except StreamAborted as error:
        raise ExecutionError(503, str(error)) from None


def select(query: str, **dataset: object) -> list[dict[str, Term]]:
    """The solutions of a SELECT query, run by a query process within the time limit."""
    answer = services().executors.run(_job(query, "json", **dataset))
    results = json.loads(_all_bytes(answer))
    return [
        {name: Term.from_json(value) for name, value in binding.items()}
        for binding in results["results"]["bindings"]
    ]


def construct(query: str, **dataset: object) -> list[ox.Triple]:
    """The triples of a CONSTRUCT query, run by a query process within the time limit."""
    answer = services().executors.run(_job(query, "ntriples", **dataset))
    return list(ox.parse(_all_bytes(answer), ox.RdfFormat.N_TRIPLES))


def rdf_response(query: str, fmt: Format, headers: dict, **dataset: object) -> Response | None:
    """A CONSTRUCT query's result in ``fmt``, streamed when large; None when it is empty."""
    answer = services().executors.run(_job(query, fmt.key, **dataset))
    headers = {**headers, "Access-Control-Allow-Origin": "*"}
    if not answer.complete:
        return Response(_stream(answer), content_type=fmt.content_type, headers=headers)
    if not answer.summary.get("rows"):
        return None
    if answer.summary.get("truncated"):
        headers["Accords-Truncated"] = answer.summary["truncated"]
    return Response(answer.first, content_type=fmt.content_type, headers=headers)


def _stream(answer: Answer) -> Iterator[bytes]:
    """The chunks of a long result; one cut short closes the connection (see server.sparql)."""
    try:
        yield from answer.chunks()
    except StreamAborted as error:
        logger.warning("result cut short: %s", error)
        raise BrokenPipeError(errno.EPIPE, f"result cut short: {error}") from None


class BuildCache:
    """Values computed once for each build of the store (VoID statistics, the ontology)."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, object]] = {}
        self.locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self.lock = threading.Lock()

    def get(self, name: str, compute: Callable[[], T]) -> T:
        stamp = self.stamp()
        with self.lock:
            lock = self.locks[name]
        with lock:
            cached = self.values.get(name)
            if cached is not None and cached[0] == stamp:
                return cached[1]  # type: ignore[return-value]
            value = compute()
            if self.stamp() == stamp:  # not switched while computing
                self.values[name] = (stamp, value)
            return value

    @staticmethod
    def stamp() -> str:
        """The current build's name; under ``--backend``, the sizes of the backend's graphs."""
        if services().settings.backend:
            return json.dumps(services().executors.statistics()["graphs"], sort_keys=True)
        root = services().settings.store.resolve()
        build = current_build(root)
        if build is None:
            raise ExecutionError(503, f"no store at {root}: run 'accords build' first")
        return build.name


def per_build(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per build of the store, in this server process."""
    cache = current_app.extensions.setdefault("accords.build_cache", BuildCache())
    return cache.get(name, compute)


# --------------------------------------------------------------------------- the page model


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
        graphs[("out", Term.from_ox(triple.predicate), Term.from_ox(triple.object))].add(public_iri("void"))
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


# --------------------------------------------------------------------------- views


def graph_facts(node: ox.NamedNode) -> list[ox.Triple]:
    """What VoID says of a named graph of the store (a ``void:Dataset`` and its size); else nothing."""
    size = services().executors.statistics()["graphs"].get(node.value)
    if size is None:
        return []
    count = ox.Literal(str(size), datatype=ox.NamedNode(XSD + "integer"))
    return [
        ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")),
        ox.Triple(node, ox.NamedNode(VOID + "triples"), count),
    ]


def resource(path: str) -> Response:
    """The resource whose public IRI is the public base + ``path``."""
    fmt = negotiate()
    if fmt is None:
        return not_acceptable()
    as_page = fmt is HTML
    value = public_iri(path)
    try:
        node = ox.NamedNode(value)
    except ValueError:
        return not_found(as_page, value)
    here = local_path(path)
    headers = alternates(here, value)
    try:
        extra = graph_facts(node) if path.startswith("graph/") else []
        if as_page:
            description = describe(node, extra)
            if description is None:
                return not_found(True, value)
            return page(
                "resource.html",
                headers=headers,
                d=description,
                formats=format_links(here),
                title=description.label,
            )
        query = DESCRIBE_QUERY.format(r=str(node))
        if extra:
            return graph_response(extra + construct(query, infer=wants_inferred()), fmt, headers)
        response = rdf_response(query, fmt, headers, infer=wants_inferred())
    except ExecutionError as error:
        return failure(error, as_page)
    return response if response is not None else not_found(False, value)


def graph_response(triples: list[ox.Triple], fmt: Format, headers: dict) -> Response:
    """A named graph's description (a few triples) in ``fmt``."""
    prefixes = {**RDF_PREFIXES, "void": VOID}
    body = ox.serialize(triples, format=RDF_SYNTAXES[fmt.key], prefixes=prefixes)
    return Response(
        body, content_type=fmt.content_type, headers={**headers, "Access-Control-Allow-Origin": "*"}
    )


@blueprint.get("/id/<path:rest>")
def identified(rest: str) -> Response:
    return resource("id/" + rest)


@blueprint.get("/topic/<path:rest>")
def topic(rest: str) -> Response:
    return resource("topic/" + rest)


@blueprint.get("/graph/<path:rest>")
def graph(rest: str) -> Response:
    return resource("graph/" + rest)
