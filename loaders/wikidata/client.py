"""Calling a SPARQL endpoint (Wikidata, a mirror, a test stand-in): one place for the HTTP.

Every call names Accords in its User-Agent (Wikidata asks scripted clients to), has a time
limit for the whole answer, a size limit, and fails with one readable ``ServiceError``.
Queries go as GET while the URL stays short (Wikidata caches GET answers), else as a form POST:
both are in the SPARQL 1.1 Protocol, so any endpoint takes them. Redirects are not followed (a
3xx is a failure): an allow-listed endpoint cannot send the call on to another host.
"""

from __future__ import annotations

import email.utils
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from accords import __version__
from accords.errors import AccordsError
from accords.loaders.namespaces import BASE

USER_AGENT = f"Accords/{__version__} (+{BASE})"
JSON_RESULTS = "application/sparql-results+json"
MAX_GET_URL = 2000
CHUNK = 64 * 1024
DEFAULT_MAX_BYTES = 50_000_000


Term = ox.NamedNode | ox.BlankNode | ox.Literal  # a value of an answer


class ServiceError(AccordsError):
    """An endpoint that gave no usable answer; the message says why, for a person to read.

    ``retry_after``: the seconds the endpoint asked to wait (its ``Retry-After``), if it did.
    """

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx answer stays an error (HTTPError), never a call to where it points."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class ServiceAnswer:
    content_type: str
    body: bytes


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError):
        return ""
    return str(getattr(reason, "strerror", None) or reason)


def call_endpoint(
    url: str,
    query: str,
    accept: str = JSON_RESULTS,
    timeout: float = 10.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    user_agent: str = USER_AGENT,
) -> ServiceAnswer:
    """Send ``query`` to the endpoint at ``url``; its 2xx answer, or ServiceError.

    ``timeout`` bounds the whole call (connecting, waiting, reading) to about that many seconds.
    """
    deadline = time.monotonic() + timeout
    encoded = urllib.parse.urlencode({"query": query})
    headers = {"Accept": accept, "User-Agent": user_agent}
    separator = "&" if "?" in url else "?"
    if len(url) + len(encoded) + 1 <= MAX_GET_URL:
        request = urllib.request.Request(url + separator + encoded, headers=headers, method="GET")
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=encoded.encode("ascii"), headers=headers, method="POST")
    late = f"did not answer within {timeout:g} s"
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            body = bytearray()
            while chunk := response.read(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise ServiceError(f"answered more than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise ServiceError(late)
    except urllib.error.HTTPError as error:
        text = error.read(300).decode("utf-8", "replace").strip().splitlines()
        detail = f": {text[0][:200]}" if text else ""
        if 300 <= error.code < 400:
            detail = " (redirects are not followed)"
        wait = retry_after(error.headers.get("Retry-After")) if error.headers else None
        raise ServiceError(f"answered HTTP {error.code} {error.reason}{detail}", wait) from None
    except urllib.error.URLError as error:
        reason = _reason(error)
        raise ServiceError(f"cannot be reached ({reason})" if reason else late) from None
    except TimeoutError:
        raise ServiceError(late) from None
    except (OSError, ValueError) as error:  # connection reset, bad status line, bad URL …
        raise ServiceError(f"failed: {error or type(error).__name__}") from None
    wanted = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if content_type not in wanted and "*/*" not in wanted:
        raise ServiceError(f"answered {content_type}, not {' or '.join(sorted(wanted))}")
    return ServiceAnswer(content_type, bytes(body))


class SparqlClient:
    """SELECT queries against one endpoint, answered as lists of ``{variable: term}``."""

    def __init__(self, endpoint: str, timeout: float = 30.0, user_agent: str = USER_AGENT):
        self.endpoint = endpoint
        self.timeout = timeout
        self.user_agent = user_agent
        self.calls = 0

    def select(self, query: str) -> list[dict[str, Term]]:
        self.calls += 1
        try:
            answer = call_endpoint(
                self.endpoint, query, JSON_RESULTS, self.timeout, user_agent=self.user_agent
            )
        except ServiceError as error:
            raise ServiceError(f"the SPARQL endpoint {self.endpoint} {error}") from None
        try:
            solutions = ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)
            if isinstance(solutions, ox.QueryBoolean):
                raise SyntaxError("a boolean answer to a SELECT query")
            names = [variable.value for variable in solutions.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in solutions]
        except SyntaxError as error:
            raise ServiceError(
                f"the SPARQL endpoint {self.endpoint} answered something that is not SPARQL JSON results"
                f" ({error})"
            ) from None


def values(iris: list[str]) -> str:
    """The terms of a VALUES clause for these IRIs."""
    return " ".join(f"<{iri}>" for iri in iris)


def literal(text: str, language: str) -> str:
    """A SPARQL language-tagged string literal, escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{language}'
