"""Run the application under gunicorn (never Flask's development server).

gunicorn is configured from Settings alone; its access log is one JSON line per request.
A request gunicorn refuses itself (bad request line, oversized header…) never reaches the
application: its error page gets the application's security headers here.
"""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import timedelta
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http.message import Request
from gunicorn.http.wsgi import Response
from gunicorn.workers.gthread import ThreadWorker

from accords.config import Settings
from accords.server.security import SECURITY_HEADERS

STATUS_LINE = re.compile(rb"HTTP/1\.[01] ([1-5][0-9][0-9]) ([^\r\n]*)")


class JsonAccessLogger(Logger):
    """gunicorn's logger, with an access log line as JSON: what was asked, how it went."""

    def access(self, resp: Response, req: Request, environ: dict, request_time: timedelta) -> None:
        if not self.cfg.accesslog:
            return
        status = str(resp.status).split(None, 1)[0]
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "remote": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status) if status.isdigit() else status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            **environ.get("accords.log", {}),
        }
        self.access_log.info(json.dumps(record))


def error_response(status: int, reason: str, extra: dict[str, str] | None = None, detail: str = "") -> bytes:
    """A complete response: the status, the security headers, the reason (and detail) as plain text."""
    body = f"{status} {reason}{': ' + detail if detail else ''}\n".encode("latin-1")
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": str(len(body)),
        "Connection": "close",
        **(extra or {}),
        **SECURITY_HEADERS,
    }
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers.items())]
    return "\r\n".join([*lines, "", ""]).encode("latin-1") + body


class ErrorPageSocket:
    """A client socket whose writes are gunicorn's error page: each becomes ``error_response``.

    gunicorn decides the status of an error (400, 414, 431, 501…), logs it and writes its own
    HTML page through this socket; only the status line of that page is kept.
    """

    def __init__(self, client: socket.socket) -> None:
        self.client = client

    def sendall(self, data: bytes) -> None:
        match = STATUS_LINE.match(data)
        status, reason = (
            (int(match[1]), match[2].decode("latin-1")) if match else (500, "Internal Server Error")
        )
        self.client.sendall(error_response(status, reason))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class SecureThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, its own error responses carrying the security headers."""

    def handle_error(self, req: Request | None, client: socket.socket, addr: Any, exc: Exception) -> None:
        super().handle_error(req, ErrorPageSocket(client), addr, exc)


def bind_address(host: str, port: int) -> str:
    """``host:port``, with an IPv6 host in brackets."""
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


class Server(BaseApplication):
    """gunicorn serving ``server.app.create_app(settings)`` in each worker."""

    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__(prog="accords serve")

    def load_config(self) -> None:
        from accords.server.guarded_worker import GuardedThreadWorker

        settings = self.settings
        options = {
            "bind": [bind_address(settings.host, settings.port)],
            "workers": settings.workers,
            "worker_class": GuardedThreadWorker,
            # One thread per query process, and two for the editor and pages (/health and
            # static files have two more of their own: server.guarded_worker).
            "threads": settings.query_processes + 2,
            "timeout": max(30, int(settings.query_timeout * 2) + 10),
            "graceful_timeout": max(10, int(settings.query_timeout) + 5),
            # The request line is bounded (max_request_bytes and the path) by the worker
            # before gunicorn parses it: server.request_head.
            "limit_request_line": 0,
            # No peer is a trusted proxy for gunicorn: a client's SCRIPT_NAME, PATH_INFO or
            # X-Forwarded-* headers never rewrite the request (trusted_proxies is Accords' own).
            "forwarded_allow_ips": "",
            "accesslog": "-",
            "errorlog": "-",
            "logger_class": JsonAccessLogger,
            "proc_name": "accords",
            "control_socket_disable": True,
        }
        for name, value in options.items():
            if name in self.cfg.settings:  # control_socket_disable is new in gunicorn 25
                self.cfg.set(name, value)

    def load(self) -> Flask:
        from accords.server.app import create_app

        return create_app(self.settings)
