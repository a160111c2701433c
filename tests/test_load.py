"""A short run of the load test (``bench.load``): no failed normal request, no dropped connection.

The full one (50 clients, 60 s, with the latency figures) is ``python -m bench.load``; here
10 clients for 5 s, two of them sending runaway queries, without timing assertions.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from accords.bench.load import run_clients, serving, warm_up


def test_a_short_load_with_runaway_queries_fails_no_normal_request(
    server_store: Path, tmp_path: Path
) -> None:
    with serving(
        server_store, tmp_path, workers=2, query_processes=2, query_timeout=2.0, memory_mb=512
    ) as server:
        warm_up(server.base_url)
        results = asyncio.run(
            run_clients(server.base_url, seconds=5, clients=10, runaway_clients=2, think=0.1, timeout=30)
        )
        assert server.process.poll() is None
        log = server.log.read_text(errors="replace")
    assert results.failures == []
    assert results.dropped == []
    assert len(results.all_latencies()) > 50
    assert sum(results.runaway.values()) >= 2
    assert all(outcome.endswith((" 200", " 503")) for outcome in results.runaway), results.runaway
    assert "Traceback" not in log
