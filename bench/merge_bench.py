"""``accords bench merge``: how well reports of one event are merged, against the generator's truth.

Generates a corpus (a third of its events reported 2–4 times, each such pair also signing
something else within 30 days), reads it, resolves its reports and counts, over pairs of reports,
how many the resolver put together that the truth puts together: precision and recall for the
signings (pairs of articles) and for the agreements (pairs of agreement reports).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from accords.bench.generate import TRUTH_SUFFIX, generate_corpus
from accords.loaders.build import ontology_keys, read_sources
from accords.loaders.merged import merge
from accords.loaders.namespaces import ID
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.sources import discover


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float | int]:
    """Precision and recall over pairs of items: together in the prediction, together in the truth."""

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    items = predicted.keys() & truth.keys()
    both = pairs(Counter((predicted[i], truth[i]) for i in items))
    found = pairs(Counter(predicted[i] for i in items))
    expected = pairs(Counter(truth[i] for i in items))
    return {
        "items": len(items),
        "pairs_found": found,
        "pairs_expected": expected,
        "pairs_right": both,
        "precision": both / found if found else 1.0,
        "recall": both / expected if expected else 1.0,
    }


def read_truth(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The true event of each signing report and the true instrument of each agreement report."""
    signings, agreements = {}, {}
    for path in sorted(folder.glob("*" + TRUTH_SUFFIX)):
        source = path.name.removesuffix(TRUTH_SUFFIX)
        for line in path.read_text(encoding="utf-8").splitlines():
            key, value = line.split("\t")
            if key == "event":
                signings[f"<{ID}signing-report/{source}/signing>"] = value
            else:
                agreements[f"<{ID}agreement-report/{source}/{key}>"] = value
    return signings, agreements


def run(articles: int, work: Path, seed: int = 0, processes: int = 2) -> dict:
    folder = work / f"merge-corpus-{articles}-{seed}"
    if not folder.is_dir() or len(list(folder.glob("*.txt"))) != articles:
        generate_corpus(folder, articles, seed=seed, processes=processes)
    started = time.monotonic()
    topics = topic_slugs(ontology_graph())
    sources = {g.source_id: g.pairs for g in read_sources(discover([folder]), topics)}
    read = time.monotonic() - started
    started = time.monotonic()
    resolution = merge(sources, ontology_keys())
    seconds = time.monotonic() - started
    true_signings, true_agreements = read_truth(folder)
    predicted = resolution.iris
    events = Counter(true_signings.values())
    result = {
        "articles": articles,
        "seed": seed,
        "true_events": len(events),
        "events_reported_several_times": sum(1 for n in events.values() if n > 1),
        "merged_signings": len(resolution.events),
        "merged_agreements": sum(len(e.instruments) for e in resolution.events),
        "signings": pairwise({k: predicted[k] for k in true_signings if k in predicted}, true_signings),
        "agreements": pairwise({k: predicted[k] for k in true_agreements if k in predicted}, true_agreements),
        "reading_seconds": round(read, 2),
        "merging_seconds": round(seconds, 2),
    }
    return result


def format_result(result: dict) -> str:
    lines = [
        f"{result['articles']} articles (seed {result['seed']}): {result['true_events']} events, "
        f"{result['events_reported_several_times']} reported several times; "
        f"{result['merged_signings']} merged signings, {result['merged_agreements']} merged agreements",
    ]
    for level in ("signings", "agreements"):
        m = result[level]
        lines.append(
            f"{level}: precision {m['precision']:.4f}, recall {m['recall']:.4f} "
            f"({m['pairs_right']} right of {m['pairs_found']} pairs found, {m['pairs_expected']} expected; "
            f"{m['items']} reports)"
        )
    lines.append(f"reading {result['reading_seconds']} s, merging {result['merging_seconds']} s")
    return "\n".join(lines)
