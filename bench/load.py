"""Load test of ``accords serve``: concurrent clients on a normal mix, runaway queries among them.

    python -m bench.load --seconds 60 --clients 50

It builds a store from a synthetic corpus (``bench.generate``; or takes ``--store``), starts
its own ``accords serve`` on a free loopback port, then

1. the unloaded baseline: one client sends the normal mix, one request after another;
2. the load: ``--clients`` clients at once for ``--seconds`` seconds; ``--runaway-clients``
   of them send only runaway queries (each runs to the time limit or the memory limit), the
   others the normal mix; each client waits a random think time between its requests
   (uniform, mean ``--think`` seconds) and has its own keep-alive connection.

The normal mix (``normal_mix``): the editor's example questions and a few fixed queries,
lookups whose parameters change with each request (so they miss the result cache), and
``/health``. The runaway mix (``runaway_mix``): a cartesian COUNT, ORDER BY over a product,
a ``*`` path over a negated set, REGEX over a product, a CONCAT blow-up. The server runs as
served (its result cache on; ``--no-result-cache`` to evaluate every query).

It prints p50/p90/p99/max of the normal requests, loaded and unloaded, for the whole mix and
for each query, the failures (a normal request that did not get its 200), the dropped
connections (a request whose connection broke: no status at all) and what the runaway
queries got. The clients are a lean asyncio HTTP/1.1 client in this one process, so that
the load generator takes little of the CPU it shares with the server.

The exit status is 0 when no normal request failed, no connection dropped and the loaded
p99 is within ``--max-ratio`` (2) times the unloaded p99. Traffic goes only to 127.0.0.1,
to the server this command started, which it stops at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from accords.bench.servers import COMPETENCY, Spawned, accords_env, start_accords

ACC = "https://w3id.org/accords/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass(frozen=True)
class Request:
    """One kind of request of a mix: its name, weight and how it is sent."""

    name: str
    weight: float
    method: str = "GET"
    path: str = "/sparql"
    query: str | None = None
    accept: str = "application/sparql-results+json"
    variants: int = 0  # the query's "{n}" becomes a random number below this: few cache hits

    def encode(self, host: str, rng: random.Random) -> bytes:
        """The request as HTTP/1.1 bytes (keep-alive)."""
        target, body, headers = self.path, b"", [f"Host: {host}", f"Accept: {self.accept}"]
        query = self.query
        if query is not None and self.variants:
            query = query.replace("{n}", str(rng.randrange(self.variants)))
        if query is not None and self.method == "POST":
            body = urllib.parse.urlencode({"query": query}).encode()
            headers += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        elif query is not None:
            target += "?" + urllib.parse.urlencode({"query": query})
        head = f"{self.method} {target} HTTP/1.1\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n"
        return head.encode("latin-1") + body


def normal_mix() -> list[Request]:
    """What the endpoint usually meets.

    The editor's example questions (the competency questions) and a few fixed queries, the
    same for everyone; lookups whose parameters change from one request to the next; the
    health check.
    """
    agreement = f"?a a <{ACC}Agreement>"
    mix = [
        Request(f"competency-{path.stem.split('-')[0]}", 1.0, "POST", query=path.read_text(encoding="utf-8"))
        for path in sorted(COMPETENCY.glob("*.rq"))
    ]
    mix += [
        Request("ask-value", 2.0, query="ASK { ?s ?p {n} }", variants=100_000),
        Request(
            "agreements-page",
            2.0,
            query=f"SELECT ?a ?label WHERE {{ {agreement} ; <{RDFS}label> ?label }} "
            "ORDER BY ?a LIMIT 20 OFFSET {n}",
            variants=300,
        ),
        Request(
            "count-by-topic",
            1.0,
            query=f"SELECT ?topic (COUNT(?a) AS ?n) WHERE {{ ?a <{ACC}topic> ?topic }} GROUP BY ?topic",
        ),
        Request(
            "describe-one",
            1.0,
            query=f"DESCRIBE ?a WHERE {{ {agreement} }} ORDER BY ?a OFFSET {{n}} LIMIT 1",
            accept="text/turtle",
            variants=300,
        ),
        Request(
            "construct-parties",
            1.0,
            query=f"CONSTRUCT {{ ?a <{ACC}party> ?p }} WHERE {{ ?a <{ACC}party> ?p }} "
            "ORDER BY ?a LIMIT 50 OFFSET {n}",
            accept="application/n-triples",
            variants=600,
        ),
        Request("health", 1.0, path="/health", accept="application/json"),
    ]
    return mix


def runaway_mix() -> list[Request]:
    """Queries that would run for ever or eat the memory: each meets the time or memory limit."""
    doubling = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(40))
    return [
        Request(
            "cartesian-count",
            1.0,
            "POST",
            query="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
        ),
        Request(
            "order-by-everything",
            1.0,
            "POST",
            query="SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(?c) ?f LIMIT 1",
        ),
        Request(
            "path-star",
            1.0,
            "POST",
            query="SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:x:p>|!<urn:x:p>)* ?o . ?o ?p ?v }",
        ),
        Request(
            "regex-product",
            1.0,
            "POST",
            query=f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?s <{RDFS}label> ?l "
            'FILTER(REGEX(CONCAT(STR(?c), ?l), "^(a+)+$")) }',
        ),
        Request(
            "concat-blowup",
            1.0,
            "POST",
            query=f'SELECT (STRLEN(?x40) AS ?n) WHERE {{ BIND("aaaaaaaaaaaaaaaa" AS ?x0) {doubling} }}',
        ),
    ]


# --------------------------------------------------------------------------- the server


@contextlib.contextmanager
def serving(
    store: Path,
    workdir: Path,
    workers: int = 2,
    query_processes: int = 4,
    query_timeout: float = 5.0,
    memory_mb: int = 1024,
    environment: dict[str, str] | None = None,
) -> Iterator[Spawned]:
    """Start ``accords serve`` on a free loopback port; stop it on leaving.

    ``environment`` adds variables (``ACCORDS_*`` settings) to the server's.
    """
    limits = {"ACCORDS_QUERY_PROCESSES": str(query_processes), "ACCORDS_MAX_QUERY_MEMORY_MB": str(memory_mb)}
    flags = ("--workers", str(workers), "--query-timeout", str(query_timeout))
    server = start_accords(store, workdir, *flags, environment={**limits, **(environment or {})}, timeout=60)
    try:
        yield server
    finally:
        server.stop()


def build_store(store: Path, articles: int, workdir: Path) -> None:
    """A store of ``articles`` synthetic articles, built by ``accords build``."""
    from accords.bench.generate import generate_corpus

    corpus = workdir / "corpus"
    generate_corpus(corpus, articles)
    subprocess.run(
        [sys.executable, "-m", "accords.cli", "build", "--store", str(store), str(corpus)],
        env=accords_env(os.devnull),  # as the server it starts: no config file
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --------------------------------------------------------------------------- the clients


@dataclass
class Results:
    """What the clients saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # seconds, normal 200s
    failures: list[str] = field(default_factory=list)  # normal requests without their 200
    dropped: list[str] = field(default_factory=list)  # connections that broke
    runaway: Counter = field(default_factory=Counter)  # "name status" → count
    runaway_seconds: list[float] = field(default_factory=list)
    reconnects: int = 0  # kept-alive connections the server had closed, opened again

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


class Dropped(Exception):
    """The connection broke during a request: no complete response."""


class Client:
    """One client's keep-alive HTTP/1.1 connection: a lean asyncio client.

    The load generator shares the machine with the server, so it spends as little CPU per
    request as it can. A request sent on a kept-alive connection that the server had closed
    meanwhile (before any byte of an answer) is sent again on a new one, as HTTP clients do:
    counted in ``reconnects``, not as a dropped connection.
    """

    def __init__(
        self, base_url: str, timeout: float, rng: random.Random | None = None, source: str | None = None
    ):
        self.rng = rng or random.Random(0)
        address = urllib.parse.urlsplit(base_url)
        self.host, self.port = address.hostname or "127.0.0.1", address.port or 80
        self.local_addr = (source, 0) if source else None  # its own address: its own fair share
        self.timeout = timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def send(self, request: Request) -> tuple[int, bytes]:
        """The status and body of the answer; Dropped or TimeoutError."""
        data = request.encode(f"{self.host}:{self.port}", self.rng)
        for attempt in range(2):
            reused = self.writer is not None
            if not reused:
                try:
                    self.reader, self.writer = await asyncio.open_connection(
                        self.host, self.port, local_addr=self.local_addr
                    )
                except OSError as error:
                    raise Dropped(f"cannot connect: {error}") from None
            started = False
            try:
                self.writer.write(data)
                await self.writer.drain()
                status_line = await asyncio.wait_for(self.reader.readline(), self.timeout)
                started = bool(status_line)
                if not started:
                    raise ConnectionResetError("closed before answering")
                return await asyncio.wait_for(self._rest(status_line), self.timeout)
            except TimeoutError:  # before OSError, of which it is a subclass
                await self.close()
                raise
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                await self.close()
                if reused and not started and attempt == 0:
                    self.reconnects += 1
                    continue
                raise Dropped(f"{type(error).__name__}: {error}") from None
        raise AssertionError("unreachable")

    async def _rest(self, status_line: bytes) -> tuple[int, bytes]:
        assert self.reader is not None
        status = int(status_line.split(None, 2)[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            while await self.reader.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body


async def _one(client: Client, request: Request, results: Results, normal: bool) -> None:
    started = time.perf_counter()
    try:
        status, body = await client.send(request)
    except Dropped as error:
        results.dropped.append(f"{request.name}: {error}")
        return
    except TimeoutError:
        where = results.failures if normal else results.dropped
        where.append(f"{request.name}: no answer within {client.timeout:g} s")
        return
    elapsed = time.perf_counter() - started
    if not normal:
        results.runaway[f"{request.name} {status}"] += 1
        results.runaway_seconds.append(elapsed)
    elif status == 200:
        results.latencies.setdefault(request.name, []).append(elapsed)
    else:
        results.failures.append(f"{request.name}: {status} {body[:200]!r}")


async def _client(
    base_url: str,
    mix: list[Request],
    normal: bool,
    stop_at: float,
    think: float,
    rng: random.Random,
    results: Results,
    timeout: float,
    source: str | None = None,
) -> None:
    weights = [request.weight for request in mix]
    client = Client(base_url, timeout, rng, source)
    try:
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # clients do not start in step
        while time.monotonic() < stop_at:
            await _one(client, rng.choices(mix, weights)[0], results, normal)
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))
    finally:
        results.reconnects += client.reconnects
        await client.close()


def client_address(base_url: str, index: int) -> str | None:
    """A source address of its own for client ``index`` (127.0.0.2, 127.0.0.3, …) when the server
    is on IPv4 loopback, so that the server's per-client fair share tells the clients apart."""
    if urllib.parse.urlsplit(base_url).hostname not in ("127.0.0.1", "localhost"):
        return None
    number = index + 1
    return f"127.0.{number // 254}.{number % 254 + 1}"


async def run_clients(
    base_url: str,
    seconds: float,
    clients: int,
    runaway_clients: int = 0,
    think: float = 0.5,
    seed: int = 0,
    timeout: float = 60.0,
) -> Results:
    """``clients`` clients for ``seconds`` seconds; the first ``runaway_clients`` send runaway queries."""
    results = Results()
    stop_at = time.monotonic() + seconds
    normal, runaway = normal_mix(), runaway_mix()
    tasks = [
        _client(
            base_url,
            runaway if index < runaway_clients else normal,
            index >= runaway_clients,
            stop_at,
            think,
            random.Random(seed * 1000 + index),
            results,
            timeout,
            client_address(base_url, index),
        )
        for index in range(clients)
    ]
    await asyncio.gather(*tasks)
    return results


def warm_up(base_url: str) -> None:
    """Every normal request once, so that the baseline does not pay first-time costs."""

    async def run() -> None:
        results = Results()
        client = Client(base_url, 60)
        for request in normal_mix():
            await _one(client, request, results, True)
        await client.close()
        if results.failures or results.dropped:
            raise RuntimeError(f"the normal mix fails on this store: {results.failures + results.dropped}")

    asyncio.run(run())


# --------------------------------------------------------------------------- the report


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the value of rank ceil(fraction × n) in order (0 for no values).

    The tolerance keeps a product such as 0.7 × 10 = 7.000000000000001 at rank 7.
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict:
    return {
        "requests": len(values),
        "p50_ms": round(percentile(values, 0.50) * 1000, 1),
        "p90_ms": round(percentile(values, 0.90) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "max_ms": round(max(values, default=0) * 1000, 1),
    }


def report(unloaded: Results, loaded: Results, settings: dict, max_ratio: float) -> dict:
    """The figures, and whether the load test passed."""
    base, load = summary(unloaded.all_latencies()), summary(loaded.all_latencies())
    ratio = load["p99_ms"] / base["p99_ms"] if base["p99_ms"] else float("inf")
    per_query = {
        name: {"unloaded": summary(unloaded.latencies.get(name, [])), "loaded": summary(values)}
        for name, values in sorted(loaded.latencies.items())
    }
    passed = not loaded.failures and not loaded.dropped and ratio <= max_ratio
    return {
        "settings": settings,
        "unloaded": base,
        "loaded": load,
        "p99_ratio": round(ratio, 2),
        "per_query": per_query,
        "failed_normal_requests": len(loaded.failures),
        "dropped_connections": len(loaded.dropped),
        "keep_alive_reconnects": loaded.reconnects,
        "failures": loaded.failures[:20],
        "dropped": loaded.dropped[:20],
        "runaway_outcomes": dict(sorted(loaded.runaway.items())),
        "runaway_p50_s": round(percentile(loaded.runaway_seconds, 0.5), 2),
        "passed": passed,
    }


def print_report(figures: dict) -> None:
    s = figures["settings"]
    parts = [
        f"{s['clients']} clients ({s['runaway_clients']} runaway) for {s['seconds']:g} s",
        f"think time {s['think']:g} s on average",
        f"{s['workers']} workers × {s['query_processes']} query processes",
        f"time limit {s['query_timeout']:g} s",
        f"{s['quads']} quads",
        f"result cache {'on' if s['result_cache'] else 'off'}",
        f"{s['cpus']} CPUs",
    ]
    print("\naccords load test: " + ", ".join(parts))
    print(f"{'normal requests':<22} {'requests':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label in ("unloaded", "loaded"):
        row = figures[label]
        print(
            f"{label:<22} {row['requests']:>9} {row['p50_ms']:>8} {row['p90_ms']:>8} "
            f"{row['p99_ms']:>8} {row['max_ms']:>8}"
        )
    print(f"p99 loaded / unloaded: {figures['p99_ratio']:.2f}")
    print(f"\n{'per query (p99 ms)':<22} {'unloaded':>9} {'loaded':>8} {'requests':>9}")
    for name, row in figures["per_query"].items():
        unloaded, loaded = row["unloaded"], row["loaded"]
        print(f"{name:<22} {unloaded['p99_ms']:>9} {loaded['p99_ms']:>8} {loaded['requests']:>9}")
    print(f"\nfailed normal requests: {figures['failed_normal_requests']}")
    print(f"dropped connections:    {figures['dropped_connections']}")
    print(
        f"keep-alive reconnects:  {figures['keep_alive_reconnects']} (an idle connection the server closed)"
    )
    for line in figures["failures"] + figures["dropped"]:
        print(f"  {line}")
    outcomes = ", ".join(f"{key}: {count}" for key, count in figures["runaway_outcomes"].items())
    print(f"runaway queries:        {outcomes or 'none'} (median {figures['runaway_p50_s']} s)")
    print("PASSED" if figures["passed"] else "FAILED")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--runaway-clients", type=int, default=3, help="of them, sending runaway queries")
    parser.add_argument("--think", type=float, default=0.5, help="mean think time of a client, s (0.5)")
    parser.add_argument("--baseline-seconds", type=float, default=20, help="length of the unloaded baseline")
    parser.add_argument("--store", type=Path, help="an existing store (default: build one)")
    parser.add_argument("--articles", type=int, default=200, help="synthetic articles of the built store")
    parser.add_argument("--workers", type=int, default=2, help="server workers (default 2)")
    parser.add_argument("--query-processes", type=int, default=4, help="query processes per worker (4)")
    parser.add_argument("--query-timeout", type=float, default=5.0, help="time limit of a query, s (5)")
    parser.add_argument("--memory-mb", type=int, default=1024, help="memory limit of a query process (1024)")
    parser.add_argument("--max-ratio", type=float, default=2.0, help="allowed p99 loaded / unloaded (2)")
    parser.add_argument(
        "--no-result-cache",
        dest="result_cache",
        action="store_false",
        help="turn the server's result cache off (on by default, as served): every query is evaluated",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="accords-load-") as temporary:
        workdir = Path(temporary)
        store = args.store
        if store is None:
            store = workdir / "store"
            print(f"building a store of {args.articles} synthetic articles…", file=sys.stderr)
            build_store(store, args.articles, workdir)
        environment = {} if args.result_cache else {"ACCORDS_RESULT_CACHE_BYTES": "0"}
        with serving(
            store,
            workdir,
            args.workers,
            args.query_processes,
            args.query_timeout,
            args.memory_mb,
            environment,
        ) as server:
            with contextlib.closing(http.client.HTTPConnection(*server.base_url[7:].split(":"))) as health:
                health.request("GET", "/health")
                quads = json.loads(health.getresponse().read())["store"]["quads"]
            warm_up(server.base_url)
            timeout = args.query_timeout + 30
            print(f"unloaded baseline: 1 client, {args.baseline_seconds:g} s…", file=sys.stderr)
            unloaded = asyncio.run(run_clients(server.base_url, args.baseline_seconds, 1, 0, 0.0, 1, timeout))
            print(f"load: {args.clients} clients, {args.seconds:g} s…", file=sys.stderr)
            loaded = asyncio.run(
                run_clients(
                    server.base_url, args.seconds, args.clients, args.runaway_clients, args.think, 2, timeout
                )
            )
            alive = server.process.poll() is None
            log = server.log.read_text(errors="replace")
    settings = {
        "seconds": args.seconds,
        "clients": args.clients,
        "runaway_clients": args.runaway_clients,
        "think": args.think,
        "workers": args.workers,
        "query_processes": args.query_processes,
        "query_timeout": args.query_timeout,
        "memory_mb": args.memory_mb,
        "result_cache": args.result_cache,
        "quads": quads,
        "cpus": os.cpu_count(),
    }
    figures = report(unloaded, loaded, settings, args.max_ratio)
    figures["server_alive"] = alive
    figures["tracebacks_in_log"] = log.count("Traceback")
    figures["passed"] = figures["passed"] and alive
    print_report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
