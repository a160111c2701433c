"""Local servers for the benchmarks and the tests: ``accords serve`` and ``oxigraph serve``.

Each runs on a free loopback port, in its own process group (so that stopping it stops its
workers too), its output in a log file whose tail an error about it shows.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# The competency questions, in the query mixes: package data (accords.server), here or installed.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the checkout, or the installed package
COMPETENCY = PACKAGE_ROOT / "server" / "examples"
LOOPBACK = "127.0.0.1"
LOG_TAIL = 4000  # characters of the log an error shows
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port of the loopback interface that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def popen(command: list[str], log: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """Start ``command`` in its own process group, its output to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def process_children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parent = int(stat[stat.rindex(")") + 2 :].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    return children


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Spawned:
    """A server process started by ``popen``: its name, the URL it answers on, its log."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        """The scheme, host and port of ``url``."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def log_text(self) -> str:
        """What the process has written so far."""
        return self.log.read_text(errors="replace")

    def pids(self) -> set[int]:
        """The process and every process below it (workers, query processes)."""
        children, found, todo = process_children(), set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        return found

    def stop(self, grace: float = 20) -> None:
        """SIGTERM to the process group; SIGKILL if it is still there after ``grace`` seconds."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def wait_until_answers(
    server: Spawned, url: str, timeout: float, headers: Mapping[str, str] | None = None, every: float = 0.1
) -> float:
    """Poll ``url`` until it answers 200 and return the seconds it took.

    If the process exits or ``timeout`` passes first, stop it and raise RuntimeError with the log's tail.
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.log_text()[-LOG_TAIL:]}")
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        with contextlib.closing(connection), contextlib.suppress(OSError, http.client.HTTPException):
            connection.request("GET", target or "/", headers=dict(headers or {}))
            if connection.getresponse().status == 200:
                return time.monotonic() - started
        time.sleep(every)
    server.stop()
    raise RuntimeError(
        f"{server.name} did not answer {url} within {timeout:g} s:\n{server.log_text()[-LOG_TAIL:]}"
    )


def accords_env(config: str, **environment: str) -> dict[str, str]:
    """This environment without its ACCORDS_* variables, plus ``environment`` and ``config``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORDS_")}
    env.update(environment, ACCORDS_CONFIG=config)
    return env


def empty_config(workdir: Path) -> str:
    """An empty config file in ``workdir``, so that only flags and ACCORDS_* variables count."""
    config = workdir / "empty.toml"
    config.write_text("")
    return str(config)


def accords_command(store: Path, port: int, *flags: str) -> list[str]:
    """``accords serve`` of this interpreter on ``store`` and a loopback port."""
    serve = [sys.executable, "-m", "accords.cli", "serve", "--store", str(store)]
    return [*serve, "--host", LOOPBACK, "--port", str(port), *flags]


def start_accords(
    store: Path,
    workdir: Path,
    *flags: str,
    environment: Mapping[str, str] | None = None,
    timeout: float = 30,
    port: int | None = None,
    ready: str = "/health",
) -> Spawned:
    """``accords serve`` with ``flags`` and ACCORDS_* variables from ``environment`` only, once
    ``ready`` answers 200.

    On ``port`` if given (a replica restarted where its balancer expects it), else a free one.
    """
    port = port or free_port()
    env = accords_env(empty_config(workdir), **(environment or {}))
    log = workdir / f"serve-{port}.log"
    server = Spawned(
        "accords serve",
        f"http://{LOOPBACK}:{port}",
        popen(accords_command(store, port, *flags), log, env),
        log,
    )
    wait_until_answers(server, server.url + ready, timeout)
    return server


def program(name: str) -> str | None:
    """The command ``name`` of this interpreter's environment (a package's script sits beside
    ``python``), else the one on PATH: a venv need not be activated. None if neither has it."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def oxigraph_program() -> str:
    """The ``oxigraph`` command (from the ``oxigraph`` package)."""
    return program("oxigraph") or "oxigraph"


def oxigraph_command(location: Path, port: int, read_only: bool = False) -> list[str]:
    """``oxigraph serve`` (or ``serve-read-only``) of the database at ``location`` on a loopback port.

    No --timeout-s: Oxigraph 0.5 keeps a thread per query for that long, and at thousands of
    queries a second it runs out of threads.
    """
    serve = "serve-read-only" if read_only else "serve"
    return [oxigraph_program(), serve, "--location", str(location), "--bind", f"{LOOPBACK}:{port}"]


def start_oxigraph(location: Path, log: Path, timeout: float = 30) -> Spawned:
    """A read-write ``oxigraph serve`` of ``location``, once it answers a query; ``url`` is its base."""
    port = free_port()
    server = Spawned(
        "oxigraph", f"http://{LOOPBACK}:{port}", popen(oxigraph_command(location, port), log), log
    )
    wait_until_answers(server, server.url + "/query?query=ASK%7B%7D", timeout)
    return server


def start_haproxy(
    config: Path, workdir: Path, environment: Mapping[str, str], timeout: float = 30
) -> Spawned:
    """Debian's ``haproxy`` on ``config`` in the foreground, its ``${VARIABLES}`` from ``environment``.

    ``environment["ACCORDS_LISTEN"]`` is the loopback address it binds; ``url`` is its base.
    """
    listen = environment["ACCORDS_LISTEN"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment}
    log = workdir / f"haproxy-{listen.rsplit(':', 1)[1]}.log"
    command = [shutil.which("haproxy") or "/usr/sbin/haproxy", "-f", str(config), "-db"]
    balancer = Spawned("haproxy", f"http://{listen}", popen(command, log, env), log)
    wait_until_answers(balancer, balancer.url + "/health", timeout)
    return balancer


VIRTUOSO_INI = PACKAGE_ROOT / "server" / "deploy" / "virtuoso.ini"


def start_virtuoso(
    workdir: Path,
    query_timeout: int = 10,
    max_rows: int = 100_000,
    buffers: int = 20_000,
    timeout: float = 90,
) -> Spawned:
    """Debian's ``virtuoso-t`` on a throwaway database in ``workdir``, HTTP and ISQL on free loopback ports.

    Configured by ``server/deploy/virtuoso.ini``; ``url`` is its base (``/sparql``,
    ``/sparql-graph-crud-auth``). The user ``dba`` has the password ``dba`` (a fresh database's).
    """
    database = workdir / "virtuoso"
    database.mkdir(parents=True, exist_ok=True)
    http_port, isql_port = free_port(), free_port()
    config = database / "virtuoso.ini"
    config.write_text(
        VIRTUOSO_INI.read_text(encoding="utf-8").format(
            database=database,
            host=LOOPBACK,
            http_port=http_port,
            isql_port=isql_port,
            query_timeout=query_timeout,
            max_rows=max_rows,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
        ),
        encoding="utf-8",
    )
    command = [shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t", "-c", str(config), "+foreground"]
    server = Spawned(
        "virtuoso",
        f"http://{LOOPBACK}:{http_port}",
        popen(command, database / "out.log"),
        database / "out.log",
    )
    wait_until_answers(server, server.url + "/sparql?query=ASK%7B%7D", timeout, every=0.5)
    return server
