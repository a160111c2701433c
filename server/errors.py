"""Error responses: a short reason as text, or JSON for a client that asks for JSON.

Views raise a ``Problem`` (server.problem), the engine an ``ExecutionError`` (made a Problem by
``server.problem.engine_problem``); ``register`` answers both here, in one place.

Never a traceback: unexpected errors answer "internal error" and are logged.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Flask, Response, current_app, g, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, InternalServerError

from accords.server.engine.jobs import ExecutionError
from accords.server.html import error_page
from accords.server.negotiation import ranges, wants_json
from accords.server.problem import Problem, engine_problem, reason_phrase

REASONS = {
    404: "not found: this server has /sparql, /health and the query editor on /",
    405: "method not allowed",
    413: "request too large",
    500: "internal error",
}


def error_response(status: int, message: str, headers: dict | None = None, **details: object) -> Response:
    """The answer for an error, in the form the client accepts."""
    phrase = reason_phrase(status)
    accept = request.accept_mimetypes
    if wants_json(accept, _format_parameter()) and not _text_preferred(accept):
        body = json.dumps(
            {"status": status, "error": phrase, "message": message, **details}, ensure_ascii=False
        )
        response = Response(body + "\n", status=status, mimetype="application/json")
    else:
        response = Response(f"{status} {phrase}: {message}\n", status=status, mimetype="text/plain")
    response.headers.update(headers or {})
    return response


def _text_preferred(accept: MIMEAccept) -> bool:
    """Whether the client names text/plain above every JSON type (the editor does: it shows
    an error's body as it is)."""
    accepted = ranges(accept)
    text = max((quality for media_range, quality in accepted if media_range == "text/plain"), default=0.0)
    json_quality = max(
        (quality for media_range, quality in accepted if "json" in media_range.partition("/")[2]), default=0.0
    )
    return text > json_quality


def _format_parameter() -> str | None:
    try:
        return request.args.get("format")
    except UnicodeDecodeError:  # raw bytes that are not UTF-8: see _undecodable_query_string
        return None


def _undecodable_query_string() -> Response | None:
    """Refuse a query string of raw bytes that are not UTF-8 (percent-encoded ones stay text).

    gunicorn refuses them already; this keeps any other server from a 500.
    """
    try:
        request.query_string.decode("utf-8")
    except UnicodeDecodeError as error:
        return error_response(400, f"the query string is not valid UTF-8 (byte {error.start})")
    return None


def _http_error(error: HTTPException) -> Response:
    """An HTTP error raised by Flask or the views, with its reason and its Allow header."""
    status = error.code or 500
    if status == 413:
        limit = request.max_content_length
        message = f"request too large: the limit is {limit} bytes" if limit else REASONS[413]
    else:
        message = REASONS.get(status) or (error.description or HTTPStatus(status).phrase)
    headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")}
    return error_response(status, message, headers)


def _unexpected(error: Exception) -> Response:
    """A bug: logged with its traceback on the server, "internal error" to the client."""
    original = getattr(error, "original_exception", None) or error
    current_app.logger.error("internal error on %s", request.path, exc_info=original)
    request.environ.setdefault("accords.log", {})["error"] = type(original).__name__
    return error_response(500, REASONS[500])


def _problem(problem: Problem) -> Response:
    """A Problem raised by a view: a page if the view answers the request with one, else text or JSON."""
    if g.get("as_page"):
        return error_page(problem.status, problem.message, problem.headers)
    return error_response(problem.status, problem.message, problem.headers, **problem.details)


def register(app: Flask) -> None:
    """Make every error of ``app`` a short message."""
    app.before_request(_undecodable_query_string)
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(ExecutionError, lambda error: _problem(engine_problem(error)))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
    app.register_error_handler(Exception, _unexpected)
