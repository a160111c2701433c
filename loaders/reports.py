"""Read the reports of signings and agreements back out of the triples of a source graph.

A source graph states its reports' facts only as reified statements (``loaders.mapping``):
this module collects, for each report, those statements and the features the resolver
compares (parties, date, place, topics, title words, the institutions it creates).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from accords.loaders.namespaces import ACC
from accords.loaders.reasoner.terms import iri, literal_parts, rdf, rdfs

Pairs = dict[str, list[tuple[str, str]]]


def acc(name: str) -> str:
    return iri(str(ACC) + name)


RDF_TYPE = rdf("type")
LABEL = rdfs("label")
SIGNING_REPORT, AGREEMENT_REPORT = acc("SigningReport"), acc("AgreementReport")
STATE = acc("State")
STOPWORDS = frozenset(
    [
        "agreement",
        "accord",
        "accords",
        "agreements",
        "between",
        "entre",
        "about",
        "with",
        "avec",
        "pour",
        "dans",
        "under",
        "sur",
        "les",
        "des",
        "the",
        "and",
        "memorandum",
        "protocole",
        "protocol",
        "understanding",
        "convention",
        "cooperation",
        "cooperation",
    ]
)


@dataclass
class Statement:
    """One reified statement of a report: its triple, quotes and derivation."""

    iri: str
    subject: str
    predicate: str
    object: str
    evidence: list[str] = field(default_factory=list)
    derived_from: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What one article says of one signing or one agreement."""

    iri: str
    source: str  # the source id
    curated: bool
    kind: str  # "signing" or "agreement"
    statements: list[Statement] = field(default_factory=list)

    def values(self, prop: str) -> list[str]:
        return [s.object for s in self.statements if s.predicate == prop]

    def value(self, prop: str) -> str | None:
        found = self.values(prop)
        return found[0] if found else None


@dataclass
class AgreementReport(Report):
    parties: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    related: frozenset[str] = frozenset()  # the topics and all their broader topics
    words: frozenset[str] = frozenset()
    signing: str | None = None


@dataclass
class SigningReport(Report):
    date: str | None = None  # the lexical form, YYYY[-MM[-DD]]
    place: str | None = None
    parties: frozenset[str] = frozenset()  # states, an organization counted as its state
    agreements: list[AgreementReport] = field(default_factory=list)


def words(text: str) -> set[str]:
    """Content words of a title, lower-case ASCII, cut to five letters (nucléaire ~ nuclear)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return {w[:5] for w in re.findall(r"[a-z]{4,}", ascii_text) if w not in STOPWORDS}


def read_reports(source_id: str, pairs: Pairs, broader: dict[str, frozenset[str]]) -> list[SigningReport]:
    """The signing reports of one source graph, each with its agreement reports."""
    types = pairs.get(RDF_TYPE, [])
    kinds = {s: o for s, o in types if o in (SIGNING_REPORT, AGREEMENT_REPORT)}
    if not kinds:
        return []
    statements: dict[str, Statement] = {}
    for st, subject in pairs.get(rdf("subject"), []):
        if subject in kinds:
            statements[st] = Statement(st, subject, "", "")
    for prop, attr in ((rdf("predicate"), "predicate"), (rdf("object"), "object")):
        for st, value in pairs.get(prop, []):
            if st in statements:
                setattr(statements[st], attr, value)
    for prop, attr in ((acc("evidence"), "evidence"), (acc("derivedFrom"), "derived_from")):
        for st, value in pairs.get(prop, []):
            if st in statements:
                getattr(statements[st], attr).append(value)
    for st, value in pairs.get(acc("derivationRule"), []):
        if st in statements:
            statements[st].rules.append(value)
    curated = any(o == '"curated"' for _, o in pairs.get(acc("extractionMethod"), []))
    labels: dict[str, list[str]] = {}
    for s, o in pairs.get(LABEL, []):
        labels.setdefault(s, []).append(literal_parts(o)[0])
    country = dict(pairs.get(acc("country"), []))
    states = {s for s, o in types if o == STATE}

    reports: dict[str, Report] = {}
    for node, kind in sorted(kinds.items()):
        cls = SigningReport if kind == SIGNING_REPORT else AgreementReport
        reports[node] = cls(node, source_id, curated, "signing" if cls is SigningReport else "agreement")
    for statement in sorted(statements.values(), key=lambda s: s.iri):
        reports[statement.subject].statements.append(statement)
    signings = [r for r in reports.values() if isinstance(r, SigningReport)]
    for signing in signings:
        date = signing.value(acc("date"))
        signing.date = literal_parts(date)[0] if date else None
        signing.place = signing.value(acc("place"))
    by_iri = {s.iri: s for s in signings}
    for report in reports.values():
        if not isinstance(report, AgreementReport):
            continue
        report.parties = frozenset(report.values(acc("party")))
        report.topics = frozenset(report.values(acc("topic")))
        report.related = report.topics.union(*(broader.get(t, ()) for t in report.topics))
        party_words = set().union(*(words(t) for p in report.parties for t in labels.get(p, [])))
        text = [literal_parts(o)[0] for o in report.values(LABEL)]
        for institution in report.values(acc("establishes")):
            text += labels.get(institution, [])
        report.words = frozenset(set().union(*map(words, text)) - party_words) if text else frozenset()
        report.signing = report.value(acc("signing"))
        if report.signing in by_iri:
            by_iri[report.signing].agreements.append(report)
    for signing in signings:
        parties = set()
        for agreement in signing.agreements:
            parties |= {p if p in states else country.get(p, p) for p in agreement.parties}
        signing.parties = frozenset(parties)
    return signings
