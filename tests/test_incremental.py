"""Adding, replacing or removing one article gives exactly the store a full rebuild gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from accords.loaders.default_graph import open_stated
from accords.loaders.store import open_read_only
from tests.fixtures import accords, generated_store

ARTICLES = 12


def export(store: Path) -> list[str]:
    """The named graphs as exported, the default graph (the merge the queries read), the stated store."""
    result = accords("export", "--store", str(store), "--format", "nquads")
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.splitlines())
    assert not any(line.startswith("_:") for line in lines if "/graph/ontology>" not in line)
    opened = open_read_only(store)
    merged = sorted(str(q) for q in opened.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert merged, "the default graph is empty"
    stated = sorted(str(q) for q in open_stated(opened.path))  # what infer=false reads
    assert stated, "the stated store is empty"
    return lines + ["-- default graph --"] + merged + ["-- stated store --"] + stated


def full_build(tmp_path: Path, articles: Path, name: str) -> list[str]:
    store = tmp_path / name
    result = accords("build", "--store", str(store), str(articles))
    assert result.returncode == 0, result.stderr
    return export(store)


def update(store: Path, *args: str) -> str:
    result = accords("build", "--store", str(store), *args)
    assert result.returncode == 0, result.stderr
    return result.stderr


def _corpus(root: Path) -> tuple[Path, Path, list[Path]]:
    """All articles in one folder, and a store built from all but the last one (under ``root``)."""
    return generated_store(root, ARTICLES, seed=21)


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path, list[Path]]:
    """The corpus and its store, for a test that changes them."""
    return _corpus(tmp_path)


@pytest.fixture(scope="module")
def unchanged_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """The corpus and its store, shared by the tests that leave them as they are (and check it)."""
    return _corpus(tmp_path_factory.mktemp("unchanged-corpus"))


def test_add_replace_remove_equal_a_full_rebuild(
    tmp_path: Path, corpus: tuple[Path, Path, list[Path]]
) -> None:
    built, store, articles = corpus
    served = (store / "current").resolve()
    before = export(store)

    # add the last article
    added = articles[-1]
    assert "updated 1 added" in update(store, "--add", str(added))
    for path in (added, added.with_suffix(".yaml")):
        shutil.copy(path, built)
    assert export(store) == full_build(tmp_path, built, "rebuild-add")
    # the build that was served is untouched, and still there
    assert (store / "current").resolve() != served
    assert _export_build(tmp_path, served) == before

    # replace an article whose annotation changed (a topic of its first agreement)
    changed = built / articles[2].with_suffix(".yaml").name
    text = changed.read_text(encoding="utf-8")
    start = text.index("agreements:")
    topic = text.index("topics:\n    - ", start) + len("topics:\n    - ")
    end = text.index("\n", topic)
    changed.write_text(text[:topic] + "nuclear-energy" + text[end:], encoding="utf-8")
    message = update(store, "--replace", str(built / articles[2].name))
    assert "1 replaced" in message
    assert export(store) == full_build(tmp_path, built, "rebuild-replace")

    # remove another one
    removed = articles[4]
    assert "1 removed" in update(store, "--remove", removed.stem)
    for path in (built / removed.name, built / removed.with_suffix(".yaml").name):
        path.unlink()
    assert export(store) == full_build(tmp_path, built, "rebuild-remove")


def _export_build(tmp_path: Path, build: Path) -> list[str]:
    """Export one build folder (not the current one) through a store root that points to it."""
    root = tmp_path / f"view-{build.name}"
    root.mkdir()
    (root / "current").symlink_to(build)
    return export(root)


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["--add", "FIRST"], "is already in the current build"),
        (["--replace", "NEW"], "is not in the current build"),
        (["--remove", "no-such-source"], "no such source"),
    ],
)
def test_refused_updates_leave_the_store_as_it_was(
    unchanged_corpus: tuple[Path, Path, list[Path]], args: list[str], pattern: str
) -> None:
    built, store, articles = unchanged_corpus
    paths = {"FIRST": str(built / articles[0].name), "NEW": str(articles[-1])}
    before = (store / "current").resolve()
    result = accords("build", "--store", str(store), *[paths.get(a, a) for a in args])
    assert result.returncode == 1
    assert pattern in result.stderr and "Traceback" not in result.stderr
    assert (store / "current").resolve() == before
