"""Dates as articles write them, resolved against the article's own date at the precision given."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "en": "January February March April May June July August September October November December",
}
WEEKDAYS = {
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
}
ENGLISH_WEEKDAYS = WEEKDAYS["en"].split()
UNACCENTED = {"février": "fevrier", "août": "aout", "décembre": "decembre"}
# the abbreviations news style writes before a day ("Aug. 23", "Sept 8", « 3 janv. 2020 »); French
# ones only with their full stop, so that no word is read as a month
ABBREVIATIONS = {
    "en": r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?",
    "fr": r"(?:janv|févr|fevr|déc|dec|sept|oct|nov)\.",
}


def _alternation(words: list[str]) -> str:
    forms = words + [UNACCENTED[w] for w in words if w in UNACCENTED]
    return "|".join(sorted(forms, key=len, reverse=True))


def _month_number(language: str, word: str) -> int:
    word = word.lower().rstrip(".")
    for index, month in enumerate(MONTHS[language].split(), 1):
        names = (month.lower(), UNACCENTED.get(month, month))
        if word in names or any(len(word) >= 3 and name.startswith(word) for name in names):
            return index
    raise KeyError(word)


def _patterns(language: str) -> list[re.Pattern]:
    month = f"{_alternation(MONTHS[language].split())}|{ABBREVIATIONS[language]}"
    weekday = _alternation(WEEKDAYS[language].split())
    if language == "fr":
        forms = [
            rf"(?:(?P<weekday>{weekday})\s+)?(?P<day>1er|\d{{1,2}})\s+(?P<month>{month})(?:\s+(?P<year>\d{{4}}))?",
            rf"(?P<month>{month})\s+(?P<year>\d{{4}})",
            rf"(?P<weekday>{weekday})",
        ]
    else:
        forms = [
            rf"(?:(?P<weekday>{weekday}),?\s+)?(?P<month>{month})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?:,?\s+(?P<year>\d{{4}}))?",
            rf"(?:(?P<weekday>{weekday}),?\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<month>{month})(?:,?\s+(?P<year>\d{{4}}))?",
            rf"(?P<month>{month})\s+(?P<year>\d{{4}})",
            rf"(?P<weekday>{weekday})",
        ]
    flags = re.IGNORECASE if language == "fr" else 0  # English capitalizes: "may" is no month
    return [re.compile(rf"(?<!\w){form}(?!\w)", flags) for form in forms]


@dataclass(frozen=True)
class DateMention:
    """A date in the text: whichever of weekday, day, month and year it gives."""

    begin: int
    end: int
    text: str
    weekday: str | None  # English name, as the annotation format wants it
    day: int | None
    month: int | None
    year: int | None
    offset: int | None = None  # « hier » -1, "today" 0: days from the article's date


RELATIVE = {
    "fr": {"avant-hier": -2, "hier": -1, "aujourd'hui": 0},
    "en": {"the day before yesterday": -2, "yesterday": -1, "today": 0},
}


def find_dates(text: str, language: str) -> list[DateMention]:
    """Every date mention in ``text``, longest forms first, without overlaps, in text order."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    weekdays = WEEKDAYS[language].split()
    for pattern in _patterns(language):
        for match in pattern.finditer(text):
            if any(b < match.end() and match.start() < e for b, e in taken):
                continue
            groups = match.groupdict()
            weekday = groups.get("weekday")
            day = groups.get("day")
            month = groups.get("month")
            year = groups.get("year")
            found.append(
                DateMention(
                    match.start(),
                    match.end(),
                    match.group(0),
                    ENGLISH_WEEKDAYS[[w.lower() for w in weekdays].index(weekday.lower())]
                    if weekday
                    else None,
                    (1 if day == "1er" else int(day)) if day else None,
                    _month_number(language, month) if month else None,
                    int(year) if year else None,
                )
            )
            taken.append((match.start(), match.end()))
    words = "|".join(re.escape(w) for w in sorted(RELATIVE[language], key=len, reverse=True))
    for match in re.finditer(rf"(?<![\w-])(?:{words})(?![\w-])", text.replace("’", "'"), re.IGNORECASE):
        if not any(b < match.end() and match.start() < e for b, e in taken):
            offset = RELATIVE[language][match.group(0).lower()]
            found.append(
                DateMention(match.start(), match.end(), match.group(0), None, None, None, None, offset)
            )
    return sorted(found, key=lambda d: d.begin)


def year_of(month: int, article_year: int, article_month: int) -> int:
    """The year of a month given without one: the article's, but a month well after the article's
    is last year's (« le 28 décembre » in a January article)."""
    return article_year - 1 if month > article_month + 1 else article_year


def resolve(mention: DateMention | None, article_date: str) -> tuple[str, str | None]:
    """The date value (YYYY, YYYY-MM or YYYY-MM-DD) and, unless the text says it all, how it was got."""
    article_year, article_month = int(article_date[:4]), int(article_date[5:7])
    if mention is None:
        month = article_date[:7]
        return month, f"The article gives no date for the signing; this is the article's month, {month}."
    if mention.offset is not None and len(article_date) == 10:
        day = datetime.date.fromisoformat(article_date) + datetime.timedelta(days=mention.offset)
        return day.isoformat(), f"« {mention.text} » counted from the article's date, {article_date}."
    if mention.month is None and mention.weekday and len(article_date) == 10:
        # "on Friday" in a report dated Monday 14: the last Friday up to the report, the 11th
        published = datetime.date.fromisoformat(article_date)
        back = (published.weekday() - ENGLISH_WEEKDAYS.index(mention.weekday)) % 7
        day = published - datetime.timedelta(days=back)
        return day.isoformat(), (
            f"« {mention.text} » is the last {mention.weekday} up to the article's date, {article_date}."
        )
    if mention.month is None:
        month = article_date[:7]
        return month, (
            f"The article says only « {mention.text} »; the month is the article's date, {month}. "
            "The day is not given."
        )
    year = mention.year
    derived = None
    if year is None:
        year = year_of(mention.month, article_year, article_month)
        derived = f"« {mention.text} » with the article's year, {year}."
    if mention.day is None:
        return f"{year:04d}-{mention.month:02d}", derived
    return f"{year:04d}-{mention.month:02d}-{mention.day:02d}", derived
