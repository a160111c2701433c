"""Gazetteers from the shared tables and the topic scheme: states, cities, landmarks and topics."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, SKOS

from accords.loaders.iris import slug
from accords.loaders.namespaces import TOPIC
from accords.loaders.ontology import ontology_graph
from accords.loaders.reference import REFERENCE_DIR, countries_by_iso2

DATA_DIR = Path(__file__).resolve().parent / "data"
# Phrases where a state's name or adjective names no state (« océan Indien », "New Guinea").
NOT_STATES = (
    "océan Indien",
    "Indian Ocean",
    "mer de Chine",
    "China Sea",
    "golfe de Guinée",
    "Gulf of Guinea",
    "Nouvelle-Guinée",
    "New Guinea",
    "Latin America",
)
# In the labels « coopération X » and "X cooperation", the adjective X alone names the topic
# (« relations politiques, diplomatiques et sécuritaires »), except these too general ones.
CUE_HEADS = {"fr": "coopération", "en": "cooperation"}
GENERAL_CUES = {"development"}
MASCULINE_ENDINGS = (("ière", "ier"), ("elle", "el"), ("ale", "al"))


@dataclass(frozen=True)
class State:
    iso2: str
    name_en: str
    name_fr: str
    qid: str
    names: tuple[str, ...]
    adjectives: tuple[str, ...]  # every inflected form, French and English
    combining_forms: tuple[str, ...]  # « russo », "Sino" (written before a hyphen)
    capital: str | None  # key of its capital in Gazetteer.cities


@dataclass(frozen=True)
class City:
    key: str
    iso2: str
    name_en: str
    name_fr: str
    names: tuple[str, ...]
    qid: str | None


@dataclass(frozen=True)
class Landmark:
    names: tuple[str, ...]
    city: str  # key of the city it is in


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def french_forms(adjective: str) -> list[str]:
    """Masculine, feminine and plurals of a French adjective given as « masc » or « masc/fem »."""
    masculine, _, feminine = adjective.partition("/")
    if not feminine:
        if masculine.endswith("e"):
            feminine = masculine
        elif masculine.endswith("en"):
            feminine = masculine + "ne"
        else:
            feminine = masculine + "e"
    forms = {masculine, feminine}
    for form in (masculine, feminine):
        forms.add(form if form.endswith(("s", "x")) else form + "s")
    return sorted(forms)


def _city_qids() -> dict[str, str]:
    """English city labels → QID, only from the verified entities table."""
    rows = _rows(REFERENCE_DIR / "wikidata-entities.tsv")
    return {row["label_en"]: row["wikidata"] for row in rows if row["kind"] == "city"}


@dataclass(frozen=True)
class Gazetteer:
    states: dict[str, State]
    cities: dict[str, City]
    landmarks: tuple[Landmark, ...]
    topic_labels: dict[str, dict[tuple[str, ...], str]]  # language → label words → topic slug
    topic_cues: dict[str, dict[str, str]]  # language → adjective (« sécuritaire ») → topic slug
    person_labels: dict[str, tuple[str, str, str]]  # any label → (QID, English, French)


WORD = re.compile(r"[^\W_]+")


def normalize_words(text: str) -> list[tuple[str, int, int]]:
    """Lower-case words with a final plural s/x dropped, and their offsets in ``text``."""
    words = []
    for match in WORD.finditer(text):
        word = match.group(0).lower()
        if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
            word = word[:-1]
        words.append((word, match.start(), match.end()))
    return words


def _topics() -> tuple[dict[str, dict[tuple[str, ...], str]], dict[str, dict[str, str]]]:
    graph = ontology_graph()
    prefix = str(TOPIC)
    labels: dict[str, dict[tuple[str, ...], str]] = {"fr": {}, "en": {}}
    cues: dict[str, dict[str, str]] = {"fr": {}, "en": {}}
    for concept in sorted(graph.subjects(RDF.type, SKOS.Concept)):
        if not str(concept).startswith(prefix):
            continue
        topic = str(concept)[len(prefix) :]
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in sorted(graph.objects(concept, predicate)):
                if label.language not in labels:
                    continue
                language = label.language
                words = tuple(w for w, _, _ in normalize_words(str(label)))
                # A prefLabel wins over another concept's altLabel of the same words.
                if words not in labels[language] or predicate == SKOS.prefLabel:
                    labels[language][words] = topic
                if len(words) == 2 and CUE_HEADS[language] in words:
                    cue = words[1] if words[0] == CUE_HEADS[language] else words[0]
                    if cue in GENERAL_CUES:
                        continue
                    cues[language].setdefault(cue, topic)
                    for feminine, masculine in MASCULINE_ENDINGS:
                        if language == "fr" and cue.endswith(feminine):
                            cues[language].setdefault(cue[: -len(feminine)] + masculine, topic)
    return labels, cues


def _persons() -> dict[str, tuple[str, str, str]]:
    rows = _rows(REFERENCE_DIR / "wikidata-entities.tsv")
    people = [row for row in rows if row["kind"] == "person"]
    return {
        label: (row["wikidata"], row["label_en"], row["label_fr"])
        for row in people
        for label in (row["label_en"], row["label_fr"])
    }


@cache
def gazetteer() -> Gazetteer:
    """Built once from loaders/reference/, loaders/extraction/data/ and ontology/topics.ttl."""
    countries = countries_by_iso2()
    city_qids = _city_qids()
    states: dict[str, State] = {}
    cities: dict[str, City] = {}
    for row in _rows(DATA_DIR / "states.tsv"):
        iso2 = row["iso2"]
        names_en, names_fr = _split(row["names_en"]), _split(row["names_fr"])
        capital = None
        capitals_en, capitals_fr = _split(row["capital_en"]), _split(row["capital_fr"])
        if capitals_en:
            capital = slug(capitals_en[0])
            cities[capital] = City(
                capital,
                iso2,
                capitals_en[0],
                capitals_fr[0],
                tuple(dict.fromkeys(capitals_en + capitals_fr)),
                city_qids.get(capitals_en[0]),
            )
        adjectives = _split(row["adjectives_en"])
        for adjective in _split(row["adjectives_fr"]):
            adjectives += french_forms(adjective)
        states[iso2] = State(
            iso2,
            names_en[0],
            names_fr[0],
            countries[iso2].qid,
            tuple(dict.fromkeys([*names_en, *names_fr, countries[iso2].name])),
            tuple(dict.fromkeys(adjectives)),
            tuple(_split(row["combining_forms"])),
            capital,
        )
    landmarks = []
    for row in _rows(DATA_DIR / "cities.tsv"):
        names_en, names_fr = _split(row["names_en"]), _split(row["names_fr"])
        if row["kind"] == "landmark":
            landmarks.append(Landmark(tuple(names_en + names_fr), slug(row["in_city_en"])))
            continue
        key = slug(names_en[0])
        cities[key] = City(
            key,
            row["iso2"],
            names_en[0],
            names_fr[0],
            tuple(dict.fromkeys(names_en + names_fr)),
            city_qids.get(names_en[0]),
        )
    labels, cues = _topics()
    return Gazetteer(states, cities, tuple(landmarks), labels, cues, _persons())
