"""Wikidata: the SPARQL client, the offline snapshot and the reconciliation of unlinked entities.

``accords wikidata snapshot`` copies a slice of Wikidata about every linked entity into the
named graph ``graph/wikidata`` (kept in ``<store>/wikidata-snapshot.nt``, loaded again by each
``accords build``); ``accords wikidata reconcile`` proposes QIDs for people to review.
"""

from __future__ import annotations

from pathlib import Path

SNAPSHOT_FILE = "wikidata-snapshot.nt"
WIKIDATA_SERVICE = "https://query.wikidata.org/sparql"  # the SERVICE IRI queries name


def snapshot_file(store: Path) -> Path:
    """Where the snapshot of a store lives: beside its builds, so that every build finds it."""
    return Path(store) / SNAPSHOT_FILE
