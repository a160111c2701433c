"""A smoke run of ``accords bench run``: a tiny corpus, a second per query, against
``accords serve`` and ``oxigraph serve-read-only``. rdflib-endpoint is left out of this
run explicitly (``systems=``), because loading it is the slow part of the real benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from accords.bench.query_bench import (
    Load,
    Measure,
    Query,
    Server,
    _spawn,
    _wait_ready,
    format_report,
    geometric_mean_ratio,
    measure_server,
    run,
)
from accords.bench.servers import free_port


def test_bench_runs_the_mix_against_accords_and_oxigraph(tmp_path: Path) -> None:
    """Needs the oxigraph CLI of the test extras (pip install oxigraph): fails without it."""
    report = run(20, tmp_path, seconds=0.5, concurrency=2, systems=("accords", "oxigraph"))
    assert report["articles"] == 20
    assert report["quads"] > 1000
    names = set(report["queries"])
    assert {"cq1", "cq7", "count-per-topic", "count-per-party-pair", "count-per-year"} <= names
    assert {"topic-path", "describe", "construct"} <= names
    lookups = {name for name, query in report["queries"].items() if query["lookup"]}
    assert lookups == {"lookup-pair", "lookup-agreement", "lookup-evidence", "lookup-person", "describe"}
    for system in ("accords", "oxigraph"):
        measured = report["systems"][system]
        assert measured["peak_rss_mb"] > 0
        for name, query in measured["queries"].items():
            assert query["errors"] == 0, (system, name)
            assert query["ok"] > 0 and query["qps"] > 0, (system, name)
            assert query["p50_ms"] <= query["p95_ms"]
    # both hold the same dataset and answer every query with as many rows (a bag default graph
    # would repeat the triples several articles state), and the lookups find something
    for name in names:
        rows = {report["systems"][s]["queries"][name]["rows"] for s in ("accords", "oxigraph")}
        assert len(rows) == 1, (name, rows)
        if name in lookups or name.startswith("count") or name == "topic-path":
            assert rows != {0}, name
    assert report["ratios"]["accords/oxigraph"]["queries"] == len(names)
    assert report["ratios"]["accords/oxigraph"]["geomean"] > 0
    text = format_report(report)
    assert "accords/oxigraph" in text and "peak RSS" in text
    # the prepared store and dump are reused by a second run
    dump = tmp_path / "dataset-20.nq"
    stamp = dump.stat().st_mtime_ns
    run(20, tmp_path, seconds=0.1, concurrency=1, systems=("oxigraph",))
    assert dump.stat().st_mtime_ns == stamp


def test_an_unknown_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown system"):
        run(5, tmp_path, seconds=0.1, concurrency=1, systems=("virtuoso",))


def test_geometric_mean_ratio() -> None:
    def measure(ok: int) -> Measure:
        return Measure(ok=ok, seconds=1.0)

    ratio, count, at_least = geometric_mean_ratio(
        {"a": measure(200), "b": measure(50), "c": measure(0)},
        {"a": measure(100), "b": measure(100), "c": measure(5)},
    )
    assert (count, at_least) == (2, False)
    assert ratio == pytest.approx(1.0)
    assert Measure(latencies=[0.001, 0.002, 0.003, 0.100]).percentile(0.5) == pytest.approx(2.0)
    # a query the peer could not answer within 60 s counts as at most 1/60 q/s for it
    ratio, count, at_least = geometric_mean_ratio({"a": measure(6)}, {"a": Measure(timeout=60.0)})
    assert (count, at_least) == (1, True)
    assert ratio == pytest.approx(360.0)


SLOW_SERVER = """
import http.server, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if "ASK" not in self.path:
            time.sleep(3)
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {}, "boolean": true}')
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
"""


def test_a_server_that_passes_the_request_limit_is_restarted(tmp_path: Path) -> None:
    started: list[Server] = []

    def start() -> Server:
        port = free_port()
        command = [sys.executable, "-c", SLOW_SERVER, str(port)]
        server = _spawn("slow", command, f"http://127.0.0.1:{port}/", tmp_path)
        _wait_ready(server, 20)
        started.append(server)
        return server

    mix = [Query("first", "SELECT * { ?s ?p ?o }"), Query("second", "SELECT ?s { ?s ?p ?o }")]
    results, last = measure_server(start, mix, seconds=0.5, load=Load(concurrency=1, timeout=0.5))
    assert all(measure.bounded and measure.throughput == pytest.approx(2.0) for measure in results.values())
    assert len(started) == 3 and last is started[-1] and last.restarts == 2
    assert all(server.process.poll() is not None for server in started)
