"""Map a checked annotation of one article to RDF: the triples of its source graph."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from accords.loaders import iris
from accords.loaders.annotation import Annotation, Entry, Fact
from accords.loaders.annotation_fields import SECTIONS
from accords.loaders.article import Article
from accords.loaders.namespaces import ACC, SCHEMA, TOPIC, WD, source_graph
from accords.loaders.reference import states_by_iso2

Triple = tuple[URIRef, URIRef, URIRef | Literal]
ENTRY_CLASSES = {name: URIRef(section.cls) for name, section in SECTIONS.items()}
PROVISION_CLASSES = {
    "objectives": (ACC.objective, ACC.Objective),
    "commitments": (ACC.commitment, ACC.Commitment),
    "principles": (ACC.principle, ACC.Principle),
}
FIELD_PROPERTIES = {
    field: URIRef(row.property)
    for section in SECTIONS.values()
    for field, row in section.fields.items()
    if row.property
}
# What one article says of a signing or an agreement is its *report* of it: typed as a report, its
# facts only reified (never asserted), so the reasoner does not make it an acc:Signing or an
# acc:Agreement. The merged signings and agreements are made from the reports (loaders.merged).
REPORT_SECTIONS = frozenset({"signings", "agreements"})
DATATYPES = {
    field: URIRef(row.datatype)
    for section in SECTIONS.values()
    for field, row in section.fields.items()
    if row.datatype
}


def date_literal(value: str) -> Literal:
    """An xsd:date only for a full day; else xsd:gYearMonth or xsd:gYear (never a guessed day)."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)


class _Mapper:
    def __init__(self, article: Article, annotation: Annotation) -> None:
        self.article = article
        self.annotation = annotation
        self.source_id = article.source_id
        self.source = iris.scoped("source", self.source_id)
        self.graph: set[Triple] = set()  # a set: Graph.add is slow
        self.evidence_nodes: dict[str, URIRef] = {}
        self.resources = {key: self.resource(entry) for key, entry in annotation.entries.items()}

    def resource(self, entry: Entry) -> URIRef:
        facts = entry.facts
        if entry.section == "states":
            return iris.shared("state", states_by_iso2()[facts["iso"].value].name)
        if entry.section in ("persons", "organizations", "places"):
            label = facts.get("label")
            name = label.value.get("en") if label else None
            name = name or (
                facts["name"].value if "name" in facts else next(iter(cast(Fact, label).value.values()))
            )
            return iris.shared(entry.section.rstrip("s"), name)
        if entry.section == "diplomatic_relations":
            states = sorted(self.resource(self.annotation.entries[k]) for k in facts["between"].value)
            return iris.shared("diplomatic-relation", "-".join(s.rsplit("/", 1)[1] for s in states))
        if entry.section in REPORT_SECTIONS:
            return iris.scoped(entry.section.rstrip("s") + "-report", self.source_id, entry.key)
        return iris.scoped(entry.section.rstrip("s"), self.source_id, entry.key)

    def evidence(self, quote_key: str) -> URIRef:
        known = self.evidence_nodes.get(quote_key)
        if known is not None:
            return known
        quote = self.annotation.quotes[quote_key]
        node = iris.scoped("evidence", self.source_id, f"{quote.begin}-{quote.end}")
        self.graph.add((node, RDF.type, ACC.Evidence))
        self.graph.add((node, ACC.quote, Literal(quote.text)))
        self.graph.add((node, ACC.begin, Literal(quote.begin, datatype=XSD.integer)))
        self.graph.add((node, ACC.end, Literal(quote.end, datatype=XSD.integer)))
        self.graph.add((node, ACC.source, self.source))
        self.evidence_nodes[quote_key] = node
        return node

    def state(
        self,
        s: URIRef,
        p: URIRef,
        o: URIRef | Literal,
        quotes: Iterable[str],
        derived: str | None = None,
        asserted: bool = True,
        confidence: float | None = None,
    ) -> None:
        """Assert one fact (unless a report's) and record, on a reified statement, the quotes behind
        it (and, for a machine draft, its calibrated confidence)."""
        if asserted:
            self.graph.add((s, p, o))
        statement = iris.statement(self.source_id, f"{s.n3()} {p.n3()} {o.n3()}")
        if confidence is not None:
            self.graph.add((statement, ACC.confidence, Literal(str(confidence), datatype=XSD.decimal)))
        self.graph.add((statement, RDF.type, RDF.Statement))
        self.graph.add((statement, RDF.subject, s))
        self.graph.add((statement, RDF.predicate, p))
        self.graph.add((statement, RDF.object, o))
        link = ACC.derivedFrom if derived else ACC.evidence
        for key in quotes:
            evidence = self.evidence(key)
            self.graph.add((statement, link, evidence))
            self.graph.add((s, ACC.evidence, evidence))
        if derived:
            self.graph.add((statement, ACC.derived, Literal(True)))
            self.graph.add((statement, ACC.derivationRule, Literal(derived, lang="en")))

    def objects(self, name: str, fact: Fact) -> list[URIRef | Literal]:
        values = fact.value if isinstance(fact.value, list) else [fact.value]
        if name in ("topics", "fields"):
            return [TOPIC[v] for v in values]
        if name in ("role", "rank", "description"):
            return [Literal(text, lang=lang) for lang, text in fact.value.items()]
        if name == "date":
            return [date_literal(fact.value)]
        if name == "weekday":
            return [SCHEMA[fact.value]]
        if name in DATATYPES:
            return [Literal(str(v), datatype=DATATYPES[name]) for v in values]
        return [self.resources[v] for v in values]

    def map_entry(self, entry: Entry) -> None:
        node = self.resources[entry.key]
        self.state(node, RDF.type, ENTRY_CLASSES[entry.section], entry.quotes)
        report = entry.section in REPORT_SECTIONS
        if report:
            self.graph.add((node, ACC.reportedIn, self.source))
        facts = dict(entry.facts)
        label = facts.pop("label", None)
        name = facts.pop("name", None)
        if label:
            for lang, text in label.value.items():
                self.state(node, RDFS.label, Literal(text, lang=lang), label.quotes, label.derived)
        elif name:
            self.state(node, RDFS.label, Literal(name.value), name.quotes)
        if name:
            self.state(node, SCHEMA.name, Literal(name.value), name.quotes)
        if "iso" in facts:
            country = states_by_iso2()[facts.pop("iso").value]
            self.graph.add((node, SKOS.notation, Literal(country.iso2)))
            if country.qid:  # a state without a verified QID gets no link
                self.graph.add((node, SKOS.exactMatch, WD[country.qid]))
            if not label:
                self.state(node, RDFS.label, Literal(country.name, lang="en"), entry.quotes)
        if entry.wikidata:
            self.graph.add((node, SKOS.exactMatch, WD[entry.wikidata]))
        if entry.section == "visits" and facts.pop("kind", None) is not None:
            kind = entry.facts["kind"]
            if kind.value == "official":
                self.state(node, RDF.type, ACC.OfficialVisit, kind.quotes, kind.derived)
        for field_name, fact in facts.items():
            for obj in self.objects(field_name, fact):
                prop, stated = FIELD_PROPERTIES[field_name], not report
                self.state(node, prop, obj, fact.quotes, fact.derived, stated, fact.confidence)

    def map_provisions(self) -> None:
        for agreement_key, provisions in self.annotation.provisions.items():
            agreement = self.resources[agreement_key]
            for provision in provisions:
                link, cls = PROVISION_CLASSES[provision.kind]
                node = iris.scoped("provision", self.source_id, agreement_key, provision.key)
                self.state(agreement, link, node, provision.quotes, asserted=False)
                self.state(node, RDF.type, cls, provision.quotes)
                for lang, text in provision.label.items():
                    self.state(node, RDFS.label, Literal(text, lang=lang), provision.quotes)

    def map_source(self) -> None:
        graph_iri = URIRef(source_graph(self.source_id))
        g, src, article = self.graph, self.source, self.article
        g.add((src, RDF.type, ACC.Source))
        g.add((src, DCTERMS.identifier, Literal(self.source_id)))
        g.add((src, RDFS.label, Literal(f"News article {self.source_id}", lang="en")))
        g.add((src, ACC.language, Literal(self.annotation.language, datatype=XSD.language)))
        g.add((src, ACC.publicationDate, date_literal(article.date)))
        g.add((src, ACC.extractionMethod, Literal(self.annotation.method)))
        if self.annotation.confidence is not None:
            confidence = Literal(str(self.annotation.confidence), datatype=XSD.decimal)
            g.add((src, ACC.confidence, confidence))
        g.add((graph_iri, RDF.type, PROV.Bundle))
        g.add((graph_iri, PROV.wasDerivedFrom, src))
        g.add((graph_iri, RDFS.label, Literal(f"Facts stated by source {self.source_id}", lang="en")))
        activity = iris.scoped("annotation", self.source_id)
        g.add((graph_iri, PROV.wasGeneratedBy, activity))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, PROV.used, src))
        g.add((activity, RDFS.label, Literal(f"{self.annotation.method} annotation", lang="en")))


def annotation_triples(article: Article, annotation: Annotation) -> set[Triple]:
    """All asserted triples of one source, to be stored in its named graph."""
    mapper = _Mapper(article, annotation)
    mapper.map_source()
    for entry in annotation.entries.values():
        mapper.map_entry(entry)
    mapper.map_provisions()
    return mapper.graph
