"""Turn an extraction into a draft annotation: the curated format, ``method: machine``, checked.

Every fact cites the sentence or phrase it was read from (offsets into the whole file), so a
person can review the draft exactly as they would review a curated annotation.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any, cast

import yaml

from accords.loaders.annotation import Annotation, load_annotation
from accords.loaders.article import Article
from accords.loaders.errors import InputError
from accords.loaders.extraction.agreements import Agreement
from accords.loaders.extraction.confidence import (
    FALLBACK_TOPIC,
    REVIEW_BELOW,
    article_confidence,
    fact_buckets,
    fact_confidences,
)
from accords.loaders.extraction.dates import resolve
from accords.loaders.extraction.extract import Extraction, extract
from accords.loaders.extraction.gazetteer import gazetteer
from accords.loaders.extraction.lexicon import ORGANIZATION_HEADS
from accords.loaders.extraction.mentions import normalized
from accords.loaders.extraction.persons import Organization
from accords.loaders.iris import slug

MAX_QUOTES = 3  # sentences cited for a state or a place
NO_TOPIC = (
    "The text names no domain; an agreement signed between parties is at least a matter of "
    "the political relations of the parties."
)
WITH_BEFORE = re.compile(r"\b(?:with|avec)\s+(?:the\s+|la\s+|le\s+|l')?$", re.I)
WITH_SEVERAL = re.compile(r"\b(?:with|avec)\s+(?:the\s+|les\s+)?(?:\w+\s+)?(\w+s)\b", re.I)
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


class _Quotes:
    """The quotes section: one key per cited span, reused when a span is cited again."""

    def __init__(self, extraction: Extraction) -> None:
        self.content = extraction.article.content
        self.sentences = extraction.analysis.sentences
        self.specs: dict[str, dict[str, Any]] = {}
        self.keys: dict[tuple[int, int], str] = {}

    def span(self, begin: int, end: int, key: str) -> str:
        if (begin, end) not in self.keys:
            unique, n = key, 1
            while unique in self.specs:
                n += 1
                unique = f"{key}-{n}"
            self.keys[(begin, end)] = unique
            self.specs[unique] = {"begin": begin, "end": end, "text": self.content[begin:end]}
        return self.keys[(begin, end)]

    def index_of(self, offset: int) -> int:
        return next(i for i in range(len(self.sentences) - 1, -1, -1) if self.sentences[i][0] <= offset)

    def sentence_of(self, offset: int) -> str:
        index = self.index_of(offset)
        return self.span(*self.sentences[index], f"sentence-{index + 1}")

    def sentences_of(self, offsets: list[int], limit: int = MAX_QUOTES) -> list[str]:
        """The keys of the first ``limit`` sentences holding these offsets."""
        indices = list(dict.fromkeys(self.index_of(o) for o in offsets))[:limit]
        return [self.span(*self.sentences[i], f"sentence-{i + 1}") for i in indices]

    def section(self) -> dict[str, dict[str, Any]]:
        """The quotes in the order of the text."""
        return dict(sorted(self.specs.items(), key=lambda item: (item[1]["begin"], item[1]["end"])))


class _Keys:
    """Entry keys, unique across all sections as the format requires."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, wanted: str, suffix: str) -> str:
        key = slug(wanted)
        while key in self.used:
            key = f"{key}-{suffix}"
        self.used.add(key)
        return key


def _fact(
    value: Any, quotes: list[str], derived: str | None = None, confidence: float | None = None
) -> dict[str, Any]:
    fact: dict[str, Any] = {"value": value}
    if derived:
        fact["derived"] = derived
    if confidence is not None:
        fact["confidence"] = confidence
    fact["quotes"] = quotes
    return fact


def draft(extraction: Extraction) -> dict[str, Any]:
    """The annotation, as the nested data the YAML file holds."""
    g = gazetteer()
    language, signing = extraction.language, extraction.signing
    quotes, keys = _Quotes(extraction), _Keys()
    buckets = fact_buckets(extraction)
    sections: dict[str, dict[str, Any]] = {}

    state_keys: dict[str, str] = {}
    for iso2 in dict.fromkeys(m.key for m in extraction.states):
        state = g.states[iso2]
        key = state_keys[iso2] = keys.new(state.name_en, "state")
        offsets = [m.begin for m in extraction.states if m.key == iso2]
        sections.setdefault("states", {})[key] = {
            "iso": iso2,
            "label": {"fr": state.name_fr, "en": state.name_en},
            "quotes": quotes.sentences_of(offsets),
        }

    party_keys: dict[tuple[str, str], str] = {("state", k): v for k, v in state_keys.items()}
    for organization in extraction.organizations:
        key = party_keys[("organization", organization.key)] = keys.new(organization.name, "organization")
        entry: dict[str, Any] = {"label": organization.labels or {language: organization.name}}
        if organization.qid:
            entry["wikidata"] = organization.qid
        if organization.description:
            entry["description"] = {language: organization.description}
        if organization.country in state_keys:
            entry["country"] = state_keys[organization.country]
        entry["quotes"] = [quotes.span(*organization.span, key)]
        sections.setdefault("organizations", {})[key] = entry

    person_keys: dict[str, str] = {}
    for person in extraction.persons:
        key = person_keys[person.key] = keys.new(person.name, "person")
        entry = {"name": person.name}
        if person.labels:
            entry["label"] = person.labels
            entry["wikidata"] = person.qid
        if person.role:
            entry["role"] = {language: person.role}
        if person.rank:
            entry["rank"] = {language: person.rank}
        if person.represents in party_keys:
            entry["represents"] = party_keys[person.represents]
        entry["quotes"] = [quotes.span(*person.span, key)]
        sections.setdefault("persons", {})[key] = entry

    place_keys: dict[str, str] = {}
    for city_key in dict.fromkeys(m.key for m in extraction.places):
        city = g.cities.get(city_key)
        if city is None:  # a palace or a state house named without its city, as the text writes it
            name = city_key.split(":", 1)[1]
            key = place_keys[city_key] = keys.new(name, "place")
            entry = {"label": {"fr": name, "en": name}}
        else:
            key = place_keys[city_key] = keys.new(city.name_en, "city")
            entry = {"label": {"fr": city.name_fr, "en": city.name_en}}
        if city and city.qid:
            entry["wikidata"] = city.qid
        if city and city.iso2 in state_keys:
            entry["country"] = state_keys[city.iso2]
        entry["quotes"] = quotes.sentences_of([m.begin for m in extraction.places if m.key == city_key])
        sections.setdefault("places", {})[key] = entry

    visit_key = None
    visit = extraction.visit
    if visit and visit.visitor.key in person_keys and visit.destination in state_keys:
        visit_key = keys.new("visit", "2")
        visit_quote = quotes.span(*visit.span, "visit")
        entry = {"kind": visit.kind} if visit.kind else {}
        entry["visitor"] = person_keys[visit.visitor.key]
        destination = state_keys[visit.destination]
        entry["destination"] = (
            _fact(destination, [visit_quote], visit.derived) if visit.derived else destination
        )
        entry["quotes"] = [visit_quote]
        sections["visits"] = {visit_key: entry}

    if signing is not None:
        sure = fact_confidences(buckets)
        _signing_sections(
            extraction,
            sections,
            quotes,
            keys,
            person_keys,
            place_keys,
            visit_key,
            state_keys,
            party_keys,
            sure,
        )

    annotation: dict[str, Any] = {
        "language": language,
        "method": "machine",
        "confidence": article_confidence(buckets),
        "quotes": quotes.section(),
    }
    order = ("states", "organizations", "persons", "places", "visits", "signings", "agreements")
    annotation.update({name: sections[name] for name in order if name in sections})
    return annotation


def _signing_sections(
    extraction: Extraction,
    sections: dict[str, dict[str, Any]],
    quotes: _Quotes,
    keys: _Keys,
    person_keys: dict[str, str],
    place_keys: dict[str, str],
    visit_key: str | None,
    state_keys: dict[str, str],
    party_keys: dict[tuple[str, str], str],
    sure: dict[str, float],
) -> None:
    """The signing and its agreements; ``sure``: the calibrated confidence of each core fact."""
    article, language, signing = extraction.article, extraction.language, extraction.signing
    assert signing is not None
    signing_key = keys.new("signing", "2")
    signing_quotes = [
        quotes.sentence_of(extraction.analysis.sentences[i][0]) for i in signing.sentences[:MAX_QUOTES]
    ]
    if not signing_quotes:
        anchor = signing.count.span[0] if signing.count else signing.agreements[0].span[0]
        signing_quotes = [quotes.sentence_of(anchor)]
    entry: dict[str, Any] = {}
    if visit_key:
        entry["during"] = visit_key
    value, derived = resolve(signing.date, signing.reference or article.date)
    date_quotes = (
        [quotes.span(*signing.date_sentence, "sentence")] if signing.date_sentence else signing_quotes
    )
    entry["date"] = _fact(value, date_quotes, derived, sure["date"])
    if signing.date and signing.date.weekday:
        entry["weekday"] = signing.date.weekday
    if signing.place:
        begin, end = cast(tuple[int, int], signing.place_sentence)  # found with the place
        place_quote = quotes.span(begin, end, "sentence")
        entry["place"] = _fact(
            place_keys[signing.place.key], [place_quote], signing.place.derived, sure["place"]
        )
    if signing.count:
        count_quote = quotes.sentence_of(signing.count.span[0])
        entry["announced_count"] = _fact(signing.count.value, [count_quote], None, sure["count"])
    if signing.topics:
        topic_quotes = quotes.sentences_of([m.begin for m in signing.topics], limit=10)
        entry["topics"] = _fact(list(dict.fromkeys(m.key for m in signing.topics)), topic_quotes)
    entry["quotes"] = signing_quotes
    sections["signings"] = {signing_key: entry}

    signatories = [person_keys[p.key] for p in signing.signatories]
    for number, agreement in enumerate(signing.agreements, 1):
        key = keys.new(f"agreement-{number}", "2")
        head_quote = quotes.sentence_of(agreement.span[0])
        entry = {"ordinal": agreement.ordinal} if agreement.ordinal else {}
        entry["label"] = {language: agreement.label}
        organizations = [o for o in extraction.organizations if o.key in agreement.organizations]
        beside = bool(organizations)
        main_states = [state_keys[iso2] for iso2 in extraction.parties(beside_organization=beside)]
        # A state's company that is the one organization party stands for it (« conclu avec la
        # société … ROSATOM »); two organizations named as the parties of their own agreement sign
        # it alone; an agreement standing for undescribed instruments keeps the signing's states.
        if not agreement.described:
            states = main_states
        elif len(organizations) < 2:
            company_of = organizations[0].country if organizations else None
            states = [s for s in main_states if company_of is None or s != state_keys.get(company_of)]
        else:  # two organizations: they sign alone, unless a state signs « with » both of them
            states = main_states if _joint_partners(extraction, agreement, organizations) else []
        parties = states + [party_keys[("organization", o.key)] for o in organizations]
        if len(parties) == 1 and not organizations and signing.named_organizations:
            # one state only: the organization named in the signing sentences signs with it
            parties.append(party_keys[("organization", signing.named_organizations[0])])
        if len(parties) < 2:
            continue  # no agreement without two parties the text names
        entry["parties"] = _fact(parties, [head_quote], None, sure["parties"])
        entry["signing"] = signing_key
        if signatories:
            entry["signatories"] = _fact(signatories, signing_quotes)
        topic_quotes = quotes.sentences_of([m.begin for m in agreement.topics], limit=10) or [head_quote]
        topics = list(dict.fromkeys(m.key for m in agreement.topics))
        given = topics or [FALLBACK_TOPIC]
        confidence = min(sure[f"topic:{topic}"] for topic in given)  # as sure as its least sure topic
        entry["topics"] = _fact(given, topic_quotes, None if topics else NO_TOPIC, confidence)
        entry["quotes"] = [head_quote]
        sections.setdefault("agreements", {})[key] = entry


def _joint_partners(extraction: Extraction, agreement: Agreement, organizations: list[Organization]) -> bool:
    """Whether the agreement's first organization follows « avec » / "with" ("Ethiopia signed grant
    agreements with UNICEF and UNFPA"): a state signs with each, they do not sign together."""
    starts = [b for o in organizations for b, _ in o.mentions if any(s <= b < e for s, e in agreement.block)]
    if not starts:
        return False
    text = normalized(extraction.article.content)
    before = text[max(0, min(starts) - 30) : min(starts)]
    head = extraction.analysis.sentences[extraction.analysis.sentence_at(agreement.span[0])]
    with_several = (
        m.group(1).lower().rstrip("s") in ORGANIZATION_HEADS for m in WITH_SEVERAL.finditer(text, *head)
    )
    return bool(WITH_BEFORE.search(before)) or any(with_several)  # « avec quatre sociétés minières »


def _scalar(value: Any, flow: bool) -> str:
    if isinstance(value, bool) or value is None:
        raise TypeError(value)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    plain = text.strip() == text and text.lower() not in YAML_WORDS and "\n" not in text and text
    if plain:
        probe = f"k: [{text}]" if flow else f"k: {text}"
        try:
            loaded = yaml.safe_load(probe)
        except yaml.YAMLError:  # « cacao : les », "- x", "#x": not plain, so quoted below
            loaded = None
        if isinstance(loaded, dict) and loaded.get("k") == ([text] if flow else text):
            return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str | None:
    """A one-line form for a list of scalars or a small map of scalars (labels); else None."""
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "[" + ", ".join(_scalar(v, True) for v in value) + "]"
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(v, str) for v in value.values())
        and "text" not in value
    ):
        return "{" + ", ".join(f"{k}: {_scalar(v, True)}" for k, v in value.items()) + "}"
    return None


def _lines(data: dict[str, Any], indent: int) -> list[str]:
    lines = []
    pad = "  " * indent
    for key, value in data.items():
        if isinstance(value, dict | list):
            flow = _flow(value)
            if flow is not None and len(pad) + len(key) + len(flow) < 110:
                lines.append(f"{pad}{key}: {flow}")
            elif isinstance(value, dict):
                lines.append(f"{pad}{key}:")
                lines.extend(_lines(value, indent + 1))
            else:
                lines.append(f"{pad}{key}:")
                lines.extend(f"{pad}  - {_scalar(v, False)}" for v in value)
        elif key == "text":
            lines.append(f"{pad}{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value, False)}")
    return lines


def to_yaml(annotation: dict[str, Any], article: Article) -> str:
    """The annotation as YAML laid out like a curated one, with a header saying what it is."""
    header = [
        f"# Machine draft of {article.path.name}, written by `accords extract` (rules, gazetteers, spaCy).",
        *([review_line(annotation)] if needs_review(annotation) else []),
        "# Each fact cites the words it was read from (character offsets into the article file).",
        "# Review every fact against the article, then set method: curated and drop confidence.",
    ]
    body: list[str] = []
    for key, value in annotation.items():
        if isinstance(value, dict):
            body.append("")
            body.append(f"{key}:")
            body.extend(_lines(value, 1))
        else:
            body.append(f"{key}: {_scalar(value, False)}")
    return "\n".join(header + body) + "\n"


def needs_review(annotation: dict[str, Any]) -> bool:
    return annotation["confidence"] < REVIEW_BELOW


def review_line(annotation: dict[str, Any]) -> str:
    return (
        f"# MARKED FOR REVIEW: confidence {annotation['confidence']} is below {REVIEW_BELOW} "
        "(the weakest core fact's calibrated share right on the development set)."
    )


def draft_text(article: Article) -> str:
    """The YAML draft annotation of ``article``; InputError if nothing can be drafted."""
    extraction = extract(article)
    return to_yaml(draft(extraction), article)


def check_draft(text: str, article: Article, topics: frozenset[str]) -> Annotation:
    """Run a draft through the curated annotations' checker, naming the article on failure."""
    with tempfile.TemporaryDirectory(prefix="accords-draft-") as folder:
        path = Path(folder) / f"{article.source_id}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return load_annotation(path, article, topics)
        except InputError as error:
            raise InputError(article.path, f"the machine draft does not check: {error.message}") from None


def machine_annotation(article: Article, topics: frozenset[str]) -> Annotation:
    """The checked machine annotation of an article that has no curated one."""
    return check_draft(draft_text(article), article, topics)
