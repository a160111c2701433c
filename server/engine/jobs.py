"""What the engine is asked and answers: a Job, the Setup of a query process, an Answer, and the
engine's errors as values (ExecutionError: a Failure, a message, details; no HTTP status: the
server maps them, in server.problem). Imports nothing of Flask nor rdflib: the query process uses it too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


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


class Failure(StrEnum):
    """Why a job got no result (the server answers each with its own HTTP status)."""

    TIMEOUT = "timeout"  # past the time limit; its process was killed
    OVERLOADED = "overloaded"  # every query process busy, or their memory at the bound: try again
    OUT_OF_MEMORY = "out_of_memory"  # the query used more memory than its limit or its share
    CLIENT_GONE = "client_gone"  # the client hung up before its answer
    UNAVAILABLE = "unavailable"  # the store, the backend or the query process is not there
    INVALID = "invalid"  # a query this engine cannot evaluate: syntax, nesting, dataset
    REFUSED = "refused"  # a query this server will not evaluate (SERVICE where it is disabled)
    UNREPRESENTABLE = "unrepresentable"  # the result cannot be written in the format asked for
    UPSTREAM = "upstream"  # a SERVICE call or the backend failed, or answered what cannot be read
    INTERNAL = "internal"  # a bug


class ExecutionError(Exception):
    """A job that got no result: why (a Failure), the reason, and details (the limit, the position)."""

    def __init__(self, failure: Failure | str, message: str, details: dict | None = None):
        super().__init__(message)
        self.failure = Failure(failure)
        self.message = message
        self.details = details or {}

    def reworded(self, message: str, details: dict | None = None) -> ExecutionError:
        """The same failure told in other words (or with other details)."""
        return ExecutionError(self.failure, message, self.details if details is None else details)

    @classmethod
    def timeout(cls, seconds: float) -> ExecutionError:
        message = f"query stopped: it ran past the time limit of {seconds:g} s"
        return cls(Failure.TIMEOUT, message, {"limit_seconds": seconds})

    @classmethod
    def overloaded(cls, message: str, **details: object) -> ExecutionError:
        return cls(Failure.OVERLOADED, message, details)

    @classmethod
    def out_of_memory(cls, message: str, **details: object) -> ExecutionError:
        return cls(Failure.OUT_OF_MEMORY, message, details)

    @classmethod
    def client_gone(cls) -> ExecutionError:
        return cls(Failure.CLIENT_GONE, "the client closed the connection")

    @classmethod
    def unavailable(cls, message: str) -> ExecutionError:
        return cls(Failure.UNAVAILABLE, message)

    @classmethod
    def invalid(cls, message: str, **details: object) -> ExecutionError:
        return cls(Failure.INVALID, message, details)

    @classmethod
    def refused(cls, message: str) -> ExecutionError:
        return cls(Failure.REFUSED, message)

    @classmethod
    def unrepresentable(cls, message: str) -> ExecutionError:
        return cls(Failure.UNREPRESENTABLE, message)

    @classmethod
    def upstream(cls, message: str) -> ExecutionError:
        return cls(Failure.UPSTREAM, message)

    @classmethod
    def internal(cls, message: str = "internal error") -> ExecutionError:
        return cls(Failure.INTERNAL, message)


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
