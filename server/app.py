"""The Flask application factory: the endpoint, the health check and the editor."""

from __future__ import annotations

import atexit
from dataclasses import dataclass

from flask import Flask

from accords.config import Settings
from accords.loaders.namespaces import INFERRED_GRAPH, RDF_PREFIXES
from accords.server import editor, errors, explore, health, security, sparql
from accords.server.executor import ExecutorPool, Setup
from accords.server.fair_share import FairShare, runtime_folder
from accords.server.pages import register_pages


@dataclass(frozen=True)
class Services:
    """What the views share: the settings, this worker's query processes, the clients' budgets."""

    settings: Settings
    executors: ExecutorPool
    fair_share: FairShare


def create_app(settings: Settings) -> Flask:
    """A new application serving the store of ``settings`` (starts its query processes)."""
    app = Flask(__name__, static_folder=None)
    app.config.update(
        DEBUG=False,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
    )
    setup = Setup(
        store=str(settings.store.resolve()),
        inferred_graph=str(INFERRED_GRAPH),
        prefixes=dict(RDF_PREFIXES),
        max_memory_mb=settings.max_query_memory_mb,
    )
    if settings.backend:
        from accords.server.backend import BackendPool

        executors = BackendPool(
            settings.backend,
            setup,
            settings.query_timeout,
            settings.max_result_bytes * 4,
            settings.backend_federation,
            settings.backend_default_graph,
        )
    else:
        executors = ExecutorPool(
            setup,
            settings.query_processes,
            settings.query_timeout,
            queue_timeout=settings.queue_timeout,
            memory_mb=settings.max_total_memory_mb / settings.workers,  # this worker's share
        )
    atexit.register(executors.close)
    fair_share = FairShare(
        runtime_folder(settings.store, settings.port),
        settings.client_query_seconds,
        settings.client_concurrent_queries,
        settings.trusted_proxies,
    )
    app.extensions["accords"] = Services(settings, executors, fair_share)
    errors.register(app)
    security.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(editor.blueprint)
    app.register_blueprint(explore.blueprint)
    register_pages(app)
    return app
