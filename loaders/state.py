"""The reasoning state kept beside each build, for incremental updates.

Reading a few million quads back out of the store takes about as long as writing them, so
each build also writes, in its folder, what an update needs to reason again without
re-reading every article: the asserted triples of each source (grouped by property) and the
inferred triples (and the ``--graph`` graphs reasoned over, the full regime's inferences), as
N-Triples strings (``loaders.reasoner.terms``), with ``marshal`` (it
loads a 10,000-article corpus in under a second).
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from pathlib import Path

from accords.loaders.reasoner.terms import Triple
from accords.loaders.store import StoreError

STATE_FILE = "reasoning-state.marshal"
STATE_FORMAT = "accords-reasoning-state/2"


def write_state(
    folder: Path,
    sources: dict[str, dict[str, list[tuple[str, str]]]],
    inferred: Iterable[Triple],
    ontology: list[Triple],
    merged: Iterable[Triple],
    graphs: dict[str, dict[str, set[tuple[str, str]]]] | None = None,
    inferred_full: Iterable[Triple] = (),
) -> None:
    """``merged``: the merged graph's triples; ``graphs``: the ``--graph`` graphs reasoned over;
    ``inferred_full``: graph/inferred-full's triples."""
    data = {
        "format": STATE_FORMAT,
        "ontology": ontology,
        "sources": sources,
        "merged": sorted(merged),
        "inferred": list(inferred),
        "graphs": {iri: {p: list(so) for p, so in pairs.items()} for iri, pairs in (graphs or {}).items()},
        "inferred_full": list(inferred_full),
    }
    (folder / STATE_FILE).write_bytes(marshal.dumps(data))


def read_state(build: Path) -> dict:
    """The state of a build, or StoreError.

    ``{"ontology": triples, "sources": {source id: {property: [(subject, object)…]}},
    "merged": triples of the merged graph, "inferred": triples,
    "graphs": {graph IRI: {property: [(subject, object)…]}}, "inferred_full": triples}``
    """
    try:
        data = marshal.loads((build / STATE_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError) as error:
        raise StoreError(
            f"the build {build} has no usable reasoning state ({error}): run a full 'accords build'"
        ) from error
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise StoreError(
            f"the build {build} has a reasoning state of another format: run a full 'accords build'"
        )
    data.setdefault("graphs", {})
    data.setdefault("inferred_full", [])
    return data
