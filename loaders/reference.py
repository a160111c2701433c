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
    qid: str | None  # None: a state of states-without-qid.tsv, never linked to Wikidata


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
def states_by_iso2() -> dict[str, Country]:
    """Every state an annotation may name: the verified table's, then the UN member states and the
    Holy See it lacks (states-without-qid.tsv, no QID)."""
    unlinked = {
        row["iso2"]: Country(row["iso2"], row["iso3"], row["name"], None)
        for row in _rows("states-without-qid.tsv")
    }
    return {**countries_by_iso2(), **unlinked}


@dataclass(frozen=True)
class Capital:
    iso2: str
    name_en: str
    name_fr: str
    qid: str


@dataclass(frozen=True)
class ReferenceOrganization:
    qid: str
    label_en: str
    label_fr: str
    kind: str  # international organization, development bank, regional organization, state company


@cache
def capitals_by_iso2() -> dict[str, Capital]:
    """The verified capitals (wikidata-capitals.tsv), one per state."""
    return {
        row["iso2"]: Capital(row["iso2"], row["capital_en"], row["capital_fr"], row["wikidata"])
        for row in _rows("wikidata-capitals.tsv")
    }


@cache
def reference_organizations() -> tuple[ReferenceOrganization, ...]:
    """The verified organizations (wikidata-organizations.tsv): development banks, IGOs…"""
    return tuple(
        ReferenceOrganization(row["wikidata"], row["label_en"], row["label_fr"], row["kind"])
        for row in _rows("wikidata-organizations.tsv")
    )


@cache
def confirmed_qids() -> frozenset[str]:
    """Every QID the shared tables confirm (states, capitals, organizations and other entities)."""
    entities = {row["wikidata"] for row in _rows("wikidata-entities.tsv")}
    entities |= {c.qid for c in capitals_by_iso2().values()}
    entities |= {o.qid for o in reference_organizations()}
    return frozenset(entities | {c.qid for c in countries_by_iso2().values() if c.qid})
