"""Faults: killed processes, killed builds, missing, corrupt, read-only and full stores.

A query process or a server worker killed with SIGKILL in the middle of a query: the other
clients are answered and the process is replaced. A build killed midway: the previous store
is served and exported unchanged, and the next build removes the half-written folder. A
store that is missing, corrupt, read-only or on a full disk: one clear line at the start of
``accords serve`` or ``accords build``, a non-zero exit and nothing half served.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from accords.bench.servers import accords_env, cpu_seconds, free_port, process_children
from tests.fixtures import PROJECT_ROOT

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = "ASK { ?s ?p ?o }"


# --------------------------------------------------------------------------- helpers


def session() -> requests.Session:
    http = requests.Session()
    http.trust_env = False
    return http


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def workers(server) -> list[int]:
    """The gunicorn workers of a live server (the children of its arbiter)."""
    return [pid for pid in process_children().get(server.process.pid, []) if alive(pid)]


def query_processes(worker: int) -> list[int]:
    return [
        pid
        for pid in process_children().get(worker, [])
        if b"accords.server.engine.query_process" in cmdline(pid) and alive(pid)
    ]


def busiest_query_process(server) -> tuple[int, int]:
    """The query process working hardest (on the runaway query), and its worker."""
    owners = {pid: worker for worker in workers(server) for pid in query_processes(worker)}
    before = {pid: cpu_seconds(pid) for pid in owners}
    time.sleep(0.4)
    busiest = max(owners, key=lambda pid: cpu_seconds(pid) - before[pid])
    assert cpu_seconds(busiest) - before[busiest] > 0.1, "no query process works on the runaway query"
    return busiest, owners[busiest]


def wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def in_background(send) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        with session() as http:
            try:
                outcome["response"] = send(http)
            except requests.RequestException as error:
                outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def ask(http: requests.Session, base_url: str) -> requests.Response:
    return http.get(base_url + "/sparql", params={"query": ASK}, timeout=10)


def accords(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the ``accords`` command as a user would, without ACCORDS_* variables."""
    return subprocess.run(
        [sys.executable, "-m", "accords.cli", *args],
        cwd=PROJECT_ROOT,
        env=accords_env(os.devnull),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, command: str, *fragments: str) -> None:
    assert result.returncode != 0, result.stderr
    # `accords serve` says first that it builds a missing store: then its error.
    lines = [line for line in result.stderr.strip().splitlines() if "building it from" not in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"accords {command}: "), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def nothing_listens(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def serve_and_exit(store: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess, int]:
    """``accords serve`` that is expected to stop at once."""
    port = free_port()
    result = accords("serve", "--store", str(store), "--port", str(port), "--workers", "1", timeout=timeout)
    return result, port


# --------------------------------------------------------------------------- killed processes


@pytest.fixture(scope="module")
def one_worker(server_live_factory, server_store: Path):
    return server_live_factory(
        server_store, "--workers", "1", "--query-timeout", "5", ACCORDS_QUERY_PROCESSES="2"
    )


@pytest.fixture(scope="module")
def two_workers(server_live_factory, server_store: Path):
    return server_live_factory(
        server_store, "--workers", "2", "--query-timeout", "5", ACCORDS_QUERY_PROCESSES="2"
    )


def test_a_query_process_killed_mid_query(one_worker) -> None:
    server = one_worker
    thread, outcome = in_background(
        lambda http: http.post(server.base_url + "/sparql", data={"query": RUNAWAY}, timeout=30)
    )
    time.sleep(0.2)
    victim, worker = busiest_query_process(server)
    os.kill(victim, signal.SIGKILL)
    with session() as http:
        answers = [ask(http, server.base_url) for _ in range(10)]
    assert all(a.status_code == 200 and a.json()["boolean"] is True for a in answers)
    thread.join(timeout=15)
    response = outcome["response"]
    assert response.status_code == 503
    assert "query stopped: its query process was killed" in response.text
    assert "Traceback" not in response.text
    assert not alive(victim)
    assert wait_for(lambda: len(query_processes(worker)) == 2), query_processes(worker)
    with session() as http:
        health = http.get(server.base_url + "/health", timeout=10).json()
    assert health["query_processes"]["processes"] == 2
    assert "Traceback" not in server.log_text()


def niceness(pid: int) -> int:
    """The highest nice value among the threads of a process (0 when it is gone)."""
    values = [0]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                stat = (task / "stat").read_text()
                values.append(int(stat[stat.rindex(")") + 2 :].split()[16]))
    return max(values)


def test_a_runaway_query_loses_cpu_priority_step_by_step(one_worker) -> None:
    """Past 0.25 s of CPU a query's process drops to nice 10, past 0.5 s to 15, past 1 s to 19;
    others are still answered."""
    server = one_worker
    thread, outcome = in_background(
        lambda http: http.post(server.base_url + "/sparql", data={"query": RUNAWAY}, timeout=30)
    )
    time.sleep(0.2)
    victim, _ = busiest_query_process(server)
    assert wait_for(lambda: niceness(victim) >= 10, 3.0), niceness(victim)
    assert wait_for(lambda: niceness(victim) >= 15, 3.0), niceness(victim)
    assert wait_for(lambda: niceness(victim) == 19, 3.5), niceness(victim)
    with session() as http:
        assert ask(http, server.base_url).status_code == 200
    thread.join(timeout=15)
    assert outcome["response"].status_code == 503


def test_a_server_worker_killed_mid_query(two_workers) -> None:
    server = two_workers
    assert wait_for(lambda: len(workers(server)) == 2)
    thread, outcome = in_background(
        lambda http: http.post(server.base_url + "/sparql", data={"query": RUNAWAY}, timeout=30)
    )
    time.sleep(0.2)
    _, victim = busiest_query_process(server)
    orphans = query_processes(victim)
    os.kill(victim, signal.SIGKILL)
    with session() as http:
        answers = [ask(http, server.base_url) for _ in range(20)]  # all answered by the other worker
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]
    thread.join(timeout=15)
    # The client of the killed worker loses its connection: nothing else can tell it.
    assert "error" in outcome or outcome["response"].status_code >= 500
    assert wait_for(lambda: len(workers(server)) == 2 and victim not in workers(server)), workers(server)
    assert wait_for(lambda: not any(alive(pid) for pid in orphans)), (
        "the killed worker's query processes live on"
    )
    replacement = next(pid for pid in workers(server) if pid != victim)
    assert wait_for(lambda: all(len(query_processes(w)) == 2 for w in workers(server))), replacement
    with session() as http:
        for _ in range(10):
            assert ask(http, server.base_url).status_code == 200
        assert http.get(server.base_url + "/health", timeout=10).json()["status"] == "ok"


# --------------------------------------------------------------------------- killed build


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small corpus and a large one (whose build takes seconds)."""
    from accords.bench.generate import generate_corpus

    root = tmp_path_factory.mktemp("fault-corpora")
    generate_corpus(root / "small", 5)
    generate_corpus(root / "large", 600, processes=2)
    return root / "small", root / "large"


def build_folders(store: Path) -> set[str]:
    builds = store / "builds"
    return {p.name for p in builds.iterdir()} if builds.is_dir() else set()


def test_a_build_killed_midway_leaves_the_previous_store_served(
    corpora, tmp_path: Path, server_live_factory
) -> None:
    small, large = corpora
    store = tmp_path / "store"
    result = accords("build", "--store", str(store), str(small))
    assert result.returncode == 0, result.stderr
    previous = (store / "current").resolve()
    exported = accords("export", "--store", str(store), "--format", "nquads").stdout
    assert exported
    server = server_live_factory(store, "--workers", "1")
    with session() as http:
        before = http.get(server.base_url + "/health", timeout=10).json()["store"]

    build = subprocess.Popen(
        [sys.executable, "-m", "accords.cli", "build", "--store", str(store), str(large)],
        cwd=PROJECT_ROOT,
        env=accords_env(os.devnull),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its pool processes go with it
    )
    try:
        assert wait_for(
            lambda: (
                any((store / "builds" / f / "db").exists() for f in build_folders(store) - {previous.name})
                or build.poll() is not None
            ),
            60,
        )
        assert build.poll() is None, "the build ended before it could be killed: use a larger corpus"
        time.sleep(0.3)
        os.killpg(build.pid, signal.SIGKILL)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=10)
    partial = build_folders(store) - {previous.name}
    assert partial, "the killed build left no folder behind (it should be removed by the next build)"

    assert (store / "current").resolve() == previous
    assert accords("export", "--store", str(store), "--format", "nquads").stdout == exported
    with session() as http:
        assert http.get(server.base_url + "/health", timeout=10).json()["store"] == before
        assert ask(http, server.base_url).json()["boolean"] is True

    result = accords("build", "--store", str(store), str(small))
    assert result.returncode == 0, result.stderr
    assert not partial & build_folders(store), "the next build did not remove the killed build's folder"
    assert (store / "current").resolve() != previous


# --------------------------------------------------------------------------- missing, corrupt store


@pytest.fixture
def store_copy(server_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(server_store, copy, symlinks=True)
    return copy


def test_a_missing_store_is_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for command in ("export", "query", "validate"):
        args = ["ASK {}"] if command == "query" else []
        result = accords(command, "--store", str(missing), *args)
        assert_one_line_error(result, command, "no store at", "accords build")
    assert not missing.exists()


@pytest.mark.parametrize("damage", ["current file", "tables", "build.json", "empty db"])
def test_a_corrupt_store_stops_serve_at_the_start(store_copy: Path, damage: str) -> None:
    build = (store_copy / "current").resolve()
    db = build / "db"
    if damage == "current file":
        (db / "CURRENT").write_text("garbage\n")
    elif damage == "tables":
        for table in db.glob("*.sst"):
            data = bytearray(table.read_bytes())
            data[: len(data) // 2] = os.urandom(len(data) // 2)
            table.write_bytes(bytes(data))
        for log in db.glob("*.log"):
            log.write_bytes(os.urandom(4096))
    elif damage == "build.json":
        (build / "build.json").write_text("[not the build's description")
    else:
        shutil.rmtree(db)
        db.mkdir()
    result, port = serve_and_exit(store_copy)
    assert_one_line_error(result, "serve", "cannot be")
    assert nothing_listens(port)
    assert_one_line_error(accords("export", "--store", str(store_copy)), "export", "cannot be opened")


# --------------------------------------------------------------------------- read-only and full disks


def test_a_store_under_a_file_or_in_proc_is_one_clear_line(tmp_path: Path, corpora) -> None:
    small, _ = corpora
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    for store in (a_file / "store", a_file, Path("/proc/accords-store")):
        result = accords("build", "--store", str(store), str(small))
        assert_one_line_error(result, "build", "cannot")
        result, port = serve_and_exit(store)
        assert_one_line_error(result, "serve", "cannot")
        assert nothing_listens(port)


@contextlib.contextmanager
def mounted(*arguments: str) -> Iterator[None]:
    """``mount ARGUMENTS…`` for the block (root only), or skip the test."""
    target = Path(arguments[-1])
    result = subprocess.run(["mount", *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    with mounted("--bind", str(folder), str(folder)):
        result = subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True, text=True
        )
        if result.returncode != 0:
            pytest.skip(f"cannot remount read-only: {result.stderr.strip()}")
        yield


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting needs root")
def test_a_read_only_disk(tmp_path: Path, corpora, server_live_factory) -> None:
    small, _ = corpora
    disk = tmp_path / "disk"
    disk.mkdir()
    store = disk / "store"
    assert accords("build", "--store", str(store), str(small)).returncode == 0
    exported = accords("export", "--store", str(store), "--format", "nquads").stdout
    with read_only(disk):
        result = accords("build", "--store", str(store), str(small))
        assert_one_line_error(result, "build", "Read-only file system")
        result = accords("build", "--store", str(disk / "other"), str(small))
        assert_one_line_error(result, "build", "Read-only file system")
        result, port = serve_and_exit(disk / "other")
        assert_one_line_error(result, "serve", "Read-only file system")
        assert nothing_listens(port)
        # What is there is still read, exported and served.
        assert accords("export", "--store", str(store), "--format", "nquads").stdout == exported
        server = server_live_factory(store, "--workers", "1")
        with session() as http:
            assert ask(http, server.base_url).json()["boolean"] is True
        server.stop()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting needs root")
def test_a_full_disk(tmp_path: Path, corpora) -> None:
    small, _ = corpora
    disk = tmp_path / "full"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)):
        store = disk / "store"
        result = accords("build", "--store", str(store), str(small))
        assert_one_line_error(result, "build", "No space left on device")
        assert build_folders(store) == set(), "a half-written build was left on the full disk"
        assert not (store / "current").exists()
        result, port = serve_and_exit(store)
        assert_one_line_error(result, "serve", "No space left on device")
        assert nothing_listens(port)
