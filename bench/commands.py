"""The ``accords bench`` subcommand: ``generate`` a corpus, time a ``build``, ``run`` the query bench.

Each action registers itself on the ``bench`` parser (``ACTIONS``); its work is in a module of
its own (``bench.generate``, ``bench.build_bench``, ``bench.query_bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("bench", help="benchmarks: a synthetic corpus and build timings")
    actions = parser.add_subparsers(dest="bench_action", required=True, metavar="ACTION")
    for register_action in ACTIONS:
        register_action(actions)


def register_generate(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("generate", help="write N synthetic articles with their annotations")
    parser.add_argument("--articles", type=int, required=True, metavar="N", help="how many articles")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write them to")
    parser.add_argument(
        "--seed", type=int, default=0, help="the corpus (default 0); article i depends only on it"
    )
    parser.add_argument(
        "--start", type=int, default=0, metavar="I", help="number of the first article (default 0)"
    )
    parser.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1), help="worker processes")
    parser.set_defaults(handler=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    from accords.bench.generate import generate_corpus

    if args.articles < 0:
        print("accords bench generate: --articles must be ≥ 0", file=sys.stderr)
        return 2
    count = generate_corpus(
        args.out, args.articles, seed=args.seed, processes=args.processes, start=args.start
    )
    print(f"generated {count} article(s) with annotations in {args.out}", file=sys.stderr)
    return 0


def register_build(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "build", help="time full builds of generated corpora, an update, and owlrl against the fast reasoner"
    )
    parser.add_argument(
        "--articles",
        type=int,
        nargs="+",
        default=[2000, 10000],
        metavar="N",
        help="corpus sizes (default 2000 10000)",
    )
    parser.add_argument(
        "--work", type=Path, default=Path("var/bench"), help="working folder (default var/bench)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the generated corpus (default 0)")
    parser.add_argument(
        "--sample", type=int, default=20000, metavar="TRIPLES", help="size of the reasoner sample (0: skip)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.set_defaults(handler=run_build_bench)


def run_build_bench(args: argparse.Namespace) -> int:
    from accords.bench.build_bench import run

    results = run(args.articles, args.work, args.seed, args.sample)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def register_run(actions: argparse._SubParsersAction) -> None:
    from accords.bench.query_bench import SYSTEMS

    parser = actions.add_parser(
        "run", help="the query mix against accords serve, oxigraph serve and rdflib-endpoint, under load"
    )
    parser.add_argument("--articles", type=int, default=3000, metavar="N", help="corpus size (default 3000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per query and system (default 10)")
    parser.add_argument(
        "--concurrency", type=int, default=8, metavar="C", help="concurrent clients (default 8)"
    )
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated, among {', '.join(SYSTEMS)} (default all)",
    )
    parser.add_argument("--workers", type=int, default=2, help="accords server processes (default 2)")
    parser.add_argument(
        "--work", type=Path, default=Path("var/qbench"), help="working folder (default var/qbench)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the generated corpus (default 0)")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=900.0, metavar="S", help="rdflib-endpoint load limit"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.set_defaults(handler=run_query_bench)


def run_query_bench(args: argparse.Namespace) -> int:
    from accords.bench.query_bench import format_report, run

    systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
    try:
        report = run(
            args.articles,
            args.work.resolve(),
            args.seconds,
            args.concurrency,
            systems=systems,
            seed=args.seed,
            workers=args.workers,
            rdflib_timeout=args.rdflib_timeout,
        )
    except (RuntimeError, ValueError) as error:
        print(f"accords bench run: {error}", file=sys.stderr)
        return 1
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def register_explore(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("explore", help="time the explorer's views in Chromium on a generated store")
    parser.add_argument("--articles", type=int, default=10000, metavar="N", help="corpus size")
    parser.add_argument("--runs", type=int, default=3, help="runs of each step (default 3)")
    parser.add_argument(
        "--work", type=Path, default=Path("var/qbench"), help="working folder (default var/qbench)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the generated corpus (default 0)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.set_defaults(handler=run_explore_bench)


def run_explore_bench(args: argparse.Namespace) -> int:
    from accords.bench.explore_bench import report, run

    try:
        results = run(args.articles, args.work.resolve(), runs=args.runs, seed=args.seed)
    except (RuntimeError, ValueError) as error:
        print(f"accords bench explore: {error}", file=sys.stderr)
        return 1
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def register_merge(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "merge", help="precision and recall of the merging of reports against the generator's truth"
    )
    parser.add_argument("--articles", type=int, default=2000, metavar="N", help="corpus size (default 2000)")
    parser.add_argument(
        "--work", type=Path, default=Path("var/bench"), help="working folder (default var/bench)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the generated corpus (default 0)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.set_defaults(handler=run_merge_bench)


def run_merge_bench(args: argparse.Namespace) -> int:
    from accords.bench.merge_bench import format_result, run

    if args.articles < 1:
        print("accords bench merge: --articles must be ≥ 1", file=sys.stderr)
        return 2
    result = run(args.articles, args.work, args.seed)
    print(format_result(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def register_graph(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "graph", help="time a build reasoning over a large --graph file, and owlrl on a sample of it"
    )
    parser.add_argument(
        "--triples",
        type=int,
        default=1_000_000,
        metavar="N",
        help="size of the graph file (default 1,000,000)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=20000,
        metavar="TRIPLES",
        help="size of the owlrl sample (default 20,000)",
    )
    parser.add_argument(
        "--work", type=Path, default=Path("var/gbench"), help="working folder (default var/gbench)"
    )
    parser.set_defaults(handler=run_graph_bench)


def run_graph_bench(args: argparse.Namespace) -> int:
    from accords.bench.graph_bench import run

    if args.triples < 100 or args.sample < 1:
        print("accords bench graph: --triples must be ≥ 100 and --sample ≥ 1", file=sys.stderr)
        return 2
    print(json.dumps(run(args.work, args.triples, args.sample), indent=2))
    return 0


def register_wrk(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "wrk", help="six queries against accords serve and oxigraph serve-read-only, driven by wrk"
    )
    parser.add_argument("--articles", type=int, default=2000, metavar="N", help="corpus size (default 2000)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per query, mode and system (default 5)")
    parser.add_argument("--runs", type=int, default=3, help="runs, for the spread (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="accords server processes (default 2)")
    parser.add_argument(
        "--work", type=Path, default=Path("var/qbench"), help="working folder (default var/qbench)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the generated corpus (default 0)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.set_defaults(handler=run_wrk_bench)


def run_wrk_bench(args: argparse.Namespace) -> int:
    from accords.bench.wrk_bench import format_report, run

    if args.articles < 1 or args.runs < 1 or args.seconds <= 0:
        print("accords bench wrk: --articles and --runs must be ≥ 1, --seconds > 0", file=sys.stderr)
        return 2
    try:
        report = run(args.articles, args.work.resolve(), args.seconds, args.runs, args.seed, args.workers)
    except (RuntimeError, ValueError, OSError) as error:
        print(f"accords bench wrk: {error}", file=sys.stderr)
        return 1
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


ACTIONS = [
    register_generate,
    register_build,
    register_run,
    register_wrk,
    register_explore,
    register_merge,
    register_graph,
]
