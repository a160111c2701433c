"""What the views ask of a query engine: the query processes (server.engine.pool) or a backend."""

from __future__ import annotations

from typing import Protocol

from accords.server.engine.jobs import Answer, Job


class QueryEngine(Protocol):
    """Runs jobs within the time limit; counts the graphs of the store it serves."""

    def run(self, job: Job) -> Answer: ...

    def statistics(self) -> dict: ...

    def counts(self) -> dict[str, int]: ...

    def close(self) -> None: ...
