"""``accords wikidata snapshot`` and ``accords wikidata reconcile``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _client(args: argparse.Namespace):
    from accords.config import load_settings
    from accords.loaders.wikidata.client import SparqlClient

    config = Path(args.config) if args.config else None
    settings = load_settings(config_file=config, flags={"store": getattr(args, "store", None)})
    endpoint = args.endpoint or settings.wikidata_endpoint
    timeout = args.timeout if args.timeout is not None else max(settings.service_timeout, 30.0)
    return settings, SparqlClient(endpoint, timeout)


def run_snapshot(args: argparse.Namespace) -> int:
    from accords.loaders.wikidata.snapshot import take_snapshot

    settings, client = _client(args)
    summary = take_snapshot(settings.store, client, report=lambda line: print(line, file=sys.stderr))
    print(
        f"wikidata snapshot: {summary['triples']} triples about {summary['entities']} entities "
        f"({summary['calls']} queries, retrieved {summary['retrieved']}) → {summary['file']}; "
        f"new build of {summary['quads']} quads in {summary['seconds']:.1f}s",
        file=sys.stderr,
    )
    return 0


def run_reconcile(args: argparse.Namespace) -> int:
    from accords.loaders.wikidata.reconcile import reconcile

    settings, client = _client(args)
    sources = [Path(s) for s in args.sources] or list(settings.sources)
    # Beside the annotations named; with none named (the seeds installed with Accords, which may
    # be read-only or inside site-packages), in the working directory.
    folder = None if args.sources else Path.cwd()
    written = reconcile(sources, client, Path(args.out) if args.out else None, folder)
    for path, entities, found in written:
        print(f"{path}: {found} candidate(s) for {entities} unlinked entities, to review", file=sys.stderr)
    if not written:
        print("every person, organization and place already has a QID: nothing to review", file=sys.stderr)
    return 0


def _endpoint_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint", metavar="URL", help="SPARQL endpoint to ask (default: the wikidata_endpoint setting)"
    )
    parser.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="time limit of each query (default 30)"
    )


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``wikidata snapshot`` and ``wikidata reconcile`` to the ``accords`` command."""
    parser = subcommands.add_parser("wikidata", help="snapshot Wikidata for offline joins; propose QIDs")
    actions = parser.add_subparsers(dest="wikidata_command", required=True, metavar="ACTION")
    snapshot = actions.add_parser(
        "snapshot",
        help="copy a slice of Wikidata about every linked entity into the graph graph/wikidata (new build)",
    )
    snapshot.add_argument("--store", help="store directory (default ./var)")
    _endpoint_options(snapshot)
    snapshot.set_defaults(handler=run_snapshot)
    reconcile = actions.add_parser(
        "reconcile",
        help="propose QIDs for unlinked persons, organizations and places in a review file (links nothing)",
    )
    reconcile.add_argument("sources", nargs="*", help="article files or folders (default seeds/)")
    reconcile.add_argument(
        "--out",
        metavar="FILE",
        help="write every candidate into FILE (default: <id>.wikidata-review.yaml beside each "
        "annotation named, or in the working directory when none is)",
    )
    _endpoint_options(reconcile)
    reconcile.set_defaults(handler=run_reconcile)
