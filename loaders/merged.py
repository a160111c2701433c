"""The merged graph: one acc:Signing per event and one acc:Agreement per instrument, from the reports.

Each merged resource asserts the facts its reports state (the reports' objects mapped to merged
resources), each fact reified once with the quotes of every source that states it
(``acc:evidence``/``acc:derivedFrom``) and those sources (``acc:reportedIn``). Where reports
disagree on a single-valued property (date, place, announced count, weekday) every value is
kept as a statement, an ``acc:Conflict`` marks them, and only a value picked by a written rule
is asserted (README, "Merging reports"): the most precise date; for a weekday, that of a full
date; the value of the curated annotations over machine drafts; for a place, the one most
sources give. Counts that disagree between curated reports have no rule: none is asserted.
"""

from __future__ import annotations

import calendar
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from accords.loaders.namespaces import ID, MERGED_GRAPH, SCHEMA
from accords.loaders.reasoner.terms import Triple, iri, literal_parts, quote, rdf
from accords.loaders.reports import LABEL, RDF_TYPE, Pairs, Report, acc, read_reports
from accords.loaders.resolution import Decision, Event, resolve

GRAPH = str(MERGED_GRAPH)
SKOS_BROADER = "<http://www.w3.org/2004/02/skos/core#broader>"
ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
DATE, PLACE, COUNT, WEEKDAY = acc("date"), acc("place"), acc("announcedCount"), acc("weekday")
SINGLE = (DATE, PLACE, COUNT, WEEKDAY)
RULES = {
    "date": ("the most precise of the compatible dates", "la plus précise des dates compatibles"),
    "weekday": ("the weekday of the most precise date", "le jour de la semaine de la date la plus précise"),
    "majority": (
        "the value most of the reporting sources give",
        "la valeur que donnent la plupart des sources qui en parlent",
    ),
    "curated": (
        "the value of the curated annotations, over machine drafts",
        "la valeur des annotations vérifiées, plutôt que celle des brouillons automatiques",
    ),
}


def topic_ancestors(ontology: Iterable[Triple]) -> dict[str, frozenset[str]]:
    """Every topic's broader topics, transitively."""
    parents: dict[str, set[str]] = {}
    for s, p, o in ontology:
        if p == SKOS_BROADER:
            parents.setdefault(s, set()).add(o)
    closure: dict[str, frozenset[str]] = {}

    def up(topic: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if topic not in closure:
            found: set[str] = set()
            for parent in parents.get(topic, ()):
                if parent not in seen:
                    found |= {parent, *up(parent, seen | {topic})}
            closure[topic] = frozenset(found)
        return closure[topic]

    for topic in list(parents):
        up(topic)
    return closure


@dataclass
class Resolution:
    """The merged graph's triples, and the events and decisions behind them."""

    triples: set[Triple]
    events: list[Event]
    decisions: list[Decision]
    iris: dict[str, str]  # report IRI → merged IRI


def merge(sources: dict[str, Pairs], ontology: Iterable[Triple]) -> Resolution:
    """Resolve the reports of all sources and make the merged graph."""
    broader = topic_ancestors(ontology)
    reports = [r for sid in sorted(sources) for r in read_reports(sid, sources[sid], broader)]
    events, decisions = resolve(reports)
    writer = _Writer()
    for event in events:
        writer.name(event)
    for event in events:
        writer.event(event)
    return Resolution(writer.triples, events, decisions, writer.merged)


def _local(term: str) -> str:
    return term[1:-1].rstrip("/").rsplit("/", 1)[-1]


def _preference(report: Report) -> tuple:
    return (not report.curated, report.source, report.iri)


class _Writer:
    def __init__(self) -> None:
        self.triples: set[Triple] = set()
        self.merged: dict[str, str] = {}
        self.used: set[str] = set()

    def _unique(self, path: str) -> str:
        candidate, n = path, 2
        while candidate in self.used:
            candidate, n = f"{path}-{n}", n + 1
        self.used.add(candidate)
        return candidate

    def name(self, event: Event) -> None:
        """Merged IRIs from the event: its parties, its date at its precision, each instrument's topics."""
        pair = "-".join(sorted(_local(p) for p in event.parties)) or "unknown-parties"
        signing_path = self._unique(f"{pair}/{event.date() or 'undated'}")
        signing = iri(f"{ID}signing/{signing_path}")
        for report in event.reports:
            self.merged[report.iri] = signing
        for instrument in event.instruments:
            counts = Counter(t for r in instrument.reports for t in r.values(acc("topic")))
            ranked = [_local(t) for t, _ in sorted(counts.items(), key=lambda tc: (-tc[1], _local(tc[0])))]
            slug = ranked[0] if ranked else "agreement"
            for extra in ranked[1:3]:
                if f"{signing_path}/{slug}" not in self.used:
                    break
                slug = f"{slug}-{extra}"
            path = self._unique(f"{signing_path}/{slug}")
            for agreement in instrument.reports:
                self.merged[agreement.iri] = iri(f"{ID}agreement/{path}")

    def event(self, event: Event) -> None:
        signing = self.merged[event.reports[0].iri]
        self.resource(signing, acc("Signing"), event.reports, event)
        for instrument in event.instruments:
            agreement = self.merged[instrument.reports[0].iri]
            self.resource(agreement, acc("Agreement"), instrument.reports, None)
            if len(instrument.parties) == 2:
                party_statements = [
                    (r, s) for r in instrument.reports for s in r.statements if s.predicate == acc("party")
                ]
                self.statement(agreement, RDF_TYPE, acc("BilateralAgreement"), party_statements)
                self.add(agreement, RDF_TYPE, acc("BilateralAgreement"))

    def add(self, s: str, p: str, o: str) -> None:
        self.triples.add((s, p, o))

    def statement(self, s: str, p: str, o: str, backing: list) -> str:
        """The reified statement of a merged fact, with the quotes and sources of every report stating it."""
        digest = hashlib.sha1(f"{s} {p} {o}".encode()).hexdigest()[:16]
        node = iri(f"{ID}statement/merged/{digest}")
        add = self.add
        add(node, RDF_TYPE, rdf("Statement"))
        add(node, rdf("subject"), s)
        add(node, rdf("predicate"), p)
        add(node, rdf("object"), o)
        for report, st in backing:
            add(node, acc("reportedIn"), iri(f"{ID}source/{report.source}"))
            for evidence in st.evidence:
                add(node, acc("evidence"), evidence)
                add(s, acc("evidence"), evidence)
            for evidence in st.derived_from:
                add(node, acc("derivedFrom"), evidence)
                add(s, acc("evidence"), evidence)
            for rule in st.rules:
                add(node, acc("derivationRule"), rule)
        if backing and all(st.derived_from and not st.evidence for _, st in backing):
            add(node, acc("derived"), TRUE)
        return node

    def resource(self, node: str, cls: str, reports: list, event: Event | None) -> None:
        groups: dict[tuple[str, str], list] = {}
        for report in sorted(reports, key=_preference):
            self.add(node, acc("reportedIn"), iri(f"{ID}source/{report.source}"))
            self.add(report.iri, acc("reportOf"), node)
            for st in report.statements:
                obj = cls if st.predicate == RDF_TYPE else self.merged.get(st.object, st.object)
                groups.setdefault((st.predicate, obj), []).append((report, st))
        labels_seen: set[str | None] = set()
        single: dict[str, dict[str, list]] = {}
        for (p, o), backing in groups.items():
            if p in SINGLE:
                single.setdefault(p, {})[o] = backing
                continue
            if p == LABEL:
                language = literal_parts(o)[1]
                p = ALT_LABEL if language in labels_seen else LABEL
                labels_seen.add(language)
            self.statement(node, p, o, backing)
            self.add(node, p, o)
        for p in SINGLE:
            values = single.get(p)
            if values:
                self.single(node, p, values, event)

    def single(self, node: str, p: str, values: dict[str, list], event: Event | None) -> None:
        """One value: asserted. Several: each kept as a statement, the conflict marked, a value by rule."""
        statements = {o: self.statement(node, p, o, backing) for o, backing in values.items()}
        date = event.date() if event else None
        day_weekday = None
        if date and len(date) == 10:
            year, month, day = map(int, date.split("-"))
            day_weekday = iri(f"{SCHEMA}{calendar.day_name[calendar.weekday(year, month, day)]}")
        if len(values) == 1 and not (p == WEEKDAY and day_weekday and day_weekday not in values):
            (value,) = values
            self.add(node, p, value)
            return
        preferred, rule = None, None
        if p == DATE:
            preferred, rule = max(values, key=lambda o: len(literal_parts(o)[0])), "date"
        elif p == WEEKDAY and day_weekday:
            preferred, rule = (day_weekday if day_weekday in values else None), "weekday"
        else:
            curated = {o for o, backing in values.items() if any(r.curated for r, _ in backing)}
            sources = {o: len({r.source for r, _ in backing}) for o, backing in values.items()}
            ranked = sorted(sources.values(), reverse=True)
            if len(curated) == 1 and len(values) > 1:
                preferred, rule = next(iter(curated)), "curated"
            elif p == PLACE and len(ranked) > 1 and ranked[0] > ranked[1]:
                preferred, rule = max(sources, key=sources.__getitem__), "majority"
        conflict = iri(f"{ID}conflict/{node[1:-1].split('/id/', 1)[1]}/{_local(p).rsplit('#', 1)[-1]}")
        add = self.add
        add(node, acc("conflict"), conflict)
        add(conflict, RDF_TYPE, acc("Conflict"))
        add(conflict, acc("conflictProperty"), p)
        add(conflict, LABEL, quote(f"Reports disagree on {_local(p).rsplit('#', 1)[-1]}") + "@en")
        add(conflict, LABEL, quote(f"Les sources divergent : {_local(p).rsplit('#', 1)[-1]}") + "@fr")
        for st in statements.values():
            add(conflict, acc("conflictingStatement"), st)
        if p == WEEKDAY and len(values) == 1 and date:
            date_statement = self.statement(node, DATE, _date_key(date), [])
            add(conflict, acc("conflictingStatement"), date_statement)
        if preferred is not None and rule is not None:
            add(node, p, preferred)
            add(conflict, acc("preferredStatement"), statements[preferred])
            english, french = RULES[rule]
            add(conflict, acc("preferenceRule"), quote(english) + "@en")
            add(conflict, acc("preferenceRule"), quote(french) + "@fr")


def _date_key(date: str) -> str:
    datatype = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(date)]
    return f"{quote(date)}^^<http://www.w3.org/2001/XMLSchema#{datatype}>"


def graph_pairs(triples: Iterable[Triple]) -> Pairs:
    """Triples grouped by property, the form the reasoner and the build state use."""
    pairs: Pairs = {}
    for s, p, o in triples:
        pairs.setdefault(p, []).append((s, o))
    return pairs
