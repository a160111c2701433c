"""The query processes of one server worker (ExecutorPool): leases, time limits, memory, streaming.

pyoxigraph cannot cancel a query, so each server worker keeps a small pool of long-lived query
processes (server.engine.query_process). When a query's time limit passes, its process is sent
SIGKILL — its CPU work ends there — and a fresh one takes its place. A long query (past
LONG_QUERY_CPU_SECONDS of CPU, or held by a client that does not read) leaves the pool, at a lower
and lower CPU priority, while a fresh process takes its place, so that a few runaway queries do
not slow the others down. A process that dies in the middle of a query (memory, stack overflow,
kill -9) is replaced; its client is told why.

The pool checks for itself that each query process is in a network namespace of its own
(``/proc/PID/ns/net``); where it cannot be had, SERVICE is refused.

A query leases its process until its answer is over: a client that hangs up, at any stage of
the answer, gives the process back at once; a watchdog stops a query at its deadline even while
its answer waits for a client that does not read, and the newest query while all processes
together hold more than the service's memory bound.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import asdict, dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

from accords.server import isolation
from accords.server.engine.jobs import (
    Answer,
    ExecutionError,
    Failure,
    Job,
    Setup,
    StreamAborted,
)
from accords.server.engine.wire import (
    DATA,
    ERROR,
    FINAL,
    OUT_OF_MEMORY_EXIT,
    QUERY_PROCESS,
    READY,
    read_error,
    split_final,
)
from accords.server.isolation import mentions_service

HOLD_BYTES = 1024 * 1024
STARTUP_SECONDS = 60.0  # a query process says it is ready (store open) within this
# While its request thread waits for it, a query whose process has used LONG_QUERY_CPU_SECONDS
# of CPU, or that still runs after LONG_WAIT_SECONDS of wall time (a SERVICE call), leaves the
# pool with its process; so does one still running LONG_QUERY_SECONDS after it was sent while its
# thread is elsewhere (writing to a client that does not read). A fresh process takes its place
# in the pool. Its process is lowered in CPU
# priority step by step (LONG_QUERY_NICENESS: after how many seconds of CPU the query has used,
# which nice value). CPU time, not wall time, so that on a loaded machine an ordinary aggregate
# that waits for a core is neither taken for a runaway nor given a new process (a start costs
# ~0.12 s of CPU); and a runaway's first step comes after 0.25 s of CPU at full priority, not
# after 0.5 s of wall time and 0.5 s of CPU (the load test: runaway queries spent 60 % of the
# query processes' CPU at nice 0 that way). Short queries keep their processes and their latency
# beside a few runaway ones; on an idle machine a long query runs as fast as before.
LONG_QUERY_SECONDS = 0.5
LONG_WAIT_SECONDS = 2.0
LONG_QUERY_CPU_SECONDS = 0.25
LONG_QUERY_NICENESS = ((LONG_QUERY_CPU_SECONDS, 10), (0.5, 15), (1.0, 19))
REAP_SECONDS = 1.0  # a killed process not gone by then is waited for in the background
logger = logging.getLogger("accords.server")
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
    receiving: bool = False  # its request thread waits for its next message (_receive)
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
        self.timeout = timeout
        self.queue_timeout = timeout if queue_timeout is None else queue_timeout
        self.memory_mb = memory_mb  # all query processes of this pool together; 0: no bound
        self.memory_reading = (-math.inf, 0.0)  # when the watchdog last read memory_used, and what
        self.idle: queue.LifoQueue[_Process] = queue.LifoQueue()
        self.processes: set[_Process] = set()
        self.leased: set[_Process] = set()
        self.lock = threading.Lock()
        self.closed = False
        # Makes the router of SERVICE calls (server.federation) on this pool's proxy socket.
        self.new_federation = federation
        self.federation: ServiceRouter | None = None  # started by the first federated job
        self.launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-launcher")
        self.reaper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accords-reaper")
        for _ in range(max(size, 1)):
            self.idle.put(self._start())
        self.watchdog = threading.Thread(target=self._watch, name="accords-watchdog", daemon=True)
        self.watchdog.start()

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
                if message[:1] == READY:
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
                [sys.executable, "-m", QUERY_PROCESS, *arguments],
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
            raise ExecutionError.overloaded(
                f"the server is at its memory bound ({self.memory_mb:g} MB for its query processes); "
                "try again shortly",
                memory_bound_mb=self.memory_mb,
            )
        since = QUEUED_SINCE.get()
        waited = time.monotonic() - since if since is not None else 0.0
        try:
            worker = self.idle.get(timeout=max(self.queue_timeout - waited, 0.01))
        except queue.Empty:
            raise ExecutionError.overloaded(
                "the server is busy: every query process is working; try again shortly",
                queue_seconds=self.queue_timeout,
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
                elif now - worker.started > LONG_QUERY_SECONDS and not (worker.detached or worker.receiving):
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
        worker.receiving = True
        try:
            return self._next_message(worker, deadline)
        finally:
            worker.receiving = False

    def _next_message(self, worker: _Process, deadline: float) -> bytes:
        """_receive, once the process is marked as waited for."""
        # The CPU time the query has used: none just after it was sent (no /proc read for a
        # short query); read again after each wait that did not end with a message.
        fresh = time.monotonic() - worker.started < WATCH_SECONDS
        used = 0.0 if fresh else _cpu_seconds(worker.process.pid) - worker.cpu_at_start
        while worker.lowered < len(LONG_QUERY_NICENESS):
            # A query's CPU time grows no faster than the clock: wait at least what it lacks.
            if worker.detached:
                patience = LONG_QUERY_NICENESS[worker.lowered][0] - used
            else:
                wall = worker.started + LONG_WAIT_SECONDS - time.monotonic()
                patience = min(wall, LONG_QUERY_CPU_SECONDS - used)
            if patience >= deadline - time.monotonic():
                break
            if patience > 0:
                if self._wait(worker, patience):
                    return worker.connection.recv_bytes()
                used = _cpu_seconds(worker.process.pid) - worker.cpu_at_start
            elif not worker.detached:
                self._detach(worker)
            else:
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
            return ExecutionError.timeout(self.timeout)
        if worker.stopped == "memory":
            return ExecutionError.out_of_memory(
                f"query stopped: the query processes together used more than {self.memory_mb:g} MB "
                "of memory (the server's bound), and this query was the newest; try again shortly",
                memory_bound_mb=self.memory_mb,
            )
        logger.warning("query process %s ended during a query (exit status %s)", worker.process.pid, code)
        limit = self.setup.max_memory_mb
        if code in (-signal.SIGABRT, OUT_OF_MEMORY_EXIT) and limit > 0:
            return ExecutionError.out_of_memory(
                f"query stopped: it used more than {limit} MB of memory (the limit)", limit_mb=limit
            )
        if code == -signal.SIGSEGV:
            return ExecutionError.invalid(
                "query stopped: its evaluation overflowed the stack; "
                "the query is too deeply nested or has too long a chain of operators",
            )
        if code == -signal.SIGKILL:
            return ExecutionError.unavailable("query stopped: its query process was killed; try again")
        return ExecutionError.unavailable(
            f"query stopped: its query process ended unexpectedly (status {code})"
        )

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
                    raise ExecutionError.internal("internal error: a federated query outside the server")
                self.federation = self.new_federation(self.setup.proxy_socket)
        return self.federation.route(job)

    def run(self, job: Job) -> Answer:
        """Evaluate a job; raise ExecutionError (Failure.TIMEOUT past the limit).

        The first HOLD_BYTES of a result are held back: a result that ends, fails or
        times out before that raises ExecutionError, before any byte is sent; a longer one streams.
        """
        if job.federated or mentions_service(job.query):  # a SERVICE the guard read another way too
            if self.isolation_problem is not None:
                raise ExecutionError.refused(
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
                if tag == ERROR:
                    self._end(worker, True)
                    raise read_error(message)
                if tag == FINAL:
                    self._end(worker, True)
                    summary, data = split_final(message)
                    return Answer(first=b"".join([*held, data]), summary=summary)
                held.append(message[1:])
                size += len(message) - 1
        except _Timeout:
            self._end(worker, False)
            raise ExecutionError.timeout(self.timeout) from None
        except _HungUp:
            self._end(worker, False)
            raise ExecutionError.client_gone() from None
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
                answer.summary["outcome"] = "timeout" if error.failure is Failure.TIMEOUT else "error"
                raise StreamAborted(error.message) from None
            tag = message[:1]
            if tag == DATA:
                yield message[1:]
                continue
            if tag == ERROR:
                answer.summary["outcome"] = "error"
                self._end(worker, True)
                raise StreamAborted(read_error(message).message)
            summary, data = split_final(message)
            answer.summary.update(summary)
            self._end(worker, True)
            if data:
                yield data
            return

    def statistics(self) -> dict:
        """Counts of the current build's graphs, counted by a query process (kept by server.build_memo)."""
        return json.loads(b"".join(self.run(Job(statistics=True)).chunks()))

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
