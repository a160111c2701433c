"""Build benchmark: generate a corpus, build 2,000 and 10,000 articles, compare the reasoners.

Each build runs ``accords build`` in a child process, as a user would, timed from outside
(wall clock and peak resident memory of the build and its workers). The reasoner comparison
runs owlrl and the fast reasoner on the same sample of asserted triples (ontology included),
checks that they agree, and gives the ratio of their times.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from accords.bench.generate import generate_corpus


def corpus(work: Path, articles: int, seed: int) -> Path:
    """The first ``articles`` generated articles, reusing those already written."""
    folder = work / f"corpus-seed{seed}"
    have = len(list(folder.glob("*.txt"))) if folder.exists() else 0
    if have < articles:
        generate_corpus(folder, articles - have, seed=seed, processes=min(2, os.cpu_count() or 1), start=have)
    return folder


def subset(work: Path, source: Path, articles: int) -> Path:
    """A folder of links to the first ``articles`` articles (and annotations) of ``source``."""
    folder = work / f"articles-{articles}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for article in sorted(source.glob("*.txt"))[:articles]:
        for path in (article, article.with_suffix(".yaml")):
            (folder / path.name).symlink_to(path.resolve())
    return folder


def timed_build(store: Path, sources: Path, reasoner: str = "fast") -> dict:
    """Run ``accords build`` in a child process; its summary, wall time and peak RSS."""
    shutil.rmtree(store, ignore_errors=True)
    command = [sys.executable, "-m", "accords.cli", "build", "--store", str(store), "--reasoner", reasoner]
    started = time.monotonic()
    child = subprocess.Popen([*command, str(sources)], stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    message = child.stderr.read() if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"build failed: {message}")
    info = json.loads((store / "current" / "build.json").read_text(encoding="utf-8"))
    return {
        "articles": len(info["sources"]),
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),  # with the worker processes
        "build_seconds": info["seconds"],
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "triples": info["triples"],
        "quads": info["quads"],
        "store_mb": disk_mb(store),
    }


def disk_mb(folder: Path) -> int:
    """The MB the files under ``folder`` take, a file hard-linked twice (``db-stated``) once."""
    files = {(s.st_dev, s.st_ino): s.st_size for p in folder.rglob("*") if p.is_file() for s in [p.stat()]}
    return round(sum(files.values()) / 2**20)


def timed_update(store: Path, source: Path) -> dict:
    """Time replacing one article of a built store (``accords build --replace``)."""
    article = sorted(source.glob("*.txt"))[0]
    command = [sys.executable, "-m", "accords.cli", "build", "--store", str(store), "--replace", str(article)]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"update failed: {result.stderr}")
    info = json.loads((store / "current" / "build.json").read_text(encoding="utf-8"))
    return {
        "replace_one_seconds": round(time.monotonic() - started, 1),
        "replace_one_build_seconds": info["seconds"],
    }


def reasoner_sample(source: Path, triples: int) -> dict:
    """owlrl and the fast reasoner on about ``triples`` asserted triples (with the ontology)."""
    from accords.loaders import reasoner
    from accords.loaders.ontology import ontology_graph, topic_slugs
    from accords.loaders.reasoning import materialize
    from accords.loaders.sources import discover, read_source

    ontology = ontology_graph()
    asserted = [*ontology]
    for files in discover([source]):
        if len(asserted) >= triples:
            break
        asserted.extend(read_source(files, topic_slugs(ontology))[1])
    started = time.monotonic()
    fast = reasoner.materialize(asserted)
    fast_seconds = time.monotonic() - started
    started = time.monotonic()
    reference = materialize(asserted)
    owlrl_seconds = time.monotonic() - started
    return {
        "triples": len(asserted),
        "inferred": len(reference),
        "identical": fast == reference,
        "owlrl_seconds": round(owlrl_seconds, 2),
        "fast_seconds": round(fast_seconds, 3),
        "ratio": round(owlrl_seconds / max(fast_seconds, 1e-6)),
    }


def run(articles: list[int], work: Path, seed: int, sample: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    source = corpus(work, max(articles), seed)
    results: dict = {"builds": [], "seed": seed}
    for count in sorted(articles):
        folder = subset(work, source, count)
        store = work / f"store-{count}"
        result = timed_build(store, folder)
        result.update(timed_update(store, folder))
        results["builds"].append(result)
        print(format_build(result), flush=True)
    if sample:
        results["reasoners"] = reasoner_sample(source, sample)
        print(format_sample(results["reasoners"]), flush=True)
    return results


def format_build(result: dict) -> str:
    triples = result["triples"]
    return (
        f"{result['articles']:>6} articles: {result['wall_seconds']:6.1f} s wall "
        f"({result['build_seconds']:.1f} s in build, {result['cpu_seconds']:.1f} s CPU), "
        f"{triples['asserted']:,} asserted + "
        f"{triples['inferred']:,} inferred + {triples['ontology']:,} ontology triples, "
        f"peak RSS {result['peak_rss_mb']:,} MB, store {result['store_mb']:,} MB; "
        f"replacing one article: {result['replace_one_seconds']} s "
        f"({result['replace_one_build_seconds']} s in build)"
    )


def format_sample(sample: dict) -> str:
    return (
        f"reasoners on {sample['triples']:,} triples: owlrl {sample['owlrl_seconds']} s, "
        f"fast {sample['fast_seconds']} s (×{sample['ratio']}), "
        f"{sample['inferred']:,} inferred, identical: {sample['identical']}"
    )
