"""``accords bench run``: the query mix against this endpoint, Oxigraph server and rdflib-endpoint.

One run: generate (or reuse) a corpus, build it, export the quads as N-Quads, load the
same quads into ``oxigraph serve-read-only`` (the ``oxigraph`` PyPI package) and into
``rdflib-endpoint`` (rdflib ``Dataset``, union default graph, FastAPI + uvicorn), start
``accords serve`` on the build, then drive each server in turn with an asyncio HTTP client:
for every query of the mix, ``concurrency`` clients send it in a loop for ``seconds``.
Printed: throughput, p50 and p95 per query and system, the geometric mean of the
throughput ratios over the mix, and the peak memory (RSS and PSS summed over the server's
process tree). The client runs on the same machine as the servers and takes its share of
the CPU: the figures of one run are comparable with each other, not across machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.build_bench import corpus, subset

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COMPETENCY = PROJECT_ROOT / "tests" / "competency"
SOLUTIONS = "application/sparql-results+json"
TRIPLES = "application/n-triples, text/turtle;q=0.5"
PREFIXES = """PREFIX acc: <https://w3id.org/accords/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX topic: <https://w3id.org/accords/topic/>
"""
SYSTEMS = ("accords", "accords-nocache", "oxigraph", "rdflib")
ACCORDS_QUERY_TIMEOUT = 10.0  # the default query_timeout; rdflib-endpoint has no time limit


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str = SOLUTIONS
    lookup: bool = False  # a lookup query: its p95 target is 50 ms


def query_mix(describe_iri: str) -> list[Query]:
    """The competency questions, the analytical queries, a DESCRIBE and a CONSTRUCT."""
    mix = [
        Query(f"cq{path.name.split('-')[0]}", path.read_text(encoding="utf-8"), lookup=True)
        for path in sorted(COMPETENCY.glob("*.rq"))
    ]
    mix += [
        Query(
            "count-per-topic",
            PREFIXES + "SELECT ?topic (COUNT(DISTINCT ?a) AS ?n) "
            "WHERE { ?a a acc:Agreement ; acc:concerns ?topic } GROUP BY ?topic ORDER BY DESC(?n) ?topic",
        ),
        Query(
            "count-per-party-pair",
            PREFIXES + "SELECT ?p1 ?p2 (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a acc:Agreement ; "
            "acc:party ?p1, ?p2 . FILTER(STR(?p1) < STR(?p2)) } GROUP BY ?p1 ?p2 ORDER BY DESC(?n) ?p1 ?p2",
        ),
        Query(
            "count-per-year",
            PREFIXES + "SELECT ?year (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a acc:Agreement ; "
            "acc:signing/acc:date ?d . BIND(SUBSTR(STR(?d), 1, 4) AS ?year) } GROUP BY ?year ORDER BY ?year",
        ),
        Query(
            "topic-path",
            PREFIXES + "SELECT ?topic ?label (COUNT(DISTINCT ?a) AS ?n) WHERE { "
            "?topic skos:broader+ topic:energy ; skos:prefLabel ?label . FILTER(lang(?label) = 'en') "
            "?a acc:topic ?topic } GROUP BY ?topic ?label ORDER BY ?topic",
        ),
        Query("describe", f"DESCRIBE <{describe_iri}>", accept=TRIPLES, lookup=True),
        Query(
            "construct",
            PREFIXES + "CONSTRUCT { ?a acc:concerns topic:energy ; rdfs:label ?l } WHERE { "
            "?a acc:concerns topic:energy ; rdfs:label ?l . FILTER(lang(?l) = 'en') }",
            accept=TRIPLES,
        ),
    ]
    return mix


# --------------------------------------------------------------------------- preparing the data


def prepare(work: Path, articles: int, seed: int) -> tuple[Path, Path, dict]:
    """The store of ``articles`` generated articles and its N-Quads export (both reused)."""
    work.mkdir(parents=True, exist_ok=True)
    store, dump = work / f"store-{articles}", work / f"data-{articles}.nq"
    info_file = store / "current" / "build.json"
    if not (info_file.is_file() and len(json.loads(info_file.read_text())["sources"]) == articles):
        source = corpus(work, articles, seed)
        if len(list(source.glob("*.txt"))) > articles:
            source = subset(work, source, articles)
        shutil.rmtree(store, ignore_errors=True)
        dump.unlink(missing_ok=True)
        _run([sys.executable, "-m", "accords.cli", "build", "--store", str(store), str(source)])
    if not dump.is_file():
        partial = dump.with_suffix(".partial")
        command = [
            "export",
            "--store",
            str(store),
            "--format",
            "nquads",
            "--graph",
            "all",
            "-o",
            str(partial),
        ]
        _run([sys.executable, "-m", "accords.cli", *command])
        partial.rename(dump)
    return store, dump, json.loads(info_file.read_text())


def _run(command: list[str]) -> None:
    print("$", " ".join(command), file=sys.stderr)
    done = subprocess.run(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[3] if len(command) > 3 else command}: {done.stderr.strip()}")


def describe_target(store: Path) -> str:
    """An agreement of the store (the first in IRI order), for the DESCRIBE."""
    from loaders.store import open_read_only

    opened = open_read_only(store)
    try:
        query = PREFIXES + "SELECT ?a { ?a a acc:Agreement } ORDER BY ?a LIMIT 1"
        rows = list(opened.store.query(query, use_default_graph_as_union=True))
        return rows[0]["a"].value if rows else "https://w3id.org/accords/id/none"
    finally:
        del opened


# --------------------------------------------------------------------------- the servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process started by the bench, its query URL and log."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path
    load_seconds: float = 0.0
    peak: dict = field(default_factory=lambda: {"rss_mb": 0.0, "pss_mb": 0.0})

    def tree(self) -> set[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    stat = (entry / "stat").read_text()
                    parent = int(stat[stat.rindex(")") + 2 :].split()[1])
                    children.setdefault(parent, []).append(int(entry.name))
        found, todo = set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        return found

    def sample_memory(self) -> None:
        """Add up RSS and PSS (shared pages split among sharers) of the process tree."""
        rss = pss = 0
        for pid in self.tree():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        self.peak["rss_mb"] = max(self.peak["rss_mb"], rss / 1024)
        self.peak["pss_mb"] = max(self.peak["pss_mb"], pss / 1024)

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _spawn(name: str, command: list[str], url: str, work: Path, env: dict | None = None) -> Server:
    log = work / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, url, process, log)


def _wait_ready(server: Server, timeout: float) -> None:
    import httpx

    started = time.monotonic()
    probe = server.url + "?query=" + quote("ASK { }")
    while time.monotonic() - started < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(probe, headers={"Accept": SOLUTIONS}, timeout=5).status_code == 200:
                server.load_seconds = round(time.monotonic() - started, 1)
                return
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{server.name} not ready after {timeout:g} s")


def start_accords(store: Path, work: Path, cache: bool, workers: int) -> Server:
    port = free_port()
    config = work / "empty.toml"
    config.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORDS_")}
    env.update(
        ACCORDS_CONFIG=str(config),
        ACCORDS_WORKERS=str(workers),
        ACCORDS_QUERY_TIMEOUT=str(ACCORDS_QUERY_TIMEOUT),
    )
    if not cache:
        env["ACCORDS_RESULT_CACHE_BYTES"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "accords.cli", "serve", "--store", str(store), "--port", str(port)]
    name = "accords" if cache else "accords-nocache"
    server = _spawn(name, command, f"http://127.0.0.1:{port}/sparql", work, env)
    _wait_ready(server, 120)
    return server


def start_oxigraph(dump: Path, work: Path) -> Server:
    location = work / f"oxigraph-{dump.stem}"
    if not (location / ".loaded").is_file():
        shutil.rmtree(location, ignore_errors=True)
        _run(["oxigraph", "load", "--location", str(location), "--file", str(dump)])
        (location / ".loaded").write_text("")
    port = free_port()
    command = [
        "oxigraph",
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s",  # as accords serve's query_timeout: a runaway query stops on both
        str(round(ACCORDS_QUERY_TIMEOUT)),
    ]
    server = _spawn("oxigraph", command, f"http://127.0.0.1:{port}/query", work)
    _wait_ready(server, 60)
    return server


def start_rdflib(dump: Path, work: Path, timeout: float) -> Server:
    executable = shutil.which("rdflib-endpoint")
    if executable is None:
        raise RuntimeError("rdflib-endpoint is not installed: pip install rdflib-endpoint uvicorn")
    port = free_port()
    command = [executable, "serve", "--host", "127.0.0.1", "--port", str(port), str(dump)]
    server = _spawn("rdflib", command, f"http://127.0.0.1:{port}/", work)
    _wait_ready(server, timeout)
    return server


# --------------------------------------------------------------------------- the load


@dataclass
class Measure:
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    rows: int | None = None

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)] * 1000


def _rows(body: bytes, accept: str) -> int:
    if accept == SOLUTIONS:
        return len(json.loads(body)["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith((b"@", b"#")))


async def _drive(url: str, query: Query, seconds: float, concurrency: int, timeout: float) -> Measure:
    import httpx

    measure = Measure()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        params, headers = {"query": query.text}, {"Accept": query.accept}
        try:  # warm-up, and the size of the answer to compare the systems
            response = await client.get(url, params=params, headers=headers)
            if response.status_code == 200:
                measure.rows = _rows(response.content, query.accept)
        except (httpx.HTTPError, ValueError, KeyError):
            measure.rows = None
        started = time.monotonic()
        stop_at = started + seconds

        async def loop() -> None:
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                try:
                    response = await client.get(url, params=params, headers=headers)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    measure.ok += 1
                    measure.latencies.append(time.monotonic() - sent)
                else:
                    measure.errors += 1

        await asyncio.gather(*(loop() for _ in range(concurrency)))
        measure.seconds = time.monotonic() - started
    return measure


def measure_server(
    server: Server, mix: list[Query], seconds: float, concurrency: int, timeout: float
) -> dict[str, Measure]:
    """Run the mix against one server, sampling its memory meanwhile."""
    done = threading.Event()

    def sampler() -> None:
        while not done.is_set():
            server.sample_memory()
            done.wait(0.5)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    try:
        results = {}
        for query in mix:
            results[query.name] = asyncio.run(_drive(server.url, query, seconds, concurrency, timeout))
            print(
                f"  {server.name:16} {query.name:22} {results[query.name].throughput:9.1f} q/s",
                file=sys.stderr,
            )
        return results
    finally:
        done.set()
        thread.join()
        server.sample_memory()


# --------------------------------------------------------------------------- the run


def geometric_mean_ratio(ours: dict[str, Measure], theirs: dict[str, Measure]) -> tuple[float | None, int]:
    """Geometric mean of our/their throughput over the queries both answered; and how many."""
    logs = [
        math.log(ours[name].throughput / theirs[name].throughput)
        for name in ours
        if name in theirs and ours[name].throughput > 0 and theirs[name].throughput > 0
    ]
    return (math.exp(statistics.fmean(logs)) if logs else None), len(logs)


def run(
    articles: int,
    work: Path,
    seconds: float,
    concurrency: int,
    systems: tuple[str, ...] = SYSTEMS,
    seed: int = 0,
    workers: int = 2,
    rdflib_timeout: float = 900.0,
    request_timeout: float = 30.0,
) -> dict:
    unknown = [system for system in systems if system not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown system {unknown[0]!r}: one of {', '.join(SYSTEMS)}")
    store, dump, info = prepare(work, articles, seed)
    mix = query_mix(describe_target(store))
    results: dict[str, dict] = {}
    servers: dict[str, Server] = {}
    for system in systems:
        print(f"{system}: starting", file=sys.stderr)
        if system in ("accords", "accords-nocache"):
            server = start_accords(store, work, cache=system == "accords", workers=workers)
        elif system == "oxigraph":
            server = start_oxigraph(dump, work)
        elif system == "rdflib":
            server = start_rdflib(dump, work, rdflib_timeout)
        else:
            raise ValueError(f"unknown system {system!r}: one of {', '.join(SYSTEMS)}")
        try:
            server.sample_memory()
            results[system] = measure_server(server, mix, seconds, concurrency, request_timeout)
        finally:
            server.stop()
        servers[system] = server
    report = {
        "machine": _machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "articles": articles,
        "triples": _total(info.get("triples")),
        "quads": info.get("quads"),
        "seconds": seconds,
        "concurrency": concurrency,
        "workers": workers,
        "queries": {q.name: {"lookup": q.lookup} for q in mix},
        "systems": {
            name: {
                "start_seconds": servers[name].load_seconds,
                "peak_rss_mb": round(servers[name].peak["rss_mb"]),
                "peak_pss_mb": round(servers[name].peak["pss_mb"]),
                "queries": {
                    q: {
                        "qps": round(m.throughput, 1),
                        "p50_ms": _round(m.percentile(0.50)),
                        "p95_ms": _round(m.percentile(0.95)),
                        "ok": m.ok,
                        "errors": m.errors,
                        "rows": m.rows,
                    }
                    for q, m in measures.items()
                },
            }
            for name, measures in results.items()
        },
        "ratios": {},
    }
    for ours in ("accords", "accords-nocache"):
        for theirs in ("oxigraph", "rdflib"):
            if ours in results and theirs in results:
                ratio, count = geometric_mean_ratio(results[ours], results[theirs])
                report["ratios"][f"{ours}/{theirs}"] = {
                    "geomean": None if ratio is None else round(ratio, 3),
                    "queries": count,
                }
    return report


def _total(triples: object) -> object:
    """build.json counts triples per kind (asserted, inferred, ontology): their sum."""
    return sum(triples.values()) if isinstance(triples, dict) else triples


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores {model}, {memory:.0f} GB RAM, Linux {os.uname().release}"


def format_report(report: dict) -> str:
    """The results as Markdown tables: per query and system, then the ratios and memory."""
    systems = list(report["systems"])
    lines = [
        f"Machine: {report['machine']}; date: {report['date']}.",
        f"Data: {report['articles']} generated articles, {report['quads']} quads "
        f"({report['triples']} triples); {report['concurrency']} concurrent clients, "
        f"{report['seconds']:g} s per query and system; accords with {report['workers']} workers.",
        "",
        "| query | " + " | ".join(f"{s} q/s · p50 · p95 (ms)" for s in systems) + " | rows |",
        "|---|" + "---|" * (len(systems) + 1),
    ]
    for name, query in report["queries"].items():
        cells, rows = [], {}
        for system in systems:
            m = report["systems"][system]["queries"][name]
            cells.append(f"{m['qps']:g} · {_ms(m['p50_ms'])} · {_ms(m['p95_ms'])}" + _errors(m))
            rows[system] = m["rows"]
        label = f"{name} (lookup)" if query["lookup"] else name
        same = len(set(rows.values())) == 1
        counted = str(next(iter(rows.values()))) if same else ", ".join(f"{s} {r}" for s, r in rows.items())
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {counted} |")
    lines += ["", "| ratio (throughput, geometric mean over the mix) | value | queries |", "|---|---|---|"]
    for name, ratio in report["ratios"].items():
        value = "n/a" if ratio["geomean"] is None else f"{ratio['geomean']:.2f}×"
        lines.append(f"| {name} | {value} | {ratio['queries']} |")
    lines += [
        "",
        "| server | ready after (s) | peak RSS (MB, sum of tree) | peak PSS (MB) |",
        "|---|---|---|---|",
    ]
    for system in systems:
        s = report["systems"][system]
        lines.append(f"| {system} | {s['start_seconds']} | {s['peak_rss_mb']} | {s['peak_pss_mb']} |")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _errors(measure: dict) -> str:
    return f" ({measure['errors']} errors)" if measure["errors"] else ""
