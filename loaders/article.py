"""Read a news article file: a ``date YYYY-MM[-DD]`` header, then the text."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from accords.loaders.errors import InputError

HEADER = re.compile(r"[\s\ufeff]*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?(?=\s)")
MAX_ARTICLE_BYTES = 5_000_000


@dataclass(frozen=True)
class Article:
    """An article as read from disk; offsets into ``content`` are those of the whole file."""

    path: Path
    source_id: str
    content: str
    date: str  # YYYY-MM or YYYY-MM-DD, as the header gives it
    body_start: int  # where the text starts in ``content`` (after the header)

    @property
    def body(self) -> str:
        return self.content[self.body_start :]

    @property
    def year(self) -> int:
        return int(self.date[:4])


def real_day(year: int, month: int, day: int) -> bool:
    """Whether the day exists (not 30 February)."""
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def read_article(path: Path) -> Article:
    """Read and check one article, or raise InputError naming the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the article: {error.strerror}") from error
    if len(raw) > MAX_ARTICLE_BYTES:
        raise InputError(path, f"the article is larger than {MAX_ARTICLE_BYTES} bytes")
    if b"\x00" in raw:
        raise InputError(path, "this is a binary file, not a text article")
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(path, f"not valid UTF-8 (byte {error.start})", line) from error
    if not content.strip():
        raise InputError(path, "the article is empty")
    match = HEADER.match(content)
    if match is None:
        raise InputError(path, "the article must start with a 'date YYYY-MM' header", 1)
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12 or (day is not None and not real_day(int(year), int(month), int(day))):
        raise InputError(path, f"impossible date in the header: {match.group(0).strip()}", 1)
    body_start = match.end()
    while body_start < len(content) and content[body_start].isspace():
        body_start += 1
    if body_start == len(content):
        raise InputError(path, "the article has a date header but no text", 1)
    date = f"{year}-{month}" + (f"-{day}" if day else "")
    return Article(path, path.stem, content, date, body_start)
