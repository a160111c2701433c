"""``accords bench run``: the query mix against this endpoint, Oxigraph server and rdflib-endpoint.

One run: generate (or reuse) a corpus, build it, write the same dataset as N-Quads (the
named graphs, and a default graph holding their merge: every triple once, as the default
graph ``accords serve`` queries), load it into ``oxigraph serve-read-only`` (the ``oxigraph``
PyPI package) and into ``rdflib-endpoint`` (rdflib ``Dataset``, FastAPI + uvicorn), start
``accords serve`` on the build, then drive each server in turn with an asyncio HTTP client:
for every query of the mix, ``concurrency`` clients send it in a loop for ``seconds``.
rdflib-endpoint keeps evaluating a query its client gave up on, so it gets one client at a
time, a longer per-request limit and a restart after a request that passed it; its
throughput on such a query is then at most one per limit, and the ratio says "at least".
Printed: throughput, p50 and p95 per query and system, the geometric mean of the
throughput ratios over the mix, and the peak memory (RSS and PSS summed over the server's
process tree). The client runs on the same machine as the servers and takes its share of
the CPU: the figures of one run are comparable with each other, not across machines.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from accords.bench.build_bench import corpus, subset
from accords.bench.load import Client, Dropped, Request, percentile
from accords.bench.servers import (
    COMPETENCY,
    Spawned,
    accords_command,
    accords_env,
    empty_config,
    free_port,
    oxigraph_command,
    oxigraph_program,
    popen,
    program,
    wait_until_answers,
)

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


@dataclass(frozen=True)
class Targets:
    """Resources of the generated store the lookup queries ask about."""

    agreement: str  # an agreement between the two states
    state: str
    other_state: str
    person: str  # the person who signed the most agreements


LOOKUPS = {  # the fields of Targets
    "lookup-pair": """SELECT ?agreement ?title ?date WHERE {{
  ?agreement acc:party {state}, {other_state} ; rdfs:label ?title ; acc:signing/acc:date ?date .
}} ORDER BY ?date ?agreement""",
    "lookup-agreement": """SELECT ?title ?partyName ?topicName ?date ?placeName WHERE {{
  {agreement} rdfs:label ?title ; acc:party ?party .
  ?party rdfs:label ?partyName .
  OPTIONAL {{ {agreement} acc:topic/skos:prefLabel ?topicName . FILTER(lang(?topicName) = 'en') }}
  OPTIONAL {{ {agreement} acc:signing/acc:date ?date }}
  OPTIONAL {{ {agreement} acc:signedIn/rdfs:label ?placeName }}
}}""",
    "lookup-evidence": """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?quote ?begin ?end ?source WHERE {{
  ?statement rdf:subject {agreement} ; rdf:predicate acc:party ; rdf:object {state} ; acc:evidence ?e .
  ?e acc:quote ?quote ; acc:begin ?begin ; acc:end ?end ; acc:source ?source
}}""",
    "lookup-person": """SELECT ?agreement ?title ?represents WHERE {{
  ?agreement acc:signatory {person} ; rdfs:label ?title .
  OPTIONAL {{ {person} acc:represents ?represents }}
}} ORDER BY ?agreement""",
}


def query_mix(targets: Targets) -> list[Query]:
    """Lookups about one resource, the competency questions, analytical queries, a CONSTRUCT."""
    terms = {name: f"<{iri}>" for name, iri in vars(targets).items()}
    mix = [Query(name, PREFIXES + text.format(**terms), lookup=True) for name, text in LOOKUPS.items()]
    mix.append(Query("describe", f"DESCRIBE {terms['agreement']}", accept=TRIPLES, lookup=True))
    mix += [
        Query(f"cq{path.name.split('-')[0]}", path.read_text(encoding="utf-8"))
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
    store, dump = work / f"store-{articles}", work / f"dataset-{articles}.nq"
    info_file = store / "current" / "build.json"
    if not (info_file.is_file() and _reusable(json.loads(info_file.read_text()), articles)):
        source = corpus(work, articles, seed)
        if len(list(source.glob("*.txt"))) > articles:
            source = subset(work, source, articles)
        shutil.rmtree(store, ignore_errors=True)
        dump.unlink(missing_ok=True)
        _run([sys.executable, "-m", "accords.cli", "build", "--store", str(store), str(source)])
    if not dump.is_file():
        partial = dump.with_suffix(".partial")
        write_peer_dump(store, partial)
        partial.rename(dump)
    return store, dump, json.loads(info_file.read_text())


def _reusable(info: dict, articles: int) -> bool:
    from accords.loaders.store import STORE_FORMAT

    return len(info["sources"]) == articles and info.get("format") == STORE_FORMAT


def _run(command: list[str]) -> None:
    print("$", " ".join(command), file=sys.stderr)
    done = subprocess.run(command, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command[3] if len(command) > 3 else command}: {done.stderr.strip()}")


TARGETS = (
    PREFIXES
    + """SELECT ?x ?y ?agreement WHERE {
  { SELECT ?x ?y (COUNT(DISTINCT ?a) AS ?n) (MIN(?a) AS ?agreement) WHERE {
      ?a acc:party ?x, ?y . ?x a acc:State . ?y a acc:State . FILTER(STR(?x) < STR(?y)) }
    GROUP BY ?x ?y }
} ORDER BY DESC(?n) ?x ?y LIMIT 1"""
)
SIGNATORY = (
    PREFIXES
    + """SELECT ?person WHERE { ?a acc:signatory ?person }
GROUP BY ?person ORDER BY DESC(COUNT(?a)) ?person LIMIT 1"""
)


def lookup_targets(store: Path) -> Targets:
    """The pair of states with the most agreements, their first agreement, the busiest signatory."""
    from accords.loaders.default_graph import query_dataset
    from accords.loaders.store import open_read_only

    opened = open_read_only(store)
    try:
        pair = list(opened.store.query(TARGETS, **query_dataset()))
        person = list(opened.store.query(SIGNATORY, **query_dataset()))
    finally:
        del opened
    if not pair or not person:
        raise RuntimeError("the store has no agreement between two states, or no signatory")
    found = pair[0]
    return Targets(found["agreement"].value, found["x"].value, found["y"].value, person[0]["person"].value)


def write_peer_dump(store: Path, path: Path) -> None:
    """The dataset for the other servers: the store as it is, the named graphs and the default
    graph this endpoint queries (their merge, stated and inferred, every triple once)."""
    from accords.loaders.store import open_read_only

    opened = open_read_only(store)
    try:
        with path.open("wb") as out:
            ox.serialize(opened.store, out, format=ox.RdfFormat.N_QUADS)
    finally:
        del opened


# --------------------------------------------------------------------------- the servers


@dataclass
class Server(Spawned):
    """A server process started by the bench, its query URL and log."""

    load_seconds: float = 0.0
    restarts: int = 0
    peak: dict = field(default_factory=lambda: {"rss_mb": 0.0, "pss_mb": 0.0})

    def sample_memory(self) -> None:
        """Add up RSS and PSS (shared pages split among sharers) of the process tree."""
        rss = pss = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        self.peak["rss_mb"] = max(self.peak["rss_mb"], rss / 1024)
        self.peak["pss_mb"] = max(self.peak["pss_mb"], pss / 1024)


def _spawn(name: str, command: list[str], url: str, work: Path, env: dict | None = None) -> Server:
    log = work / f"{name}.log"
    return Server(name, url, popen(command, log, env), log)


def _wait_ready(server: Server, timeout: float) -> None:
    probe = server.url + "?query=" + quote("ASK { }")
    server.load_seconds = round(wait_until_answers(server, probe, timeout, {"Accept": SOLUTIONS}, 0.25), 1)


def start_accords(
    store: Path, work: Path, cache: bool, workers: int, settings: dict[str, str] | None = None
) -> Server:
    """``accords serve`` with its defaults but ``workers``, the cache, and ``settings`` (ACCORDS_*)."""
    port = free_port()
    environment = {"ACCORDS_WORKERS": str(workers), "ACCORDS_QUERY_TIMEOUT": str(ACCORDS_QUERY_TIMEOUT)}
    environment.update(settings or {})
    if not cache:
        environment["ACCORDS_RESULT_CACHE_BYTES"] = "0"
    env = accords_env(empty_config(work), **environment)
    name = "accords" if cache else "accords-nocache"
    server = _spawn(name, accords_command(store, port), f"http://127.0.0.1:{port}/sparql", work, env)
    _wait_ready(server, 120)
    return server


def start_oxigraph(dump: Path, work: Path) -> Server:
    location = work / f"oxigraph-{dump.stem}"
    if not (location / ".loaded").is_file():
        shutil.rmtree(location, ignore_errors=True)
        _run([oxigraph_program(), "load", "--location", str(location), "--file", str(dump)])
        (location / ".loaded").write_text("")
    port = free_port()
    command = oxigraph_command(location, port, read_only=True)  # the mix has no runaway query
    server = _spawn("oxigraph", command, f"http://127.0.0.1:{port}/query", work)
    _wait_ready(server, 60)
    return server


def start_rdflib(dump: Path, work: Path, timeout: float) -> Server:
    executable = program("rdflib-endpoint")
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
    timeout: float | None = None  # set when a request passed this limit (the server was restarted)

    @property
    def throughput(self) -> float:
        """Answers per second; with none and a request past the limit, one per limit (an upper bound)."""
        if not self.ok and self.timeout:
            return 1 / self.timeout
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def bounded(self) -> bool:
        return not self.ok and self.timeout is not None

    def percentile(self, fraction: float) -> float | None:
        """The nearest-rank percentile of the latencies, in milliseconds (None for none)."""
        return percentile(self.latencies, fraction) * 1000 if self.latencies else None


@dataclass(frozen=True)
class Load:
    """How a server is driven: clients at once, and the limit of one request."""

    concurrency: int
    timeout: float


def _rows(body: bytes, accept: str) -> int:
    if accept == SOLUTIONS:
        return len(json.loads(body)["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip() and not line.startswith((b"@", b"#")))


async def _drive(url: str, query: Query, seconds: float, load: Load) -> Measure:
    """``load.concurrency`` clients send the query in a loop, each on its keep-alive connection.

    The clients are ``bench.load``'s lean asyncio HTTP/1.1 client: they share the machine's
    cores with the server, so they take as little CPU per request as they can.
    """
    measure = Measure()
    request = Request(query.name, 1.0, path=urlsplit(url).path or "/", query=query.text, accept=query.accept)
    warm = Client(url, load.timeout)
    try:  # warm-up, and the size of the answer to compare the systems
        status, body = await warm.send(request)
        if status == 200:
            measure.rows = _rows(body, query.accept)
    except TimeoutError:
        measure.timeout = load.timeout
        return measure
    except (Dropped, ValueError, KeyError):
        pass  # no size to compare: ``rows`` stays None
    finally:
        await warm.close()
    started = time.monotonic()
    stop_at = started + seconds

    async def loop() -> None:
        client = Client(url, load.timeout)
        try:
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                try:
                    status, _ = await client.send(request)
                    ok = status == 200
                except TimeoutError:
                    measure.timeout, ok = load.timeout, False
                except Dropped:
                    ok = False
                if ok:
                    measure.ok += 1
                    measure.latencies.append(time.monotonic() - sent)
                else:
                    measure.errors += 1
        finally:
            await client.close()

    await asyncio.gather(*(loop() for _ in range(load.concurrency)))
    measure.seconds = time.monotonic() - started
    return measure


def measure_server(
    start: Callable[[], Server], mix: list[Query], seconds: float, load: Load
) -> tuple[dict[str, Measure], Server]:
    """Run the mix against a server, sampling its memory; restart it after a request past the limit.

    A server that goes on with a query its client gave up on (rdflib-endpoint) would make every
    later figure wrong, so it is started again; the restarts are counted in ``Server.restarts``.
    """
    server = start()
    done = threading.Event()

    def sampler() -> None:
        while not done.is_set():
            server.sample_memory()
            done.wait(0.5)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    results = {}
    try:
        for query in mix:
            measure = asyncio.run(_drive(server.url, query, seconds, load))
            results[query.name] = measure
            bound = " (at most: a request passed the limit)" if measure.bounded else ""
            print(f"  {server.name:16} {query.name:22} {measure.throughput:9.2f} q/s{bound}", file=sys.stderr)
            if measure.timeout is not None:
                done.set()
                thread.join()
                server.stop()
                restarted = start()
                restarted.peak = {k: max(v, restarted.peak[k]) for k, v in server.peak.items()}
                restarted.restarts, restarted.load_seconds = server.restarts + 1, server.load_seconds
                server = restarted
                done.clear()
                thread = threading.Thread(target=sampler, daemon=True)
                thread.start()
        return results, server
    finally:
        done.set()
        thread.join()
        server.sample_memory()
        server.stop()


# --------------------------------------------------------------------------- the run


def geometric_mean_ratio(
    ours: dict[str, Measure], theirs: dict[str, Measure]
) -> tuple[float | None, int, bool]:
    """Geometric mean of our/their throughput over the queries both answered, how many, and
    whether it is a lower bound (their throughput on some query is an upper bound)."""
    names = [
        name
        for name in ours
        if name in theirs
        and ours[name].throughput > 0
        and theirs[name].throughput > 0
        and not ours[name].bounded
    ]
    logs = [math.log(ours[name].throughput / theirs[name].throughput) for name in names]
    at_least = any(theirs[name].bounded for name in names)
    return (math.exp(statistics.fmean(logs)) if logs else None), len(logs), at_least


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
    rdflib_request_timeout: float = 60.0,
) -> dict:
    unknown = [system for system in systems if system not in SYSTEMS]
    if unknown:
        raise ValueError(f"unknown system {unknown[0]!r}: one of {', '.join(SYSTEMS)}")
    store, dump, info = prepare(work, articles, seed)
    mix = query_mix(lookup_targets(store))
    results: dict[str, dict] = {}
    servers: dict[str, Server] = {}
    loads: dict[str, Load] = {}
    for system in systems:
        print(f"{system}: starting", file=sys.stderr)
        start: Callable[[], Server]
        if system in ("accords", "accords-nocache"):
            start = functools.partial(start_accords, store, work, cache=system == "accords", workers=workers)
        elif system == "oxigraph":
            start = functools.partial(start_oxigraph, dump, work)
        else:
            start = functools.partial(start_rdflib, dump, work, rdflib_timeout)
        # rdflib-endpoint evaluates on one thread (the GIL) and never gives up a query: one client
        loads[system] = (
            Load(1, rdflib_request_timeout) if system == "rdflib" else Load(concurrency, request_timeout)
        )
        results[system], servers[system] = measure_server(start, mix, seconds, loads[system])
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
                "restarts": servers[name].restarts,
                "clients": loads[name].concurrency,
                "request_timeout_s": loads[name].timeout,
                "peak_rss_mb": round(servers[name].peak["rss_mb"]),
                "peak_pss_mb": round(servers[name].peak["pss_mb"]),
                "queries": {
                    q: {
                        "qps": round(m.throughput, 2),
                        "at_most": m.bounded,
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
                ratio, count, at_least = geometric_mean_ratio(results[ours], results[theirs])
                report["ratios"][f"{ours}/{theirs}"] = {
                    "geomean": None if ratio is None else round(ratio, 3),
                    "queries": count,
                    "at_least": at_least,
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
        *(
            f"{name}: {s['clients']} client(s), {s['request_timeout_s']:g} s per request, "
            f"restarted {s['restarts']} time(s) after a request past that limit."
            for name, s in report["systems"].items()
            if s.get("clients") != report["concurrency"]
        ),
        "",
        "| query | " + " | ".join(f"{s} q/s · p50 · p95 (ms)" for s in systems) + " | rows |",
        "|---|" + "---|" * (len(systems) + 1),
    ]
    for name, query in report["queries"].items():
        cells, rows = [], {}
        for system in systems:
            m = report["systems"][system]["queries"][name]
            qps = f"≤ {m['qps']:g}" if m.get("at_most") else f"{m['qps']:g}"
            cells.append(f"{qps} · {_ms(m['p50_ms'])} · {_ms(m['p95_ms'])}" + _errors(m))
            rows[system] = m["rows"]
        label = f"{name} (lookup)" if query["lookup"] else name
        same = len(set(rows.values())) == 1
        counted = str(next(iter(rows.values()))) if same else ", ".join(f"{s} {r}" for s, r in rows.items())
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {counted} |")
    lines += ["", "| ratio (throughput, geometric mean over the mix) | value | queries |", "|---|---|---|"]
    for name, ratio in report["ratios"].items():
        value = "n/a" if ratio["geomean"] is None else f"{ratio['geomean']:.2f}×"
        value = f"≥ {value}" if ratio.get("at_least") and ratio["geomean"] is not None else value
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
