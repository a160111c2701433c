"""The one error type of the server: a status, a message, details for JSON and headers.

Views raise a Problem (or a subclass: ProtocolError, GuardError); the engine's errors
(server.engine.jobs.ExecutionError, no HTTP in them) become one here, in ``engine_problem``;
``server.errors.register`` turns either into the response, as text, JSON or a page.
"""

from __future__ import annotations

from http import HTTPStatus

from accords.server.engine.jobs import ExecutionError, Failure

RETRY_SECONDS = 5  # how long a client waits after a 503 (a store being built, a full pool…)


def retry_after(status: int, seconds: int | None = None) -> dict[str, str]:
    """The ``Retry-After`` header of a response: ``seconds`` if given, else RETRY_SECONDS for a 503."""
    if seconds is not None:
        return {"Retry-After": str(seconds)}
    return {"Retry-After": str(RETRY_SECONDS)} if status == 503 else {}


class Problem(Exception):
    """A request that gets no answer: its HTTP status, the reason, details for JSON, headers."""

    def __init__(
        self, status: int, message: str, details: dict | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or {}
        self.headers = {**retry_after(status), **(headers or {})}

    @classmethod
    def not_found(cls, message: str) -> Problem:
        return cls(404, message)

    @classmethod
    def not_acceptable(cls, message: str) -> Problem:
        return cls(406, f"no acceptable format: {message}")

    @classmethod
    def too_many_requests(cls, reason: str, seconds: int) -> Problem:
        return cls(429, reason, headers=retry_after(429, seconds))

    @classmethod
    def unavailable(cls, message: str) -> Problem:
        return cls(503, message)


def reason_phrase(status: int) -> str:
    """The reason phrase of a status; 499 (the client hung up, as nginx logs it) has none in HTTP."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Client Closed Request"


# The status a client gets for each failure of the engine (499: nobody reads it, as nginx logs it).
STATUS = {
    Failure.TIMEOUT: 503,
    Failure.OVERLOADED: 503,
    Failure.OUT_OF_MEMORY: 503,
    Failure.CLIENT_GONE: 499,
    Failure.UNAVAILABLE: 503,
    Failure.INVALID: 400,
    Failure.REFUSED: 403,
    Failure.UNREPRESENTABLE: 406,
    Failure.UPSTREAM: 502,
    Failure.INTERNAL: 500,
}


def engine_problem(error: ExecutionError) -> Problem:
    """The answer to a job the engine could not run: its status (Retry-After with a 503), reason, details."""
    return Problem(STATUS[error.failure], error.message, error.details)
