"""``/sparql`` queries answered ahead of Flask: the view's own code (``server.sparql.query_response``)
over a plain Werkzeug request, without Flask's request context, routing and hooks.

Flask's machinery cost a lookup about 0.26 ms of CPU, more than evaluating it (README, *Query
performance*). Everything else — other paths and methods, a GET without a query (the service
description, the editor), a query string that is not UTF-8 — goes to the Flask application
as before, and so does every error: it is rendered by the application's error handlers in a
request context made for it (one error path, the same ``Problem`` rendering). Answers get the
headers Flask's hooks would add: the security headers and CORS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.wrappers import Request

from accords.server.security import SECURITY_HEADERS
from accords.server.services import EXTENSION, Services
from accords.server.sparql import CORS_HEADERS, query_response

PATHS = ("/sparql", "/sparql/")
METHODS = ("GET", "POST")

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class SparqlFastPath:
    """WSGI middleware of the Flask application: its queries on ``/sparql``, served directly."""

    def __init__(self, app: Flask, flask: WSGIApp):
        self.app = app
        self.flask = flask  # the application's own WSGI callable
        self.services: Services = app.extensions[EXTENSION]
        self.limit = self.services.settings.max_request_bytes

    def __call__(self, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _served(environ):
            return self.flask(environ, start_response)
        request = Request(environ)
        request.max_content_length = request.max_form_memory_size = self.limit  # Flask's config
        try:
            response = query_response(request, self.services)
        except Exception as error:  # a Problem, an ExecutionError, a 413… or a bug
            return self._error(error, environ, start_response)
        if response is None:  # a GET without a query
            return self.flask(environ, start_response)
        response.headers.update(CORS_HEADERS)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response(environ, start_response)

    def _error(self, error: Exception, environ: dict, start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The application's answer to ``error``: its error handlers and after-request hooks."""
        app = self.app
        with app.request_context(environ):
            try:
                answer = app.handle_user_exception(error)
            except Exception as unhandled:  # no handler: as Flask itself would answer it
                answer = app.handle_exception(unhandled)
            response = app.process_response(app.make_response(answer))
        return response(environ, start_response)


def _served(environ: dict) -> bool:
    """Whether the fast path answers this request (else the Flask application does)."""
    if environ.get("PATH_INFO") not in PATHS or environ.get("REQUEST_METHOD") not in METHODS:
        return False
    try:  # raw bytes that are not UTF-8: the application refuses them (server.errors)
        environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return True


def install(app: Flask) -> None:
    """Put the fast path in front of ``app`` (its ``wsgi_app``, as Flask's middlewares go)."""
    app.wsgi_app = SparqlFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
