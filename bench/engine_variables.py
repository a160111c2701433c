"""The aggregates in pyoxigraph alone, one variable at a time: what makes a query cost more here
than in Oxigraph server on the same quads.

    python -m accords.bench.engine_variables [--work var/qbench] [--repeat 15]

On the stores ``accords bench wrk`` builds (``bench.query_bench.prepare``; run it first): this
build's store and the peer's (``oxigraph load`` of its N-Quads export). Each variant evaluates
each aggregate ``repeat`` times with a fresh ``VALUES`` row; the CPU time of the evaluating
thread (a thread with the query process's stack size), median over 3 interleaved rounds.
"""

from __future__ import annotations

import argparse
import io
import socket
import statistics
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from accords.bench.wrk_bench import Query, find_targets, queries
from accords.loaders.search_index import search_functions
from accords.loaders.store import open_read_only
from accords.server.engine.jobs import Job, Setup
from accords.server.engine.query_process import QUERY_STACK_BYTES, _evaluate, _StoreHandle
from accords.server.results import json_document, write_results

AGGREGATES = ("per-topic", "per-pair", "per-year")
ROUNDS = 3


class _Sink:
    written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is kept."""


def _drain(connection: Connection) -> None:
    while True:
        try:
            connection.recv_bytes()
        except (EOFError, OSError):
            return


def variants(work: Path) -> dict[str, Callable[[str], object]]:
    """Each variant: a function evaluating one query text and consuming its result."""
    opened = open_read_only(work / "store-2000")
    ours = opened.store
    peer = ox.Store.read_only(str(work / "oxigraph-dataset-2000"))
    functions = search_functions(opened.path)
    setup = Setup(store=str(work / "store-2000"), inferred_graph="", prefixes={}, isolate=False)
    handle = _StoreHandle(setup)
    near, far = socket.socketpair()
    connection = Connection(near.detach())
    threading.Thread(target=_drain, args=(Connection(far.detach()),), daemon=True).start()

    def rows(result: object) -> int:
        return sum(1 for _ in result)  # type: ignore[attr-defined]

    def serialized(result: ox.QuerySolutions) -> int:
        out = io.BytesIO()
        result.serialize(out, ox.QueryResultsFormat.JSON)
        return len(out.getvalue())

    return {
        "our store, rows iterated": lambda text: rows(ours.query(text)),
        "peer's store (oxigraph load)": lambda text: rows(peer.query(text)),
        "our store, custom_functions (accfn:search)": lambda text: rows(
            ours.query(text, custom_functions=functions)
        ),
        "our store, default_graph=[DefaultGraph()]": lambda text: rows(
            ours.query(text, default_graph=[ox.DefaultGraph()])
        ),
        "pyoxigraph's JSON serializer": lambda text: serialized(ours.query(text)),  # type: ignore[arg-type]
        "our row-by-row JSON writer": lambda text: (
            write_results(ours.query(text), "json", _Sink(), 10**9, 10**12, {}).rows
        ),
        "json_document (+ json.loads to count rows)": lambda text: json_document(
            ours.query(text),
            10**9,
            10**12,  # type: ignore[arg-type]
        ),
        "the query process's _evaluate, to a socket": lambda text: _evaluate(
            Job(query=text, max_rows=100_000, max_bytes=50_000_000), handle, connection
        ),
    }


def measure(work: Path, repeat: int) -> dict[tuple[str, str], list[float]]:
    """CPU ms per query, per (query, variant), one median per round."""
    mix = [q for q in queries(find_targets(work / "store-2000")) if q.name in AGGREGATES]
    found: dict[tuple[str, str], list[float]] = {}
    nonce = [0]

    def once(run: Callable[[str], object], query: Query) -> float:
        nonce[0] += 1
        start = time.thread_time()
        run(query.text(nonce[0]))
        return (time.thread_time() - start) * 1000

    def body() -> None:
        table = variants(work)
        for query in mix:
            for run in table.values():
                once(run, query)  # warm-up
            for _ in range(ROUNDS):
                for name, run in table.items():
                    found.setdefault((query.name, name), []).append(
                        statistics.median(once(run, query) for _ in range(repeat))
                    )

    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m accords.bench.engine_variables", description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("var/qbench"), help="the folder of bench wrk")
    parser.add_argument("--repeat", type=int, default=15, help="queries per variant and round")
    arguments = parser.parse_args(argv)
    found = measure(arguments.work, arguments.repeat)
    print("| variant | " + " | ".join(AGGREGATES) + " |")
    print("|---|" + "---|" * len(AGGREGATES))
    names = list(dict.fromkeys(name for _, name in found))
    for name in names:
        cells = []
        for query in AGGREGATES:
            values = found[query, name]
            base = statistics.median(found[query, names[0]])
            cells.append(f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f}), "
                         f"×{statistics.median(values) / base:.2f}")  # fmt: skip
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
