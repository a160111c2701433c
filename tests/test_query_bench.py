"""A smoke run of ``accords bench run``: a tiny corpus, a second per query, against
``accords serve`` and ``oxigraph serve-read-only``. rdflib-endpoint is left out of this
run explicitly (``systems=``), because loading it is the slow part of the real benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.query_bench import Measure, format_report, geometric_mean_ratio, run


def test_bench_runs_the_mix_against_accords_and_oxigraph(tmp_path: Path) -> None:
    """Needs the oxigraph CLI of the test extras (pip install oxigraph): fails without it."""
    report = run(20, tmp_path, seconds=0.5, concurrency=2, systems=("accords", "oxigraph"))
    assert report["articles"] == 20
    assert report["quads"] > 1000
    names = set(report["queries"])
    assert {"cq1", "cq7", "count-per-topic", "count-per-party-pair", "count-per-year"} <= names
    assert {"topic-path", "describe", "construct"} <= names
    for system in ("accords", "oxigraph"):
        measured = report["systems"][system]
        assert measured["peak_rss_mb"] > 0
        for name, query in measured["queries"].items():
            assert query["errors"] == 0, (system, name)
            assert query["ok"] > 0 and query["qps"] > 0, (system, name)
            assert query["p50_ms"] <= query["p95_ms"]
    # the analytical queries give the same number of rows on both
    for name in ("count-per-topic", "count-per-party-pair", "count-per-year", "topic-path"):
        rows = {report["systems"][s]["queries"][name]["rows"] for s in ("accords", "oxigraph")}
        assert len(rows) == 1 and rows != {0}, name
    assert report["ratios"]["accords/oxigraph"]["queries"] == len(names)
    assert report["ratios"]["accords/oxigraph"]["geomean"] > 0
    text = format_report(report)
    assert "accords/oxigraph" in text and "peak RSS" in text
    # the prepared store and dump are reused by a second run
    dump = tmp_path / "data-20.nq"
    stamp = dump.stat().st_mtime_ns
    run(20, tmp_path, seconds=0.1, concurrency=1, systems=("oxigraph",))
    assert dump.stat().st_mtime_ns == stamp


def test_an_unknown_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown system"):
        run(5, tmp_path, seconds=0.1, concurrency=1, systems=("virtuoso",))


def test_geometric_mean_ratio() -> None:
    def measure(ok: int) -> Measure:
        return Measure(ok=ok, seconds=1.0)

    ratio, count = geometric_mean_ratio(
        {"a": measure(200), "b": measure(50), "c": measure(0)},
        {"a": measure(100), "b": measure(100), "c": measure(5)},
    )
    assert count == 2
    assert ratio == pytest.approx(1.0)
    assert Measure(latencies=[0.001, 0.002, 0.003, 0.100]).percentile(0.5) == pytest.approx(2.0)
