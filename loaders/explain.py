"""``accords explain-merge``: why reports were joined into one signing or kept apart."""

from __future__ import annotations

import argparse

from accords.config import settings_from
from accords.loaders.errors import InputError
from accords.loaders.merged import Resolution, merge
from accords.loaders.namespaces import ID
from accords.loaders.state import read_state
from accords.loaders.store import StoreError, current_build


def resolution_of(store: object) -> Resolution:
    """Resolve again the reports of the current build (from its reasoning state)."""
    build = current_build(store)  # type: ignore[arg-type]
    if build is None:
        raise StoreError(f"no store at {store}: run 'accords build' first")
    state = read_state(build)
    return merge(state["sources"], state["ontology"])


def _events_of(item: str, resolution: Resolution) -> list[int]:
    """The events an item names: a source id, a report IRI or a merged signing/agreement IRI."""
    term = item if item.startswith("<") else f"<{item}>"
    found = []
    for event in resolution.events:
        signing = resolution.iris[event.reports[0].iri]
        reports = [r for r in event.reports] + [a for i in event.instruments for a in i.reports]
        names = {signing, *(resolution.iris[a.iri] for a in reports)}
        if term in names or any(term == r.iri or item == r.source for r in reports):
            found.append(event.number)
    if not found:
        raise InputError(item, "no report, merged resource or source of the current build has this name")
    return found


def explain(items: list[str], resolution: Resolution) -> list[str]:
    """Lines saying, for each item, which event its reports joined and why; then a verdict."""
    lines: list[str] = []
    chosen = [_events_of(item, resolution) for item in items]
    decisions = {d.report: d for d in resolution.decisions}
    for number in sorted({n for events in chosen for n in events}):
        event = resolution.events[number]
        lines.append(f"event {number}: {resolution.iris[event.reports[0].iri][1:-1]}")
        for report in event.reports:
            decision = decisions[report.iri]
            how = "started the event" if decision.joined is None else "joined it"
            method = "curated" if report.curated else "machine"
            lines.append(f"  {report.iri[1:-1]} ({report.source}, {report.date}, {method}): {how}")
            lines += [f"    {reason}" for reason in decision.reasons]
        for instrument in event.instruments:
            sources = ", ".join(sorted({r.source for r in instrument.reports}))
            lines.append(f"  agreement {resolution.iris[instrument.reports[0].iri][1:-1]} ← {sources}")
    if len(items) == 2:
        shared = set(chosen[0]) & set(chosen[1])
        if shared:
            lines.append(f"verdict: joined (event {', '.join(map(str, sorted(shared)))})")
        else:
            lines.append("verdict: kept apart (see the reasons of each report above)")
    return lines


def run(args: argparse.Namespace) -> int:
    resolution = resolution_of(settings_from(args).store)
    print("\n".join(explain(args.items, resolution)))
    return 0


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "explain-merge", help="say why reports were joined into one signing or kept apart"
    )
    parser.add_argument("--store", help="store directory (default ./var)")
    parser.add_argument("items", nargs="+", help=f"source ids, report IRIs or merged IRIs ({ID}signing/…)")
    parser.set_defaults(handler=run)
