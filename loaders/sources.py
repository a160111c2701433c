"""Find the articles to build from, and read each with its annotation into triples."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accords.loaders.annotation import Annotation, load_annotation
from accords.loaders.article import Article, read_article
from accords.loaders.errors import InputError
from accords.loaders.mapping import Triple, annotation_triples

ARTICLE_SUFFIX = ".txt"
ANNOTATION_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFiles:
    article: Path
    annotation: Path | None


def discover(paths: list[Path]) -> list[SourceFiles]:
    """Article files named directly or found (``*.txt``) in the given folders, sorted."""
    articles: list[Path] = []
    for path in paths:
        if path.is_dir():
            articles.extend(sorted(path.rglob("*" + ARTICLE_SUFFIX)))
        elif path.is_file():
            articles.append(path)
        else:
            raise InputError(path, "no such file or folder")
    seen: dict[str, Path] = {}
    found = []
    for article in articles:
        if article.stem in seen and seen[article.stem] != article:
            raise InputError(article, f"two articles share the id {article.stem!r}: {seen[article.stem]}")
        seen[article.stem] = article
        annotation = next((p for s in ANNOTATION_SUFFIXES if (p := article.with_suffix(s)).exists()), None)
        found.append(SourceFiles(article, annotation))
    return found


def read_annotation(files: SourceFiles, article: Article, topics: frozenset[str]) -> Annotation:
    """The article's annotation, checked; InputError on any problem.

    An article without one is extracted on the fly: its facts are marked machine-extracted
    (``method: machine`` and a confidence) in its source graph.
    """
    if files.annotation is not None:
        return load_annotation(files.annotation, article, topics)
    from accords.loaders.extraction.draft import machine_annotation  # loads spaCy: only when needed

    try:
        return machine_annotation(article, topics)
    except InputError as error:
        expected = files.article.with_suffix(".yaml").name
        message = f"{error.message} (and there is no annotation {expected} beside it to build from)"
        raise InputError(error.path, message, error.line) from None


def read_source(files: SourceFiles, topics: frozenset[str]) -> tuple[Article, set[Triple]]:
    """The article and its asserted triples (what the build reads); InputError on any problem."""
    article = read_article(files.article)
    return article, annotation_triples(article, read_annotation(files, article, topics))
