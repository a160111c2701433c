"""Security headers on every response of the application: pages, results, errors, files.

A view or blueprint that sets its own (the linked-data pages allow no script at all) keeps
them; every other response gets these. The policy allows the query editor: its scripts
are files of this server (it has no inline script), and YASGUI writes style attributes and
a ``<style>`` element, hence ``'unsafe-inline'`` in ``style-src`` (see ``server.editor``).
SECURITY_HEADERS is the one list: gunicorn's own error responses, for requests that never
reach the application, carry it too (``server.gunicorn_app``).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    """The headers of SECURITY_HEADERS that the response does not set itself."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def register(app: Flask) -> None:
    """Add the headers to every response of ``app``, error responses included."""
    app.after_request(add_security_headers)
