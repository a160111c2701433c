"""``/void`` and ``/.well-known/void``: a VoID description of the dataset.

Statistics (distinct triples, subjects, objects, properties, classes, entities, the class
and property partitions, the size of each named graph, the links to Wikidata) are counted
by the query processes once per build and kept. The description names the SPARQL endpoint,
the three dumps and the licence, and is served as RDF or, for a browser, as a page.

Counts are over the union of the named graphs, a triple counted once however many graphs
hold it; each named graph is a ``void:subset`` with its own size (``sd:name`` says which).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response

from accords.formats import HTML
from accords.loaders.namespaces import ONTOLOGY_GRAPH
from accords.loaders.namespaces import RDF_PREFIXES as NAMESPACES
from accords.server.html import WIKIDATA_ENTITY, Term, page, public_iri, short
from accords.server.linked_data import dumps
from accords.server.linked_data.common import (
    OWL,
    RDF_TYPE,
    SKOS,
    alternates,
    format_links,
    local_path,
    negotiate,
    per_build,
    select,
)
from accords.server.services import current_services

blueprint = Blueprint("void", __name__)

VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
# The dumps as (file, media type, comment), from their table.
DUMPS = tuple((f"dump.{d.key}", d.media_type, d.comment) for d in dumps.DUMPS.values())
LINK_PREDICATES = (SKOS + "exactMatch", SKOS + "closeMatch")
PREFIXES = {
    **NAMESPACES,
    "void": VOID,
    "sd": SD,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "xsd": XSD,
    "rdfs": RDFS,
    "skos": SKOS,
    "owl": OWL,
}

TOTALS = "SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"
ENTITIES = 'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}")) }}'
CLASSES = f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF_TYPE}> ?c }} GROUP BY ?c"
PROPERTIES = """SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p"""
LINKS = """SELECT ?p (COUNT(*) AS ?n) WHERE {{
  SELECT DISTINCT ?s ?p ?o WHERE {{
    VALUES ?p {{ {predicates} }}
    ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{target}"))
  }}
}} GROUP BY ?p"""
LICENSE = f"""SELECT ?license WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?ontology a <{OWL}Ontology> ; <{DCTERMS}license> ?license }}
}}"""
# Not ORDER BY: sorting every agreement costs seconds on a large store.
EXAMPLES = "SELECT ?s WHERE {{ ?s a <{base}ontology#Agreement> FILTER(isIRI(?s)) }} LIMIT 3"


@dataclass(frozen=True)
class Statistics:
    """What VoID says about one build."""

    build: str
    built_at: str | None
    quads: int
    triples: int
    subjects: int
    objects: int
    entities: int
    classes: dict[str, int]
    properties: dict[str, tuple[int, int, int]]  # triples, distinct subjects, distinct objects
    graphs: dict[str, int]
    links: dict[str, int]  # link predicate -> links to Wikidata
    license: str | None
    examples: tuple[str, ...]


def _number(row: dict[str, Term], name: str) -> int:
    return int(row[name].value) if name in row else 0


def compute_statistics() -> Statistics:
    """Count everything, through the query processes (each query within the time limit)."""
    store = current_services().builds.statistics()
    base = public_iri("")
    totals = select(TOTALS)[0]
    properties = {
        row["p"].value: (_number(row, "n"), _number(row, "subjects"), _number(row, "objects"))
        for row in select(PROPERTIES)
    }
    predicates = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    licence = select(LICENSE)
    return Statistics(
        build=store["build"],
        built_at=store["info"].get("built_at"),
        quads=sum(store["graphs"].values()),
        triples=sum(count for count, _, _ in properties.values()),  # distinct triples, by property
        subjects=_number(totals, "subjects"),
        objects=_number(totals, "objects"),
        entities=_number(select(ENTITIES.format(base=base))[0], "n"),
        classes={row["c"].value: _number(row, "n") for row in select(CLASSES) if row["c"].is_iri},
        properties=properties,
        graphs=dict(sorted(store["graphs"].items())),
        links={
            row["p"].value: _number(row, "n")
            for row in select(LINKS.format(predicates=predicates, target=WIKIDATA_ENTITY))
        },
        license=licence[0]["license"].value if licence and licence[0]["license"].is_iri else None,
        examples=tuple(row["s"].value for row in select(EXAMPLES.format(base=base))),
    )


def statistics() -> Statistics:
    return per_build("void", compute_statistics)


# --------------------------------------------------------------------------- the description


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(name)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


class _Names:
    """Readable, stable IRIs for the parts of the description (``void#class-acc-Agreement``)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, kind: str, iri: str) -> ox.NamedNode:
        shown = short(iri)
        if shown.startswith(public_iri("")):
            shown = shown[len(public_iri("")) :]
        slug = re.sub(r"[^A-Za-z0-9_]+", "-", shown).strip("-") or "x"
        name, number = f"{kind}-{slug}", 1
        while name in self.used:
            number += 1
            name = f"{kind}-{slug}-{number}"
        self.used.add(name)
        return ox.NamedNode(public_iri("void#" + name))


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def locations() -> dict[str, str]:
    """Where this server answers: the endpoint and the dumps (absolute URLs, from the setting
    server_url, never from the request's Host header)."""
    root = current_services().settings.server_root
    return {
        "root": root + "/",
        "sparql": root + "/sparql",
        **{name: f"{root}/{name}" for name, _, _ in DUMPS},
    }


def describe(stats: Statistics, where: dict[str, str]) -> list[ox.Triple]:
    """The VoID description as triples."""
    document = _n(public_iri("void"))
    dataset = _n(public_iri("void#accords"))
    wikidata = _n(public_iri("void#wikidata"))
    a = _n(RDF_TYPE)

    def v(name: str) -> ox.NamedNode:
        return _n(VOID + name)

    def dc(name: str) -> ox.NamedNode:
        return _n(DCTERMS + name)

    en = "en"
    part = _Names()
    triples: list[tuple] = [
        (document, a, v("DatasetDescription")),
        (document, dc("title"), ox.Literal("A VoID description of the Accords dataset", language=en)),
        (document, _n(FOAF + "primaryTopic"), dataset),
        (dataset, a, v("Dataset")),
        (dataset, dc("title"), ox.Literal("Accords", language=en)),
        (
            dataset,
            dc("description"),
            ox.Literal(
                "A knowledge graph of bilateral agreements between states, built from news reports,"
                " each fact traced to a verbatim quote of its source, with OWL 2 RL inferences in"
                " their own named graph.",
                language=en,
            ),
        ),
        (dataset, _n(FOAF + "homepage"), _n(where["root"])),
        (dataset, v("sparqlEndpoint"), _n(where["sparql"])),
        (dataset, v("uriSpace"), ox.Literal(public_iri(""))),
        (dataset, v("triples"), _count(stats.triples)),
        (dataset, v("distinctSubjects"), _count(stats.subjects)),
        (dataset, v("distinctObjects"), _count(stats.objects)),
        (dataset, v("properties"), _count(len(stats.properties))),
        (dataset, v("classes"), _count(len(stats.classes))),
        (dataset, v("entities"), _count(stats.entities)),
        (dataset, v("rootResource"), _n(public_iri("topic/scheme"))),
        (dataset, v("vocabulary"), _n(public_iri("ontology"))),
    ]
    if stats.built_at:
        modified = ox.Literal(stats.built_at, datatype=_n(XSD + "dateTime"))
        triples.append((dataset, dc("modified"), modified))
    if stats.license:
        triples.append((dataset, dc("license"), _n(stats.license)))
    for name, media_type, comment in DUMPS:
        dump = _n(where[name])
        triples += [
            (dataset, v("dataDump"), dump),
            (dump, dc("format"), ox.Literal(media_type)),
            (dump, _n(RDFS + "comment"), ox.Literal(comment, language=en)),
        ]
    vocabularies = {_namespace(p) for p in stats.properties} | {_namespace(c) for c in stats.classes}
    vocabularies.discard(public_iri("ontology#"))
    triples += [(dataset, v("vocabulary"), _n(ns)) for ns in sorted(vocabularies) if ns]
    triples += [(dataset, v("exampleResource"), _n(example)) for example in stats.examples]
    for cls, entities in sorted(stats.classes.items()):
        partition = part("class", cls)
        triples += [
            (dataset, v("classPartition"), partition),
            (partition, v("class"), _n(cls)),
            (partition, v("entities"), _count(entities)),
        ]
    for prop, (count, subjects, objects) in sorted(stats.properties.items()):
        partition = part("property", prop)
        triples += [
            (dataset, v("propertyPartition"), partition),
            (partition, v("property"), _n(prop)),
            (partition, v("triples"), _count(count)),
            (partition, v("distinctSubjects"), _count(subjects)),
            (partition, v("distinctObjects"), _count(objects)),
        ]
    for name, count in stats.graphs.items():
        subset = part("graph", name)
        triples += [
            (dataset, v("subset"), subset),
            (subset, a, v("Dataset")),
            (subset, a, _n(SD + "NamedGraph")),
            (subset, _n(SD + "name"), _n(name)),
            (subset, v("triples"), _count(count)),
        ]
    triples += [
        (wikidata, a, v("Dataset")),
        (wikidata, dc("title"), ox.Literal("Wikidata", language=en)),
        (wikidata, _n(FOAF + "homepage"), _n("https://www.wikidata.org/")),
        (wikidata, v("uriSpace"), ox.Literal(WIKIDATA_ENTITY)),
        (wikidata, v("sparqlEndpoint"), _n("https://query.wikidata.org/sparql")),
    ]
    for predicate in LINK_PREDICATES:
        linkset = _n(public_iri("void#wikidata-" + predicate.rsplit("#", 1)[1]))
        triples += [
            (dataset, v("subset"), linkset),
            (linkset, a, v("Linkset")),
            (linkset, v("linkPredicate"), _n(predicate)),
            (linkset, v("subjectsTarget"), dataset),
            (linkset, v("objectsTarget"), wikidata),
            (linkset, v("triples"), _count(stats.links.get(predicate, 0))),
        ]
    first: dict[object, int] = {}
    for index, triple in enumerate(triples):
        first.setdefault(triple[0], index)
    # Grouped by subject, in the order subjects appear, so Turtle lists each subject once.
    ordered = sorted(triples, key=lambda triple: first[triple[0]])
    return [ox.Triple(*triple) for triple in ordered]


# --------------------------------------------------------------------------- the views


@blueprint.get("/void")
def void() -> Response:
    return _answer()


@blueprint.get("/.well-known/void")
def well_known() -> Response:
    return _answer()


def _answer() -> Response:
    fmt = negotiate()
    as_page = fmt is HTML
    here = local_path("void")
    headers = alternates(here, public_iri("void"))
    stats = statistics()
    where = locations()
    if as_page:
        return page(
            "void.html",
            headers=headers,
            stats=stats,
            where=where,
            dumps=DUMPS,
            formats=format_links(here),
            title="Dataset description",
            link_predicates=LINK_PREDICATES,
            wikidata_entity=WIKIDATA_ENTITY,
        )
    prefixes = {**PREFIXES, "part": public_iri("void#")}
    body = ox.serialize(describe(stats, where), format=fmt.rdf, prefixes=prefixes)
    headers["Access-Control-Allow-Origin"] = "*"
    return Response(body, content_type=fmt.content_type, headers=headers)
