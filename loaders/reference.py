"""The verified Wikidata tables shipped in ``loaders/reference/``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str
    qid: str


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@cache
def countries_by_iso2() -> dict[str, Country]:
    return {
        row["iso2"]: Country(row["iso2"], row["iso3"], row["name"], row["wikidata"])
        for row in _rows("wikidata-countries.tsv")
    }


@cache
def confirmed_qids() -> frozenset[str]:
    """Every QID the shared tables confirm (states and other entities)."""
    entities = {row["wikidata"] for row in _rows("wikidata-entities.tsv")}
    return frozenset(entities | {c.qid for c in countries_by_iso2().values()})
