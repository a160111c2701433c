"""Evaluate queries in separate processes, so that a query past its time limit is killed.

pyoxigraph cannot cancel a query, so each server worker keeps a small pool of
long-lived query processes (``python -m accords.server.engine.executor``, linked to the worker by a
socket pair). A process opens the store read-only, evaluates one query at a time,
serializes the result itself and streams the bytes back. When the time limit passes, the
process is sent SIGKILL — its CPU work ends there — and a fresh one takes its place.
The query process imports neither Flask nor rdflib, so that it starts fast.

Bounds beside the time limit: a query process's heap is capped (``max_query_memory_mb``,
RLIMIT_DATA: past it the process dies and the client gets 503), queries run on a thread
with a large stack (deep expression trees), and a query still running after
LONG_QUERY_SECONDS leaves the pool, at a lower and lower CPU priority, while a fresh process
takes its place, so that a few runaway queries do not slow the others down. A process that dies in
the middle of a query (memory, stack overflow, kill -9) is replaced; its client is told why.

Each query process enters a network namespace of its own before anything else
(``server.isolation``): it can reach only the worker's service proxy, whatever its query says.
The pool checks that for itself (``/proc/PID/ns/net``); where it cannot be had, SERVICE is refused.

A query leases its process until its answer is over (see ExecutorPool): a client that hangs
up, at any stage of the answer, gives the process back at once; a watchdog stops a query at
its deadline even while its answer waits for a client that does not read, and the newest
query while all processes together hold more than the service's memory bound.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import math
import os
import queue
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from accords.loaders.default_graph import open_stated, query_dataset, sizes
from accords.loaders.search_index import search_functions
from accords.loaders.store import OpenedStore, StoreError, current_build, open_read_only
from accords.server import isolation
from accords.server.isolation import mentions_service
from accords.server.problem import Problem
from accords.server.results import UnrepresentableResult, json_document, write_results

CHUNK_BYTES = 64 * 1024
HOLD_BYTES = 1024 * 1024
_DATA, _FINAL, _ERROR, _READY = b"D", b"F", b"E", b"R"
STARTUP_SECONDS = 60.0  # a query process says it is ready (store open) within this
# A query still running after LONG_QUERY_SECONDS (wall time) leaves the pool with its process;
# a fresh process takes its place in the pool. Its process is lowered in CPU priority step by
# step (LONG_QUERY_NICENESS: after how many seconds of CPU the query has used, which nice
# value): CPU time, not wall time, so that on a loaded machine an ordinary aggregate that
# waits for a core is not taken for a runaway. Short queries keep their processes and their
# latency beside a few runaway ones; on an idle machine a long query runs as fast as before.
LONG_QUERY_SECONDS = 0.5
LONG_QUERY_NICENESS = ((LONG_QUERY_SECONDS, 15), (1.0, 19))
REAP_SECONDS = 1.0  # a killed process not gone by then is waited for in the background
_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_PR_SET_PDEATHSIG = 1
logger = logging.getLogger("accords.server")
# Queries are evaluated on a thread with a large stack: pyoxigraph's parser and evaluator
# recurse, and a long chain of operators (a || b || …, thousands of BINDs) overflows the
# 8 MB of a main thread. Pages are only used when touched; the address space counts.
QUERY_STACK_BYTES = 256 * 1024 * 1024
_OUT_OF_MEMORY_EXIT = 3  # a query process exits so after a MemoryError
_PROXY_URL = re.compile(r"http://127\.0\.0\.1:\d+/accords-proxy/[\w/]+")
# Words of a query that may compute its whole result before its first row, or call a SERVICE
# (and a second SELECT: a subquery). Looked up among the query's words, not by one regex with
# IGNORECASE over its text, which cost a lookup about as much CPU as evaluating it.
_EVALUATES_WHOLE = frozenset(
    {"GROUP", "ORDER", "DISTINCT", "REDUCED", "HAVING", "MINUS", "EXISTS", "SERVICE", "COUNT", "SUM"}
    | {"MIN", "MAX", "AVG", "SAMPLE"}
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Job:
    """One query to evaluate, or (``statistics``) a count of the store's graphs."""

    query: str = ""
    format: str = "json"
    infer: bool = True
    full_entailment: bool = False  # the default graph also holds graph/inferred-full
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    max_rows: int = 0
    max_bytes: int = 0
    federated: bool = False
    # Where the guard found each SERVICE target in ``query``: (start, end, endpoint).
    service_spans: tuple[tuple[int, int, str], ...] = ()
    statistics: bool = False


@dataclass(frozen=True)
class Setup:
    """What a query process is told when it starts: the store and the graph to hide."""

    store: str
    inferred_graph: str
    prefixes: dict[str, str]
    max_memory_mb: int = 0  # the heap a query process may use (RLIMIT_DATA); 0: no limit
    isolate: bool = True  # each query process in a network namespace of its own (server.isolation)
    proxy_socket: str = ""  # the Unix socket of the worker's service proxy, set by the pool


class ExecutionError(Problem):
    """A query that got no result: the HTTP status, the reason, and details for JSON."""

    def __init__(self, status: int, message: str, details: dict | None = None):
        super().__init__(status, message, details)


class QueryTimeout(ExecutionError):
    """The query ran past the time limit; its process was killed."""

    @classmethod
    def after(cls, seconds: float) -> QueryTimeout:
        return cls(
            503, f"query stopped: it ran past the time limit of {seconds:g} s", {"limit_seconds": seconds}
        )


class StreamAborted(Exception):
    """A result stopped after its first bytes were sent (time limit or evaluation error)."""


@dataclass
class Answer:
    """A result: its bytes as they come, and a summary (rows, truncation) once known."""

    first: bytes
    summary: dict = field(default_factory=dict)
    rest: Iterator[bytes] | None = None

    @property
    def complete(self) -> bool:
        return self.rest is None

    def chunks(self) -> Iterator[bytes]:
        """The bytes; closing this iterator early (the client hung up) frees the query process."""
        try:
            if self.first:
                yield self.first
            if self.rest is not None:
                yield from self.rest
        finally:
            self.close()

    def close(self) -> None:
        """Give up the rest of the result: its query process is stopped unless it finished."""
        close = getattr(self.rest, "close", None)
        if close is not None:
            close()


# --------------------------------------------------------------------------- the child


class _PipeOutput:
    """A binary writer that sends its bytes to the parent in chunks."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.buffer = bytearray(_DATA)
        self.written = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.written += len(data)
        if len(self.buffer) > CHUNK_BYTES:
            self.connection.send_bytes(self.buffer)
            self.buffer = bytearray(_DATA)
        return len(data)

    def flush(self) -> None:
        """Chunks are sent when full; the last one with the summary."""

    def finish(self, summary: dict) -> None:
        meta = json.dumps(summary).encode()
        self.connection.send_bytes(_FINAL + struct.pack("!I", len(meta)) + meta + self.buffer[len(_DATA) :])


class _StoreHandle:
    """The store a query process reads: reopened when a new build becomes current."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.root = Path(setup.store)
        self.opened: OpenedStore | None = None
        self.link: str | None = None  # what ``current`` pointed to when ``opened`` was checked
        self.stated: tuple[Path, ox.Store] | None = None
        self.custom: tuple[Path, dict] | None = None

    def get(self) -> OpenedStore:
        link = _link(self.root / "current")  # one system call while the build stays current
        if self.opened is not None and link is not None and link == self.link:
            return self.opened
        build = current_build(self.root)
        if self.opened is None or (build is not None and build != self.opened.path):
            self.opened = open_read_only(self.root)
            self.stated = None
        self.link = link
        return self.opened

    def store(self, infer: bool) -> ox.Store:
        """The build's store, or with ``infer`` false its stated store (opened on first use)."""
        opened = self.get()
        if infer:
            return opened.store
        if self.stated is None or self.stated[0] != opened.path:
            self.stated = (opened.path, open_stated(opened.path))
        return self.stated[1]

    def functions(self) -> dict:
        """The extension functions over the current build (``accfn:search``), made once per build."""
        opened = self.get()
        if self.custom is None or self.custom[0] != opened.path:
            self.custom = (opened.path, search_functions(opened.path))
        return self.custom[1]


def _link(path: Path) -> str | None:
    """Where a symbolic link points (builds are immutable: the same target, the same build)."""
    try:
        return os.readlink(path)
    except OSError:
        return None


def _dataset(job: Job, handle: _StoreHandle) -> dict:
    """The keyword arguments of Store.query that give the job's dataset (over ``handle.store``)."""
    if job.full_entailment and not handle.get().info.get("reasoning", {}).get("full_entailment"):
        raise ExecutionError(
            400, "entailment=full: this build has no full-entailment graph (build it with --full-entailment)"
        )
    if job.default_graphs is None and job.named_graphs is None:
        return query_dataset(job.infer and job.full_entailment)
    return {  # the stated store has no inferred graph
        "default_graph": [ox.NamedNode(g) for g in job.default_graphs or ()],
        "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or ()],
    }


def _statistics(handle: _StoreHandle) -> dict:
    """The size of each graph of the current build (counted by the build), and what build.json says."""
    opened = handle.get()
    info = {k: v for k, v in opened.info.items() if k != "sizes"}
    return {"build": opened.path.name, "info": info, **(opened.info.get("sizes") or sizes(opened.store))}


def _streams(job: Job) -> bool:
    """Whether the query likely gives its first rows before it has evaluated the rest, so that a
    result too long to be written whole (results.json_document) costs little when evaluated again.

    Aggregates, ORDER BY, DISTINCT, subqueries and the like compute the whole result first, and
    SERVICE calls must not be made twice: those are written row by row at once. A guess from
    the words of the query: a wrong one costs time, never a limit.
    """
    if job.federated or job.service_spans:
        return False
    upper = job.query.upper()
    return upper.count("SELECT") < 2 and _EVALUATES_WHOLE.isdisjoint(_WORD.findall(upper))


def _shorten(text: str, limit: int = 160) -> str:
    """pyoxigraph lists every token it expected: keep the start of it."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _error(status: int, message: str, **details: object) -> bytes:
    return _ERROR + json.dumps({"status": status, "message": message, **details}).encode()


def _evaluate(job: Job, handle: _StoreHandle, connection: Connection) -> None:
    """Run one job and send its answer; errors are sent as an error message."""
    out = _PipeOutput(connection)
    try:
        if job.statistics:
            out.write(json.dumps(_statistics(handle)).encode())
            out.finish({})
            return
        store = handle.store(job.infer)
        dataset = _dataset(job, handle)

        def query() -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
            return store.query(
                job.query, base_iri=job.base_iri, custom_functions=handle.functions(), **dataset
            )

        result = query()
        if job.format == "json" and isinstance(result, ox.QuerySolutions) and _streams(job):
            whole = json_document(result, job.max_rows, job.max_bytes)
            if whole is not None:  # short: pyoxigraph wrote it at once, under both limits
                out.write(whole[0])
                out.finish({"rows": whole[1], "truncated": None, "bytes": out.written})
                return
            result = query()  # longer: again, row by row within the limits
        written = write_results(result, job.format, out, job.max_rows, job.max_bytes, handle.setup.prefixes)
        out.finish({"rows": written.rows, "truncated": written.truncated, "bytes": out.written})
    except SyntaxError as error:
        text = str(error).split("\n", 1)[0]
        position = _SYNTAX_POSITION.match(text)
        details = {}
        if position:
            details = {"line": int(position.group(1)), "column": int(position.group(2))}
            text = text[position.end() :]
            where = f" (line {details['line']}, column {details['column']})"
        else:
            where = ""
        connection.send_bytes(_error(400, f"syntax error: {_shorten(text)}{where}", **details))
    except UnrepresentableResult as error:
        connection.send_bytes(_error(406, str(error)))
    except StoreError as error:
        connection.send_bytes(_error(503, f"the store is unavailable: {error}"))
    except ExecutionError as error:  # a request this build cannot answer
        connection.send_bytes(_error(error.status, error.message))
    except OSError as error:
        if not (job.federated or mentions_service(job.query)):
            raise
        message = str(error)
        if " with payload:\n" in message:  # the service proxy (server.federation) says what failed
            message = message.split(" with payload:\n", 1)[1]
        message = _PROXY_URL.sub("the service proxy", message).strip()
        connection.send_bytes(_error(502, f"a SERVICE call failed: {message[:300]}"))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the thread that started it is gone.

    The pool starts its processes from one long-lived thread, so that is the worker's end.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def main(argv: list[str]) -> None:
    """``python -m accords.server.engine.executor FD PARENT_PID SETUP_JSON``: serve on the socket FD."""
    descriptor, parent, setup = int(argv[0]), int(argv[1]), Setup(**json.loads(argv[2]))
    _die_with_parent(parent)
    isolated = _isolate(setup)  # before any other thread starts
    _limit_memory(setup.max_memory_mb)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(
        target=serve, args=(Connection(descriptor), setup, isolated), name="accords-query"
    )
    thread.start()
    thread.join()


def _isolate(setup: Setup) -> str:
    """Enter a network namespace of this process's own, reaching only the service proxy.

    '' once done; otherwise why not (the process then stays where it is, and its pool
    refuses SERVICE).
    """
    if not setup.isolate:
        return "network isolation is turned off"
    try:
        isolation.enter_network_namespace()
        if setup.proxy_socket:
            isolation.Forwarder(setup.proxy_socket)
    except OSError as error:
        return str(error) or type(error).__name__
    return ""


def _limit_memory(megabytes: int) -> None:
    """Cap the heap (RLIMIT_DATA) at ``megabytes`` beyond the query thread's stack.

    An allocation past the cap fails: pyoxigraph then aborts the process, Python raises
    MemoryError (the process exits with _OUT_OF_MEMORY_EXIT); either way the parent sees the
    process end and answers 503.
    """
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024 + QUERY_STACK_BYTES
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def serve(connection: Connection, setup: Setup, isolated: str = "") -> None:
    """The main loop of a query process: one job at a time, until the pipe closes.

    ``isolated`` is why the process is not in a network namespace of its own ('' if it is).
    """
    handle = _StoreHandle(setup)
    with contextlib.suppress(StoreError):
        handle.get()  # open the store now, not on the first query
    connection.send_bytes(_READY + isolated.encode())  # handed out only once it is ready
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            _evaluate(job, handle, connection)
        except (EOFError, BrokenPipeError):
            return
        except MemoryError:
            os._exit(_OUT_OF_MEMORY_EXIT)  # the parent answers 503 and starts a fresh process
        except Exception as error:  # anything else is a bug: say little to the client
            print(f"accords query process: {type(error).__name__}: {error}", file=sys.stderr)
            connection.send_bytes(_error(500, "internal error"))


# --------------------------------------------------------------------------- the parent

# The socket of the client that the current request thread serves, set by the server worker
# (server.guarded_worker): while a query runs, the pool watches it and stops the query the
# moment the client hangs up (reads end of file, as Go's net/http cancels a request).
CLIENT: ContextVar[socket.socket | None] = ContextVar("accords_client", default=None)
# When the current request began to wait for a thread (set by the server worker): its wait
# for a query process counts from then, so that the whole queue time is queue_timeout.
QUEUED_SINCE: ContextVar[float | None] = ContextVar("accords_queued_since", default=None)
WATCH_SECONDS = 0.2  # how often the watchdog looks at deadlines and memory
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class _Timeout(Exception):
    pass


class _HungUp(Exception):
    """The client closed its connection while its query ran."""


class ClientGone(ExecutionError):
    """The client hung up before its answer: nobody reads the status (499, as nginx logs it)."""

    def __init__(self) -> None:
        super().__init__(499, "the client closed the connection")


class ServiceRouter(Protocol):
    """Points a job's SERVICE calls at the worker's service proxy (server.federation.Federation)."""

    def route(self, job: Job) -> Job: ...

    def close(self) -> None: ...


@dataclass(eq=False)
class _Process:
    process: subprocess.Popen
    connection: Connection
    started: float = 0.0  # when its current query was sent
    cpu_at_start: float = 0.0  # the process's CPU seconds then
    detached: bool = False  # out of the pool, for a long query (see _detach)
    lowered: int = 0  # how many steps of LONG_QUERY_NICENESS it has taken
    replacement: Future | None = None  # the process that took its place
    leased: bool = False  # serving a query: back to the pool or killed by _end, once
    deadline: float = 0.0  # when its query's whole answer must be over
    stopped: str = ""  # why the watchdog killed it during a query: "deadline" or "memory"


def _resident_mb(pid: int) -> float:
    """The memory a process holds in RAM (resident set), in MB; 0 once it is gone."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * _PAGE_BYTES / (1024 * 1024)


def _cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (user and system, all its threads), in seconds."""
    try:  # os.open, not pathlib: this is read for every query
        descriptor = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
        try:
            stat = os.read(descriptor, 4096)
        finally:
            os.close(descriptor)
        user, system = stat[stat.rindex(b")") + 2 :].split()[11:13]
    except (OSError, ValueError):
        return 0.0
    return (int(user) + int(system)) / _CLOCK_TICKS


def _hung_up(client: socket.socket) -> bool:
    """Whether a readable client socket is at its end (closed or reset), not holding data."""
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class ExecutorPool:
    """The query processes of one server worker.

    Every query leases a process; the lease ends exactly once (``_end``): the process goes
    back to the pool when its result is complete, and is killed and replaced otherwise —
    client hung up (at any stage of the answer), time limit, memory bound, error. A
    watchdog thread ends what no request thread does: a query past its deadline while its
    thread is blocked writing to a client that does not read, and the newest query while
    the processes together hold more memory than ``memory_mb``.
    """

    def __init__(
        self,
        setup: Setup,
        size: int,
        timeout: float,
        queue_timeout: float | None = None,
        memory_mb: float = 0,
        federation: Callable[[str], ServiceRouter] | None = None,
    ):
        # The service proxy's socket: in a folder of this worker's own (mode 0700).
        self.proxy_folder = tempfile.mkdtemp(prefix="accords-proxy-")
        self.setup = replace(setup, proxy_socket=str(Path(self.proxy_folder) / "service.sock"))
        # Why SERVICE is disabled (a query process could not be isolated), or None.
        self.isolation_problem: str | None = None
        self.store = Path(setup.store)
        self.timeout = timeout
        self.queue_timeout = timeout if queue_timeout is None else queue_timeout
        self.memory_mb = memory_mb  # all query processes of this pool together; 0: no bound
        self.memory_reading = (-math.inf, 0.0)  # when the watchdog last read memory_used, and what
        self.idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        self.processes: set[_Process] = set()
        self.leased: set[_Process] = set()
        self.lock = threading.Lock()
        self.closed = False
        self.cached_statistics: tuple[Path | None, dict] | None = None
        # Makes the router of SERVICE calls (server.federation) on this pool's proxy socket.
        self.new_federation = federation
        self.federation: ServiceRouter | None = None  # started by the first federated job
        self.launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-launcher")
        self.reaper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-reaper")
        for _ in range(max(size, 1)):
            self.idle.put(self._start())
        self.watchdog = threading.Thread(target=self._watch, name="accords-watchdog", daemon=True)
        self.watchdog.start()
        # /health answers from the statistics of the build: count them now, not while busy.
        threading.Thread(target=self._count_graphs, name="accords-statistics", daemon=True).start()

    def _count_graphs(self) -> None:
        with contextlib.suppress(ExecutionError, RuntimeError):  # RuntimeError: closed meanwhile
            self.statistics()

    def _start(self) -> _Process:
        """Start a query process, always from the launcher thread (see _die_with_parent)."""
        return self.launcher.submit(self._launch).result()

    def _replace(self) -> None:
        """Start a process in the launcher thread and add it to the idle ones once it is ready."""
        try:
            started = self._launch()
        except Exception:  # a pool one process short still answers
            logger.exception("cannot start a query process")
            return
        if self.closed:
            self._discard(started)
        else:
            self._release(started)

    def _wait_ready(self, worker: _Process) -> None:
        """Wait for a new process to open the store; kill it if it does not say so in time."""
        try:
            if worker.connection.poll(STARTUP_SECONDS):
                message = worker.connection.recv_bytes()
                if message[:1] == _READY:
                    self._note_isolation(worker, message[1:].decode("utf-8", "replace"))
                    return
        except (EOFError, OSError):
            pass
        logger.warning("query process %s did not start", worker.process.pid)
        worker.process.kill()  # found dead by _acquire, which starts another

    def _note_isolation(self, worker: _Process, problem: str) -> None:
        """Check for ourselves that a new process's network namespace is not ours; else note why."""
        theirs, ours = isolation.network_namespace(worker.process.pid), isolation.network_namespace()
        if not problem and (not theirs or theirs == ours):
            problem = "the query process shares the server's network namespace"
        if problem and self.isolation_problem is None:
            self.isolation_problem = problem
            logger.warning("SERVICE is disabled: query processes cannot be isolated (%s)", problem)

    def _launch(self) -> _Process:
        ours, theirs = socket.socketpair()
        setup = json.dumps(asdict(self.setup))
        arguments = [str(theirs.fileno()), str(os.getpid()), setup]
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-m", "accords.server.engine.executor", *arguments],
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                process_group=0,  # Ctrl-C reaches the server, which stops its query processes itself
                env={**os.environ, "RUST_BACKTRACE": "0"},  # one line in the log when it aborts
            )
        started = _Process(process, Connection(ours.detach()))
        with self.lock:
            self.processes.add(started)
        self._wait_ready(started)
        return started

    def _acquire(self) -> _Process:
        """An idle query process, waiting up to the queue time for one; the lease starts."""
        if self.memory_mb and self._over_memory_bound():
            raise ExecutionError(
                503,
                f"the server is at its memory bound ({self.memory_mb:g} MB for its query processes); "
                "try again shortly",
                {"memory_bound_mb": self.memory_mb},
            )
        since = QUEUED_SINCE.get()
        waited = time.monotonic() - since if since is not None else 0.0
        try:
            worker = self.idle.get(timeout=max(self.queue_timeout - waited, 0.01))
        except queue.Empty:
            raise ExecutionError(
                503,
                "the server is busy: every query process is working; try again shortly",
                {"queue_seconds": self.queue_timeout},
            ) from None
        if worker.process.poll() is not None:
            self._discard(worker)
            worker = self._start()
        with self.lock:
            worker.leased, worker.stopped = True, ""
            worker.started = time.monotonic()
            worker.cpu_at_start = _cpu_seconds(worker.process.pid)
            worker.deadline = worker.started + self.timeout
            self.leased.add(worker)
        return worker

    def _end(self, worker: _Process, finished: bool) -> None:
        """End a lease, once: a finished process goes back to the pool, any other is replaced."""
        with self.lock:
            if not worker.leased:
                return
            worker.leased = False
            self.leased.discard(worker)
        if finished and not worker.stopped:
            self._release(worker)
        else:
            self._kill(worker)

    def _release(self, worker: _Process) -> None:
        if worker.detached:
            self._discard(worker)  # its replacement is in the pool already
            return
        self.idle.put(worker)

    def _detach(self, worker: _Process) -> None:
        """Take a long query's process out of the pool: it yields the CPU, a fresh one serves.

        So a few runaway queries neither slow the short ones down nor leave them waiting
        for a process. The detached process ends with its query.
        """
        with self.lock:
            if worker.detached:
                return
            worker.detached = True
        if not self.closed:
            worker.replacement = self.launcher.submit(self._replace)

    def _lower_priority(self, worker: _Process) -> None:
        """The next step of LONG_QUERY_NICENESS for a long query's process."""
        niceness = LONG_QUERY_NICENESS[worker.lowered][1]
        worker.lowered += 1
        try:  # priority belongs to each thread on Linux: the query runs on another than the first
            threads = [int(task) for task in os.listdir(f"/proc/{worker.process.pid}/task")]
        except (OSError, ValueError):
            threads = [worker.process.pid]
        for thread in threads:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, thread, niceness)

    def _discard(self, worker: _Process) -> None:
        """Kill a query process and forget it."""
        with self.lock:
            self.processes.discard(worker)
        worker.process.kill()
        worker.connection.close()
        try:
            worker.process.wait(timeout=REAP_SECONDS)
        except subprocess.TimeoutExpired:  # freeing a large heap at low priority: reaped aside
            self.reaper.submit(worker.process.wait)

    def _kill(self, worker: _Process) -> None:
        """Stop a query for good; a fresh process takes its place (unless one did already)."""
        self._discard(worker)
        if not worker.detached and not self.closed:
            self._release(self._start())  # ready (store open) before it serves a query

    def _stop(self, worker: _Process, reason: str) -> None:
        """Kill a leased process from the watchdog; its request thread ends the lease."""
        worker.stopped = reason
        worker.process.kill()
        if not worker.detached:
            self._detach(worker)  # its replacement starts now, whatever its thread is doing
        logger.warning("query process %s stopped: %s", worker.process.pid, reason)

    def _watch(self) -> None:
        """Every WATCH_SECONDS: replace long queries' processes in the pool, stop queries past
        their deadline, and the newest past the memory bound."""
        while not self.closed:
            time.sleep(WATCH_SECONDS)
            with self.lock:
                running = [w for w in self.leased if not w.stopped]
            now = time.monotonic()
            for worker in running:
                if now > worker.deadline + WATCH_SECONDS:
                    self._stop(worker, "deadline")
                elif now - worker.started > LONG_QUERY_SECONDS and not worker.detached:
                    self._detach(worker)  # e.g. a result its client does not read: replaced in the pool
            running = [w for w in running if not w.stopped]
            if self.memory_mb:
                used = self._measure_memory()
                if running and used > self.memory_mb:
                    self._stop(max(running, key=lambda w: w.started), "memory")

    def _measure_memory(self) -> float:
        used = self.memory_used()
        self.memory_reading = (time.monotonic(), used)
        return used

    def _over_memory_bound(self) -> bool:
        """Whether the query processes hold the memory bound. Below it by the watchdog's last
        reading (reading /proc for every query cost more than a small query) is enough; a
        refusal is always decided on a reading made now."""
        at, used = self.memory_reading
        if time.monotonic() - at <= 2 * WATCH_SECONDS and used < self.memory_mb:
            return False
        return self._measure_memory() >= self.memory_mb

    def memory_used(self) -> float:
        """The resident memory of this pool's query processes together, in MB."""
        with self.lock:
            pids = [w.process.pid for w in self.processes]
        return sum(_resident_mb(pid) for pid in pids)

    def _wait(self, worker: _Process, seconds: float) -> bool:
        """Whether the process sent something within ``seconds``; _HungUp when the client hangs up."""
        client = CLIENT.get()
        if client is None:
            return worker.connection.poll(seconds)
        end = time.monotonic() + seconds
        ready = wait([worker.connection, client], timeout=max(seconds, 0))
        if worker.connection in ready:
            return True
        if client in ready:
            if _hung_up(client):
                raise _HungUp
            CLIENT.set(None)  # bytes of its next request: watch the process alone
            return worker.connection.poll(max(end - time.monotonic(), 0))
        return False

    def _receive(self, worker: _Process, deadline: float) -> bytes:
        """The next message of a query process, or _Timeout past the deadline."""
        if worker.stopped:
            raise EOFError  # killed by the watchdog
        while worker.lowered < len(LONG_QUERY_NICENESS):
            if not worker.detached:
                patience = worker.started + LONG_QUERY_SECONDS - time.monotonic()
            else:  # a query's CPU time grows no faster than the clock: wait at least what it lacks
                used = _cpu_seconds(worker.process.pid) - worker.cpu_at_start
                patience = LONG_QUERY_NICENESS[worker.lowered][0] - used
            if patience >= deadline - time.monotonic():
                break
            if patience > 0:
                if self._wait(worker, patience):
                    return worker.connection.recv_bytes()
                if worker.detached:
                    continue  # read its CPU time again
            if not worker.detached:
                self._detach(worker)
                continue
            self._lower_priority(worker)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self._wait(worker, remaining):
            raise _Timeout
        return worker.connection.recv_bytes()

    def _ended(self, worker: _Process) -> ExecutionError:
        """Why a query process ended during a query, as the error its client gets."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=2)  # it closed its socket while exiting
        code = worker.process.returncode
        if worker.stopped == "deadline":
            return QueryTimeout.after(self.timeout)
        if worker.stopped == "memory":
            return ExecutionError(
                503,
                f"query stopped: the query processes together used more than {self.memory_mb:g} MB "
                "of memory (the server's bound), and this query was the newest; try again shortly",
                {"memory_bound_mb": self.memory_mb},
            )
        logger.warning("query process %s ended during a query (exit status %s)", worker.process.pid, code)
        limit = self.setup.max_memory_mb
        if code in (-signal.SIGABRT, _OUT_OF_MEMORY_EXIT) and limit > 0:
            return ExecutionError(
                503, f"query stopped: it used more than {limit} MB of memory (the limit)", {"limit_mb": limit}
            )
        if code == -signal.SIGSEGV:
            return ExecutionError(
                400,
                "query stopped: its evaluation overflowed the stack; "
                "the query is too deeply nested or has too long a chain of operators",
            )
        if code == -signal.SIGKILL:
            return ExecutionError(503, "query stopped: its query process was killed; try again")
        return ExecutionError(503, f"query stopped: its query process ended unexpectedly (status {code})")

    def counts(self) -> dict[str, int]:
        """How many query processes there are, and how many wait for a query."""
        with self.lock:
            alive = sum(1 for worker in self.processes if worker.process.poll() is None)
        return {"processes": alive, "idle": self.idle.qsize()}

    def memory(self) -> dict[str, float]:
        """The memory of this worker's query processes and its share of the service's bound, in MB."""
        return {"used_mb": round(self.memory_used(), 1), "bound_mb": self.memory_mb}

    def _route_services(self, job: Job) -> Job:
        """Point the job's SERVICE calls at this worker's service proxy (see server.federation)."""
        with self.lock:
            if self.federation is None:
                if self.new_federation is None:
                    raise ExecutionError(500, "internal error: a federated query outside the server")
                self.federation = self.new_federation(self.setup.proxy_socket)
        return self.federation.route(job)

    def run(self, job: Job) -> Answer:
        """Evaluate a job; raise ExecutionError (QueryTimeout past the limit).

        The first HOLD_BYTES of a result are held back: a result that ends, fails or
        times out before that still gets its own status; a longer one streams.
        """
        if job.federated or mentions_service(job.query):  # a SERVICE the guard read another way too
            if self.isolation_problem is not None:
                raise ExecutionError(
                    403,
                    "SERVICE is disabled on this server: its query processes cannot be given a "
                    f"network of their own ({self.isolation_problem})",
                )
            job = self._route_services(job)
        worker = self._acquire()
        deadline = worker.deadline
        held: list[bytes] = []
        size = 0
        try:
            worker.connection.send(job)
            while size < HOLD_BYTES:
                message = self._receive(worker, deadline)
                tag = message[:1]
                if tag == _ERROR:
                    self._end(worker, True)
                    error = json.loads(message[1:])
                    raise ExecutionError(error.pop("status"), error.pop("message"), error)
                if tag == _FINAL:
                    self._end(worker, True)
                    summary, data = _split_final(message)
                    return Answer(first=b"".join([*held, data]), summary=summary)
                held.append(message[1:])
                size += len(message) - 1
        except _Timeout:
            self._end(worker, False)
            raise QueryTimeout.after(self.timeout) from None
        except _HungUp:
            self._end(worker, False)
            raise ClientGone() from None
        except (EOFError, OSError):
            error = self._ended(worker)
            self._end(worker, False)
            raise error from None
        except BaseException:
            self._end(worker, False)
            raise
        answer = Answer(first=b"".join(held))
        answer.rest = _Rest(self, worker, answer)
        return answer

    def _stream(self, worker: _Process, answer: Answer) -> Generator[bytes, None, None]:
        """The rest of a result, until it ends or fails (StreamAborted)."""
        while True:
            try:
                message = self._receive(worker, worker.deadline)
            except _Timeout:
                answer.summary["outcome"] = "timeout"
                raise StreamAborted(f"query stopped at the time limit of {self.timeout:g} s") from None
            except _HungUp:
                answer.summary["outcome"] = "hung-up"
                raise StreamAborted("the client closed the connection") from None
            except (EOFError, OSError):
                error = self._ended(worker)
                answer.summary["outcome"] = "timeout" if isinstance(error, QueryTimeout) else "error"
                raise StreamAborted(error.message) from None
            tag = message[:1]
            if tag == _DATA:
                yield message[1:]
                continue
            if tag == _ERROR:
                answer.summary["outcome"] = "error"
                self._end(worker, True)
                raise StreamAborted(json.loads(message[1:])["message"])
            summary, data = _split_final(message)
            answer.summary.update(summary)
            self._end(worker, True)
            if data:
                yield data
            return

    def statistics(self) -> dict:
        """Counts of the store's graphs, cached for each build (the last ones while every process is busy)."""
        build = current_build(self.store)
        cached = self.cached_statistics
        if cached is not None and cached[0] == build:
            return cached[1]
        try:
            answer = self.run(Job(statistics=True))
        except ExecutionError:
            if cached is None:
                raise
            return cached[1]
        statistics = json.loads(b"".join(answer.chunks()))
        self.cached_statistics = (build, statistics)
        return statistics

    def close(self) -> None:
        """Stop every query process."""
        self.closed = True
        with self.lock:
            workers = list(self.processes)
        for worker in workers:
            self._discard(worker)
        self.launcher.shutdown(wait=False, cancel_futures=True)
        self.reaper.shutdown(wait=True)
        if self.federation is not None:
            self.federation.close()
        shutil.rmtree(self.proxy_folder, ignore_errors=True)


class _Rest:
    """The rest of a streamed result: an iterator that, closed before the end, stops its process.

    Closed whether or not it was started (a generator never started has nothing to clean up
    in ``finally``: the reason for this class).
    """

    def __init__(self, pool: ExecutorPool, worker: _Process, answer: Answer):
        self.pool, self.worker = pool, worker
        self.chunks = pool._stream(worker, answer)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self.chunks.close()
        self.pool._end(self.worker, False)  # a no-op when the result finished

    def __del__(self) -> None:
        """A result dropped unclosed: its lease ends on the reaper thread (never here: the
        garbage collector may run on the launcher thread, which the replacement needs)."""
        if self.worker.leased:
            with contextlib.suppress(RuntimeError):  # the pool is closed
                self.pool.reaper.submit(self.pool._end, self.worker, False)


def _split_final(message: bytes) -> tuple[dict, bytes]:
    """The summary and the last bytes of a final message."""
    (length,) = struct.unpack("!I", message[1:5])
    return json.loads(message[5 : 5 + length]), message[5 + length :]


if __name__ == "__main__":
    main(sys.argv[1:])
