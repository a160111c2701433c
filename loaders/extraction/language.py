"""Tell French from English by their commonest function words; anything else is refused."""

from __future__ import annotations

import re

from accords.loaders.extraction.lexicon import STOP_WORDS

WORD = re.compile(r"[^\W\d_]+")
MIN_SHARE = 0.12  # share of the words that must be the winner's stop words
MIN_WORDS = 4


class LanguageError(ValueError):
    """The text is neither French nor English (or too short to tell)."""


def detect_language(text: str) -> str:
    """'fr' or 'en', or raise LanguageError saying why."""
    words = [w.lower() for w in WORD.findall(text)]
    if len(words) < MIN_WORDS:
        raise LanguageError(f"the text is too short to tell its language ({len(words)} words)")
    shares = {lang: sum(w in stop for w in words) / len(words) for lang, stop in STOP_WORDS.items()}
    best = max(shares, key=shares.__getitem__)
    other = min(shares, key=shares.__getitem__)
    if shares[best] < MIN_SHARE or shares[best] < 2 * shares[other]:
        raise LanguageError(
            "the article is neither in French nor in English "
            f"(French words {shares['fr']:.0%}, English words {shares['en']:.0%})"
        )
    return best
