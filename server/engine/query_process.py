"""A query process: ``python -m accords.server.engine.query_process FD PARENT_PID SETUP_JSON``.

Started by the pool (server.engine.pool), linked to its server worker by a socket pair. It
enters a network namespace of its own before anything else (``server.isolation``: it can reach
only the worker's service proxy), caps its heap (``max_query_memory_mb``, RLIMIT_DATA), opens
the store read-only and evaluates one job at a time on a thread with a large stack (deep
expression trees), serializing the result itself and streaming the bytes back (server.engine.wire).
It imports neither Flask nor rdflib, so that it starts fast.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import resource
import signal
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from accords.loaders.default_graph import open_stated, query_dataset, sizes
from accords.loaders.search_index import search_functions
from accords.loaders.store import OpenedStore, StoreError, current_build, open_read_only
from accords.server import isolation
from accords.server.engine.jobs import ExecutionError, Job, Setup
from accords.server.engine.wire import CHUNK_BYTES, DATA, OUT_OF_MEMORY_EXIT, READY, error_message, final
from accords.server.isolation import mentions_service
from accords.server.results import UnrepresentableResult, json_document, write_results

_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_PR_SET_PDEATHSIG = 1
# Queries are evaluated on a thread with a large stack: pyoxigraph's parser and evaluator
# recurse, and a long chain of operators (a || b || …, thousands of BINDs) overflows the
# 8 MB of a main thread. Pages are only used when touched; the address space counts.
QUERY_STACK_BYTES = 256 * 1024 * 1024
_PROXY_URL = re.compile(r"http://127\.0\.0\.1:\d+/accords-proxy/[\w/]+")
# Words of a query that may compute its whole result before its first row, or call a SERVICE
# (and a second SELECT: a subquery). Looked up among the query's words, not by one regex with
# IGNORECASE over its text, which cost a lookup about as much CPU as evaluating it.
_EVALUATES_WHOLE = frozenset(
    {"GROUP", "ORDER", "DISTINCT", "REDUCED", "HAVING", "MINUS", "EXISTS", "SERVICE", "COUNT", "SUM"}
    | {"MIN", "MAX", "AVG", "SAMPLE"}
)
_WORD = re.compile(r"\w+")


class _PipeOutput:
    """A binary writer that sends its bytes to the parent in chunks."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.buffer = bytearray(DATA)
        self.written = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.written += len(data)
        if len(self.buffer) > CHUNK_BYTES:
            self.connection.send_bytes(self.buffer)
            self.buffer = bytearray(DATA)
        return len(data)

    def flush(self) -> None:
        """Chunks are sent when full; the last one with the summary."""

    def finish(self, summary: dict) -> None:
        self.connection.send_bytes(final(summary, self.buffer[len(DATA) :]))


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
        raise ExecutionError.invalid(
            "entailment=full: this build has no full-entailment graph (build it with --full-entailment)"
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
        connection.send_bytes(
            error_message(ExecutionError.invalid(f"syntax error: {_shorten(text)}{where}", **details))
        )
    except UnrepresentableResult as error:
        connection.send_bytes(error_message(ExecutionError.unrepresentable(str(error))))
    except StoreError as error:
        connection.send_bytes(error_message(ExecutionError.unavailable(f"the store is unavailable: {error}")))
    except ExecutionError as error:  # a request this build cannot answer
        connection.send_bytes(error_message(error))
    except OSError as error:
        if not (job.federated or mentions_service(job.query)):
            raise
        message = str(error)
        if " with payload:\n" in message:  # the service proxy (server.federation) says what failed
            message = message.split(" with payload:\n", 1)[1]
        message = _PROXY_URL.sub("the service proxy", message).strip()
        connection.send_bytes(
            error_message(ExecutionError.upstream(f"a SERVICE call failed: {message[:300]}"))
        )


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the thread that started it is gone.

    The pool starts its processes from one long-lived thread, so that is the worker's end.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


def main(argv: list[str]) -> None:
    """``python -m accords.server.engine.query_process FD PARENT_PID SETUP_JSON``: serve on the socket FD."""
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
    MemoryError (the process exits with OUT_OF_MEMORY_EXIT); either way the parent sees the
    process end and tells the client it ran out of memory.
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
    connection.send_bytes(READY + isolated.encode())  # handed out only once it is ready
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
            os._exit(OUT_OF_MEMORY_EXIT)  # the parent reports it and starts a fresh process
        except Exception as error:  # anything else is a bug: say little to the client
            print(f"accords query process: {type(error).__name__}: {error}", file=sys.stderr)
            connection.send_bytes(error_message(ExecutionError.internal()))


if __name__ == "__main__":
    main(sys.argv[1:])
