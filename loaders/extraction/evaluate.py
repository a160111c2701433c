"""Measure the extractor on a gold set: precision, recall and F1 per field, French and English.

The gold set is a folder of articles (``*.txt``), each beside its hand-written annotation
(``*.yaml``, the curated format). Gold and machine annotations go through the same checker and
the same reading of facts, so both are compared like for like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from accords.loaders.annotation import Annotation, load_annotation
from accords.loaders.article import read_article
from accords.loaders.errors import InputError
from accords.loaders.extraction.confidence import article_confidence, fact_buckets, fact_confidence
from accords.loaders.extraction.draft import check_draft, draft, to_yaml
from accords.loaders.extraction.extract import extract
from accords.loaders.iris import slug
from accords.loaders.ontology import ontology_graph, topic_slugs
from accords.loaders.reference import reference_organizations

GOLD_DIR = Path(__file__).resolve().parent / "gold"
FIELDS = ("states", "persons", "organizations", "agreement count", "topics", "date", "place", "negatives")
LANGUAGES = ("fr", "en")
# The evaluated fields that check each fact a confidence is given to.
CHECKED_FIELDS = {
    "parties": ("states", "organizations"),
    "date": ("date",),
    "place": ("place",),
    "count": ("agreement count",),
    "signing": (),
}
CONFIDENCE_BINS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 1.01))

Items = list[frozenset[str]]  # each item: the identifiers any of which matches it


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, other: Score) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else float(self.false_negatives == 0)

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else float(self.false_positives == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ArticleResult:
    name: str
    language: str
    scores: dict[str, Score]
    missed: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    checked: list[tuple[str, int, int]] = field(default_factory=list)  # (bucket, right, facts)
    confidence: float = 1.0  # the draft's: its weakest core fact's


def _signing_fact(annotation: Annotation, name: str) -> object | None:
    signing = next(iter(annotation.section("signings")), None)
    fact = signing.facts.get(name) if signing else None
    return fact.value if fact else None


def _labels(annotation: Annotation, key: str) -> frozenset[str]:
    entry = annotation.entries[key]
    names = [entry.facts["name"].value] if "name" in entry.facts else []
    if "label" in entry.facts:
        names += list(entry.facts["label"].value.values())
    return frozenset(slug(n) for n in names)


def _person_names(annotation: Annotation, key: str) -> frozenset[str]:
    """A person's identifiers: the name as written, and without the honorifics it opens with
    (the gold files write *Sheikh* / *Cheikh* before a name about as often as not)."""
    names = _labels(annotation, key)
    return names | {bare for name in names if (bare := _HONORIFICS.sub("", name))}


_HONORIFICS = re.compile(r"^(?:(?:sheikh|sheikha|cheikh|cheikha|shaikh|dr|mr|mrs|ms|mme|me|maitre|engr)-)+")


def _organization_names(annotation: Annotation, key: str) -> frozenset[str]:
    """An organization's identifiers: its labels, each also without its trailing « (ACRONYM) »,
    the acronym, and ``wd:QID`` from its own ``wikidata`` or the verified table's labels."""
    names = set(_labels(annotation, key))
    entry = annotation.entries[key]
    labels = list(entry.facts["label"].value.values()) if "label" in entry.facts else []
    for label in labels:
        acronym = _ACRONYM.search(label)
        if acronym:
            names |= {slug(label[: acronym.start()]), slug(acronym.group(1))}
    verified = _verified_organizations()
    qids = {verified[name] for name in names if name in verified}
    if entry.wikidata:
        qids.add(entry.wikidata)
    return frozenset(names | {f"wd:{qid}" for qid in qids})


_ACRONYM = re.compile(r"\s*\(\s*([^()]+?)\s*\)\s*$")  # a label's trailing « (ACRONYM) »


@cache
def _verified_organizations() -> dict[str, str]:
    """The verified table's organization labels (slugs, fr and en) → their QID."""
    return {
        slug(label): organization.qid
        for organization in reference_organizations()
        for label in (organization.label_en, organization.label_fr)
    }


def facts(annotation: Annotation) -> dict[str, Items]:
    """The evaluated facts of an annotation, each field a list of items to match."""
    topics: set[str] = set()
    for entry in annotation.section("signings") + annotation.section("agreements"):
        if "topics" in entry.facts:
            topics.update(entry.facts["topics"].value)
    count = _signing_fact(annotation, "announced_count")
    if count is None and annotation.section("agreements"):
        count = len(annotation.section("agreements"))
    date = _signing_fact(annotation, "date")
    place = _signing_fact(annotation, "place")
    parties = dict.fromkeys(p for e in annotation.section("agreements") for p in e.facts["parties"].value)
    entries = [annotation.entries[key] for key in parties]
    return {
        "states": [frozenset({e.facts["iso"].value}) for e in entries if e.section == "states"],
        "persons": [_person_names(annotation, e.key) for e in annotation.section("persons")],
        "organizations": [
            _organization_names(annotation, e.key) for e in entries if e.section == "organizations"
        ],
        "agreement count": [frozenset({str(count)})] if count is not None else [],
        "topics": [frozenset({t}) for t in sorted(topics)],
        "date": [frozenset({str(date)})] if date else [],
        "place": [_labels(annotation, str(place))] if place else [],
        # an article reporting no signing: one item, matched when neither side has an agreement
        "negatives": [] if annotation.section("agreements") else [frozenset({"no signing"})],
    }


def _match(gold: Items, found: Items) -> tuple[Score, list[str], list[str]]:
    unmatched = list(found)
    missed = []
    for item in gold:
        partner = next((f for f in unmatched if f & item), None)
        if partner is None:
            missed.append(min(item))
        else:
            unmatched.remove(partner)
    score = Score(len(gold) - len(missed), len(unmatched), len(missed))
    return score, missed, [min(f) for f in unmatched]


def evaluate_article(path: Path, topics: frozenset[str]) -> ArticleResult:
    """Compare the machine annotation of one article with its gold annotation."""
    gold_path = path.with_suffix(".yaml")
    if not gold_path.exists():
        raise InputError(path, f"no gold annotation beside this article (expected {gold_path.name})")
    article = read_article(path)
    gold_annotation = load_annotation(gold_path, article, topics)
    gold = facts(gold_annotation)
    error, buckets = None, {}
    try:
        extraction = extract(article)
        buckets = fact_buckets(extraction)
        found = facts(check_draft(to_yaml(draft(extraction), article), article, topics))
    except InputError as failure:
        found, error = dict.fromkeys(FIELDS, []), failure.message
    result = ArticleResult(path.name, gold_annotation.language, {}, error=error)
    result.confidence = article_confidence(buckets)
    for name in FIELDS:
        score, missed, extra = _match(gold[name], found[name])
        result.scores[name] = score
        if missed:
            result.missed[name] = missed
        if extra:
            result.extra[name] = extra
    gold_topics = {topic for item in gold["topics"] for topic in item}
    for fact, bucket in buckets.items():
        fields = CHECKED_FIELDS.get(fact, ())
        right = sum(result.scores[f].true_positives for f in fields)
        given = sum(result.scores[f].true_positives + result.scores[f].false_positives for f in fields)
        if fact == "signing":  # the article said to report no signing
            right, given = int(gold["negatives"] != []), 1
        elif fact.startswith("topic:"):  # each topic given is one fact
            right, given = int(fact.removeprefix("topic:") in gold_topics), 1
        if given:
            result.checked.append((bucket, right, given))
    return result


def evaluate(folder: Path = GOLD_DIR) -> list[ArticleResult]:
    """Every article of the gold set, compared with its gold annotation."""
    # a report beside the articles (FIRST-RUN.txt, upper-case by convention) is not an article
    articles = sorted(p for p in folder.glob("*.txt") if not p.stem.isupper())
    if not articles:
        raise InputError(folder, "no article (*.txt) in the gold set folder")
    topics = topic_slugs(ontology_graph())
    return [evaluate_article(path, topics) for path in articles]


def totals(results: list[ArticleResult], language: str | None = None) -> dict[str, Score]:
    """Scores summed over the articles (of one language, if given)."""
    summed = {name: Score() for name in FIELDS}
    for result in results:
        if language in (None, result.language):
            for name in FIELDS:
                summed[name].add(result.scores[name])
    return summed


def format_table(results: list[ArticleResult]) -> str:
    """A Markdown table: P/R/F1 per field over all articles, and F1 per language."""
    counts = {lang: sum(r.language == lang for r in results) for lang in LANGUAGES}
    overall = totals(results)
    by_language = {lang: totals(results, lang) for lang in LANGUAGES}
    lines = [
        f"{len(results)} articles ({counts['fr']} French, {counts['en']} English)",
        "",
        "| field | precision | recall | F1 | F1 fr | F1 en |",
        "|---|---|---|---|---|---|",
    ]
    for name in FIELDS:
        score = overall[name]
        lines.append(
            f"| {name} | {score.precision:.2f} | {score.recall:.2f} | {score.f1:.2f} | "
            f"{by_language['fr'][name].f1:.2f} | {by_language['en'][name].f1:.2f} |"
        )
    return "\n".join(lines)


def format_details(results: list[ArticleResult]) -> str:
    """Per article, what the machine missed and what it added."""
    lines = []
    for result in results:
        lines.append(f"{result.name} ({result.language})" + (f": {result.error}" if result.error else ""))
        for name in FIELDS:
            missed, extra = result.missed.get(name), result.extra.get(name)
            if missed or extra:
                lines.append(f"  {name}: missed {missed or []}, extra {extra or []}")
    return "\n".join(lines)


def tallies(results: list[ArticleResult]) -> dict[str, tuple[int, int]]:
    """Per confidence bucket of the rules: (facts right, facts given), over the articles."""
    summed: dict[str, tuple[int, int]] = {}
    for result in results:
        for bucket, right, given in result.checked:
            r, g = summed.get(bucket, (0, 0))
            summed[bucket] = (r + right, g + given)
    return summed


def format_calibration(results: list[ArticleResult]) -> str:
    """A Markdown table: per confidence band, how many facts and the share right."""
    bands = {band: [0, 0] for band in CONFIDENCE_BINS}
    for result in results:
        for bucket, right, given in result.checked:
            confidence = fact_confidence(bucket, result.confidence)
            band = next(b for b in CONFIDENCE_BINS if b[0] <= confidence < b[1])
            bands[band][0] += right
            bands[band][1] += given
    lines = ["| confidence | facts | right | share right |", "|---|---|---|---|"]
    for (low, high), (right, given) in bands.items():
        share = f"{right / given:.2f}" if given else "–"
        lines.append(f"| {low:.1f}–{min(high, 1.0):.1f} | {given} | {right} | {share} |")
    sure = [bands[b] for b in CONFIDENCE_BINS if b[0] >= 0.8]
    right_sure, given_sure = sum(r for r, _ in sure), sum(g for _, g in sure)
    right_all = sum(r for r, _ in bands.values())
    lines.append("")
    lines.append(
        f"facts with confidence ≥ 0.8: {right_sure / given_sure if given_sure else 0:.2f} right; "
        f"right facts carrying ≥ 0.8: {right_sure / right_all if right_all else 0:.2f}"
    )
    return "\n".join(lines)
