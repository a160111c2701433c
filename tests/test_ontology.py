"""Tests of the Accords ontology, its topic scheme and its SHACL shapes."""

from pathlib import Path

import owlrl
import pyoxigraph
import pytest
from owlrl.Namespaces import ERRNS
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ACCORDS_TTL = ONTOLOGY_DIR / "accords.ttl"
TOPICS_TTL = ONTOLOGY_DIR / "topics.ttl"
SHAPES_TTL = ONTOLOGY_DIR / "shapes.ttl"
FILES = [ACCORDS_TTL, TOPICS_TTL, SHAPES_TTL]

ACC = Namespace("https://w3id.org/accords/ontology#")
TOPIC = Namespace("https://w3id.org/accords/topic/")
ID = Namespace("https://w3id.org/accords/id/")
ONTOLOGY_IRI = URIRef("https://w3id.org/accords/ontology")
SCHEME = TOPIC["scheme"]
DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

CLASSES = [
    "Agreement",
    "BilateralAgreement",
    "Party",
    "State",
    "Organization",
    "Person",
    "Signing",
    "Visit",
    "OfficialVisit",
    "Topic",
    "Institution",
    "Source",
    "Evidence",
    "Place",
    "Provision",
    "Commitment",
    "Objective",
    "Principle",
    "Claim",
    "DiplomaticRelation",
    "EnergyAgreement",
    "SecurityAgreement",
]
OBJECT_PROPERTIES = [
    "party",
    "partyTo",
    "signatory",
    "represents",
    "signing",
    "duringVisit",
    "place",
    "signedIn",
    "topic",
    "concerns",
    "establishes",
    "field",
    "provision",
    "commitment",
    "objective",
    "principle",
    "evidence",
    "source",
    "visitor",
    "destination",
    "claimant",
    "about",
    "between",
    "country",
    "weekday",
    "derivedFrom",
    "sharesAgreementWith",
]
DATATYPE_PROPERTIES = [
    "date",
    "announcedCount",
    "quote",
    "begin",
    "end",
    "role",
    "rank",
    "ordinal",
    "establishedIn",
    "countGreaterThan",
    "derivationRule",
    "derived",
    "extractionMethod",
    "confidence",
    "language",
    "publicationDate",
]
SUBCLASSES = [
    ("BilateralAgreement", "Agreement"),
    ("State", "Party"),
    ("Organization", "Party"),
    ("OfficialVisit", "Visit"),
    ("Commitment", "Provision"),
    ("Objective", "Provision"),
    ("Principle", "Provision"),
    ("EnergyAgreement", "Agreement"),
    ("SecurityAgreement", "Agreement"),
]
# slug -> the broader concept it must have (None: only required to exist).
REQUIRED_TOPICS = {
    "economy": None,
    "trade": "economy",
    "investment": "economy",
    "energy": None,
    "nuclear-energy": "energy",
    "science": "science-and-technology",
    "technology": "science-and-technology",
    "political-relations": "politics-and-diplomacy",
    "diplomacy": "politics-and-diplomacy",
    "security": None,
    "defence": "security",
    "counter-terrorism": "security",
    "organized-crime": "security",
    "training": None,
}
# The only Wikidata ids the project may link to (verified reference tables).
WIKIDATA_ALLOWED = {
    "http://www.wikidata.org/entity/" + q for q in ("Q131569", "Q9557810", "Q12739", "Q7283")
} | {"http://www.wikidata.org/prop/direct/" + p for p in ("P1891", "P585", "P276", "P1071", "P921")}
MAPPING_PREDICATES = {SKOS.closeMatch, SKOS.exactMatch, SKOS.relatedMatch, RDFS.seeAlso}

PREFIXES = """
@prefix acc: <https://w3id.org/accords/ontology#> .
@prefix topic: <https://w3id.org/accords/topic/> .
@prefix id: <https://w3id.org/accords/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Two agreements signed at one signing in Moscow, with evidence: valid against the shapes.
VALID_DATA = (
    PREFIXES
    + """
id:nuclear a acc:BilateralAgreement ;
    acc:party id:mali , id:rosatom ;
    acc:topic topic:nuclear-energy ;
    acc:signing id:signing ;
    acc:ordinal "2"^^xsd:integer ;
    acc:evidence id:quote-1 ;
    acc:reportedIn id:article .
id:security a acc:BilateralAgreement ;
    acc:party id:mali , id:russia ;
    acc:topic topic:counter-terrorism ;
    acc:signing id:signing ;
    acc:evidence id:quote-1 ;
    acc:reportedIn id:article .
id:signing a acc:Signing ;
    acc:reportedIn id:article ;
    acc:place id:moscow ;
    acc:date "2025-06"^^xsd:gYearMonth ;
    acc:weekday schema:Monday ;
    acc:announcedCount "3"^^xsd:integer .
id:mali a acc:State ; rdfs:label "Mali"@fr .
id:russia a acc:State ; rdfs:label "Russie"@fr .
id:rosatom a acc:Organization ; rdfs:label "ROSATOM"@fr ; acc:country id:russia .
id:goita a acc:Person ; rdfs:label "Assimi Goïta" ;
    acc:role "président de la Transition du Mali"@fr ; acc:represents id:mali .
id:quote-1 acc:quote "Trois accords ont été paraphés lundi dans la capitale russe" ;
    acc:begin "353"^^xsd:integer ;
    acc:end "412"^^xsd:integer ;
    acc:source id:article .
id:article acc:language "fr"^^xsd:language ; acc:publicationDate "2025-06"^^xsd:gYearMonth .
"""
)
# An agreement with a single party, no topic, and a signing without a date.
INVALID_DATA = (
    PREFIXES
    + """
id:broken a acc:Agreement ;
    acc:party id:mali ;
    acc:signing id:undated ;
    acc:evidence id:quote-1 .
id:undated acc:place id:moscow .
id:mali a acc:State ; rdfs:label "Mali"@fr .
id:quote-1 acc:quote "Trois accords" ;
    acc:begin "353"^^xsd:integer ;
    acc:end "366"^^xsd:integer ;
    acc:source id:article .
"""
)


def load(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def reason(data: str) -> Graph:
    """Ontology + topics + data, expanded by owlrl's OWL 2 RL closure."""
    graph = load(ACCORDS_TTL, TOPICS_TTL)
    graph.parse(data=data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def inconsistencies(graph: Graph) -> list[str]:
    """What owlrl reported: its error messages, and anything typed owl:Nothing."""
    errors = [str(message) for message in graph.objects(None, ERRNS.error)]
    errors += [f"{node} is an owl:Nothing" for node in graph.subjects(RDF.type, OWL.Nothing)]
    return errors


def shacl_messages(data_graph: Graph) -> tuple[bool, set[str]]:
    conforms, results, _ = validate(data_graph, shacl_graph=load(SHAPES_TTL), inference="none")
    return conforms, {str(message) for message in results.objects(None, SH.resultMessage)}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load(ACCORDS_TTL)


@pytest.fixture(scope="module")
def topics() -> Graph:
    return load(TOPICS_TTL)


@pytest.fixture(scope="module")
def closure() -> Graph:
    return reason(VALID_DATA)


def langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str | None]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


# --- syntax ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parses_with_rdflib_and_pyoxigraph(path: Path) -> None:
    rdflib_triples = len(load(path))
    quads = list(pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.TURTLE))
    assert rdflib_triples > 0
    assert len(quads) == rdflib_triples


# --- ontology -------------------------------------------------------------------------------


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert (ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license"), None) in ontology
    for predicate in ("title", "description"):
        dcterms = URIRef("http://purl.org/dc/terms/" + predicate)
        assert {"en", "fr"} <= set(langs(ontology, ONTOLOGY_IRI, dcterms)), predicate


@pytest.mark.parametrize(
    ("names", "kind"),
    [(CLASSES, OWL.Class), (OBJECT_PROPERTIES, OWL.ObjectProperty)]
    + [(DATATYPE_PROPERTIES, OWL.DatatypeProperty)],
    ids=["classes", "object properties", "datatype properties"],
)
def test_fixed_names_are_declared(ontology: Graph, names: list[str], kind: URIRef) -> None:
    missing = [name for name in names if (ACC[name], RDF.type, kind) not in ontology]
    assert not missing


def test_every_declared_term_is_labelled_and_commented_in_english_and_french(
    ontology: Graph,
) -> None:
    terms = {ONTOLOGY_IRI}
    for kind in DECLARATION_TYPES:
        terms |= {s for s in ontology.subjects(RDF.type, kind) if str(s).startswith(str(ACC))}
    assert len(terms) > len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    problems = [
        f"{term} {predicate.fragment} {lang}"
        for term in terms
        for predicate in (RDFS.label, RDFS.comment)
        for lang in ("en", "fr")
        if lang not in langs(ontology, term, predicate)
    ]
    assert not problems


def test_every_acc_term_used_anywhere_is_declared(ontology: Graph) -> None:
    declared = {s for kind in DECLARATION_TYPES for s in ontology.subjects(RDF.type, kind)}
    used = {
        term
        for path in FILES
        for triple in load(path)
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(ACC))
    }
    assert used - declared == set()


def test_class_hierarchy_and_disjointness(ontology: Graph) -> None:
    for sub, sup in SUBCLASSES:
        assert (ACC[sub], RDFS.subClassOf, ACC[sup]) in ontology, sub
    assert (ACC.State, OWL.disjointWith, ACC.Person) in ontology
    assert (ACC.Organization, OWL.disjointWith, ACC.Person) in ontology
    for sub in ("commitment", "objective", "principle"):
        assert (ACC[sub], RDFS.subPropertyOf, ACC.provision) in ontology


def test_property_axioms(ontology: Graph) -> None:
    def chain(prop: URIRef) -> list:
        return list(ontology.items(ontology.value(prop, OWL.propertyChainAxiom)))

    assert (ACC.party, OWL.inverseOf, ACC.partyTo) in ontology
    assert (ACC.sharesAgreementWith, RDF.type, OWL.SymmetricProperty) in ontology
    assert chain(ACC.sharesAgreementWith) == [ACC.partyTo, ACC.party]
    assert chain(ACC.signedIn) == [ACC.signing, ACC.place]
    assert chain(ACC.concerns) == [ACC.topic, SKOS.broaderTransitive]
    assert (ACC.topic, RDFS.subPropertyOf, ACC.concerns) in ontology
    assert (ACC.party, RDFS.domain, ACC.Agreement) in ontology
    assert (ACC.party, RDFS.range, ACC.Party) in ontology
    comment = str(ontology.value(ACC.sharesAgreementWith, RDFS.comment))
    assert "reflexive" in comment


def test_no_constructs_that_make_owlrl_merge_individuals() -> None:
    graph = load(ACCORDS_TTL, TOPICS_TTL)
    for kind in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty):
        assert not list(graph.subjects(RDF.type, kind))
    for predicate in (
        OWL.hasKey,
        OWL.maxCardinality,
        OWL.maxQualifiedCardinality,
        OWL.cardinality,
        OWL.qualifiedCardinality,
        OWL.sameAs,
    ):
        assert not list(graph.triples((None, predicate, None))), predicate


def test_wikidata_links_are_annotations_to_verified_ids_only() -> None:
    for path in FILES:
        for s, p, o in load(path):
            for term in (s, p, o):
                if str(term).startswith("http://www.wikidata.org/"):
                    assert str(term) in WIKIDATA_ALLOWED, term
                    assert term == o and p in MAPPING_PREDICATES, (s, p, o)


# --- topics ---------------------------------------------------------------------------------


def test_topic_scheme(topics: Graph) -> None:
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in topics
    assert {"en", "fr"} <= set(langs(topics, SCHEME, RDFS.label))
    assert (SKOS.broader, RDFS.subPropertyOf, SKOS.broaderTransitive) in topics
    assert (SKOS.broaderTransitive, RDF.type, OWL.TransitiveProperty) in topics


def test_required_topics_and_hierarchy(topics: Graph) -> None:
    for slug, broader in REQUIRED_TOPICS.items():
        assert (TOPIC[slug], SKOS.inScheme, SCHEME) in topics, slug
        if broader:
            assert (TOPIC[slug], SKOS.broader, TOPIC[broader]) in topics, slug


def test_every_concept_is_complete(topics: Graph) -> None:
    concepts = set(topics.subjects(SKOS.inScheme, SCHEME))
    assert len(concepts) >= 30
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in topics, concept
        assert (concept, RDF.type, ACC.Topic) in topics, concept
        assert sorted(langs(topics, concept, SKOS.prefLabel)) == ["en", "fr"], concept
        assert {"en", "fr"} <= set(langs(topics, concept, SKOS.altLabel)), concept
        assert "en" in langs(topics, concept, SKOS.definition), concept
        top = (concept, SKOS.topConceptOf, SCHEME) in topics
        assert top == ((SCHEME, SKOS.hasTopConcept, concept) in topics), concept
        broader = list(topics.objects(concept, SKOS.broader))
        assert top != bool(broader), concept
        # Two levels: a narrower concept hangs directly under a top concept.
        assert all((b, SKOS.topConceptOf, SCHEME) in topics for b in broader), concept


def test_no_label_names_two_concepts(topics: Graph) -> None:
    owners: dict[tuple[str, str | None], set] = {}
    for predicate in (SKOS.prefLabel, SKOS.altLabel):
        for concept, label in topics.subject_objects(predicate):
            if concept != SCHEME:
                owners.setdefault((str(label).casefold(), label.language), set()).add(concept)
    assert {label for label, concepts in owners.items() if len(concepts) > 1} == set()


# --- reasoning ------------------------------------------------------------------------------


def test_owlrl_closure_is_consistent(closure: Graph) -> None:
    assert inconsistencies(closure) == []
    assert not list(closure.subjects(RDF.type, ERRNS.ErrorMessage))
    merged = [(s, o) for s, o in closure.subject_objects(OWL.sameAs) if s != o]
    assert merged == []


def test_topics_are_closed_under_broader(closure: Graph) -> None:
    assert (ID.nuclear, ACC.concerns, TOPIC["nuclear-energy"]) in closure
    assert (ID.nuclear, ACC.concerns, TOPIC.energy) in closure
    assert (ID.nuclear, RDF.type, ACC.EnergyAgreement) in closure
    assert (ID.security, ACC.concerns, TOPIC.security) in closure
    assert (ID.security, RDF.type, ACC.SecurityAgreement) in closure
    assert (ID.security, RDF.type, ACC.EnergyAgreement) not in closure
    assert (ID.nuclear, RDF.type, ACC.SecurityAgreement) not in closure


def test_chains_inverses_and_symmetry(closure: Graph) -> None:
    assert (ID.nuclear, ACC.signedIn, ID.moscow) in closure
    assert (ID.mali, ACC.partyTo, ID.nuclear) in closure
    assert (ID.rosatom, ACC.partyTo, ID.nuclear) in closure
    for a, b in [(ID.mali, ID.rosatom), (ID.mali, ID.russia)]:
        assert (a, ACC.sharesAgreementWith, b) in closure
        assert (b, ACC.sharesAgreementWith, a) in closure
    assert (ID.russia, ACC.sharesAgreementWith, ID.rosatom) not in closure


def test_domains_and_ranges_type_the_data(closure: Graph) -> None:
    assert (ID.moscow, RDF.type, ACC.Place) in closure
    assert (ID.mali, RDF.type, ACC.Party) in closure
    assert (ID["quote-1"], RDF.type, ACC.Evidence) in closure
    assert (ID.article, RDF.type, ACC.Source) in closure
    assert (ID.nuclear, RDF.type, ACC.Agreement) in closure


def test_disjointness_is_detected() -> None:
    closure = reason(PREFIXES + "id:odd a acc:State , acc:Person .")
    assert inconsistencies(closure)


# --- SHACL ----------------------------------------------------------------------------------


def test_valid_data_conforms(closure: Graph) -> None:
    conforms, messages = shacl_messages(closure)
    assert conforms, messages


def test_invalid_data_fails_with_the_expected_messages() -> None:
    closure = reason(INVALID_DATA)
    assert inconsistencies(closure) == []
    conforms, messages = shacl_messages(closure)
    assert not conforms
    assert {
        "An agreement must have at least two parties (acc:party).",
        "An agreement must have at least one topic (acc:topic), and each topic must be an acc:Topic.",
        "An agreement must have at least one signing (acc:signing) that conforms to the signing shape.",
        "A signing must have a date (acc:date).",
    } <= messages


def test_evidence_and_date_constraints() -> None:
    data = PREFIXES + (
        "id:s a acc:Signing ; acc:date '2025-06-16T10:00:00'^^xsd:dateTime .\n"
        "id:e a acc:Evidence ; acc:quote 'x' ; acc:begin '5'^^xsd:integer ;"
        " acc:end '3'^^xsd:integer .\n"
        "id:p a acc:Person . id:st a acc:State ."
    )
    conforms, messages = shacl_messages(load(ACCORDS_TTL, TOPICS_TTL).parse(data=data))
    assert not conforms
    assert {
        "The date of a signing (acc:date) must be an xsd:date, an xsd:gYearMonth or an xsd:gYear.",
        "A piece of evidence must have exactly one begin offset (acc:begin), "
        "a non-negative xsd:integer less than its end offset.",
        "A piece of evidence must have exactly one source (acc:source), an acc:Source.",
        "A person must have a label (rdfs:label).",
        "A state must have a label (rdfs:label).",
    } <= messages
