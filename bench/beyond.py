"""Figures for "Deploying beyond one machine": replicas behind HAProxy, and Virtuoso as a backend.

    python -m bench.beyond --articles 2000 --seconds 20 --clients 16

It builds a store of ``--articles`` generated articles, then

1. publishes it to two replica stores, starts two ``accords serve`` and HAProxy on the sample
   configuration (``server/deploy/haproxy.cfg``), and drives the normal mix of the load test
   (``bench.load``, no think time, result caches off) through the balancer, first with the
   second replica stopped (HAProxy takes it out), then with both;
2. starts Virtuoso (``server/deploy/virtuoso.ini``), times ``push`` of the build into it, and
   drives the same mix at ``accords serve`` on the embedded store and at ``accords serve
   --backend`` over Virtuoso, one after the other: throughput and p50 per query, and the ratios.

Everything runs on loopback ports and is stopped at the end; the figures go to standard output
(and ``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from pathlib import Path

from accords.bench.load import Results, build_store, percentile, run_clients, warm_up
from accords.bench.servers import (
    LOOPBACK,
    PACKAGE_ROOT,
    Spawned,
    free_port,
    start_accords,
    start_haproxy,
    start_virtuoso,
    wait_until_answers,
)
from accords.loaders.publish import publish
from accords.loaders.push import push
from accords.loaders.store import current_build

MERGE_GRAPH = "urn:accords:default-graph"
NO_CACHE = {"ACCORDS_RESULT_CACHE_BYTES": "0"}


def drive(url: str, seconds: float, clients: int) -> dict:
    """The normal mix at ``url`` from ``clients`` clients without think time: throughput and p50s."""
    warm_up(url)
    results: Results = asyncio.run(run_clients(url, seconds, clients, 0, 0.0, 3, 60.0))
    per_query = {
        name: round(percentile(values, 0.5) * 1000, 1) for name, values in sorted(results.latencies.items())
    }
    return {
        "requests_per_second": round(len(results.all_latencies()) / seconds, 1),
        "p50_ms": round(percentile(results.all_latencies(), 0.5) * 1000, 1),
        "p99_ms": round(percentile(results.all_latencies(), 0.99) * 1000, 1),
        "failed": len(results.failures) + len(results.dropped),
        "p50_ms_per_query": per_query,
    }


def replicas(store: Path, workdir: Path, seconds: float, clients: int) -> dict:
    """Throughput through HAProxy with one replica up, then two."""
    servers: list[Spawned] = []
    ports = [free_port(), free_port()]
    for index, port in enumerate(ports):
        replica = workdir / f"replica{index + 1}"
        publish(store, str(replica))
        servers.append(start_accords(replica, workdir, environment=NO_CACHE, timeout=60, port=port))
    build = current_build(store)
    environment = {
        "ACCORDS_LISTEN": f"{LOOPBACK}:{free_port()}",
        "ACCORDS_REPLICA_1": f"{LOOPBACK}:{ports[0]}",
        "ACCORDS_REPLICA_2": f"{LOOPBACK}:{ports[1]}",
        "ACCORDS_BUILD": build.name if build else "",
    }
    balancer = start_haproxy(PACKAGE_ROOT / "server" / "deploy" / "haproxy.cfg", workdir, environment)
    try:
        servers[1].stop()
        time.sleep(5)  # the checks take it out
        wait_until_answers(balancer, balancer.url + "/health", 60)
        one = drive(balancer.url, seconds, clients)
        servers[1] = start_accords(
            workdir / "replica2", workdir, environment=NO_CACHE, timeout=60, port=ports[1]
        )
        time.sleep(5)  # the checks bring it back
        two = drive(balancer.url, seconds, clients)
    finally:
        balancer.stop()
        for server in servers:
            server.stop()
    return {"one_replica": one, "two_replicas": two}


def virtuoso(store: Path, workdir: Path, seconds: float, clients: int, query_timeout: int) -> dict:
    """Push time into Virtuoso, and the mix on the embedded store vs through Virtuoso."""
    server = start_virtuoso(workdir, query_timeout=query_timeout, buffers=85_000)
    try:
        started = time.monotonic()
        pushed = push(
            store,
            server.url.replace("http://", "http://dba:dba@") + "/sparql-graph-crud-auth",
            default_graph=MERGE_GRAPH,
        )
        push_seconds = time.monotonic() - started
        flags = ("--query-timeout", str(query_timeout))
        embedded = start_accords(store, workdir, *flags, environment=NO_CACHE, timeout=60)
        try:
            local = drive(embedded.url, seconds, clients)
        finally:
            embedded.stop()
        backend = start_accords(
            workdir / "unused",
            workdir,
            *flags,
            "--backend",
            server.url + "/sparql",
            environment={**NO_CACHE, "ACCORDS_BACKEND_DEFAULT_GRAPH": MERGE_GRAPH},
            timeout=60,
        )
        try:
            remote = drive(backend.url, seconds, clients)
        finally:
            backend.stop()
    finally:
        server.stop(grace=30)
    ratios = [
        local["p50_ms_per_query"][name] / remote["p50_ms_per_query"][name]
        for name in local["p50_ms_per_query"]
        if remote["p50_ms_per_query"].get(name)
    ]
    return {
        "push_seconds": round(push_seconds, 1),
        "pushed": pushed,
        "embedded": local,
        "virtuoso": remote,
        "throughput_ratio_virtuoso_over_embedded": round(
            remote["requests_per_second"] / local["requests_per_second"], 2
        ),
        "p50_speed_ratio_geomean_virtuoso_over_embedded": round(
            math.exp(sum(math.log(r) for r in ratios) / len(ratios)), 2
        )
        if ratios
        else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.beyond", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="generated articles (2000)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each run (20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--query-timeout", type=int, default=10, help="time limit of a query, s (10)")
    parser.add_argument("--store", type=Path, help="an existing store (default: build one)")
    parser.add_argument("--skip", choices=("replicas", "virtuoso"), help="leave one part out")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures: dict = {"articles": args.articles, "seconds": args.seconds, "clients": args.clients}
    with tempfile.TemporaryDirectory(prefix="accords-beyond-") as temporary:
        workdir = Path(temporary)
        store = args.store
        if store is None:
            store = workdir / "store"
            started = time.monotonic()
            build_store(store, args.articles, workdir)
            figures["build_seconds"] = round(time.monotonic() - started, 1)
        if args.skip != "replicas":
            figures["replicas"] = replicas(store, workdir, args.seconds, args.clients)
            print(json.dumps(figures["replicas"]), file=sys.stderr)  # kept if a later part fails
        if args.skip != "virtuoso":
            figures["virtuoso"] = virtuoso(store, workdir, args.seconds, args.clients, args.query_timeout)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
