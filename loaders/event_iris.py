"""The IRIs of merged signings and agreements, from the event, so that adding a report keeps them.

A signing is ``id/signing/<parties>/<month>``: the parties every report names and the month of
the event (its year if no report gives the month). Reports of one event have compatible dates,
so every report that gives at least the month gives the same one: a report with the day does not
rename a signing first known by its month. Only when two signings of the same parties fall in
the same month does each take its full date (``…/1972-09-20``, ``…/1972-09-21``), and a number
(``-n2``…) if that is still the same.

An agreement is ``id/agreement/<signing>/<subject>``: the broad subject (a top concept of the
topic scheme) the most of its reports name, by a topic or a narrower one (each report counts once,
whatever the order of its topics; ties: alphabetical). Reports of one instrument agree on its
broad subject far more often than on its narrow topics, as they agree on the month more than on
the day. A report that names that subject cannot change it (its count goes up by one, any other's
by at most one), nor can removing one that does not name it. Instruments of one signing with the
same subject take, each, the topic the most of their reports state under it (same rule); those
still alike are numbered in the order of their title words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from accords.loaders.namespaces import ID
from accords.loaders.reasoner.terms import iri
from accords.loaders.reports import acc
from accords.loaders.resolution import Event, Instrument

T = TypeVar("T")
TOPIC = acc("topic")


def local(term: str) -> str:
    """The last segment of an IRI term: '<…/state/mali>' → 'mali'."""
    return term[1:-1].rstrip("/").rsplit("/", 1)[-1]


def event_iris(events: list[Event], broader: dict[str, frozenset[str]]) -> dict[str, str]:
    """Every report's merged resource: report IRI → merged signing or agreement IRI.

    ``broader``: every topic's broader topics (those without any are the scheme's top concepts).
    """
    merged: dict[str, str] = {}
    for event, path in signing_paths(events, broader).items():
        signing = iri(f"{ID}signing/{path}")
        for report in event.reports:
            merged[report.iri] = signing
        for instrument, slug in agreement_slugs(event.instruments, broader).items():
            agreement = iri(f"{ID}agreement/{path}/{slug}")
            for agreement_report in instrument.reports:
                merged[agreement_report.iri] = agreement
    return merged


def signing_paths(events: list[Event], broader: dict[str, frozenset[str]]) -> dict[Event, str]:
    """``<parties>/<month>``; signings of one pair in one month take their date (then a number)."""

    def parties(event: Event) -> str:
        return "-".join(sorted(local(p) for p in event.parties)) or "unknown-parties"

    def month(event: Event) -> str:
        date = event.date()
        return date[:7] if date else "undated"

    def full(event: Event) -> str:
        return event.date() or "undated"

    def subject(event: Event) -> tuple:
        slugs = sorted(agreement_slugs(event.instruments, broader).values())
        return (slugs, sorted(r.iri for r in event.reports))

    paths: dict[Event, str] = {}
    for base, group in _grouped(events, lambda e: f"{parties(e)}/{month(e)}").items():
        if len(group) == 1:
            paths[group[0]] = base
            continue
        for refined, same in _grouped(group, lambda e: f"{parties(e)}/{full(e)}").items():
            paths.update(_numbered(refined, sorted(same, key=subject), "-n"))
    return paths


def agreement_slugs(
    instruments: list[Instrument], broader: dict[str, frozenset[str]]
) -> dict[Instrument, str]:
    """Each instrument's broad subject; alike instruments take their topic under it, then a number."""
    subjects = {
        i: _most_named(i, lambda t: {a for a in broader.get(t, ()) if not broader.get(a)} or {t})
        for i in instruments
    }

    def topic(instrument: Instrument) -> str:
        subject = subjects[instrument]
        return _most_named(instrument, lambda t: {t} if subject in {t, *broader.get(t, ())} else set())

    def words(instrument: Instrument) -> tuple:
        found = sorted(set().union(*(r.words for r in instrument.reports)))
        return (found, sorted(r.iri for r in instrument.reports))

    slugs: dict[Instrument, str] = {}
    for subject, group in _grouped(
        instruments, lambda i: local(subjects[i]) if subjects[i] else "agreement"
    ).items():
        if len(group) == 1:
            slugs[group[0]] = subject
            continue
        for narrower, same in _grouped(
            group, lambda i: local(topic(i)) if subjects[i] else "agreement"
        ).items():
            slugs.update(_numbered(narrower, sorted(same, key=words), "-"))
    taken: set[str] = set()
    for instrument in sorted(instruments, key=lambda i: (slugs[i], words(i))):
        while (
            slugs[instrument] in taken
        ):  # a topic under two subjects, refined in both: never one IRI for two
            slugs[instrument] += "-x"
        taken.add(slugs[instrument])
    return slugs


def _most_named(instrument: Instrument, named: Callable[[str], set[str]]) -> str:
    """The term the most of the instrument's reports name through their topics; ties: alphabetical."""
    counts = Counter(n for r in instrument.reports for n in set().union(*map(named, r.values(TOPIC))))
    return min(counts, key=lambda n: (-counts[n], local(n)), default="")


def _grouped(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _numbered(path: str, items: list[T], separator: str) -> dict[T, str]:
    """The first item keeps the path, the next ones get a number."""
    return {item: path if n == 1 else f"{path}{separator}{n}" for n, item in enumerate(items, 1)}
