"""Time the extractor on N articles, the gold texts repeated: ``python -m accords.bench.extract_bench N``.

Each article is read, extracted and drafted in this one process (as ``accords build`` does per
worker); the first pass, which loads spaCy and the gazetteers, is timed apart.
"""

from __future__ import annotations

import sys
import time

from accords.loaders.article import read_article
from accords.loaders.extraction.draft import draft_text
from accords.loaders.extraction.evaluate import GOLD_DIR


def main(count: int) -> None:
    articles = [read_article(path) for path in sorted(GOLD_DIR.glob("*.txt"))]
    started = time.monotonic()
    draft_text(articles[0])
    warm = time.monotonic() - started
    started = time.monotonic()
    for i in range(count):
        draft_text(articles[i % len(articles)])
    seconds = time.monotonic() - started
    print(
        f"{count} articles ({len(articles)} distinct texts) extracted and drafted in {seconds:.1f} s "
        f"({1000 * seconds / count:.0f} ms each; loading spaCy and the gazetteers first: {warm:.1f} s)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
