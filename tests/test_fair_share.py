"""A fair share for every client: a greedy client gets 429 with Retry-After, the others keep
their answers and their latency. Clients are told apart by their own loopback source addresses
(127.0.0.x), or by X-Forwarded-For from a trusted proxy."""

from __future__ import annotations

import http.client
import ipaddress
import json
import multiprocessing
import multiprocessing.synchronize
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from accords.server.fair_share import FairShare, TooManyRequests, client_identity, parse_networks

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def ask(base: str, query: str, source: str, headers: dict | None = None) -> tuple[int, dict, str]:
    """POST a query from loopback address ``source``: status, headers, body."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(
            "POST",
            "/sparql",
            body=urlencode({"query": query}),
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_identity_from_a_trusted_proxy_only() -> None:
    proxies = parse_networks(["127.0.0.9", "10.0.0.0/8"])
    assert client_identity("203.0.113.5", "198.51.100.1", proxies) == "203.0.113.5"  # not a proxy: forged
    assert client_identity("127.0.0.9", "198.51.100.1", proxies) == "198.51.100.1"
    # A client that sends its own X-Forwarded-For: the proxy appends the real address.
    assert client_identity("127.0.0.9", "1.2.3.4, 198.51.100.1, 10.1.1.1", proxies) == "198.51.100.1"
    assert client_identity("127.0.0.9", None, proxies) == "127.0.0.9"
    with pytest.raises(ValueError):
        parse_networks(["not an address"])
    assert parse_networks([" ", "::1"]) == (ipaddress.ip_network("::1"),)


def _boot(folder: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    barrier.wait()
    try:
        FairShare(Path(folder), 60.0, 4)
        results.put("ok")
    except Exception as error:  # noqa: BLE001 - what a worker's boot would have died of
        results.put(repr(error))


def test_workers_booting_together_all_open_the_shared_counts(tmp_path: Path) -> None:
    """Gunicorn boots its workers at the same moment; one that lost the race to switch the new
    file to WAL got "database is locked" and, failing to boot, took the whole server down."""
    context = multiprocessing.get_context("fork")
    outcomes = []
    for trial in range(12):
        folder = tmp_path / str(trial)
        barrier, results = context.Barrier(6), context.Queue()
        workers = [context.Process(target=_boot, args=(str(folder), barrier, results)) for _ in range(6)]
        for worker in workers:
            worker.start()
        outcomes += [results.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join()
    assert set(outcomes) == {"ok"}, [o for o in outcomes if o != "ok"]


def test_budget_and_concurrency_are_shared_and_drain(tmp_path: Path) -> None:
    # Two objects on one file stand for two server workers.
    one, two = (FairShare(tmp_path, seconds_per_minute=60.0, concurrent=2) for _ in range(2))
    first, second = one.admit("a"), two.admit("a")
    with pytest.raises(TooManyRequests) as refused:
        one.admit("a")
    assert refused.value.retry_after == 1 and "2 queries running" in refused.value.reason
    other = two.admit("b")  # another client is not affected
    for ticket in (first, second, other):
        one.release(ticket)
    # Spend past the budget: refused with the wait until the bucket drains below it.
    spender = FairShare(tmp_path, seconds_per_minute=0.6, concurrent=5)  # drains 0.01 s per second
    ticket = spender.admit("c")
    time.sleep(0.7)
    spender.release(ticket)
    with pytest.raises(TooManyRequests) as refused:
        spender.admit("c")
    assert 1 <= refused.value.retry_after <= 12
    assert "0.6 s of query time per minute" in refused.value.reason
    spender.admit("d")


def test_a_greedy_client_gets_429_and_the_others_keep_their_answers(
    server_live_factory, server_store: Path
) -> None:
    server = server_live_factory(
        server_store,
        "--client-query-seconds",
        "3",
        "--client-concurrent-queries",
        "2",
        "--query-processes",  # per worker: the greedy client's two queries may land on one worker
        "3",
        "--query-timeout",
        "1",
        ACCORDS_RESULT_CACHE_BYTES="0",
    )
    greedy: list[tuple[int, dict, str]] = []

    def greedy_client() -> None:
        for _ in range(4):
            greedy.append(ask(server.url, RUNAWAY, "127.0.0.2"))

    threads = [threading.Thread(target=greedy_client) for _ in range(3)]
    for thread in threads:
        thread.start()
    polite: list[tuple[int, float]] = []
    while any(thread.is_alive() for thread in threads):
        start = time.monotonic()
        status, _, _ = ask(server.url, f"ASK {{ ?s ?p ?o }} # {len(polite)}", "127.0.0.3")
        polite.append((status, time.monotonic() - start))
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    refused = [(headers, body) for status, headers, body in greedy if status == 429]
    assert refused, [status for status, _, _ in greedy]
    assert all(int(headers["Retry-After"]) >= 1 for headers, _ in refused)
    # One line: "429 Too Many Requests: too many requests: this client …"
    assert all(body.startswith("429 Too Many Requests: too many requests") for _, body in refused)
    assert all(body.count("\n") == 1 for _, body in refused)
    assert polite and all(status == 200 for status, _ in polite), polite
    assert max(duration for _, duration in polite) < 2.0
    # The greedy client is refused even for a cheap query, until its budget drains.
    status, headers, _ = ask(server.url, "ASK { ?s ?p ?o } # cheap", "127.0.0.2")
    assert status == 429 and int(headers["Retry-After"]) >= 1
    with urllib.request.urlopen(server.url + "/health", timeout=30) as health:
        limits = json.loads(health.read())["limits"]
    assert limits["client_query_seconds_per_minute"] == 3
    assert limits["client_concurrent_queries"] == 2


def test_behind_a_trusted_proxy_clients_are_told_apart(server_live_factory, server_store) -> None:
    server = server_live_factory(
        server_store,
        "--client-query-seconds",
        "2",
        "--query-timeout",
        "1",
        "--trusted-proxies",
        "127.0.0.4",
    )
    for _ in range(3):
        ask(server.url, RUNAWAY, "127.0.0.4", {"X-Forwarded-For": "198.51.100.7"})
    status, _, _ = ask(server.url, "ASK {} # a", "127.0.0.4", {"X-Forwarded-For": "198.51.100.7"})
    assert status == 429
    status, _, _ = ask(server.url, "ASK {} # b", "127.0.0.4", {"X-Forwarded-For": "198.51.100.8"})
    assert status == 200
    # Not through the proxy, X-Forwarded-For is the client's own word: ignored.
    for _ in range(3):
        ask(server.url, RUNAWAY, "127.0.0.5", {"X-Forwarded-For": "198.51.100.9"})
    status, _, _ = ask(server.url, "ASK {} # c", "127.0.0.5", {"X-Forwarded-For": "198.51.100.10"})
    assert status == 429
