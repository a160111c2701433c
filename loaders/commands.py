"""The `accords build`, `export`, `query` and `validate` subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accords.config import Settings, settings_from
from accords.loaders.explain import register as register_explain_merge
from accords.loaders.extraction.commands import register_eval_extract, register_extract
from accords.loaders.store import open_read_only
from accords.loaders.wikidata.commands import register as register_wikidata


def _graph_option(value: str) -> tuple[str, Path]:
    iri, sep, file = value.partition("=")
    if not sep or not iri or not file or ":" not in iri:
        raise argparse.ArgumentTypeError(f"expected IRI=FILE, got {value!r}")
    return iri, Path(file)


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="store directory (default ./var)")


def run_build(args: argparse.Namespace) -> int:
    from accords.loaders.build import Inputs, build_store, summary_line
    from accords.loaders.progress import Progress

    if args.no_articles and args.sources:
        print("accords build: --no-articles takes no sources", file=sys.stderr)
        return 2
    sources = () if args.no_articles else tuple(Path(s) for s in args.sources) or None
    settings = settings_from(
        args, sources=sources, reasoner=args.reasoner, full_entailment=args.full_entailment or None
    )
    progress = Progress()
    if args.add or args.replace or args.remove:
        from accords.loaders.incremental import update_line, update_store

        if args.sources or args.graph or args.graph_as_is or args.no_articles or args.no_ontology:
            print(
                "accords build: --add, --replace and --remove take no other sources, --graph,"
                " --graph-as-is, --no-articles or --no-ontology",
                file=sys.stderr,
            )
            return 2
        summary = update_store(settings, args.add or [], args.replace or [], args.remove or [], progress)
        progress.finish(update_line(summary) + f" → {settings.store}")
        return _push(settings, args.push)
    inputs = Inputs(dict(args.graph or []), dict(args.graph_as_is or []), ontology=not args.no_ontology)
    summary = build_store(settings, progress=progress, inputs=inputs)
    progress.finish(summary_line(summary) + f" → {settings.store}")
    return _push(settings, args.push)


def _push(settings: Settings, url: str | None) -> int:
    """``--push URL``: copy the new build into an external store (Graph Store Protocol)."""
    if url:
        from accords.loaders.progress import Progress
        from accords.loaders.push import push

        progress = Progress()
        pushed = push(settings.store, url, progress=progress, default_graph=settings.backend_default_graph)
        progress.finish(
            f"pushed {pushed['graphs']} graph(s), {pushed['triples']} triples, "
            f"and their merge ({pushed['merged']} triples) as the default graph → {pushed['url']}"
        )
    return 0


def register_build(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("build", help="build the store from articles and annotations")
    _add_store(parser)
    parser.add_argument("sources", nargs="*", help="article files or folders (default seeds/)")
    parser.add_argument(
        "--graph",
        action="append",
        type=_graph_option,
        metavar="IRI=FILE",
        help="also load an RDF file into the named graph IRI, reasoned over with the rest (repeatable)",
    )
    parser.add_argument(
        "--graph-as-is",
        action="append",
        type=_graph_option,
        metavar="IRI=FILE",
        help="also load an RDF file into the named graph IRI, kept out of the reasoning (repeatable)",
    )
    parser.add_argument(
        "--no-articles", action="store_true", help="build without articles (only --graph files)"
    )
    parser.add_argument(
        "--no-ontology",
        action="store_true",
        help="leave the Accords ontology out of the build and its reasoning",
    )
    parser.add_argument(
        "--full-entailment",
        action="store_true",
        help="also store graph/inferred-full: what the default view's filter drops, for entailment=full",
    )
    parser.add_argument(
        "--reasoner",
        choices=("fast", "owlrl"),
        help="OWL 2 RL materialization: the fast engine (default) or owlrl, the reference",
    )
    parser.add_argument(
        "--push",
        metavar="URL",
        help="then PUT every graph of the build into an external store (Graph Store Protocol endpoint)",
    )
    update = parser.add_argument_group(
        "incremental update", "change the current build by a few articles (a new build, switched atomically)"
    )
    update.add_argument(
        "--add", nargs="+", action="extend", type=Path, metavar="FILE", help="add new articles"
    )
    update.add_argument(
        "--replace",
        nargs="+",
        action="extend",
        type=Path,
        metavar="FILE",
        help="re-read articles already built",
    )
    update.add_argument(
        "--remove",
        nargs="+",
        action="extend",
        metavar="SOURCE_ID",
        help="remove sources (article file stems)",
    )
    parser.set_defaults(handler=run_build)


def run_export(args: argparse.Namespace) -> int:
    from accords.loaders.export import export

    store = open_read_only(settings_from(args).store).store
    if args.output:
        with open(args.output, "wb") as output:
            count = export(store, output, args.format, args.graph)
        print(
            f"exported {count} {args.graph} statements as {args.format} to {args.output}",
            file=sys.stderr,
        )
    else:
        export(store, sys.stdout.buffer, args.format, args.graph)
    return 0


def register_export(subcommands: argparse._SubParsersAction) -> None:
    from accords.loaders.export import FORMATS, SELECTIONS

    parser = subcommands.add_parser("export", help="write the graph as RDF")
    _add_store(parser)
    parser.add_argument("--format", choices=sorted(FORMATS), default="turtle")
    parser.add_argument("--graph", choices=SELECTIONS, default="all")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.set_defaults(handler=run_export)


def run_query(args: argparse.Namespace) -> int:
    from accords.loaders.query import (
        USE_THE_ENDPOINT,
        ServiceRefused,
        format_table,
        keep_off_the_network,
        mentions_service,
        run_query,
        serialize_results,
    )

    settings = settings_from(args, entailment=args.entailment)
    text = sys.stdin.read() if args.sparql == "-" else args.sparql
    try:
        keep_off_the_network(text, settings.service_allowlist, settings.public_base)
    except ServiceRefused as error:
        print(f"accords query: {error}", file=sys.stderr)
        return 2
    opened = open_read_only(settings.store)  # after keep_off_the_network: one thread still
    full = settings.entailment == "full"
    if full and not opened.info.get("reasoning", {}).get("full_entailment"):
        print(
            "accords query: this build has no full-entailment graph: build it with --full-entailment",
            file=sys.stderr,
        )
        return 2
    try:
        results = run_query(opened.store, text, opened.path, full=full)
        if args.format == "table":
            output = (format_table(results) + "\n").encode()
        else:
            output = serialize_results(results, args.format)
    except SyntaxError as error:
        print(f"accords query: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if not mentions_service(text):
            raise
        # a SERVICE the guard missed, evaluated in a process without network
        reason = " ".join(str(error).split())[:200]
        print(f"accords query: a SERVICE call failed ({reason}): {USE_THE_ENDPOINT}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(output)
    return 0


def register_query(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("query", help="run a SPARQL query on the local store")
    _add_store(parser)
    parser.add_argument("sparql", help="the query text, or - to read it from standard input")
    parser.add_argument("--format", choices=("table", "json", "csv", "tsv", "xml"), default="table")
    parser.add_argument(
        "--entailment",
        choices=("filtered", "full"),
        help="filtered: the useful inferences; full: the whole OWL 2 RL regime (W3C behaviour);"
        " default: the entailment setting (filtered)",
    )
    parser.set_defaults(handler=run_query)


def run_validate(args: argparse.Namespace) -> int:
    from accords.loaders.validate import validate

    conforms, report = validate(open_read_only(settings_from(args).store).store)
    print(report.strip())
    return 0 if conforms else 1


def register_validate(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("validate", help="check the built graph with the SHACL shapes")
    _add_store(parser)
    parser.set_defaults(handler=run_validate)


def run_publish(args: argparse.Namespace) -> int:
    from accords.loaders.publish import publish

    published = publish(settings_from(args).store, args.to)
    print(f"published build {published['build']} → {published['to']} (now current there)", file=sys.stderr)
    return 0


def register_publish(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "publish", help="copy the current build to a replica's store and make it current there"
    )
    _add_store(parser)
    parser.add_argument(
        "--to",
        required=True,
        metavar="DIR|HOST:DIR",
        help="the replica's store directory, local or HOST:DIR (rsync over ssh)",
    )
    parser.set_defaults(handler=run_publish)


REGISTRY = [
    register_build,
    register_publish,
    register_export,
    register_query,
    register_validate,
    register_extract,
    register_eval_extract,
    register_wikidata,
    register_explain_merge,
]
