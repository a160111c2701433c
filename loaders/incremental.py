"""Change the current build by a few articles: ``accords build --add/--replace/--remove``.

The update is a new build, like any other: its store starts as a checkpoint of the current
one (hard links: the served store is never written to), then only the changed source graphs
are rewritten and the inferred graph is patched. The inferences are recomputed over the
ontology, all asserted triples and the ``--graph`` graphs, taken from the reasoning state the
current build kept (``loaders.state``) rather than from the articles or the store, with the fast reasoner: one
global OWL 2 RL closure, exactly what a full rebuild computes, and the inferred graph is
changed by the difference only. ``tests/test_incremental.py`` checks that the result equals
a full rebuild, quad for quad.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyoxigraph as ox

from accords.config import Settings
from accords.loaders import default_graph
from accords.loaders.build import (
    check_reasoner,
    fallback_note,
    nquads,
    ontology_keys,
    parsed,
    read_sources,
    reason_over,
    reasoning_info,
    without_gc,
)
from accords.loaders.convert import quads
from accords.loaders.default_graph import INFERRED, INFERRED_FULL
from accords.loaders.errors import InputError
from accords.loaders.merged import graph_pairs, merge
from accords.loaders.namespaces import (
    MERGED_GRAPH,
    ONTOLOGY_GRAPH,
    source_graph,
)
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.progress import Progress
from accords.loaders.sources import discover
from accords.loaders.state import read_state, write_state
from accords.loaders.store import BUILD_INFO, StoreError, build_folder, current_build


def update_store(
    settings: Settings,
    add: list[Path],
    replace: list[Path],
    remove: list[str],
    progress: Progress | None = None,
    reasoner: str | None = None,
) -> dict:
    """Add, replace and remove sources of the current build; return the new build's summary.

    InputError, InconsistencyError or StoreError leave the current build as it was.
    """
    progress = progress or Progress()
    reasoner = check_reasoner(reasoner or str(getattr(settings, "reasoner", "fast")))
    with without_gc():
        return _update(settings, add, replace, remove, progress, reasoner)


def _update(
    settings: Settings,
    add: list[Path],
    replace: list[Path],
    remove: list[str],
    progress: Progress,
    reasoner: str,
) -> dict:
    started = time.monotonic()
    root = settings.store
    base = current_build(root)
    if base is None:
        raise StoreError(f"no store at {root}: run a full 'accords build' first")
    info = json.loads((base / BUILD_INFO).read_text(encoding="utf-8"))
    state = read_state(base)
    built: dict[str, dict] = state["sources"]

    added, replaced = discover(list(add)), discover(list(replace))
    changing: dict[str, Path] = {}
    for files, must_exist, hint in ((added, False, "--replace"), (replaced, True, "--add")):
        for source in files:
            sid = source.article.stem
            if (sid in built) != must_exist:
                where = "already in" if sid in built else "not in"
                raise InputError(source.article, f"source {sid} is {where} the current build (use {hint})")
            if sid in changing:
                raise InputError(source.article, f"source {sid} is named twice")
            changing[sid] = source.article
    for sid in remove:
        if sid not in built:
            raise InputError(sid, "no such source in the current build")
        if sid in changing:
            raise InputError(changing[sid], f"source {sid} is both removed and added or replaced")

    topics = topic_slugs(ontology_graph())
    new = {g.source_id: g for g in read_sources([*added, *replaced], topics, progress)}
    sources = {sid: pairs for sid, pairs in built.items() if sid not in new and sid not in remove}
    sources.update((sid, g.pairs) for sid, g in new.items())

    progress.start("merging reports", 1)
    resolution = merge(sources, ontology_keys())  # all reports again: an update resolves as a full build
    old_merged, new_merged = set(state["merged"]), resolution.triples
    progress.advance()

    progress.start("reasoning", 1)
    reasoning = info.get(
        "reasoning", {"graphs": [str(ONTOLOGY_GRAPH)], "as_is": [], "full_entailment": False}
    )
    with_ontology = str(ONTOLOGY_GRAPH) in reasoning["graphs"]
    ontology = ontology_keys() if with_ontology else []
    graphs = state["graphs"]  # the --graph graphs stay, and are reasoned over again with the rest
    full = reasoning["full_entailment"]
    articles = {**sources, str(MERGED_GRAPH): graph_pairs(new_merged)}
    inference = reason_over(ontology, articles, graphs, reasoner, full)
    inferred = inference.useful
    previous, previous_full = set(state["inferred"]), set(state["inferred_full"])
    gone, came = previous - inferred, inferred - previous
    gone_full, came_full = previous_full - inference.dropped, inference.dropped - previous_full
    progress.advance()

    progress.start("storing", 1)
    with build_folder(root, base=base, optimize=False) as (store, summary, folder):
        stated = ox.Store(str(folder / default_graph.STATED_DB))
        both = (store, stated)
        unstated: list[ox.Triple] = []  # what the removed graphs stated: still stated elsewhere?
        changed = [ox.NamedNode(source_graph(sid)) for sid in [*remove, *(s.article.stem for s in replaced)]]
        ontology_changed = set(ontology) != set(state["ontology"])
        if ontology_changed:
            changed.append(ox.NamedNode(str(ONTOLOGY_GRAPH)))
        for graph in changed:
            unstated += default_graph.remove_graph(both, graph)
        if ontology_changed:
            default_graph.add(both, list(quads(ontology_graph(), str(ONTOLOGY_GRAPH))))
        for written in new.values():
            default_graph.add(both, parsed(written.nquads))
        gone_merged = parsed(nquads(old_merged - new_merged, str(MERGED_GRAPH)))
        default_graph.remove(both, gone_merged)
        unstated += [quad.triple for quad in gone_merged]
        default_graph.add(both, parsed(nquads(new_merged - old_merged, str(MERGED_GRAPH))))
        default_graph.drop_unstated(store, stated, unstated)
        for target, old, new_inferences in (
            (INFERRED, gone, came),
            (INFERRED_FULL, gone_full, came_full),
        ):
            went = parsed(nquads(old, target.value))
            came_now = parsed(nquads(new_inferences, target.value))
            default_graph.set_inferences(store, stated, target, went, came_now)
        stated.flush()
        del stated, both
        progress.advance()
        summary.update(
            sources=sorted(sources),
            extra_graphs=info.get("extra_graphs", []),
            triples={
                "ontology": len(ontology),
                "asserted": sum(len(pairs) for grouped in sources.values() for pairs in grouped.values()),
                "merged": len(new_merged),
                "inferred": len(inferred),
                "extra": info.get("triples", {}).get("extra", 0),
                "inferred_full": len(inference.dropped),
            },
            events=len(resolution.events),
            quads=default_graph.named_quad_count(store),
            reasoner=reasoner,
            reasoning=reasoning_info(with_ontology, sorted(graphs), reasoning["as_is"], full, inference),
            update={
                "from": base.name,
                "added": sorted(s.article.stem for s in added),
                "replaced": sorted(s.article.stem for s in replaced),
                "removed": sorted(remove),
                "inferred_added": len(came),
                "inferred_removed": len(gone),
            },
            seconds=round(time.monotonic() - started, 3),
        )
        result = dict(summary)
        write_state(folder, sources, inferred, ontology, new_merged, graphs, inference.dropped)
    return result


def update_line(summary: dict) -> str:
    update, triples = summary["update"], summary["triples"]
    return (
        f"updated {len(update['added'])} added, {len(update['replaced'])} replaced, "
        f"{len(update['removed'])} removed source(s): {len(summary['sources'])} source(s), "
        f"{triples['asserted']} asserted, {triples['inferred']} inferred triples "
        f"(+{update['inferred_added']}/-{update['inferred_removed']} inferred) in {summary['seconds']:.1f}s"
        + fallback_note(summary)
    )
