"""The current build of the store, and values computed once for each build (one memo per worker):
the counts of its graphs (/health, VoID, the service description), VoID, the ontology, the dumps'
handle."""

from __future__ import annotations

import contextlib
import json
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from accords.config import Settings
from accords.loaders.store import current_build
from accords.server.engine.jobs import ExecutionError
from accords.server.engine.protocol import QueryEngine

T = TypeVar("T")
STATISTICS = "statistics"  # the key of the counts of the graphs among the values


class BuildMemo:
    """Values computed once for each build of the store (VoID statistics, the ontology, the dumps'
    read-only handle); under ``--backend``, once for each state of the backend's graphs."""

    def __init__(self, settings: Settings, engine: QueryEngine) -> None:
        self.store = settings.store
        self.backend = bool(settings.backend)
        self.engine = engine
        self.values: dict[str, tuple[str, object]] = {}
        self.locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self.lock = threading.Lock()

    def current(self) -> Path | None:
        """The build ``current`` points to now (builds are immutable), or None before the first."""
        return current_build(self.store)

    def name(self) -> str | None:
        """The current build's name, or None before the first."""
        build = self.current()
        return build.name if build is not None else None

    def stamp(self) -> str:
        """The current build's name; under ``--backend``, the sizes of the backend's graphs."""
        if self.backend:
            return json.dumps(self.engine.statistics()["graphs"], sort_keys=True)
        root = self.store.resolve()
        build = current_build(root)
        if build is None:
            raise ExecutionError.unavailable(f"no store at {root}: run 'accords build' first")
        return build.name

    def statistics(self) -> dict:
        """The counts of the current build's graphs and what its build.json says, counted once per
        build (the last ones while every query process is busy). Under ``--backend``, the backend
        pool's own: they are the stamp, kept a minute (its graphs have no build)."""
        if self.backend:
            return self.engine.statistics()
        build = self.name()
        kept = cast("tuple[str, dict] | None", self.values.get(STATISTICS))
        if kept is not None and kept[0] == build:
            return kept[1]
        try:
            statistics = self.engine.statistics()
        except ExecutionError:
            if kept is None:
                raise
            return kept[1]
        self.values[STATISTICS] = (statistics["build"], statistics)  # the build they count
        return statistics

    def count_graphs_aside(self) -> None:
        """Count the graphs now, on a thread of their own: /health answers from them, not while busy."""
        threading.Thread(target=self._count_graphs, name="accords-statistics", daemon=True).start()

    def _count_graphs(self) -> None:
        with contextlib.suppress(ExecutionError, RuntimeError):  # RuntimeError: the engine closed meanwhile
            self.statistics()

    def get(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per build (computed again if the build switched meanwhile)."""
        stamp = self.stamp()
        with self.lock:
            lock = self.locks[name]
        with lock:
            cached = self.values.get(name)
            if cached is not None and cached[0] == stamp:
                return cast(T, cached[1])
            value = compute()
            if self.stamp() == stamp:  # not switched while computing
                self.values[name] = (stamp, value)
            return value
