"""``accords wikidata reconcile``: propose QIDs for unlinked entities, for a person to review.

For each person, organization and place of an annotation that has no ``wikidata:`` yet
(states all link through the ISO table), Wikidata is asked for items whose label or alias is
exactly one of the entity's names, in English, French or ``mul`` (Wikidata's language for
names that are the same everywhere), accents kept and removed. Each candidate comes with its
evidence: labels, descriptions, P31 types, P17 country, what matched and whether the type and
country fit the entity. The candidates go to a review file beside the annotation
(``<id>.wikidata-review.yaml``, or ``--out``); the annotation itself is never written.

Nothing is linked until a person accepts a candidate by adding ``wikidata: Q…`` and
``wikidata_accepted: "<who>, <date>"`` to the entry in the annotation. The expected types are
words looked for in the English labels of a candidate's P31 classes, not QIDs: this module
names no QID of its own.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import yaml

from accords.loaders.annotation import Annotation, Entry, load_annotation
from accords.loaders.article import read_article
from accords.loaders.errors import InputError
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.reference import countries_by_iso2
from accords.loaders.sources import discover
from accords.loaders.wikidata.client import SparqlClient, literal, values
from accords.loaders.wikidata.snapshot import RDFS_LABEL, SCHEMA_DESCRIPTION, WD, WDT

SECTIONS = ("persons", "organizations", "places")
SEARCH_LANGUAGES = ("en", "fr", "mul")
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
MAX_CANDIDATES = 5
REVIEW_SUFFIX = ".wikidata-review.yaml"
# Words of the English label of a fitting P31 class, for each section.
EXPECTED_TYPES = {
    "persons": ("human",),
    "organizations": (
        "company",
        "business",
        "enterprise",
        "corporation",
        "organization",
        "organisation",
        "agency",
        "conglomerate",
    ),
    "places": ("city", "capital", "town", "village", "settlement", "municipality", "commune", "metropolis"),
}
HEADER = """\
# Wikidata candidates for entities that have no QID yet: written by `accords wikidata reconcile`.
# NOTHING HERE IS LINKED. This file is for a person to review; no build reads it.
#
# To accept a candidate: check it on https://www.wikidata.org/wiki/<QID>, then add to the
# entity's entry in the annotation (not here) both lines
#     wikidata: Q…
#     wikidata_accepted: "<your name>, <YYYY-MM-DD>"
# and rebuild (`accords build`). A QID outside loaders/reference/ without wikidata_accepted is
# refused by the build. To reject them all, do nothing; this file may be deleted.
#
# Per candidate: its labels, descriptions and P31 types (instance of) as Wikidata gives them,
# 'matched' (which name matched which label or alias) and whether its type and country fit.
"""

_SEARCH = """SELECT DISTINCT ?item ?how ?text WHERE {{
  VALUES ?text {{ {texts} }}
  VALUES ?how {{ <{label}> <{alias}> }}
  ?item ?how ?text .
  FILTER(STRSTARTS(STR(?item), "{wd}Q"))
}} LIMIT 200"""
_DETAILS = """SELECT ?item ?p ?o WHERE {{
  VALUES ?item {{ {items} }}
  VALUES ?p {{ <{label}> <{description}> }}
  ?item ?p ?o .
  FILTER(LANG(?o) IN ("en", "fr"))
}}"""
_TYPES = """SELECT ?item ?p ?value ?valueLabel WHERE {{
  VALUES ?item {{ {items} }}
  VALUES ?p {{ <{wdt}P31> <{wdt}P17> }}
  ?item ?p ?value .
  OPTIONAL {{ ?value <{label}> ?valueLabel FILTER(LANG(?valueLabel) = "en") }}
}}"""


@dataclass
class Candidate:
    qid: str
    matched: list[str] = field(default_factory=list)
    label: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    types: list[dict[str, str]] = field(default_factory=list)
    countries: list[dict[str, str]] = field(default_factory=list)
    type_fits: bool = False
    country_fits: bool | None = None

    def rank(self) -> tuple:
        return (not self.type_fits, self.country_fits is False, -len(self.matched), int(self.qid[1:]))

    def as_yaml(self) -> dict:
        data: dict = {
            "qid": self.qid,
            "url": f"https://www.wikidata.org/wiki/{self.qid}",
            "label": self.label,
            "description": self.description,
            "types": self.types,
            "matched": self.matched,
            "type_fits": self.type_fits,
        }
        if self.countries:
            data["country"] = self.countries
        if self.country_fits is not None:
            data["country_fits"] = self.country_fits
        return data


def _fold(text: str) -> str:
    """The text without accents: 'Goïta' → 'Goita'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def names(entry: Entry) -> list[str]:
    """The names an entity goes by in its annotation, with accent-free and capitalized forms."""
    found: list[str] = []
    label = entry.facts.get("label")
    if label is not None:
        found.extend(label.value.values())
    name = entry.facts.get("name")
    if name is not None:
        found.append(name.value)
    variants: list[str] = []
    for text in found:
        text = " ".join(text.split())
        for variant in (text, _fold(text), text.title() if text.isupper() else text):
            if variant and variant not in variants:
                variants.append(variant)
    return variants


def unlinked(annotation: Annotation) -> list[Entry]:
    """The persons, organizations and places without a QID, in the annotation's order."""
    return [e for e in annotation.entries.values() if e.section in SECTIONS and not e.wikidata]


def _expected_country(annotation: Annotation, entry: Entry) -> tuple[str, str] | None:
    """The QID and name of the state the entry says it is in (``country:``), from the ISO table."""
    country = entry.facts.get("country")
    state = annotation.entries.get(country.value) if country is not None else None
    if state is None or "iso" not in state.facts:
        return None
    known = countries_by_iso2().get(state.facts["iso"].value)
    return (known.qid, known.name) if known and known.qid else None


def candidates(
    client: SparqlClient, annotation: Annotation, entry: Entry
) -> tuple[list[str], list[Candidate]]:
    """The searched texts and the best candidates for one entity, with their evidence."""
    texts = names(entry)
    searched = [literal(text, language) for text in texts for language in SEARCH_LANGUAGES]
    found: dict[str, Candidate] = {}
    query = _SEARCH.format(texts=" ".join(searched), label=RDFS_LABEL, alias=SKOS_ALT_LABEL, wd=WD)
    for row in client.select(query):
        qid = row["item"].value[len(WD) :]
        text = cast(ox.Literal, row["text"])
        kind = "label" if row["how"].value == RDFS_LABEL else "alias"
        found.setdefault(qid, Candidate(qid)).matched.append(f'{kind} "{text.value}"@{text.language}')
    if not found:
        return searched, []
    items = values([WD + qid for qid in found])
    for row in client.select(_DETAILS.format(items=items, label=RDFS_LABEL, description=SCHEMA_DESCRIPTION)):
        target = found[row["item"].value[len(WD) :]]
        field_ = target.label if row["p"].value == RDFS_LABEL else target.description
        text = cast(ox.Literal, row["o"])  # a label or description: a string with its language
        field_[cast(str, text.language)] = text.value
    for row in client.select(_TYPES.format(items=items, wdt=WDT, label=RDFS_LABEL)):
        target = found[row["item"].value[len(WD) :]]
        value = row["value"].value
        described = {"qid": value[len(WD) :] if value.startswith(WD) else value}
        if "valueLabel" in row:
            described["label"] = row["valueLabel"].value
        (target.types if row["p"].value == WDT + "P31" else target.countries).append(described)
    words = EXPECTED_TYPES[entry.section]
    country = _expected_country(annotation, entry)
    for candidate in found.values():
        candidate.matched.sort()
        candidate.types.sort(key=lambda t: t["qid"])
        candidate.countries.sort(key=lambda t: t["qid"])
        candidate.type_fits = any(
            word in t.get("label", "").lower().replace("-", " ").split()
            for t in candidate.types
            for word in words
        )
        if country is not None and candidate.countries:
            candidate.country_fits = any(c["qid"] == country[0] for c in candidate.countries)
    ranked = sorted(found.values(), key=Candidate.rank)
    return searched, ranked[:MAX_CANDIDATES]


def review(client: SparqlClient, annotation: Annotation) -> dict:
    """The review entries of one annotation: per unlinked entity, what was asked and found."""
    entities = {}
    for entry in unlinked(annotation):
        searched, found = candidates(client, annotation, entry)
        country = _expected_country(annotation, entry)
        expected = {"type": " or ".join(EXPECTED_TYPES[entry.section][:3]) + " (words of the P31 labels)"}
        if country is not None:
            expected["country"] = f"{country[0]} ({country[1]})"
        entities[entry.key] = {
            "section": entry.section,
            "searched": searched,
            "expected": expected,
            "candidates": [c.as_yaml() for c in found],
        }
        if not found:
            entities[entry.key]["note"] = "no item has one of these names as its label or alias"
    return entities


def write_review(path: Path, document: dict) -> None:
    text = HEADER + "\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(path, f"cannot write the review file: {error.strerror}") from error


def review_path(annotation: Path, folder: Path | None = None) -> Path:
    """``<id>.wikidata-review.yaml`` in ``folder``, else beside ``<id>.yaml``."""
    name = annotation.stem + REVIEW_SUFFIX
    return folder / name if folder is not None else annotation.with_name(name)


def reconcile(
    sources: list[Path], client: SparqlClient, out: Path | None = None, folder: Path | None = None
) -> list[tuple[Path, int, int]]:
    """Write review files (all into ``out``, else one per annotation: in ``folder``, else beside it);
    return (file, entities, candidates)."""
    topics = topic_slugs(ontology_graph())
    retrieved = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    reviews: dict[Path, dict[str, dict]] = {}
    for files in discover(sources):
        if files.annotation is None:
            continue  # machine-extracted on the fly: nothing curated to review against
        annotation = load_annotation(files.annotation, read_article(files.article), topics)
        entities = review(client, annotation)
        if entities:
            reviews[files.annotation] = entities
    written = []
    groups = (
        {out: reviews} if out is not None else {review_path(p, folder): {p: e} for p, e in reviews.items()}
    )
    for path, group in groups.items():
        if not group and out is None:
            continue
        document = {
            "endpoint": client.endpoint,
            "retrieved": retrieved,
            "annotations": {str(p): entities for p, entities in group.items()},
        }
        write_review(path, document)
        count = sum(len(e["candidates"]) for entities in group.values() for e in entities.values())
        written.append((path, sum(len(entities) for entities in group.values()), count))
    return written
