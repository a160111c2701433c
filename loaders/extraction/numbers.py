"""Numbers written in digits (« 51 », « 10 000 ») or in words (« trois », « vingt-deux », "five")."""

from __future__ import annotations

import re

from text_to_num import text2num

from accords.loaders.extraction.lexicon import NUMBER_CONNECTORS, NUMBER_WORDS

DIGITS = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+$|^\d+$")


def is_number_word(word: str, language: str) -> bool:
    """A number word, or a hyphenated compound of number words (« vingt-deux »)."""
    parts = word.lower().split("-")
    return all(part in NUMBER_WORDS[language] or part == NUMBER_CONNECTORS[language] for part in parts)


def parse_number(text: str, language: str) -> int | None:
    """The value of digits or number words, or None if ``text`` is not a number."""
    text = text.strip()
    if DIGITS.match(text):
        return int(re.sub(r"\D", "", text))
    words = text.lower().split()
    if not words or not all(is_number_word(w, language) for w in words):
        return None
    try:
        return text2num(text.lower(), language)
    except ValueError:
        return None
