"""``accords wikidata snapshot``: a slice of Wikidata about every linked entity, for offline joins.

For each resource with ``skos:exactMatch wd:Q…`` in the current build, the snapshot holds, as
Wikidata's own RDF (``wd:``, ``wdt:``, ``p:``/``ps:``/``pq:``, ``wikibase:rank``):

* labels and descriptions in English and French;
* P31 (instance of), P17 (country), P36 (capital), P35 (head of state), P6 (head of government)
  and P1082 (population): the truthy ``wdt:`` values, and every statement with its value,
  rank and date qualifiers (``pq:`` values that are dates, e.g. P580 start, P582 end, P585 point
  in time), so that "since when" and "as of when" can be asked;
* the English and French labels of the values that are entities (a capital, a head of state…);
* P530 (diplomatic relation) between linked states, truthy and as statements.

The triples go to ``<store>/wikidata-snapshot.nt`` (with the retrieval date, in PROV-O, on the
graph), then into a new build — the current build plus the graph ``graph/wikidata`` — which
becomes current: the endpoint serves it without a rebuild, and ``accords build`` loads the file
again each time. The graph is Wikidata's data, kept apart: it is not reasoned over, and nothing
of it enters a source graph or the inferred graph.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from accords.loaders import default_graph
from accords.loaders.namespaces import WIKIDATA_GRAPH
from accords.loaders.store import BUILD_INFO, StoreError, build_folder, current_build, open_read_only
from accords.loaders.wikidata import WIKIDATA_SERVICE, snapshot_file
from accords.loaders.wikidata.client import SparqlClient, Term, values

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
PQ = "http://www.wikidata.org/prop/qualifier/"
WIKIBASE = "http://wikiba.se/ontology#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SCHEMA_DESCRIPTION = "http://schema.org/description"  # Wikidata's schema: is http://schema.org/
SKOS = "http://www.w3.org/2004/02/skos/core#"
ACC_STATE = "https://w3id.org/accords/ontology#State"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
DCTERMS = "http://purl.org/dc/terms/"

PROPERTIES = ("P31", "P17", "P36", "P35", "P6", "P1082")
LABELLED_VALUES = ("P31", "P17", "P36", "P35", "P6")  # properties whose values are entities
LANGUAGES = ("en", "fr")
BATCH = 50

_LABELS = """SELECT ?item ?p ?o WHERE {{
  VALUES ?item {{ {items} }}
  VALUES ?p {{ <{label}> <{description}> }}
  ?item ?p ?o .
  FILTER(LANG(?o) IN ({languages}))
}}"""
_TRUTHY = """SELECT ?item ?p ?o WHERE {{
  VALUES ?item {{ {items} }}
  VALUES ?p {{ {properties} }}
  ?item ?p ?o .{restriction}
}}"""
_STATEMENTS = """SELECT ?item ?p ?st ?ps ?o ?rank WHERE {{
  VALUES ?item {{ {items} }}
  VALUES (?p ?ps) {{ {pairs} }}
  ?item ?p ?st .
  ?st ?ps ?o .{restriction}
  OPTIONAL {{ ?st <{rank}> ?rank }}
}}"""
_QUALIFIER_DATES = """SELECT ?st ?q ?date WHERE {{
  VALUES ?item {{ {items} }}
  VALUES (?p ?ps) {{ {pairs} }}
  ?item ?p ?st .
  ?st ?ps ?o .{restriction}
  ?st ?q ?date .
  FILTER(STRSTARTS(STR(?q), "{pq}P") && isLiteral(?date) && DATATYPE(?date) = <{xsd}dateTime>)
}}"""


def _batches(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def linked_entities(store: ox.Store) -> tuple[list[str], list[str]]:
    """The Wikidata entity IRIs the graph links to, and those of them that are states."""
    query = f"""SELECT DISTINCT ?item ?state WHERE {{
      ?resource <{SKOS}exactMatch> ?item .
      FILTER(STRSTARTS(STR(?item), "{WD}Q"))
      OPTIONAL {{ ?resource a <{ACC_STATE}> BIND(true AS ?state) }}
    }}"""
    items, states = set(), set()
    for solution in default_graph.solutions(store, query, **default_graph.query_dataset()):
        items.add(solution["item"].value)
        if solution["state"] is not None:
            states.add(solution["item"].value)
    return sorted(items), sorted(states)


def _triple(subject: Term, predicate: Term, value: Term) -> ox.Triple:
    """A triple of three terms of an answer (the queries bind only IRIs to subjects and predicates)."""
    return ox.Triple(cast(ox.NamedNode, subject), cast(ox.NamedNode, predicate), value)


def _statements(
    client: SparqlClient, items: list[str], properties: Iterable[str], among: list[str] | None = None
) -> set[ox.Triple]:
    """Truthy values and statements (value, rank, date qualifiers) of ``properties``."""
    properties = list(properties)
    triples: set[ox.Triple] = set()
    restriction = f"\n  VALUES ?o {{ {values(among)} }}" if among is not None else ""
    pairs = " ".join(f"(<{P}{pid}> <{PS}{pid}>)" for pid in properties)
    truthy = " ".join(f"<{WDT}{pid}>" for pid in properties)
    for batch in _batches(items):
        listed = values(batch)
        for row in client.select(_TRUTHY.format(items=listed, properties=truthy, restriction=restriction)):
            triples.add(_triple(row["item"], row["p"], row["o"]))
        for row in client.select(
            _STATEMENTS.format(items=listed, pairs=pairs, restriction=restriction, rank=WIKIBASE + "rank")
        ):
            triples.add(_triple(row["item"], row["p"], row["st"]))
            triples.add(_triple(row["st"], row["ps"], row["o"]))
            if "rank" in row:
                triples.add(_triple(row["st"], ox.NamedNode(WIKIBASE + "rank"), row["rank"]))
        for row in client.select(
            _QUALIFIER_DATES.format(items=listed, pairs=pairs, restriction=restriction, pq=PQ, xsd=XSD)
        ):
            triples.add(_triple(row["st"], row["q"], row["date"]))
    return triples


def _labels(client: SparqlClient, items: Iterable[str], descriptions: bool = True) -> set[ox.Triple]:
    """English and French labels (and descriptions) of entities."""
    triples: set[ox.Triple] = set()
    languages = ", ".join(f'"{language}"' for language in LANGUAGES)
    description = SCHEMA_DESCRIPTION if descriptions else RDFS_LABEL
    for batch in _batches(sorted(items)):
        query = _LABELS.format(
            items=values(batch), label=RDFS_LABEL, description=description, languages=languages
        )
        triples.update(_triple(row["item"], row["p"], row["o"]) for row in client.select(query))
    return triples


def fetch(client: SparqlClient, items: list[str], states: list[str]) -> set[ox.Triple]:
    """The slice of Wikidata about ``items`` (and P530 between ``states``), as triples."""
    triples = _labels(client, items)
    triples |= _statements(client, items, PROPERTIES)
    if len(states) > 1:
        triples |= _statements(client, states, ["P530"], among=states)
    value_properties = {f"{WDT}{pid}" for pid in LABELLED_VALUES} | {f"{PS}{pid}" for pid in LABELLED_VALUES}
    linked_values = {
        t.object.value
        for t in triples
        if t.predicate.value in value_properties
        and isinstance(t.object, ox.NamedNode)
        and t.object.value.startswith(WD + "Q")
    }
    triples |= _labels(client, linked_values - set(items), descriptions=False)
    return triples


def describe_graph(retrieved: str, endpoint: str, items: int) -> set[ox.Triple]:
    """What the snapshot graph is: when it was retrieved, from where, under which licence."""
    graph = ox.NamedNode(str(WIKIDATA_GRAPH))
    return {
        ox.Triple(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Bundle")),
        ox.Triple(
            graph,
            ox.NamedNode(RDFS_LABEL),
            ox.Literal(f"Snapshot of Wikidata about the {items} entities Accords links to", language="en"),
        ),
        ox.Triple(
            graph,
            ox.NamedNode(PROV + "generatedAtTime"),
            ox.Literal(retrieved, datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        ox.Triple(graph, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(endpoint)),
        ox.Triple(graph, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(WIKIDATA_SERVICE)),
        ox.Triple(graph, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(CC0)),
    }


def write_snapshot(path: Path, triples: Iterable[ox.Triple], retrieved: str, endpoint: str) -> int:
    """Write the triples as sorted N-Triples (atomically); return how many."""
    lines = sorted({f"{t.subject} {t.predicate} {t.object} .\n" for t in triples})
    header = (
        f"# Wikidata snapshot for Accords, retrieved {retrieved} from {endpoint}.\n"
        f"# Loaded by `accords build` into the named graph <{WIKIDATA_GRAPH}>; not reasoned over.\n"
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(header + "".join(lines), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from error
    return len(lines)


def publish(root: Path, path: Path) -> dict:
    """A new build: the current one with its Wikidata graph replaced by the snapshot file."""
    base = current_build(root)
    if base is None:
        raise StoreError(f"no store at {root}: run 'accords build' first")
    from accords.loaders.rdf_files import read_rdf_file

    graph = ox.NamedNode(str(WIKIDATA_GRAPH))
    quads = read_rdf_file(path, str(WIKIDATA_GRAPH))
    info = json.loads((base / BUILD_INFO).read_text(encoding="utf-8"))
    with build_folder(root, base=base, optimize=False) as (store, summary, folder):
        stated_store = ox.Store(str(folder / default_graph.STATED_DB))
        stated = default_graph.remove_graph((store, stated_store), graph)
        previous = len(stated)
        default_graph.add((store, stated_store), quads)
        default_graph.drop_unstated(store, stated_store, stated)
        default_graph.drop_shadowed_inferences(store, stated_store)
        stated_store.flush()
        del stated_store
        for kept in base.iterdir():  # the reasoning state and any other file of the build
            if kept.is_file() and kept.name != BUILD_INFO:
                shutil.copy2(kept, folder / kept.name)
        triples = dict(info.get("triples", {}))
        triples["extra"] = triples.get("extra", 0) - previous + len(quads)
        summary.update({k: v for k, v in info.items() if k not in ("built_at", "update", "seconds")})
        summary.update(
            extra_graphs=sorted(set(info.get("extra_graphs", [])) | {str(WIKIDATA_GRAPH)}),
            triples=triples,
            quads=default_graph.named_quad_count(store),
            wikidata_snapshot={"from_build": base.name, "file": path.name},
        )
        result = dict(summary)
    return result


def take_snapshot(
    store_root: Path, client: SparqlClient, report: Callable[[str], None] = lambda _: None
) -> dict:
    """Fetch the slice for every linked entity, write the snapshot file, publish a new build."""
    started = time.monotonic()
    items, states = linked_entities(open_read_only(store_root).store)
    if not items:
        raise StoreError(f"the store at {store_root} links no entity to Wikidata: nothing to fetch")
    report(f"fetching {len(items)} entities ({len(states)} states) from {client.endpoint}")
    retrieved = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    triples = fetch(client, items, states)
    triples |= describe_graph(retrieved, client.endpoint, len(items))
    path = snapshot_file(store_root)
    count = write_snapshot(path, triples, retrieved, client.endpoint)
    build = publish(store_root, path)
    return {
        "entities": len(items),
        "states": len(states),
        "triples": count,
        "calls": client.calls,
        "retrieved": retrieved,
        "file": str(path),
        "quads": build["quads"],
        "seconds": round(time.monotonic() - started, 3),
    }
