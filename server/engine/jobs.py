"""What the engine is asked and answers: a Job, the Setup of a query process, an Answer, and the
engine's errors. Imports nothing of Flask nor rdflib: the query process uses it too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from accords.server.problem import Problem


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


class ClientGone(ExecutionError):
    """The client hung up before its answer: nobody reads the status (499, as nginx logs it)."""

    def __init__(self) -> None:
        super().__init__(499, "the client closed the connection")
