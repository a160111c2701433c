"""Two ``accords serve`` replicas behind Debian's HAProxy, run on the sample configuration
``server/deploy/haproxy.cfg``, all on loopback ports.

Under load through the balancer, one replica is stopped (SIGTERM) and restarted, the other is
killed (SIGKILL) and restarted, and a new build is published to both: no GET fails, and every
answer comes from one of the two builds. A replica serving a build other than the expected one
is taken out by the health check.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from accords.bench.load import Client, Dropped, Request
from accords.bench.servers import (
    LOOPBACK,
    PACKAGE_ROOT,
    Spawned,
    free_port,
    start_accords,
    start_haproxy,
    wait_until_answers,
)
from tests.fixtures import accords
from tests.test_publish import WHICH_BUILD, marked_build

HAPROXY_CONFIG = PACKAGE_ROOT / "server" / "deploy" / "haproxy.cfg"
REPLICA_FLAGS = ("--workers", "1", "--query-processes", "2", "--query-timeout", "10")
TOPIC_COUNT = "SELECT ?t (COUNT(*) AS ?n) WHERE { ?a <http://example.org/value> ?t } GROUP BY ?t LIMIT 5"


class Replica:
    """``accords serve`` of one store on a fixed loopback port, stopped and started again at will."""

    def __init__(self, store: Path, workdir: Path) -> None:
        self.store, self.workdir, self.port = store, workdir, free_port()
        self.server: Spawned | None = None

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def start(self) -> None:
        self.server = start_accords(self.store, self.workdir, *REPLICA_FLAGS, port=self.port, timeout=60)

    def signal(self, number: int) -> None:
        """Send ``number`` to the replica's process group and wait until it is gone."""
        assert self.server is not None
        os.killpg(self.server.process.pid, number)
        self.server.process.wait(timeout=60)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop(grace=15)


@contextlib.contextmanager
def deployment(
    tmp_path: Path, expected: str, builds: dict[str, str]
) -> Iterator[tuple[Spawned, list[Replica]]]:
    """Two replicas with the given builds (replica store → marker) behind HAProxy expecting ``expected``."""
    replicas = [Replica(tmp_path / f"replica{i}", tmp_path) for i in (1, 2)]
    for replica, source in zip(replicas, builds.values(), strict=True):
        published = accords("publish", "--store", source, "--to", str(replica.store))
        assert published.returncode == 0, published.stderr
    environment = {
        "ACCORDS_LISTEN": f"{LOOPBACK}:{free_port()}",
        "ACCORDS_REPLICA_1": replicas[0].address,
        "ACCORDS_REPLICA_2": replicas[1].address,
        "ACCORDS_BUILD": expected,
    }
    balancer = None
    try:
        for replica in replicas:
            replica.start()
        balancer = start_haproxy(HAPROXY_CONFIG, tmp_path, environment)
        yield balancer, replicas
    finally:
        if balancer is not None:
            balancer.stop()
        for replica in replicas:
            replica.stop()


async def _load(
    url: str, until: threading.Event, answers: Counter, failures: list[str], cut: list[str]
) -> None:
    """Eight clients sending GETs (the build's marker, a GROUP BY, /health) until ``until`` is set.

    A response cut after its headers (its replica killed while sending it: the balancer had
    begun to forward it, so it cannot retry) is asked again once, as an HTTP client retries an
    idempotent request, and listed in ``cut``; any other error, or a second one, is a failure.
    """
    mix = [
        Request("which-build", 3.0, query=WHICH_BUILD),
        Request("group-by", 1.0, query=TOPIC_COUNT),
        Request("health", 1.0, path="/health", accept="application/json"),
    ]

    async def client(index: int) -> None:
        rng = random.Random(index)
        connection = Client(url, timeout=30, rng=rng)
        while not until.is_set():
            request = rng.choices(mix, [r.weight for r in mix])[0]
            try:
                try:
                    status, body = await connection.send(request)
                except Dropped as error:
                    if "IncompleteReadError" not in str(error):
                        raise
                    cut.append(f"{time.monotonic():.2f} {request.name}: {error}")
                    status, body = await connection.send(request)
            except (Dropped, TimeoutError) as error:
                failures.append(f"{time.monotonic():.2f} {request.name}: {error}")
                continue
            if status != 200:
                failures.append(f"{request.name}: {status} {body[:200]!r}")
            elif request.name == "which-build":
                answers[body.split(b'"value":"', 1)[1].split(b'"', 1)[0].decode()] += 1
            else:
                answers[request.name] += 1
            await asyncio.sleep(rng.uniform(0, 0.02))
        await connection.close()

    await asyncio.gather(*(client(i) for i in range(8)))


def test_no_get_fails_while_replicas_stop_die_and_get_a_new_build(tmp_path: Path) -> None:
    source = tmp_path / "source"
    old = marked_build(source, "A")
    copy_a = tmp_path / "source-a"
    assert accords("publish", "--store", str(source), "--to", str(copy_a)).returncode == 0
    new = marked_build(source, "B")
    answers: Counter = Counter()
    failures: list[str] = []
    cut: list[str] = []
    events: list[str] = []
    stop = threading.Event()
    with deployment(tmp_path, f"{old},{new}", {"1": str(copy_a), "2": str(copy_a)}) as (balancer, replicas):
        first, second = replicas
        loader = threading.Thread(
            target=asyncio.run, args=(_load(balancer.url, stop, answers, failures, cut),)
        )
        loader.start()
        try:
            time.sleep(2)
            first.signal(signal.SIGTERM)
            events.append(f"{time.monotonic():.2f} replica 1 stopped after {sum(answers.values())} answers")
            time.sleep(1)
            first.start()
            second.signal(signal.SIGKILL)
            killed_at = time.monotonic()
            events.append(f"{killed_at:.2f} replica 2 killed after {sum(answers.values())} answers")
            time.sleep(1)
            second.start()
            before_publish = answers["B"]
            for replica in replicas:
                published = accords("publish", "--store", str(source), "--to", str(replica.store))
                assert published.returncode == 0, published.stderr
            for replica in replicas:
                assert replica.server is not None
                wait_until_answers(replica.server, f"{replica.server.url}/health?build={new}", 30)
            events.append(f"build B published after {sum(answers.values())} answers")
            time.sleep(2)
        finally:
            stop.set()
            loader.join()
        log = balancer.log_text()
    assert failures == [], (events, failures[:10])
    # Only the requests in flight on the killed replica may have been cut (at most one per client).
    assert len(cut) <= 8, cut
    assert all(abs(float(line.split()[0]) - killed_at) < 2 for line in cut), (killed_at, cut)
    assert set(answers) <= {"A", "B", "group-by", "health"}, answers
    assert answers["A"] > 20 and answers["B"] > 20, (answers, events)
    assert before_publish == 0
    assert sum(answers.values()) > 200, answers
    assert "replica1 is DOWN" in log and "replica2 is DOWN" in log  # the checks saw both go


def test_the_balancer_takes_out_a_replica_serving_another_build(tmp_path: Path) -> None:
    source = tmp_path / "source"
    marked_build(source, "A")
    copy_a = tmp_path / "source-a"
    assert accords("publish", "--store", str(source), "--to", str(copy_a)).returncode == 0
    new = marked_build(source, "B")
    answers: Counter = Counter()
    failures: list[str] = []
    cut: list[str] = []
    stop = threading.Event()
    with deployment(tmp_path, new, {"1": str(copy_a), "2": str(source)}) as (balancer, _):
        deadline = time.monotonic() + 20
        while "replica1 is DOWN" not in balancer.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        timer = threading.Timer(2.0, stop.set)
        timer.start()
        asyncio.run(_load(balancer.url, stop, answers, failures, cut))
        log = balancer.log_text()
    assert "replica1 is DOWN" in log, log[-2000:]
    assert failures == [] and cut == []
    assert answers["B"] > 20 and answers["A"] == 0, answers
