"""What one server worker owns: its settings, query engine, clients' budgets, result cache and
the memo of the current build; one accessor."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from accords.config import Settings
from accords.loaders.vocabulary import INFERRED_GRAPH, RDF_PREFIXES
from accords.server.build_memo import BuildMemo
from accords.server.engine.jobs import Setup
from accords.server.engine.pool import ExecutorPool
from accords.server.engine.protocol import QueryEngine
from accords.server.fair_share import FairShare, runtime_folder
from accords.server.federation import Federation
from accords.server.result_cache import ResultCache

EXTENSION = "accords"  # the key of the Services in the Flask application's extensions


@dataclass(frozen=True)
class Services:
    """What the views share: the settings, this worker's query processes, the clients' budgets,
    the complete results kept, and the values kept for the current build."""

    settings: Settings
    executors: QueryEngine  # the query processes, or the pool of a backend (--backend)
    fair_share: FairShare
    result_cache: ResultCache  # result_cache_bytes; 0 turns it off
    builds: BuildMemo


def current_services() -> Services:
    """The Services of the application serving this request."""
    return current_app.extensions[EXTENSION]


def start_engine(settings: Settings) -> QueryEngine:
    """This worker's query engine: its query processes, or the pool of an external backend."""
    setup = Setup(
        store=str(settings.store.resolve()),
        inferred_graph=INFERRED_GRAPH,
        prefixes=dict(RDF_PREFIXES),
        max_memory_mb=settings.max_query_memory_mb,
    )
    if settings.backend:
        from accords.server.engine.backend import BackendPool

        return BackendPool(
            settings.backend,
            setup,
            settings.query_timeout,
            settings.max_result_bytes * 4,
            settings.backend_federation,
            settings.backend_default_graph,
        )
    return ExecutorPool(
        setup,
        settings.query_processes,
        settings.query_timeout,
        queue_timeout=settings.queue_timeout,
        memory_mb=settings.max_total_memory_mb / settings.workers,  # this worker's share
        federation=lambda socket: Federation(settings, socket),
    )


def start_services(settings: Settings, engine: QueryEngine) -> Services:
    """The Services of one worker around ``engine``."""
    fair_share = FairShare(
        runtime_folder(settings.store, settings.port),
        settings.client_query_seconds,
        settings.client_concurrent_queries,
        settings.trusted_proxies,
    )
    builds = BuildMemo(settings, engine)
    if not settings.backend:
        builds.count_graphs_aside()
    return Services(settings, engine, fair_share, ResultCache(settings.result_cache_bytes), builds)
