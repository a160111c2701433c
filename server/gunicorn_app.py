"""Run the application under gunicorn (never Flask's development server).

gunicorn is configured from Settings alone; its access log is one JSON line per request.
The worker is server.guarded_worker's.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http.message import Request
from gunicorn.http.wsgi import Response

from accords.config import Settings


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
