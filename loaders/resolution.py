"""Which reports tell of the same signing, and which of their agreements are the same instrument.

The rules (README, "Merging reports"):

- two signing reports may be joined only if they name the same parties (states; an organization
  counts as its state; a report that leaves out an agreement with a third state names fewer: one
  set of parties may hold the other) and their dates are compatible at their precision (one is a
  prefix of the other: 2025-06 and 2025-06-23 are, 2025-06-16 and 2025-06-23 are not);
- they are joined if, besides, they give the same day, or one of their instruments match
  (similarity ≥ ``SIGNING_THRESHOLD``); a report that could join several signings joins the one
  whose instruments match best; a differing place never splits;
- within a signing, agreements are matched by what they are about: if their parties overlap,
  similarity = 0.6 × topics + 0.4 × words, where topics is the mean of the Jaccard index of the
  topic sets and of the better topic cover (the share of one side's topics the other states, a
  broader topic it implies counting half), and words the share of the shorter title's content
  words found in the other (institution names included, the parties' names left out); matched
  greedily, best pair first (on a tie, the pair naming the same parties), when
  ≥ ``INSTRUMENT_THRESHOLD``, never by their order in the text.

Everything is a function of the whole set of reports, taken in a fixed order (the most precise
dates first, then curated before machine, then by source), so an incremental build resolves
exactly as a full one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from accords.loaders.reports import AgreementReport, SigningReport

SIGNING_THRESHOLD = 0.5
INSTRUMENT_THRESHOLD = 0.4
TOPIC_WEIGHT, WORD_WEIGHT = 0.6, 0.4


def compatible(a: str | None, b: str | None) -> bool:
    """Dates compatible at their precision: one is a prefix of the other (no date: compatible)."""
    if not a or not b:
        return True
    return a.startswith(b) or b.startswith(a)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _cover(a: AgreementReport, b: AgreementReport) -> float:
    """The share of a's topics that b states (1) or implies through a narrower topic (½)."""
    if not a.topics:
        return 0.0
    return sum(1.0 if t in b.topics else 0.5 if t in b.related else 0.0 for t in a.topics) / len(a.topics)


def similarity(a: AgreementReport, b: AgreementReport) -> float:
    """How alike two agreement reports are, 0..1, by what they are about (topics, title words)."""
    if not (a.parties & b.parties):
        return 0.0
    union = a.topics | b.topics
    jaccard = len(a.topics & b.topics) / len(union) if union else 0.0
    topic = (max(_cover(a, b), _cover(b, a)) + jaccard) / 2
    if not a.words or not b.words:
        return topic
    return TOPIC_WEIGHT * topic + WORD_WEIGHT * _overlap(a.words, b.words)


@dataclass(eq=False)
class Instrument:
    """One agreement of a merged signing: the reports of it."""

    reports: list[AgreementReport] = field(default_factory=list)

    @property
    def parties(self) -> frozenset[str]:
        return frozenset().union(*(r.parties for r in self.reports))

    def join(self, report: AgreementReport) -> None:
        self.reports.append(report)

    def similarity(self, report: AgreementReport) -> float:
        """The best similarity of the report to one of the instrument's reports."""
        return max(similarity(report, r) for r in self.reports)

    def same_parties(self, report: AgreementReport) -> bool:
        """One of the instrument's reports names exactly the report's parties (breaks ties)."""
        return any(r.parties == report.parties for r in self.reports)


@dataclass(eq=False)
class Event:
    """One merged signing: its reports and its instruments."""

    number: int = 0
    reports: list[SigningReport] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)

    @property
    def parties(self) -> frozenset[str]:
        """The parties every report names (a report may leave out an agreement with a third state)."""
        return frozenset.intersection(*(r.parties for r in self.reports))

    def same_parties(self, report: SigningReport) -> bool:
        """The report's parties and the event's are the same, or one set holds the other."""
        return all(r.parties <= report.parties or report.parties <= r.parties for r in self.reports)

    def dates(self) -> list[str]:
        return [r.date for r in self.reports if r.date]

    def date(self) -> str | None:
        """The most precise of its compatible dates."""
        return max(self.dates(), key=len, default=None)

    def score(self, report: SigningReport) -> float:
        """The best match between one of the report's agreements and one of the event's."""
        return max(
            (i.similarity(a) for a in report.agreements for i in self.instruments),
            default=0.0,
        )

    def add(self, report: SigningReport) -> list[tuple[AgreementReport, Instrument | None, float]]:
        """Join a report and match its agreements to the instruments; return the matches made."""
        self.reports.append(report)
        pairs = sorted(
            (
                (inst.similarity(a), inst.same_parties(a), i, j)
                for i, a in enumerate(report.agreements)
                for j, inst in enumerate(self.instruments)
            ),
            key=lambda t: (-t[0], -t[1], t[2], t[3]),
        )
        matched: dict[int, tuple[int, float]] = {}
        taken: set[int] = set()
        for score, _, i, j in pairs:
            if score < INSTRUMENT_THRESHOLD:
                break
            if i not in matched and j not in taken:
                matched[i] = (j, score)
                taken.add(j)
        decisions: list[tuple[AgreementReport, Instrument | None, float]] = []
        for i, agreement in enumerate(report.agreements):
            if i in matched:
                j, score = matched[i]
                self.instruments[j].join(agreement)
                decisions.append((agreement, self.instruments[j], score))
            else:
                instrument = Instrument()
                instrument.join(agreement)
                self.instruments.append(instrument)
                decisions.append((agreement, None, 0.0))
        return decisions


@dataclass
class Decision:
    """Why a signing report joined an event or started one."""

    report: str
    joined: int | None  # the index of the event joined, or None: a new event
    event: int
    reasons: list[str]


def _order(report: SigningReport) -> tuple:
    return (-len(report.date or ""), not report.curated, report.source, report.iri)


def _pairs(parties: frozenset[str]) -> list[frozenset[str]]:
    return [frozenset(p) for p in combinations(sorted(parties), 2)] or [parties]


def resolve(reports: list[SigningReport]) -> tuple[list[Event], list[Decision]]:
    """Group signing reports into events; the decisions say why."""
    by_pair: dict[frozenset[str], list[Event]] = defaultdict(list)
    events: list[Event] = []
    decisions: list[Decision] = []
    for report in sorted(reports, key=_order):
        found = {e.number: e for pair in _pairs(report.parties) for e in by_pair[pair]}
        reasons: list[str] = []
        best: tuple[float, Event] | None = None
        for number in sorted(found):
            event = found[number]
            if not event.same_parties(report):
                continue
            dates = event.dates()
            clash = next((d for d in dates if not compatible(d, report.date)), None)
            if clash:
                reasons.append(f"event {number}: dates {report.date} and {clash} differ")
                continue
            same_day = len(report.date or "") == 10 and report.date in dates
            score = 1.0 if same_day else event.score(report)
            why = "the same day" if same_day else f"instrument similarity {score:.2f}"
            if score < SIGNING_THRESHOLD:
                reasons.append(f"event {number}: {why} < {SIGNING_THRESHOLD}")
                continue
            reasons.append(f"event {number}: same parties, compatible dates, {why}")
            if best is None or score > best[0]:
                best = (score, event)
        if best is None:
            event, joined = Event(len(events)), None
            events.append(event)
        else:
            event, joined = best[1], best[1].number
        for pair in _pairs(report.parties):
            if event not in by_pair[pair]:
                by_pair[pair].append(event)
        for agreement, instrument, score in event.add(report):
            if instrument is not None and len(instrument.reports) > 1:
                reasons.append(f"{agreement.iri[1:-1]} matches an instrument of the event ({score:.2f})")
        decisions.append(Decision(report.iri, joined, event.number, reasons))
    return events, decisions
