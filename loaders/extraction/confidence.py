"""Per-fact and per-article confidence: each fact falls in a bucket named after the rule that found
it; a bucket's confidence is its share of right facts on the development set and the earlier
held-out batches (calibration.tsv).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from rdflib.namespace import SKOS

from accords.loaders.extraction.extract import SIGNER_SCORE, Extraction
from accords.loaders.extraction.lexicon import DOCUMENT_NOUNS, PLACE_PREPOSITIONS
from accords.loaders.ontology import ontology_graph

CALIBRATION = Path(__file__).resolve().parent / "data" / "calibration.tsv"
UNCALIBRATED = 0.5  # a bucket the development set never saw
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


@cache
def calibration() -> dict[str, float]:
    """Bucket → share right on the development set, smoothed: (right + 1) / (facts + 2)."""
    if not CALIBRATION.is_file():
        return {}
    with CALIBRATION.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row["bucket"]: (int(row["right"]) + 1) / (int(row["facts"]) + 2) for row in rows}


def bucket_confidence(bucket: str) -> float:
    """The bucket's calibrated confidence; a finer bucket not yet calibrated takes its parent's
    (``parties:signers-beside-organization`` → ``parties:signers``)."""
    table = calibration()
    while bucket not in table and "-" in bucket.partition(":")[2]:
        bucket = bucket.rsplit("-", 1)[0]
    return round(table.get(bucket, UNCALIBRATED), 2)


def article_confidence(buckets: dict[str, str]) -> float:
    """The weakest core fact's confidence (a draft is as sure as its least sure core fact)."""
    core = [bucket_confidence(b) for name, b in buckets.items() if name in CORE or name == "signing"]
    return min(core) if core else UNCALIBRATED


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
