"""The query pool's leases, without a server: a result nobody reads, a result dropped unread."""

from __future__ import annotations

import time
from dataclasses import replace

from accords.config import Settings
from accords.loaders.namespaces import INFERRED_GRAPH, PREFIXES
from accords.server.engine.jobs import Job, Setup, StreamAborted
from accords.server.engine.pool import ExecutorPool

LARGE = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # far more than the held first MiB


def pool(settings: Settings, timeout: float) -> ExecutorPool:
    setup = Setup(store=str(settings.store.resolve()), inferred_graph=str(INFERRED_GRAPH), prefixes=PREFIXES)
    return ExecutorPool(setup, 2, timeout, queue_timeout=1.0)


def wait_whole(executors: ExecutorPool, within: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        if executors.counts() == {"processes": 2, "idle": 2}:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"pool not whole after {within} s: {executors.counts()}")


def test_a_result_left_unread_loses_its_process_at_the_deadline(server_settings: Settings) -> None:
    """The watchdog: the thread holding the answer is elsewhere (blocked writing, say)."""
    settings = replace(server_settings, max_result_rows=10**9, max_result_bytes=10**12)
    executors = pool(settings, timeout=1.5)
    try:
        wait_whole(executors, within=10)
        answer = executors.run(Job(query=LARGE, max_rows=10**9, max_bytes=10**12))
        assert not answer.complete
        wait_whole(executors, within=1.5 + 3)  # replaced after the deadline, the answer still open
        chunks = answer.chunks()
        next(chunks)  # the held first MiB is there
        try:
            for _ in chunks:
                pass
            raise AssertionError("the result went on past the deadline")
        except StreamAborted as error:
            assert "time limit" in str(error)
    finally:
        executors.close()


def test_a_result_dropped_before_its_rest_is_read_frees_its_process(server_settings: Settings) -> None:
    """Finding 0's leak: the rest of a result closed before it was ever started."""
    settings = replace(server_settings, max_result_rows=10**9, max_result_bytes=10**12)
    executors = pool(settings, timeout=30)
    try:
        wait_whole(executors, within=10)
        answer = executors.run(Job(query=LARGE, max_rows=10**9, max_bytes=10**12))
        chunks = answer.chunks()
        next(chunks)  # the first MiB goes out, then the client hangs up: the server closes
        chunks.close()
        assert wait_whole(executors, within=5) < 5  # long before the 30 s time limit
    finally:
        executors.close()
