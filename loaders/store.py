"""The on-disk store: immutable builds, switched atomically by a symlink.

Layout of a store directory (default ``./var``)::

    var/builds/<stamp>/db          one pyoxigraph (RocksDB) store: every graph
    var/builds/<stamp>/db-stated   its checkpoint without the inferences (``infer=false``)
    var/builds/<stamp>/search.sqlite  the full-text index of names and quotes (loaders.search_index)
    var/builds/<stamp>/explore.sqlite the explorer's counts (loaders.explore_summary)
    var/builds/<stamp>/build.json  written last: what was built, when, with what counts
    var/current -> builds/<stamp>

A build writes a new folder and, only once it is complete, repoints ``current``
with an atomic rename of a symlink, so a failed or killed build leaves the served store as it was.
The store's default graph is the merge of its stated graphs and the inferred one, the stated
store's that of the stated graphs (``loaders.default_graph``); ``build.json`` says which
``format`` of store the build is.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from accords.errors import AccordsError
from accords.loaders import default_graph
from accords.loaders.explore_summary import SUMMARY_FILE, write_summary
from accords.loaders.search_index import INDEX_FILE, write_index

BUILD_INFO = "build.json"
KEEP_BUILDS = 2
STORE_FORMAT = 3  # 2: default graph = merge of the stated graphs; 3: and the inferences, db-stated


class StoreError(AccordsError):
    """The store is missing, unreadable or cannot be written."""


@dataclass(frozen=True)
class OpenedStore:
    """A read-only store with the metadata of the build it came from."""

    store: ox.Store
    path: Path
    info: dict


def current_build(root: Path) -> Path | None:
    """The folder of the build that ``root/current`` points to, if any."""
    link = root / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / BUILD_INFO).is_file() else None


def open_read_only(root: Path) -> OpenedStore:
    """Open the current build of ``root`` read-only, or raise StoreError with the reason."""
    build = current_build(root)
    if build is None:
        raise StoreError(f"no store at {root}: run 'accords build' first")
    info_file = build / BUILD_INFO
    try:
        info = json.loads(info_file.read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise ValueError(f"{BUILD_INFO} is not a JSON object")
        check_format(build, info)
        store = ox.Store.read_only(str(build / "db"))
    except (OSError, ValueError, RuntimeError) as error:  # RocksDB says "Corruption: …" as RuntimeError
        reason = " ".join(str(error).split())
        raise StoreError(f"the store at {build} cannot be opened: {reason}") from error
    return OpenedStore(store=store, path=build, info=info)


def check_format(build: Path, info: dict) -> None:
    """StoreError if the build was written by an Accords whose store layout differs."""
    if info.get("format") != STORE_FORMAT:
        raise StoreError(
            f"the store at {build} was written by another version of Accords "
            f"(format {info.get('format', 1)}, expected {STORE_FORMAT}): run 'accords build' again"
        )


@contextmanager
def build_folder(
    root: Path, base: Path | None = None, optimize: bool = True
) -> Iterator[tuple[ox.Store, dict, Path]]:
    """A new build of the store at ``root``: its writable store, info dict and folder; published on success.

    With ``base`` (a finished build), the new store starts as a copy of that build's store
    (a RocksDB checkpoint: hard links, so it is quick and leaves ``base`` untouched), and so
    does its stated store. ``optimize`` compacts the store before publishing it. The caller
    writes the default graphs too, and the stated store (``loaders.default_graph``).
    """
    builds = root / "builds"
    try:
        builds.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create {builds}: {error.strerror}") from error
    _remove_abandoned_builds(builds)
    folder = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**9}"
    info: dict = {"built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "format": STORE_FORMAT}
    try:
        folder.mkdir()
        if base is not None:
            check_format(base, json.loads((base / BUILD_INFO).read_text(encoding="utf-8")))
            ox.Store.read_only(str(base / "db")).backup(str(folder / "db"))
            default_graph.open_stated(base).backup(str(folder / default_graph.STATED_DB))
        store = ox.Store(str(folder / "db"))
        yield store, info, folder
        store.flush()
        if optimize:
            store.optimize()
        info["search_entries"] = write_index(store, folder / INDEX_FILE)
        info["explore_agreements"] = write_summary(store, folder / SUMMARY_FILE)
        info["sizes"] = default_graph.sizes(store)
        (folder / BUILD_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
        _point_current(root, folder)
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(f"cannot write the store in {folder}: {error}") from error
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _remove_old_builds(builds, keep=folder)


def switch_current(root: Path, build: Path) -> None:
    """Make the finished ``build`` (a folder of ``root/builds``) current; drop the oldest builds."""
    _point_current(root, build)
    _remove_old_builds(build.parent, keep=build)


def _point_current(root: Path, build: Path) -> None:
    link = root / "current"
    temporary = root / f".current-{os.getpid()}"
    if temporary.is_symlink():
        temporary.unlink()
    temporary.symlink_to(build.relative_to(root))
    os.replace(temporary, link)


def _remove_abandoned_builds(builds: Path) -> None:
    """Remove folders of builds that were killed midway (no build.json, builder gone)."""
    for folder in builds.iterdir():
        if (folder / BUILD_INFO).exists() or not folder.is_dir():
            continue
        pid = int(folder.name.split("-")[1]) if folder.name.count("-") >= 2 else 0
        if not _process_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_old_builds(builds: Path, keep: Path) -> None:
    """Keep the newest builds (a running server may still read the previous one)."""
    finished = sorted(
        (p for p in builds.iterdir() if (p / BUILD_INFO).exists()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in finished[KEEP_BUILDS:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
