"""Evaluate queries in separate processes, so that a query past its time limit is killed.

pyoxigraph cannot cancel a query, so each server worker keeps a small pool of
long-lived query processes (``python -m server.executor``, linked to the worker by a
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
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import queue
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from accords.loaders.default_graph import default_triples, query_dataset
from accords.loaders.store import OpenedStore, StoreError, current_build, open_read_only
from accords.server.results import UnrepresentableResult, write_results

CHUNK_BYTES = 64 * 1024
HOLD_BYTES = 1024 * 1024
_DATA, _FINAL, _ERROR, _READY = b"D", b"F", b"E", b"R"
STARTUP_SECONDS = 60.0  # a query process says it is ready (store open) within this
# A query still running after LONG_QUERY_SECONDS leaves the pool with its process, which is
# lowered in CPU priority step by step (LONG_QUERY_NICENESS: after how long, which nice
# value); a fresh process takes its place in the pool. Short queries keep their processes
# and their latency beside a few runaway ones; a query of a few seconds is slowed down less
# than a runaway one; on an idle machine a long query runs as fast as before.
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
_PROXY_URL = re.compile(r"http://127\.0\.0\.1:\d+/accords-proxy/\w+/\d+")
_SERVICE_WORD = re.compile("service", re.IGNORECASE)


@dataclass(frozen=True)
class Job:
    """One query to evaluate, or (``statistics``) a count of the store's graphs."""

    query: str = ""
    format: str = "json"
    infer: bool = True
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


class ExecutionError(Exception):
    """A query that got no result: the HTTP status, the reason, and details for JSON."""

    def __init__(self, status: int, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or {}


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
        if self.first:
            yield self.first
        if self.rest is not None:
            yield from self.rest


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
        self.graphs: list[ox.NamedNode | ox.BlankNode] | None = None

    def get(self) -> OpenedStore:
        build = current_build(self.root)
        if self.opened is None or (build is not None and build != self.opened.path):
            self.opened = open_read_only(self.root)
            self.graphs = None
        return self.opened

    def named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        if self.graphs is None:
            self.graphs = list(self.get().store.named_graphs())
        return self.graphs


def _dataset(job: Job, handle: _StoreHandle) -> dict:
    """The keyword arguments of Store.query that give the job's dataset."""
    if job.default_graphs is None and job.named_graphs is None:
        return query_dataset(job.infer, () if job.infer else handle.named_graphs())
    hidden = set() if job.infer else {handle.setup.inferred_graph}
    return {
        "default_graph": [ox.NamedNode(g) for g in job.default_graphs or () if g not in hidden],
        "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or () if g not in hidden],
    }


def _statistics(handle: _StoreHandle) -> dict:
    """The size of each graph of the current build, and what build.json says."""
    opened = handle.get()
    counts = opened.store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs = {solution["g"].value: int(solution["n"].value) for solution in counts}
    return {
        "build": opened.path.name,
        "info": opened.info,
        "distinct_triples": default_triples(opened.store) + graphs.get(handle.setup.inferred_graph, 0),
        "graphs": graphs,
    }


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
        store = handle.get().store
        result = store.query(job.query, base_iri=job.base_iri, **_dataset(job, handle))
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
    except OSError as error:
        if not job.federated:
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
    """``python -m server.executor FD PARENT_PID SETUP_JSON``: serve on the socket FD."""
    descriptor, parent, setup = int(argv[0]), int(argv[1]), Setup(**json.loads(argv[2]))
    _die_with_parent(parent)
    _limit_memory(setup.max_memory_mb)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(target=serve, args=(Connection(descriptor), setup), name="accords-query")
    thread.start()
    thread.join()


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


def serve(connection: Connection, setup: Setup) -> None:
    """The main loop of a query process: one job at a time, until the pipe closes."""
    handle = _StoreHandle(setup)
    with contextlib.suppress(StoreError):
        handle.get()  # open the store now, not on the first query
    connection.send_bytes(_READY)  # the pool hands out a process only once it is ready
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


class _Timeout(Exception):
    pass


@dataclass(eq=False)
class _Process:
    process: subprocess.Popen
    connection: Connection
    started: float = 0.0  # when its current query was sent
    detached: bool = False  # out of the pool, for a long query (see _detach)
    lowered: int = 0  # how many steps of LONG_QUERY_NICENESS it has taken
    replacement: Future | None = None  # the process that took its place


class ExecutorPool:
    """The query processes of one server worker."""

    def __init__(self, setup: Setup, size: int, timeout: float):
        self.setup = setup
        self.store = Path(setup.store)
        self.timeout = timeout
        self.idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        self.processes: set[_Process] = set()
        self.lock = threading.Lock()
        self.closed = False
        self.cached_statistics: tuple[Path | None, dict] | None = None
        self.federation = None  # server.federation.Federation, started by the first federated job
        self.launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-launcher")
        self.reaper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-reaper")
        for _ in range(max(size, 1)):
            self.idle.put(self._start())

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
            if worker.connection.poll(STARTUP_SECONDS) and worker.connection.recv_bytes() == _READY:
                return
        except (EOFError, OSError):
            pass
        logger.warning("query process %s did not start", worker.process.pid)
        worker.process.kill()  # found dead by _acquire, which starts another

    def _launch(self) -> _Process:
        ours, theirs = socket.socketpair()
        setup = json.dumps(asdict(self.setup))
        arguments = [str(theirs.fileno()), str(os.getpid()), setup]
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-m", "accords.server.executor", *arguments],
                stdin=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env={**os.environ, "RUST_BACKTRACE": "0"},  # one line in the log when it aborts
            )
        started = _Process(process, Connection(ours.detach()))
        with self.lock:
            self.processes.add(started)
        self._wait_ready(started)
        return started

    def _acquire(self) -> _Process:
        """An idle query process, waiting up to the time limit for one."""
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ExecutionError(
                503, "the server is busy: every query process is working; try again shortly"
            ) from None
        if worker.process.poll() is None:
            return worker
        self._discard(worker)
        return self._start()

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
        """Stop a query for good, and put a fresh process in its place."""
        self._discard(worker)
        if worker.replacement is not None:
            with contextlib.suppress(Exception):
                worker.replacement.result(timeout=STARTUP_SECONDS)
        elif not self.closed:
            self._release(self._start())  # ready (store open) before it serves a query

    def _receive(self, worker: _Process, deadline: float) -> bytes:
        """The next message of a query process, or _Timeout past the deadline."""
        while worker.lowered < len(LONG_QUERY_NICENESS):
            patience = worker.started + LONG_QUERY_NICENESS[worker.lowered][0] - time.monotonic()
            if patience >= deadline - time.monotonic():
                break
            if patience > 0 and worker.connection.poll(patience):
                return worker.connection.recv_bytes()
            if not worker.detached:
                self._detach(worker)
            self._lower_priority(worker)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not worker.connection.poll(remaining):
            raise _Timeout
        return worker.connection.recv_bytes()

    def _ended(self, worker: _Process) -> ExecutionError:
        """Why a query process ended during a query, as the error its client gets."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=2)  # it closed its socket while exiting
        code = worker.process.returncode
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
            return {"processes": len(self.processes), "idle": self.idle.qsize()}

    def _route_services(self, job: Job) -> Job:
        """Point the job's SERVICE calls at this worker's service proxy (see server.federation)."""
        with self.lock:
            if self.federation is None:
                from accords.server.federation import from_current_app

                self.federation = from_current_app()
        return self.federation.route(job)

    def run(self, job: Job) -> Answer:
        """Evaluate a job; raise ExecutionError (QueryTimeout past the limit).

        The first HOLD_BYTES of a result are held back: a result that ends, fails or
        times out before that still gets its own status; a longer one streams.
        """
        if job.federated or _SERVICE_WORD.search(job.query):  # a SERVICE the guard read another way too
            job = self._route_services(job)
        worker = self._acquire()
        deadline = time.monotonic() + self.timeout
        held: list[bytes] = []
        size = 0
        try:
            worker.started = time.monotonic()
            worker.connection.send(job)
            while size < HOLD_BYTES:
                message = self._receive(worker, deadline)
                tag = message[:1]
                if tag == _ERROR:
                    self._release(worker)
                    error = json.loads(message[1:])
                    raise ExecutionError(error.pop("status"), error.pop("message"), error)
                if tag == _FINAL:
                    self._release(worker)
                    summary, data = _split_final(message)
                    return Answer(first=b"".join([*held, data]), summary=summary)
                held.append(message[1:])
                size += len(message) - 1
        except _Timeout:
            self._kill(worker)
            raise QueryTimeout.after(self.timeout) from None
        except (EOFError, OSError):
            error = self._ended(worker)
            self._kill(worker)
            raise error from None
        answer = Answer(first=b"".join(held))
        answer.rest = self._stream(worker, deadline, answer)
        return answer

    def _stream(self, worker: _Process, deadline: float, answer: Answer) -> Iterator[bytes]:
        """The rest of a result; the process is killed unless it finished."""
        finished = False
        try:
            while True:
                try:
                    message = self._receive(worker, deadline)
                except _Timeout:
                    answer.summary["outcome"] = "timeout"
                    raise StreamAborted(f"query stopped at the time limit of {self.timeout:g} s") from None
                except (EOFError, OSError):
                    answer.summary["outcome"] = "error"
                    raise StreamAborted(self._ended(worker).message) from None
                tag = message[:1]
                if tag == _DATA:
                    yield message[1:]
                    continue
                finished = True
                if tag == _ERROR:
                    answer.summary["outcome"] = "error"
                    raise StreamAborted(json.loads(message[1:])["message"])
                summary, data = _split_final(message)
                answer.summary.update(summary)
                if data:
                    yield data
                return
        finally:
            if finished:
                self._release(worker)
            else:
                self._kill(worker)

    def statistics(self) -> dict:
        """Counts of the store's graphs, cached for each build."""
        build = current_build(self.store)
        cached = self.cached_statistics
        if cached is not None and cached[0] == build:
            return cached[1]
        answer = self.run(Job(statistics=True))
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
        self.launcher.shutdown(wait=False)
        self.reaper.shutdown(wait=True)
        if self.federation is not None:
            self.federation.close()


def _split_final(message: bytes) -> tuple[dict, bytes]:
    """The summary and the last bytes of a final message."""
    (length,) = struct.unpack("!I", message[1:5])
    return json.loads(message[5 : 5 + length]), message[5 + length :]


if __name__ == "__main__":
    main(sys.argv[1:])
