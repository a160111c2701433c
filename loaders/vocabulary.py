"""The IRIs of the Accords graph as plain strings: vocabulary, resources, named graphs.

Code that runs in the query process uses this module: it imports no rdflib.
``loaders.namespaces`` gives the same IRIs as rdflib terms, for the loaders.
"""

from pathlib import Path

# The folder holding loaders/, server/, ontology/ and seeds/: the checkout, or the installed
# ``accords`` package, whose wheel maps those folders to ``accords.loaders``, ``accords.ontology``…
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PACKAGE_ROOT / "ontology"
SEEDS_DIR = PACKAGE_ROOT / "seeds"

BASE = "https://w3id.org/accords/"
ACC = BASE + "ontology#"
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"
TOPIC = BASE + "topic/"
GRAPH = BASE + "graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
INFERRED_GRAPH = GRAPH + "inferred"
INFERRED_FULL_GRAPH = GRAPH + "inferred-full"  # what the filter drops: the full regime, when asked
WIKIDATA_GRAPH = GRAPH + "wikidata"
MERGED_GRAPH = GRAPH + "merged"
SOURCE_GRAPH_PREFIX = GRAPH + "source/"

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"

PREFIXES: dict[str, str] = {
    "acc": ACC,
    "id": ID,
    "topic": TOPIC,
    "graph": GRAPH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": SCHEMA,
    "org": ORG,
    "wd": WD,
    "wdt": WDT,
}

# For Turtle and TriG: prefixes whose local names need no escaping (``id:`` would give
# ``id:state\/mali``): one for each folder of shared resources; IRIs with an article's id
# in their path (``id/agreement/<id>/<key>``…) stay whole.
RDF_PREFIXES: dict[str, str] = {
    **{prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "id"},
    **{kind: f"{ID}{kind}/" for kind in ("state", "person", "organization", "place", "source")},
    "sourcegraph": f"{GRAPH}source/",
}


def source_graph(source_id: str) -> str:
    """The named graph holding every asserted triple of one source."""
    return SOURCE_GRAPH_PREFIX + source_id
