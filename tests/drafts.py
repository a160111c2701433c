"""Drafts of short articles written in a test, and the facts a test reads in them."""

from __future__ import annotations

from pathlib import Path

from accords.loaders.annotation import Annotation
from accords.loaders.article import read_article
from accords.loaders.extraction.draft import machine_annotation


def draft_of(tmp_path: Path, text: str, topics: frozenset[str]) -> Annotation:
    """The extractor's draft of ``text`` (``date YYYY-MM-DD`` first), written as an article file."""
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    return machine_annotation(read_article(article), topics)


def values(annotation: Annotation, section: str, name: str) -> list:
    return [e.facts[name].value for e in annotation.section(section) if name in e.facts]


def parties(annotation: Annotation) -> list[list[str]]:
    return [sorted(p) for p in values(annotation, "agreements", "parties")]


def given_topics(annotation: Annotation) -> set[str]:
    """Every topic of the draft's signings and agreements."""
    return {
        t
        for e in annotation.section("signings") + annotation.section("agreements")
        for t in (e.facts["topics"].value if "topics" in e.facts else [])
    }
