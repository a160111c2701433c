"""The worker's own code, timed hot and after a pause: why an aggregate's request costs a server
worker twice a lookup's CPU.

    python -m accords.bench.wakeup [--calls 200] [--pauses 0,0.2,2,20,50]

A server worker sleeps while its query process evaluates; a lookup returns within 0.1 ms, an
aggregate after 10–70 ms, and after a long sleep the same Python code costs more CPU (its caches
are cold, its core may have idled or been given to others). This times two steps of a request
in the worker — the guard's reading of the per-year query (a fresh ``VALUES`` row each time) and
a Werkzeug request and response around it — as CPU time of the calling thread, with a sleep of
each pause before every call; median over ``calls`` calls.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from accords.bench.wrk_bench import Targets, queries
from accords.config import Settings
from accords.server.query_guard import QueryLimits, check_query

PAUSES_MS = (0.0, 0.2, 2.0, 20.0, 50.0)
# Made-up IRIs: the guard reads the text, it never looks them up.
TARGETS = Targets(tuple(f"http://example.org/agreement/{n}" for n in range(10)), "http://example.org/state")


def steps() -> dict[str, Callable[[int], object]]:
    """Each step of a request in the worker, given the request's number (its VALUES row)."""
    settings = Settings()
    limits = QueryLimits(settings.max_query_depth, settings.max_query_variables)
    per_year = next(q for q in queries(TARGETS) if q.name == "per-year")

    def guard(n: int) -> object:
        return check_query(per_year.text(n), settings.service_allowlist, settings.public_base, limits)

    def request_and_response(n: int) -> object:
        body = per_year.text(n).encode()
        environ = EnvironBuilder("/sparql", method="POST", data=body, content_type="application/sparql-query")
        request = Request(environ.get_environ())
        request.get_data()
        return Response(b'{"head": {}}', content_type="application/sparql-results+json").get_wsgi_headers(
            request.environ
        )

    return {"guard (per-year query)": guard, "Werkzeug request and response": request_and_response}


def measure(step: Callable[[int], object], pause_ms: float, calls: int) -> float:
    """The median CPU time of one call, in µs, with a sleep of ``pause_ms`` before each."""
    spent = []
    for n in range(calls):
        if pause_ms:
            time.sleep(pause_ms / 1000)
        start = time.thread_time_ns()
        step(n)
        spent.append(time.thread_time_ns() - start)
    return statistics.median(spent) / 1000


def run(calls: int, pauses: tuple[float, ...]) -> dict[str, dict[float, float]]:
    """µs per call of each step after each pause."""
    return {name: {pause: measure(step, pause, calls) for pause in pauses} for name, step in steps().items()}


def main(argv: list[str] | None = None) -> None:
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m accords.bench.wakeup", description=summary)
    parser.add_argument("--calls", type=int, default=200, help="calls per step and pause (default 200)")
    parser.add_argument(
        "--pauses", default=",".join(f"{p:g}" for p in PAUSES_MS), help="ms of sleep before each call"
    )
    options = parser.parse_args(argv)
    try:
        pauses = tuple(float(p) for p in options.pauses.split(","))
    except ValueError:
        parser.error(f"--pauses: numbers of milliseconds separated by commas, not {options.pauses!r}")
    if options.calls < 1 or min(pauses) < 0:
        parser.error("--calls must be at least 1 and --pauses not negative")
    results = run(options.calls, pauses)
    print("| step (CPU µs per call, median) | " + " | ".join(f"after {p:g} ms" for p in pauses) + " |")
    print("|---|" + "---|" * len(pauses))
    for name, by_pause in results.items():
        hot = by_pause[pauses[0]]
        cells = [f"{us:.0f} (×{us / hot:.2f})" for us in by_pause.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
