"""Clients an attacker writes: hang-ups at every stage, readers that never read, slowloris,
monster request lines, runaway floods, memory hogs. Each test asserts that the query processes
come back and that a well-behaved client keeps its answers meanwhile (issue #14, findings 0,
3, 4, 5, 6, 8)."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from accords.bench.servers import start_accords

QUERY_TIMEOUT = 8.0
QUEUE_TIMEOUT = 1.0
REQUEST_TIMEOUT = 3.0
CLIENT_TIMEOUT = 3.0
LARGE = "SELECT * { ?s ?p ?o GRAPH ?g { ?s ?q ?v } }"  # several MB of JSON on the seed store
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"  # sorts millions of rows in memory


@pytest.fixture(scope="module")
def live(server_live_factory, seed_store_dir: Path):
    return server_live_factory(
        seed_store_dir,
        "--workers",
        "1",
        "--query-processes",
        "2",
        "--query-timeout",
        str(QUERY_TIMEOUT),
        "--queue-timeout",
        str(QUEUE_TIMEOUT),
        "--request-timeout",
        str(REQUEST_TIMEOUT),
        "--client-timeout",
        str(CLIENT_TIMEOUT),
    )


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # no proxy between the tests and the loopback server
        yield session


def address(live) -> tuple[str, int]:
    host, port = live.base_url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def raw_post(live, query: str, receive_buffer: int = 0) -> socket.socket:
    """A raw socket that has sent a direct POST of ``query`` (a comment makes it uncached)."""
    body = f"{query} # {random.random()}".encode()
    sock = socket.socket()
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(address(live))
    head = (
        "POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: application/sparql-results+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)
    return sock


def receive(sock: socket.socket, size: int, timeout: float = 15) -> bytes:
    """At least ``size`` bytes of the answer (fewer if the server closes first)."""
    sock.settimeout(timeout)
    data = b""
    while len(data) < size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def health(http: requests.Session, live) -> dict:
    response = http.get(live.base_url + "/health", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def wait_all_idle(http: requests.Session, live, within: float) -> float:
    """Seconds until /health shows every query process idle (two of them); fails after ``within``."""
    started = time.monotonic()
    processes = None
    while time.monotonic() - started < within:
        processes = health(http, live)["query_processes"]
        if processes == {"processes": 2, "idle": 2}:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"query processes not all idle after {within} s: {processes}")


def fresh_queries_answer(http: requests.Session, live, count: int = 4) -> None:
    """``count`` uncached queries in a row, each 200 with its answer."""
    for _ in range(count):
        query = f"ASK {{ ?s ?p ?o }} # {random.random()}"
        response = http.get(live.base_url + "/sparql", params={"query": query}, timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True


def hang_up_before_the_first_byte(live) -> None:
    """The query is still running (it would run to the time limit) when the client leaves."""
    sock = raw_post(live, RUNAWAY)
    time.sleep(0.3)
    sock.close()


def hang_up_while_the_first_mib_is_held(live) -> None:
    sock = raw_post(live, LARGE)
    time.sleep(0.02)
    sock.close()


def hang_up_after_the_headers(live) -> None:
    sock = raw_post(live, LARGE)
    assert receive(sock, 12).startswith(b"HTTP/1.1 200")
    sock.close()


def hang_up_mid_stream(live) -> None:
    sock = raw_post(live, LARGE)
    assert len(receive(sock, 2_500_000)) >= 2_500_000
    sock.close()


STAGES: dict[str, Callable] = {
    "before the first byte": hang_up_before_the_first_byte,
    "inside the held first MiB": hang_up_while_the_first_mib_is_held,
    "after the headers": hang_up_after_the_headers,
    "mid-stream": hang_up_mid_stream,
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_client_hanging_up_gives_its_query_process_back(live, http, stage: str) -> None:
    """Finding 0: four clients hang up; the pool is whole again well before the time limit."""
    wait_all_idle(http, live, within=10)
    for _ in range(4):
        STAGES[stage](live)
    seconds = wait_all_idle(http, live, within=QUERY_TIMEOUT)
    assert seconds < QUERY_TIMEOUT - 2, seconds  # not waiting for the time limit
    fresh_queries_answer(http, live)


def test_a_client_that_never_reads_holds_no_query_process_past_the_time_limit(live, http) -> None:
    """Finding 4: three clients that never read a large result (tiny receive buffers)."""
    wait_all_idle(http, live, within=10)
    unread = [raw_post(live, "SELECT * { ?a ?b ?c . ?d ?e ?f }", receive_buffer=4096) for _ in range(3)]
    time.sleep(0.5)
    started = time.monotonic()
    while time.monotonic() - started < QUERY_TIMEOUT:  # meanwhile others are answered
        fresh_queries_answer(http, live, count=1)
        time.sleep(0.3)
    wait_all_idle(http, live, within=3)  # the time limit passed: the processes are back
    fresh_queries_answer(http, live)
    for sock in unread:
        sock.close()


def test_a_slow_reader_holds_its_query_process_no_longer_than_the_time_limit(live, http) -> None:
    """Finding 4: a client reading steadily but slowly (~0.6 MB/s) a result of tens of MB.

    Its query process is back in the pool soon after the time limit, while the client is
    still reading what the kernel buffered; the answer it gets is cut short."""
    wait_all_idle(http, live, within=10)
    sock = raw_post(live, "SELECT * { ?a ?b ?c . ?d ?e ?f }", receive_buffer=65536)
    started = time.monotonic()
    received: list[bytes] = []

    def read_slowly() -> None:
        sock.settimeout(QUERY_TIMEOUT + CLIENT_TIMEOUT + 20)
        while chunk := sock.recv(65536):
            received.append(chunk)
            time.sleep(0.1)

    reader = threading.Thread(target=read_slowly)
    reader.start()
    time.sleep(QUERY_TIMEOUT + 0.5)
    wait_all_idle(http, live, within=2.5)  # the lease ended at the time limit
    idle_after = time.monotonic() - started
    fresh_queries_answer(http, live)
    reader.join(timeout=60)
    sock.close()
    answer = b"".join(received)
    assert answer.startswith(b"HTTP/1.1 200")
    assert not answer.endswith(b"0\r\n\r\n")  # cut short: no last chunk
    assert idle_after < QUERY_TIMEOUT + 3, idle_after


def slow_sender(live, payload: bytes, stop: threading.Event, sockets: list[socket.socket]) -> None:
    """Open sockets that send ``payload`` a byte at a time, every 0.2 s, until ``stop``."""
    position = 0
    while not stop.is_set():
        for sock in sockets:
            if position < len(payload):
                with contextlib.suppress(OSError):
                    sock.send(payload[position : position + 1])
        position += 1
        time.sleep(0.2)


def test_slowloris_does_not_take_the_server(live, http) -> None:
    """Finding 3: 200 sockets send their request head, or body, a byte at a time."""
    head = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: test\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n"
    body = (
        b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 200\r\n\r\n" + b"ASK {}" + b" " * 194
    )
    heads = [socket.create_connection(address(live)) for _ in range(150)]
    bodies = [socket.create_connection(address(live)) for _ in range(50)]
    for sock in bodies:
        sock.sendall(body[: body.index(b"\r\n\r\n") + 4])  # the head at once, then the body dribbles
    stop = threading.Event()
    senders = [
        threading.Thread(target=slow_sender, args=(live, head, stop, heads)),
        threading.Thread(target=slow_sender, args=(live, body[body.index(b"\r\n\r\n") + 4 :], stop, bodies)),
    ]
    for sender in senders:
        sender.start()
    try:
        served = []
        started = time.monotonic()
        while time.monotonic() - started < REQUEST_TIMEOUT + 2:
            before = time.monotonic()
            answer = http.get(live.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
            checked = http.get(live.base_url + "/health", timeout=10)
            served.append((answer.status_code, checked.status_code, round(time.monotonic() - before, 2)))
            time.sleep(0.2)
        assert all(a == 200 and h == 200 and seconds < 2 for a, h, seconds in served), served
    finally:
        stop.set()
        for sender in senders:
            sender.join()
    # Past request_timeout the slow clients were told 408 and disconnected.
    timed_out = 0
    for sock in heads + bodies:
        answer = receive(sock, 64, timeout=5)
        timed_out += answer.startswith(b"HTTP/1.1 408")
        sock.close()
    assert timed_out == 200


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /sparql?query=" + b"a" * 8_000_000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", b"414"),
        (b"GET /health HTTP/1.1\r\n" + b"X-Big: " + b"a" * 8_000_000 + b"\r\n\r\n", b"431"),
        (
            b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 900000000\r\n\r\nASK {}",
            b"413",
        ),
    ],
    ids=["8 MB request line", "8 MB header", "900 MB Content-Length"],
)
def test_monster_requests_are_refused_before_they_are_read(
    live, http, request_bytes: bytes, status: bytes
) -> None:
    """Finding 5: refused at the bound, without reading (or parsing) the rest."""
    sock = socket.create_connection(address(live))
    started = time.monotonic()
    with contextlib.suppress(OSError):  # the server answered and closed before the end: the point
        sock.sendall(request_bytes)
    answer = receive(sock, 16, timeout=10)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 " + status), answer
    assert time.monotonic() - started < 3
    fresh_queries_answer(http, live, count=2)


def test_health_answers_at_once_while_runaway_queries_flood(live, http) -> None:
    """Finding 6: 12 runaway clients; /health answers in < 1 s; queries past the queue time get 503."""
    wait_all_idle(http, live, within=10)
    outcomes: list[tuple[int, str | None, float]] = []

    def runaway(number: int) -> None:
        with requests.Session() as session:
            session.trust_env = False
            started = time.monotonic()
            response = session.post(
                live.base_url + "/sparql", data={"query": f"{RUNAWAY} # {number}"}, timeout=30
            )
            outcomes.append(
                (response.status_code, response.headers.get("Retry-After"), time.monotonic() - started)
            )

    threads = [threading.Thread(target=runaway, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    timings = []
    while any(thread.is_alive() for thread in threads):
        started = time.monotonic()
        assert health(http, live)["status"] == "ok"
        timings.append(time.monotonic() - started)
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    assert timings and max(timings) < 1, timings
    assert all(status == 503 and retry for status, retry, _ in outcomes), outcomes
    # A request waiting for a thread or a process is refused once it has waited the queue time,
    # never left to wait for a whole second time limit behind the runaway ones.
    assert max(seconds for _, _, seconds in outcomes) < QUERY_TIMEOUT + QUEUE_TIMEOUT + 2, outcomes
    wait_all_idle(http, live, within=10)
    fresh_queries_answer(http, live)


def test_past_the_memory_bound_the_newest_query_is_refused(server_live_factory, seed_store_dir: Path) -> None:
    """Finding 8: three memory hogs under a 700 MB bound for all query processes together.

    The newest is stopped first, with 503; the server still answers afterwards."""
    live = server_live_factory(
        seed_store_dir,
        "--workers",
        "1",
        "--query-processes",
        "3",
        "--query-timeout",
        "20",
        "--max-total-memory-mb",
        "700",
    )
    answers: dict[int, tuple[float, requests.Response]] = {}

    def hog(number: int) -> None:
        with requests.Session() as session:
            session.trust_env = False
            response = session.post(
                live.base_url + "/sparql", data={"query": f"{HOG} # {number}"}, timeout=60
            )
            answers[number] = (time.monotonic(), response)

    threads = []
    for number in range(3):
        threads.append(threading.Thread(target=hog, args=(number,)))
        threads[-1].start()
        time.sleep(0.2)
    with requests.Session() as http:
        http.trust_env = False
        memory = health(http, live)["query_memory"]
        assert memory["bound_mb"] == 700
        for thread in threads:
            thread.join()
        first = min(answers, key=lambda number: answers[number][0])
        assert first == 2, {n: (t, r.status_code) for n, (t, r) in answers.items()}
        refused = answers[2][1]
        assert refused.status_code == 503 and refused.headers.get("Retry-After")
        # Stopped while running ("…more than 700 MB of memory (the server's bound)…"), or, when the
        # others already hold the bound as it arrives, refused at once ("…at its memory bound (700 MB…").
        assert "700 MB" in refused.text and "bound" in refused.text, refused.text
        ask = http.get(live.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=15)
        assert ask.status_code == 200


@pytest.mark.parametrize(
    ("how", "signal_number"),
    [("SIGTERM to the server", signal.SIGTERM), ("Ctrl-C (SIGINT to the group)", signal.SIGINT)],
)
def test_a_clean_shutdown(tmp_path: Path, seed_store_dir: Path, how: str, signal_number: int) -> None:
    """#15: with a query running, the server stops its query processes and exits 0, silently."""
    server = start_accords(seed_store_dir, tmp_path, "--workers", "2", "--query-timeout", "3")
    try:
        with requests.Session() as http:
            http.trust_env = False
            http.get(server.base_url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        running = raw_post(server, RUNAWAY)
        time.sleep(0.5)
        processes = server.pids() - {server.process.pid}
        assert len(processes) >= 6  # two workers and their query processes
        if signal_number == signal.SIGINT:
            os.killpg(server.process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole group
        else:
            os.kill(server.process.pid, signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        running.close()
    finally:
        server.stop()
    log = server.log_text()
    for crash in ("terminate called", "SIGABRT", "SIGSEGV", "Traceback", "was sent", "Error"):
        assert crash not in log, log[-3000:]
    left = [pid for pid in processes if Path(f"/proc/{pid}").exists() and b"Z" not in state(pid)]
    assert not left, left


def state(pid: int) -> bytes:
    """The state letter of a process (Z: a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return b"Z"
    return stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3]
