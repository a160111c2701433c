"""The IRIs of the Accords graph as rdflib terms (the same IRIs as plain strings: loaders.vocabulary)."""

from rdflib import Namespace, URIRef

from accords.loaders import vocabulary

PACKAGE_ROOT = vocabulary.PACKAGE_ROOT
ONTOLOGY_DIR = vocabulary.ONTOLOGY_DIR
SEEDS_DIR = vocabulary.SEEDS_DIR

BASE = vocabulary.BASE
ACC = Namespace(vocabulary.ACC)
ONTOLOGY_IRI = vocabulary.ONTOLOGY_IRI
ID = Namespace(vocabulary.ID)
TOPIC = Namespace(vocabulary.TOPIC)
GRAPH = Namespace(vocabulary.GRAPH)

ONTOLOGY_GRAPH = URIRef(vocabulary.ONTOLOGY_GRAPH)
INFERRED_GRAPH = URIRef(vocabulary.INFERRED_GRAPH)
INFERRED_FULL_GRAPH = URIRef(vocabulary.INFERRED_FULL_GRAPH)
WIKIDATA_GRAPH = URIRef(vocabulary.WIKIDATA_GRAPH)
MERGED_GRAPH = URIRef(vocabulary.MERGED_GRAPH)
SOURCE_GRAPH_PREFIX = vocabulary.SOURCE_GRAPH_PREFIX

WD = Namespace(vocabulary.WD)
WDT = Namespace(vocabulary.WDT)
SCHEMA = Namespace(vocabulary.SCHEMA)
ORG = Namespace(vocabulary.ORG)

PREFIXES = vocabulary.PREFIXES
RDF_PREFIXES = vocabulary.RDF_PREFIXES
source_graph = vocabulary.source_graph
