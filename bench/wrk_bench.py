"""``accords bench wrk``: six queries against this endpoint and Oxigraph server, driven by wrk.

One run: the store of a generated corpus and its N-Quads export (``bench.query_bench.prepare``:
the same quads, the same default graph), ``oxigraph serve-read-only`` over them and
``accords serve`` on the build. Before any timing, each query is asked of both servers and
their rows compared. Then wrk (Debian's, 2 threads, 8 connections, ``seconds`` per query)
drives each server in two modes: *unique* — every request's text carries a fresh ``VALUES``
row (``VALUES ?nonce { N }``, N counted by wrk's Lua script per thread), so no cache, of
results or of the guard's readings, can answer it, and this server runs with its result cache
off (``result_cache_bytes=0``); *repeated* — one text, this server's result cache on. Printed:
q/s per query, mode and system, the ratios, and their geometric mean; over several runs the
median with the spread (min–max). Beside q/s, the CPU time each server spent per request (summed
over its processes from /proc while wrk ran: on a shared machine a steadier figure than q/s),
for this server split between its workers and its query processes.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from accords.bench.query_bench import (
    PREFIXES,
    SOLUTIONS,
    Server,
    _machine,
    prepare,
    start_accords,
    start_oxigraph,
)

NONCE = "{nonce}"  # where a query's VALUES row goes
MODES = ("unique", "repeated")
THREADS, CONNECTIONS = 2, 8
REQUEST_TIMEOUT = 30.0
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# wrk is one client: its fair share (still counted for every query) must not cut it off: a
# budget of 100 s of query time per second, more than any machine this runs on can spend.
ONE_CLIENT = {"ACCORDS_CLIENT_QUERY_SECONDS": "6000", "ACCORDS_CLIENT_CONCURRENT_QUERIES": str(CONNECTIONS)}
_REPORT = re.compile(r"^WRK_JSON (\{.*\})$", re.MULTILINE)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# wrk runs this long on a freshly started server before any figure is taken: on a cold store the
# first lookups may take long enough for their query processes to be replaced, a start-up cost.
WARM_UP_SECONDS = 2.0
# The CPU meter's last reading comes this long before wrk's run ends (see CpuMeter).
END_MARGIN_SECONDS = 0.05
SETTLED_CPU_SHARE = 0.1  # a server using less of one core than this is done with a run (settle)
QUERY_PROCESS = b"accords.server.engine.query_process"  # in a query process's command line


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    template: str  # holds NONCE once, inside the outermost group

    def text(self, nonce: int) -> str:
        """The query with a VALUES row binding ?nonce (bound to nothing else) to ``nonce``."""
        return self.template.replace(NONCE, f"VALUES ?nonce {{ {nonce} }}")


@dataclass(frozen=True)
class Targets:
    agreements: tuple[str, ...]  # ten agreements
    state: str  # Mali, else the state with the most agreements


def queries(targets: Targets) -> list[Query]:
    """The six queries of issue #18: three lookups, three aggregates."""
    ten = " ".join(f"<{iri}>" for iri in targets.agreements)
    state = f"<{targets.state}>"
    return [
        Query(
            "lookup",
            "lookup (10 agreements with labels)",
            PREFIXES + f"SELECT ?a ?label WHERE {{ {NONCE} VALUES ?a {{ {ten} }} ?a rdfs:label ?label }}",
        ),
        Query(
            "parties",
            "parties of one state's agreements",
            PREFIXES + f"SELECT ?a ?party WHERE {{ {NONCE} ?a acc:party {state}, ?party . "
            f"FILTER(?party != {state}) }}",
        ),
        Query("about", "all about one state (`?p ?o`)", f"SELECT ?p ?o WHERE {{ {NONCE} {state} ?p ?o }}"),
        Query(
            "per-topic",
            "agreements per topic",
            PREFIXES + f"SELECT ?topic (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {NONCE} "
            "?a a acc:Agreement ; acc:concerns ?topic } GROUP BY ?topic",
        ),
        Query(
            "per-pair",
            "agreements per pair of states",
            PREFIXES + f"SELECT ?p1 ?p2 (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {NONCE} ?a a acc:Agreement ; "
            "acc:party ?p1, ?p2 . FILTER(STR(?p1) < STR(?p2)) } GROUP BY ?p1 ?p2",
        ),
        Query(
            "per-year",
            "agreements per year",
            PREFIXES + f"SELECT ?year (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {NONCE} ?a a acc:Agreement ; "
            "acc:signing/acc:date ?d . BIND(SUBSTR(STR(?d), 1, 4) AS ?year) } GROUP BY ?year",
        ),
    ]


TARGETS = PREFIXES + "SELECT ?a WHERE { ?a a acc:Agreement } ORDER BY ?a LIMIT 10"
STATE = (
    PREFIXES
    + """SELECT ?s WHERE { ?s a acc:State . OPTIONAL { ?s rdfs:label ?l FILTER(STR(?l) = "Mali") }
  ?a acc:party ?s } GROUP BY ?s ORDER BY DESC(COUNT(?l)) DESC(COUNT(?a)) ?s LIMIT 1"""
)


def find_targets(store: Path) -> Targets:
    """Ten agreements and the state the lookups ask about, read from the built store."""
    from accords.loaders.default_graph import query_dataset
    from accords.loaders.store import open_read_only

    opened = open_read_only(store)
    try:
        ten = [s["a"].value for s in opened.store.query(TARGETS, **query_dataset())]
        state = [s["s"].value for s in opened.store.query(STATE, **query_dataset())]
    finally:
        del opened
    if not ten or not state:
        raise RuntimeError("the store has no agreement, or no state party to one")
    return Targets(tuple(ten), state[0])


# --------------------------------------------------------------------------- asking and comparing


def ask(url: str, text: str) -> list[tuple]:
    """The rows of one answer, each a sorted tuple of (variable, term), as a sorted list."""
    request = urllib.request.Request(
        url,
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": SOLUTIONS},
    )
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
        bindings = json.loads(response.read())["results"]["bindings"]
    return sorted(tuple(sorted((name, _term(term)) for name, term in row.items())) for row in bindings)


def _term(term: dict) -> tuple:
    """A JSON result term, with xsd:string written or not alike."""
    datatype = term.get("datatype")
    return (term["type"].replace("typed-literal", "literal"), term["value"], term.get("xml:lang"),
            None if datatype == XSD_STRING else datatype)  # fmt: skip


def compare(mix: list[Query], accords: str, oxigraph: str) -> dict[str, int]:
    """The rows of each query, after checking that both servers give the same; RuntimeError if not."""
    counts = {}
    for query in mix:
        ours, theirs = ask(accords, query.text(1)), ask(oxigraph, query.text(1))
        if ours != theirs:
            raise RuntimeError(
                f"{query.name}: the servers disagree ({len(ours)} rows here, {len(theirs)} from Oxigraph)"
            )
        counts[query.name] = len(ours)
    return counts


# --------------------------------------------------------------------------- wrk


LUA = """-- Generated by accords bench wrk: POST one query; {unique}: a fresh VALUES row per request.
local before, after = [==[{before}]==], [==[{after}]==]
local unique = {unique}
local threads = 0
local count = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function request()
  local nonce = 1
  if unique then
    count = count + 1
    nonce = id * 1000000000 + count
  end
  local body = before .. "VALUES ?nonce {{ " .. string.format("%d", nonce) .. " }}" .. after
  return wrk.format("POST", nil, {{["Content-Type"] = "application/sparql-query",
    ["Accept"] = "{accept}"}}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def wrk_script(query: Query, unique: bool, path: Path) -> Path:
    """The Lua script that makes wrk send ``query``, with a fresh nonce per request if ``unique``."""
    before, after = query.template.split(NONCE)
    if "]==]" in query.template:
        raise ValueError(f"{query.name}: the query holds ]==], which the Lua script cannot quote")
    path.write_text(
        LUA.format(before=before, after=after, unique="true" if unique else "false", accept=SOLUTIONS),
        encoding="utf-8",
    )
    return path


def wrk_program() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (Debian)")
    return found


def wrk_seconds(seconds: float) -> int:
    """How long wrk runs when asked for ``seconds`` (whole seconds, at least one)."""
    return max(1, math.ceil(seconds))


def drive(url: str, script: Path, seconds: float) -> dict:
    """Run wrk against ``url`` with ``script``; its figures, with q/s counting only 2xx answers."""
    command = [
        wrk_program(),
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{wrk_seconds(seconds)}s",
        f"--timeout={REQUEST_TIMEOUT:g}s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + REQUEST_TIMEOUT + 30)
    found = _REPORT.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}")
    figures = json.loads(found.group(1))
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    answered = figures["requests"] - figures["status"]
    figures["errors"] = errors
    figures["qps"] = round(answered / (figures["duration_us"] / 1e6), 1)
    return figures


# --------------------------------------------------------------------------- the run


SYSTEMS = {  # name: (server, mode, cache on)
    "accords-unique": ("accords", "unique", False),
    "oxigraph-unique": ("oxigraph", "unique", False),
    "accords-repeated": ("accords", "repeated", True),
    "oxigraph-repeated": ("oxigraph", "repeated", False),
}


def run(articles: int, work: Path, seconds: float, runs: int, seed: int = 0, workers: int = 2) -> dict:
    """Prepare the data, check the answers agree, then ``runs`` times: each system, each query."""
    wrk_program()
    store, dump, info = prepare(work, articles, seed)
    mix = queries(find_targets(store))
    scripts = {
        (q.name, mode): wrk_script(q, mode == "unique", work / f"wrk-{q.name}-{mode}.lua")
        for q in mix
        for mode in MODES
    }
    results: list[dict] = []
    rows: dict[str, int] = {}
    for number in range(runs):
        figures: dict[str, dict] = {}
        for system, (server_name, mode, cache) in SYSTEMS.items():
            server = _start(server_name, store, dump, work, cache, workers)
            try:
                if number == 0 and system == "accords-unique":
                    rows = _agreement(mix, store, dump, work, server)
                figures[system] = {}
                drive(server.url, scripts[mix[0].name, mode], WARM_UP_SECONDS)  # caches filled, pool settled
                settle(server)  # the query processes replaced after wrk's hang-up are not the next query's
                for query in mix:
                    ask(server.url, query.text(0))  # warm-up
                    meter = CpuMeter(server, wrk_seconds(seconds) - END_MARGIN_SECONDS)
                    measured = drive(server.url, scripts[query.name, mode], seconds)
                    measured["cpu_ms"] = per_request(meter.stop(), measured["requests"])
                    measured["processes_started"] = meter.started()
                    measured["load_average"] = round(os.getloadavg()[0], 2)  # the machine may be shared
                    settle(server)
                    figures[system][query.name] = measured
                    print(
                        f"run {number + 1}: {system:18} {query.name:10} {measured['qps']:9.1f} q/s"
                        + (f" ({measured['errors']} errors)" if measured["errors"] else ""),
                        file=sys.stderr,
                    )
            finally:
                server.stop()
        results.append(figures)
    return {
        "machine": _machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "version": _version(),
        "articles": articles,
        "quads": info.get("quads"),
        "seconds": seconds,
        "threads": THREADS,
        "connections": CONNECTIONS,
        "workers": workers,
        "queries": {q.name: {"title": q.title, "rows": rows[q.name]} for q in mix},
        "agreed": True,
        "runs": results,
    }


class CpuMeter:
    """The CPU time (user + system) the processes of a server use while it runs, by role: its
    query processes and the rest (its workers; Oxigraph's one process).

    The processes are read every SAMPLE_SECONDS from /proc, each on its own, so that a query
    process replaced during the run still counts as a query process (reaped, its time would
    move to its worker's). Lost: what a process used in its last interval before it ended.
    The last reading is taken ``seconds`` after the start, just before wrk's run ends: wrk then
    closes its connections with requests in flight, and this server stops those queries and
    starts fresh query processes (a hang-up), a cost of the end of the run, not of its requests.
    """

    SAMPLE_SECONDS = 0.1

    def __init__(self, server: Server, seconds: float = math.inf):
        self.server = server
        self.until = time.monotonic() + seconds
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.sample(initial=True)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def sample(self, initial: bool = False) -> None:
        for pid in self.server.pids():
            reading = _cpu_of(pid)
            if reading is None:
                continue
            if pid in self.last and self.last[pid][0] == "query":  # a zombie's command line is empty
                reading = ("query", reading[1])
            self.last[pid] = reading
            self.first.setdefault(pid, reading[1] if initial else 0.0)

    def _run(self) -> None:
        while not self.done.wait(min(self.SAMPLE_SECONDS, max(self.until - time.monotonic(), 0.0))):
            self.sample()
            if time.monotonic() >= self.until:
                return

    def stop(self) -> dict[str, float]:
        """CPU seconds used since the start (until ``seconds`` after it), by role."""
        self.done.set()
        self.thread.join()
        if time.monotonic() < self.until:
            self.sample()
        used = {"query": 0.0, "worker": 0.0}
        for pid, (role, seconds) in self.last.items():
            used[role] += max(0.0, seconds - self.first[pid])
        return used

    def started(self) -> int:
        """How many processes started meanwhile (query processes replacing others)."""
        return sum(1 for first in self.first.values() if first == 0.0)


def settle(server: Server, quiet: float = 0.25, limit: float = 15.0) -> None:
    """Wait (up to ``limit`` seconds) until the server's processes use almost no CPU for ``quiet``
    seconds: what wrk hung up on at the end of a run (queries still evaluated, query processes
    started in place of stopped ones) must not be counted in the next measurement."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        before = _server_cpu(server)
        time.sleep(quiet)
        after = _server_cpu(server)  # a process that started meanwhile counts all it used
        used = sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())
        if used < SETTLED_CPU_SHARE * quiet:
            return


def _server_cpu(server: Server) -> dict[int, float]:
    """The CPU seconds each live process of the server has used so far."""
    return {pid: reading[1] for pid in server.pids() if (reading := _cpu_of(pid)) is not None}


def _cpu_of(pid: int) -> tuple[str, float] | None:
    """A process's role and the CPU seconds it used itself (not its children's)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(b")") + 2 :].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ("query" if QUERY_PROCESS in command else "worker"), ticks / CLOCK_TICKS


def per_request(used: dict[str, float], requests: int) -> dict[str, float]:
    """CPU milliseconds per request, by role and in total."""
    spent = {role: seconds * 1000 / max(requests, 1) for role, seconds in used.items()}
    spent["total"] = sum(spent.values())
    return {role: round(ms, 3) for role, ms in spent.items()}


def _start(name: str, store: Path, dump: Path, work: Path, cache: bool, workers: int) -> Server:
    if name == "accords":
        return start_accords(store, work, cache, workers, settings=ONE_CLIENT)
    return start_oxigraph(dump, work)


def _agreement(mix: list[Query], store: Path, dump: Path, work: Path, accords: Server) -> dict[str, int]:
    """Check, before any timing, that Oxigraph gives the rows this server gives."""
    oxigraph = start_oxigraph(dump, work)
    try:
        counts = compare(mix, accords.url, oxigraph.url)
    finally:
        oxigraph.stop()
    print("answers: both servers give the same rows for every query", file=sys.stderr)
    return counts


def _version() -> str:
    from importlib.metadata import version

    commit = subprocess.run(
        ["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"accords {version('accords')}"
        + (f" ({commit})" if commit else "")
        + (f", pyoxigraph {version('pyoxigraph')}, oxigraph {version('oxigraph')}")
    )


# --------------------------------------------------------------------------- the report


def summarize(report: dict) -> dict:
    """Per query and mode: q/s of each server and their ratio, median and min–max over the runs;
    the geometric mean of the ratios per mode likewise."""
    out: dict = {"queries": {}, "geomean": {}}
    for mode in MODES:
        per_run = []
        for run in report["runs"]:
            ratios = [
                run[f"accords-{mode}"][q]["qps"] / run[f"oxigraph-{mode}"][q]["qps"]
                for q in report["queries"]
                if run[f"oxigraph-{mode}"][q]["qps"] > 0
            ]
            per_run.append(_geometric_mean(ratios))
        out["geomean"][mode] = _spread(per_run)
    for name in report["queries"]:
        entry = {}
        for mode in MODES:
            ours = [run[f"accords-{mode}"][name]["qps"] for run in report["runs"]]
            theirs = [run[f"oxigraph-{mode}"][name]["qps"] for run in report["runs"]]
            ratios = [o / t if t else 0.0 for o, t in zip(ours, theirs, strict=True)]
            entry[mode] = {"accords": _spread(ours), "oxigraph": _spread(theirs), "ratio": _spread(ratios)}
        out["queries"][name] = entry
    return out


def _geometric_mean(values: list[float]) -> float:
    """0 when a value is 0 (a query that got no answer in time)."""
    if not values or min(values) <= 0:
        return 0.0
    return math.exp(statistics.fmean(math.log(v) for v in values))


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def _cell(spread: dict, digits: int) -> str:
    text = f"{spread['median']:,.{digits}f}"
    if spread["min"] != spread["max"]:
        text += f" ({spread['min']:,.{digits}f}–{spread['max']:,.{digits}f})"
    return text


def format_report(report: dict) -> str:
    """The results as a Markdown table: the unique-text columns, then the repeated-text ones."""
    summary = summarize(report)
    runs = len(report["runs"])
    lines = [
        f"Machine: {report['machine']}; date: {report['date']}; {report['version']}.",
        f"Data: {report['articles']} generated articles, {report['quads']} quads; wrk {report['threads']} "
        f"threads, {report['connections']} connections, {report['seconds']:g} s per query; accords with "
        f"{report['workers']} workers; {runs} run(s): median (min–max).",
        "Answers: both servers gave the same rows for every query before timing.",
        *_load_line(report),
        "",
        "| query | rows | Accords q/s (unique, cache off) | Oxigraph q/s | ratio "
        "| Accords q/s (repeated, cache on) | Oxigraph q/s (repeated) | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, query in report["queries"].items():
        entry = summary["queries"][name]
        cells = [
            _cell(entry[mode][system], 2 if system == "ratio" else 0)
            for mode in MODES
            for system in ("accords", "oxigraph", "ratio")
        ]
        lines.append(f"| {query['title']} | {query['rows']} | " + " | ".join(cells) + " |")
    unique, repeated = (_cell(summary["geomean"][mode], 2) for mode in MODES)
    lines.append(f"| **geometric mean** | | | | **{unique}** | | | **{repeated}** |")
    return "\n".join(lines + ["", *_cpu_table(report)])


def _load_line(report: dict) -> list[str]:
    """The machine's load average (1 min) read after each measurement: other work on a shared
    machine moves every figure, so it goes with them."""
    loads = [
        measured["load_average"]
        for run in report["runs"]
        for system in run.values()
        for measured in system.values()
        if "load_average" in measured
    ]
    if not loads:
        return []
    return [
        f"Load average (1 min, after each measurement): {min(loads):.1f}–{max(loads):.1f}, "
        f"median {statistics.median(loads):.1f}."
    ]


def _cpu_table(report: dict) -> list[str]:
    """CPU ms per request in unique mode: this server (its workers, its query processes), Oxigraph,
    and Oxigraph's over this server's (the share of Oxigraph's speed when the CPU is what limits)."""
    lines = [
        "CPU time per request, unique text (ms, summed over each server's processes):",
        "",
        "| query (CPU) | Accords: workers | query processes | total | Oxigraph | Oxigraph / Accords |",
        "|---|---|---|---|---|---|",
    ]
    for name, query in report["queries"].items():
        ours = [run["accords-unique"][name].get("cpu_ms") for run in report["runs"]]
        theirs = [run["oxigraph-unique"][name].get("cpu_ms") for run in report["runs"]]
        if None in ours or None in theirs:
            continue
        cells = [_cell(_spread([o[role] for o in ours]), 3) for role in ("worker", "query", "total")]
        cells.append(_cell(_spread([t["total"] for t in theirs]), 3))
        ratios = [t["total"] / o["total"] if o["total"] else 0.0 for o, t in zip(ours, theirs, strict=True)]
        cells.append(_cell(_spread(ratios), 2))
        lines.append(f"| {query['title']} | " + " | ".join(cells) + " |")
    return lines
