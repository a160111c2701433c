"""Per-fact and per-article confidence: each fact falls in a bucket named after the rule that found
it; a bucket's confidence is its share of right facts on the development set (calibration.tsv),
updated by what the rules did on held-out batches they had not seen (first-runs.tsv).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path
from typing import TypeVar

from rdflib.namespace import SKOS

from accords.loaders.extraction.extract import SIGNER_SCORE, Extraction
from accords.loaders.extraction.lexicon import DOCUMENT_NOUNS, PLACE_PREPOSITIONS
from accords.loaders.ontology import ontology_graph

CALIBRATION = Path(__file__).resolve().parent / "data" / "calibration.tsv"
FIRST_RUNS = Path(__file__).resolve().parent / "data" / "first-runs.tsv"
UNCALIBRATED = 0.5  # a bucket the development set never saw
# the in-sample share weighs as this many first-run facts: scoring batches 9, 10 and 11 each with
# the first runs before it, weights 2 to 10 had the least Brier error (within 1 %), 20 and more had more
PRIOR_WEIGHT = 10
# in a draft whose weakest core fact is below WEAK_ARTICLE, the facts were right 0.86 times as often
# as their buckets' confidence on first runs 7-11 (0.78-0.93 per batch; 0.96-1.19 in the other drafts)
WEAK_ARTICLE = 0.7
WEAK_ARTICLE_FACTOR = 0.85
T = TypeVar("T")
REVIEW_BELOW = 0.8  # drafts whose article confidence is lower are marked for review
CORE = ("parties", "date", "place", "count")
FALLBACK_TOPIC = "political-relations"  # the topic of an agreement whose text names no domain
HEAD_REACH = 200  # characters after an agreement's head where its own topic is read


def fact_buckets(extraction: Extraction) -> dict[str, str]:
    """The bucket of each core fact of the article (parties, date, place, count, topics, no signing)."""
    signing = extraction.signing
    if signing is None:
        return {"signing": "no-signing:" + ("named-states" if extraction.states else "no-state")}
    buckets = {}
    scores = extraction.party_scores()
    parties = extraction.parties()
    organizations = any(
        o.qid for o in extraction.organizations if any(o.key in a.organizations for a in signing.agreements)
    )
    strong = all(scores[p] >= SIGNER_SCORE for p in parties)
    kind = "organization" if organizations else "signers" if strong else "weak"
    if kind == "signers" and signing.named_organizations:
        kind = "signers-beside-organization"  # an organization named in the signing may be the other party
    buckets["parties"] = "parties:" + kind
    signing_spans = [extraction.analysis.sentences[i] for i in signing.sentences]
    date = signing.date
    if date is None:
        buckets["date"] = "date:none"
    elif date.day is not None:
        buckets["date"] = "date:day"
    elif date.offset is not None or (
        date.weekday and len(signing.reference or extraction.article.date) == 10
    ):
        buckets["date"] = "date:relative"
    else:
        buckets["date"] = "date:month"
    if date is not None and signing.date_sentence not in signing_spans:
        buckets["date"] += "-elsewhere"  # not in a sentence that tells of the signing
    place = signing.place
    if place is None:
        buckets["place"] = "place:none"
    elif place.form in ("dateline", "report"):
        buckets["place"] = "place:" + place.form
    elif place.form == "residence":  # a palace without its city: a last resort like the town named most
        buckets["place"] = "place:report-residence"
    elif place.derived:
        buckets["place"] = "place:phrase"
    else:
        text = extraction.article.content
        before = text[max(0, place.begin - 6) : place.begin].split()
        introduced = bool(before) and before[-1].lower() in PLACE_PREPOSITIONS | {"the"}
        buckets["place"] = "place:" + ("introduced" if introduced else "other")
    count = signing.count
    if count is None:
        # counted from described instruments: one is the whole signing more often than a list of
        # several is (« among them: »)
        several = "several" if len(signing.agreements) > 1 else "one"
        described = all(a.described for a in signing.agreements)
        buckets["count"] = f"count:described-{several}" if described else "count:none"
        if several == "one" and _plural_documents(extraction, signing_spans):
            buckets["count"] += "-plural"  # « les accords signés »: more than the one described
    else:
        stated = any(b <= count.span[0] < e for b, e in signing_spans)
        buckets["count"] = "count:" + ("signing-sentence" if stated else "elsewhere")
    buckets.update(topic_buckets(extraction))
    return buckets


def _plural_documents(extraction: Extraction, spans: list[tuple[int, int]]) -> bool:
    """Whether the signing sentences name documents in the plural (« les accords », "the texts")."""
    nouns = DOCUMENT_NOUNS[extraction.language]
    text = extraction.article.content
    return any(
        w.lower() in nouns and w.lower().endswith("s") and w.lower().removesuffix("s") in nouns
        for b, e in spans
        for w in re.findall(r"\w+", text[b:e])
    )


def topic_buckets(extraction: Extraction) -> dict[str, str]:
    """``topic:SLUG`` → the bucket of each topic the draft gives: read in the sentence that
    introduces a described agreement, after its head (« un accord sur la pêche »), elsewhere in the
    text about the agreements, given by a development bank party, or because the text names no domain."""
    signing = extraction.signing
    buckets: dict[str, str] = {}
    if signing is None:
        return buckets
    sentence_at = extraction.analysis.sentence_at
    for agreement in signing.agreements:
        head = agreement.span[0]
        for mention in agreement.topics:
            at_head = (
                agreement.described
                and head <= mention.begin < head + HEAD_REACH
                and sentence_at(mention.begin) == sentence_at(head)
            )
            key = f"topic:{mention.key}"
            if mention.form == "party":  # given by a development bank party, not read in the text
                buckets.setdefault(key, "topics:party")
            elif at_head or buckets.get(key, "topics:party") == "topics:party":
                # a broad domain at the head (« un accord économique ») is less sure than a narrow one
                broad = mention.key in broad_topics()
                narrow = "" if at_head else "-narrow"
                where = ("head" if at_head else "text") + ("-broad" if broad else narrow)
                buckets[key] = "topics:" + where
        if not agreement.topics:
            buckets.setdefault(f"topic:{FALLBACK_TOPIC}", "topics:none-named")
    for mention in signing.topics:
        where = "text-broad" if mention.key in broad_topics() else "text-narrow"
        buckets.setdefault(f"topic:{mention.key}", "topics:" + where)
    return buckets


@cache
def broad_topics() -> frozenset[str]:
    """The top concepts of the topic scheme (« economy », « security »): broad domains."""
    graph = ontology_graph()
    return frozenset(str(c).rsplit("/", 1)[-1] for c in graph.subjects(SKOS.topConceptOf, None))


def _rows(path: Path) -> list[dict[str, str]]:
    """The rows of a tab-separated data file, its ``#`` comment lines left out."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


@cache
def calibration() -> dict[str, float]:
    """Bucket → share right on the development set, smoothed: (right + 1) / (facts + 2)."""
    return {row["bucket"]: (int(row["right"]) + 1) / (int(row["facts"]) + 2) for row in _rows(CALIBRATION)}


@cache
def first_runs() -> dict[str, tuple[int, int]]:
    """Bucket → (right, facts) summed over the first runs: each held-out batch scored once on the
    rules frozen for it, before any rule was changed for it."""
    summed: dict[str, tuple[int, int]] = {}
    for row in _rows(FIRST_RUNS):
        right, facts = summed.get(row["bucket"], (0, 0))
        summed[row["bucket"]] = (right + int(row["right"]), facts + int(row["facts"]))
    return summed


def _nearest(table: dict[str, T], bucket: str) -> T | None:
    """The bucket's entry, or its nearest parent's (``parties:signers-beside-organization`` →
    ``parties:signers``); None if neither is in the table."""
    while bucket not in table and "-" in bucket.partition(":")[2]:
        bucket = bucket.rsplit("-", 1)[0]
    return table.get(bucket)


def combined(share: float, right: int, facts: int) -> float:
    """The in-sample share as a prior weighing PRIOR_WEIGHT facts, updated by first-run tallies."""
    return (PRIOR_WEIGHT * share + right) / (PRIOR_WEIGHT + facts)


def bucket_confidence(bucket: str) -> float:
    """The bucket's calibrated confidence: its in-sample share updated by its first-run tallies; a
    finer bucket not yet calibrated takes its parent's share or tallies."""
    share = _nearest(calibration(), bucket)
    right, facts = _nearest(first_runs(), bucket) or (0, 0)
    return round(combined(UNCALIBRATED if share is None else share, right, facts), 2)


def article_confidence(buckets: dict[str, str]) -> float:
    """The weakest core fact's confidence (a draft is as sure as its least sure core fact)."""
    core = [bucket_confidence(b) for name, b in buckets.items() if name in CORE or name == "signing"]
    return min(core) if core else UNCALIBRATED


def fact_confidence(bucket: str, article: float) -> float:
    """A fact's confidence: its bucket's, lowered in a draft whose weakest core fact is weak (``article``)
    — facts of one draft go wrong together (a signing misread, the wrong meeting)."""
    confidence = bucket_confidence(bucket)
    return round(confidence * WEAK_ARTICLE_FACTOR, 2) if article < WEAK_ARTICLE else confidence


def fact_confidences(buckets: dict[str, str]) -> dict[str, float]:
    """Fact → its confidence in the draft whose facts fall in these buckets."""
    article = article_confidence(buckets)
    return {name: fact_confidence(bucket, article) for name, bucket in buckets.items()}


def write_calibration(tallies: dict[str, tuple[int, int]]) -> None:
    """Write bucket → (right, facts), as measured on the development set and earlier batches."""
    lines = [
        "# Calibration of the extractor's confidence: per rule bucket, the facts it gave on the",
        "# development set (loaders/extraction/gold and the held-out batches already scored, now",
        "# development material) and how many were right. Written by `accords eval-extract",
        "# --calibrate FOLDER…`; never from the batch about to be scored.",
        "bucket\tright\tfacts",
    ]
    lines += [f"{bucket}\t{right}\t{facts}" for bucket, (right, facts) in sorted(tallies.items())]
    CALIBRATION.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calibration.cache_clear()


def record_first_run(batch: str, commit: str, tallies: dict[str, tuple[int, int]]) -> None:
    """Write a batch's first-run tallies to first-runs.tsv, replacing that batch's earlier rows."""
    rows = [row for row in _rows(FIRST_RUNS) if row["batch"] != batch]
    rows += [
        {"batch": batch, "commit": commit, "bucket": b, "right": str(r), "facts": str(f)}
        for b, (r, f) in sorted(tallies.items())
    ]
    lines = [
        "# First runs of the extractor: per held-out batch, the rules frozen for it (commit) and, per",
        "# rule bucket, the facts they gave on that batch and how many were right. Recorded once, when",
        "# the batch is scored, by `accords eval-extract --first-run heldout/batch-N`; confidence.py",
        "# updates each bucket's in-sample share (calibration.tsv) with these tallies.",
        "batch\tcommit\tbucket\tright\tfacts",
    ]
    lines += ["\t".join(row[k] for k in ("batch", "commit", "bucket", "right", "facts")) for row in rows]
    FIRST_RUNS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first_runs.cache_clear()
