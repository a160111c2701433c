"""``accords publish --to DIR|HOST:DIR``: ship the current build to a replica's store and switch it.

The replica's store has the layout of ``loaders.store`` (``builds/<stamp>`` and a ``current``
symlink). The build is copied under a temporary name, checked (its ``build.json`` and store
format), renamed to ``builds/<stamp>`` (the same stamp as here, so ETags and the
``/health?build=`` check agree across replicas) and only then made current by the atomic
rename of a symlink. A replica's query processes open the new build for their next query; a
query in flight finishes on the old one, which stays on disk (the newest builds are kept).
A failed or killed publish leaves the replica's ``current`` as it was.

``HOST:DIR`` (as rsync writes it) copies with ``rsync`` over ``ssh`` and switches with one
``ssh HOST`` command (``mv -T`` of a symlink: a rename, atomic on the replica).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from accords.loaders.default_graph import STATED_DB
from accords.loaders.store import BUILD_INFO, StoreError, check_format, current_build, switch_current


def is_remote(target: str) -> bool:
    """``HOST:DIR`` as rsync reads it: a colon before any slash."""
    head, colon, _ = target.partition(":")
    return bool(colon) and "/" not in head and len(head) > 1


def publish(root: Path, target: str) -> dict:
    """Copy the current build of ``root`` to the store at ``target`` and make it current there."""
    build = current_build(root)
    if build is None:
        raise StoreError(f"no store at {root}: run 'accords build' first")
    info = json.loads((build / BUILD_INFO).read_text(encoding="utf-8"))
    check_format(build, info)
    if is_remote(target):
        _publish_remote(build, target)
    else:
        _publish_local(build, Path(target))
    return {"build": build.name, "to": target, "built_at": info.get("built_at")}


def _publish_local(build: Path, root: Path) -> None:
    builds = root / "builds"
    if root.resolve() == build.parent.parent.resolve():
        raise StoreError(f"{root} is the store being published")
    final = builds / build.name
    if not (final / BUILD_INFO).is_file():
        partial = builds / f".publish-{os.getpid()}-{build.name}"  # the pid: see _remove_abandoned_builds
        try:
            builds.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(final, ignore_errors=True)  # an earlier copy cut short
            shutil.copytree(build / "db", partial / "db")
            _copy_linked(build / STATED_DB, partial / STATED_DB, build / "db", partial / "db")
            shutil.copy2(build / BUILD_INFO, partial / BUILD_INFO)  # last: the copy is complete
            check_format(partial, json.loads((partial / BUILD_INFO).read_text(encoding="utf-8")))
            os.utime(partial)  # the newest build here, whatever its age where it was built
            os.rename(partial, final)
        except OSError as error:
            shutil.rmtree(partial, ignore_errors=True)
            raise StoreError(f"cannot publish to {root}: {error}") from error
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    switch_current(root, final)


def _copy_linked(source: Path, target: Path, linked: Path, copied: Path) -> None:
    """Copy the folder ``source`` to ``target``; its files that are hard links to files of
    ``linked`` become hard links to their copies in ``copied`` (the stated store's checkpoint)."""
    target.mkdir()
    for path in source.iterdir():
        twin = linked / path.name
        if twin.exists() and os.path.samefile(path, twin):
            os.link(copied / path.name, target / path.name)
        else:
            shutil.copy2(path, target / path.name)


def _publish_remote(build: Path, target: str) -> None:
    host, _, folder = target.partition(":")
    builds = f"{folder.rstrip('/') or '.'}/builds"
    partial = f"{builds}/.publish-{os.getpid()}-{build.name}"
    final = f"{builds}/{build.name}"
    link = f"{folder.rstrip('/') or '.'}/.current-publish"
    switch = (
        f"set -e; mkdir -p {shlex.quote(builds)}; "
        f"if [ ! -f {shlex.quote(final)}/{BUILD_INFO} ]; then rm -rf {shlex.quote(final)}; "
        f"mv {shlex.quote(partial)} {shlex.quote(final)}; else rm -rf {shlex.quote(partial)}; fi; "
        f"ln -sfn builds/{shlex.quote(build.name)} {shlex.quote(link)}; "
        f"mv -T {shlex.quote(link)} {shlex.quote(folder.rstrip('/') or '.')}/current"
    )
    _run(["ssh", host, f"mkdir -p {shlex.quote(builds)}"], target)
    _run(["rsync", "-aH", "--delete", f"{build}/", f"{host}:{partial}/"], target)  # -H: db-stated
    _run(["ssh", host, switch], target)


def _run(command: list[str], target: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise StoreError(f"cannot publish to {target}: {command[0]}: {error.strerror}") from error
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise StoreError(f"cannot publish to {target}: {command[0]}: {last}")
