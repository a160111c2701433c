"""``accords publish --to DIR``: a finished build lands in a replica's store and becomes current
there; a running replica serves it without a restart, a query in flight finishing on the old one."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from accords.loaders.default_graph import STATED_DB, open_stated
from accords.loaders.store import current_build, open_read_only
from tests.conftest import server_store_quads
from tests.fixtures import accords, new_build

MARKER_GRAPH = ox.NamedNode("urn:accords-test:marker")
MARKER = ox.NamedNode("urn:accords-test:build")
IS = ox.NamedNode("urn:accords-test:is")
WHICH_BUILD = f"SELECT ?b WHERE {{ GRAPH <{MARKER_GRAPH.value}> {{ <{MARKER.value}> <{IS.value}> ?b }} }}"
VALUE = "<http://example.org/value>"
# About two million combinations of the fillers: a query that runs for a few seconds.
SLOW_WHICH_BUILD = (
    f"SELECT ?b (COUNT(*) AS ?n) WHERE {{ GRAPH <{MARKER_GRAPH.value}> {{ ?m ?is ?b }} "
    f"?a {VALUE} ?x . ?c {VALUE} ?y . ?d {VALUE} ?z FILTER(?z < 20) }} GROUP BY ?b"
)


def marked_build(root: Path, name: str) -> str:
    """A new build of the tiny dataset whose marker graph says ``name``; its stamp."""
    with new_build(root) as (store, info):
        store.extend(server_store_quads())
        store.add(ox.Quad(MARKER, IS, ox.Literal(name), MARKER_GRAPH))
        info["marker"] = name
    build = current_build(root)
    assert build is not None
    return build.name


def marker_of(root: Path) -> str:
    (solution,) = open_read_only(root).store.query(WHICH_BUILD)
    return solution["b"].value


def get(url: str, query: str | None = None, timeout: float = 60) -> tuple[int, dict]:
    if query is not None:
        url += "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_publish_copies_the_build_and_switches_current(tmp_path: Path) -> None:
    source, replica = tmp_path / "source", tmp_path / "replica"
    first = marked_build(source, "A")
    result = accords("publish", "--store", str(source), "--to", str(replica))
    assert result.returncode == 0, result.stderr
    assert first in result.stderr
    assert current_build(replica) == (replica / "builds" / first).resolve()
    assert marker_of(replica) == "A"
    copied = replica / "builds" / first
    (solution,) = open_stated(copied).query(WHICH_BUILD)  # infer=false reads the stated store
    assert solution["b"].value == "A"
    built = current_build(source)
    shared = [
        p.name
        for p in (built / STATED_DB).iterdir()
        if (built / "db" / p.name).exists() and p.samefile(built / "db" / p.name)
    ]
    assert shared, "the checkpoint shares no file with its store"
    assert all((copied / STATED_DB / name).samefile(copied / "db" / name) for name in shared), "copied twice"

    second = marked_build(source, "B")
    assert accords("publish", "--store", str(source), "--to", str(replica)).returncode == 0
    assert current_build(replica).name == second
    assert marker_of(replica) == "B"
    assert (replica / "builds" / first / "build.json").is_file()  # a server may still read it
    again = accords("publish", "--store", str(source), "--to", str(replica))
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (replica / "builds").iterdir()) == sorted([first, second])


def test_publish_refuses_bad_targets_in_one_line(tmp_path: Path) -> None:
    empty = accords("publish", "--store", str(tmp_path / "none"), "--to", str(tmp_path / "replica"))
    assert empty.returncode == 1
    assert (
        empty.stderr.strip() == f"accords publish: no store at {tmp_path / 'none'}: run 'accords build' first"
    )
    assert not (tmp_path / "replica").exists()

    source = tmp_path / "source"
    marked_build(source, "A")
    itself = accords("publish", "--store", str(source), "--to", str(source))
    assert itself.returncode == 1
    assert itself.stderr.count("\n") == 1 and "is the store being published" in itself.stderr

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    refused = accords("publish", "--store", str(source), "--to", str(blocked))
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"accords publish: cannot publish to {blocked}")
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("expected", ["{new}", "{old},{new}", ""])
def test_health_accepts_the_expected_build(tmp_path: Path, server_live_factory, expected: str) -> None:
    source, replica = tmp_path / "source", tmp_path / "replica"
    old = marked_build(source, "A")
    new = marked_build(source, "B")
    assert accords("publish", "--store", str(source), "--to", str(replica)).returncode == 0
    server = server_live_factory(replica)
    status, body = get(
        f"{server.url}/health?" + urllib.parse.urlencode({"build": expected.format(old=old, new=new)})
    )
    assert status == 200
    assert body["store"]["build"] == new
    status, body = get(f"{server.url}/health?build={old}")
    assert status == 503
    assert body == {"status": "other build", "build": new, "expected": [old]}


def test_a_running_replica_serves_a_published_build_and_finishes_queries_on_the_old_one(
    tmp_path: Path, server_live_factory
) -> None:
    source, replica = tmp_path / "source", tmp_path / "replica"
    old = marked_build(source, "A")
    assert accords("publish", "--store", str(source), "--to", str(replica)).returncode == 0
    server = server_live_factory(replica, "--query-timeout", "60", "--workers", "1")
    assert get(server.url + "/sparql", WHICH_BUILD)[1]["results"]["bindings"][0]["b"]["value"] == "A"
    new = marked_build(source, "B")

    slow: list[tuple[int, dict]] = []
    started = threading.Event()

    def ask_slowly() -> None:
        started.set()
        slow.append(get(server.url + "/sparql", SLOW_WHICH_BUILD, timeout=120))

    thread = threading.Thread(target=ask_slowly)
    thread.start()
    started.wait()
    get(f"{server.url}/health")  # the build's statistics counted now, not by the wait below
    while thread.is_alive():  # until a query process holds the slow query
        processes = get(f"{server.url}/health")[1]["query_processes"]
        if processes["processes"] > processes["idle"]:
            break
        time.sleep(0.05)
    published = accords("publish", "--store", str(source), "--to", str(replica))
    assert published.returncode == 0, published.stderr
    status, body = get(server.url + "/sparql", WHICH_BUILD)  # another query process: the new build
    assert status == 200
    assert body["results"]["bindings"][0]["b"]["value"] == "B"
    assert thread.is_alive(), "the slow query ended before the publish: it proves nothing"
    thread.join()
    ((status, body),) = slow
    assert status == 200
    (row,) = body["results"]["bindings"]
    assert row["b"]["value"] == "A"  # begun on the old build, finished on it
    assert int(row["n"]["value"]) == 300 * 300 * 20
    assert get(f"{server.url}/health?build={new}")[0] == 200
    assert get(f"{server.url}/health?build={old}")[0] == 503
