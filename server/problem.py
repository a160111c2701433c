"""The one error type of the server: a status, a message, details for JSON and headers.

Views and the engine raise a Problem (or a subclass: ExecutionError, ProtocolError, GuardError);
``server.errors.register`` turns it into the response, as text, JSON or a page. Imports nothing
of Flask: the query process uses it too.
"""

from __future__ import annotations

from http import HTTPStatus

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
