"""Content negotiation: parse ``Accept``, pick the result format a query form offers."""

from __future__ import annotations

from dataclasses import dataclass

from accords.formats import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, Format

OFFERS = {
    "SELECT": SOLUTION_FORMATS,
    "ASK": SOLUTION_FORMATS,
    "CONSTRUCT": GRAPH_FORMATS,
    "DESCRIBE": GRAPH_FORMATS,
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    quality: float

    def specificity(self, media_type: str) -> int:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, -1 for no match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    ranges = []
    for item in (header or "").split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(kind, sub, quality))
    return ranges or [MediaRange("*", "*", 1.0)]


def acceptability(ranges: list[MediaRange], fmt: Format) -> tuple[float, int]:
    """How much the client wants ``fmt``: (quality, specificity of the range that said so).

    The most specific range matching the format's media type decides (as in RFC 9110);
    an alias (``application/json`` …) counts only when the client names it.
    """
    matches = [(r.specificity(fmt.media_type), r.quality) for r in ranges]
    matches += [(2, r.quality) for alias in fmt.aliases for r in ranges if r.specificity(alias) == 2]
    specificity, quality = max(matches, default=(-1, 0.0))
    return (quality, specificity) if specificity >= 0 else (0.0, -1)


def choose(offers: tuple[Format, ...], accept: str | None, format_name: str | None) -> Format | None:
    """The offered format the client prefers, or None when none is acceptable.

    A ``format`` parameter (a name such as ``csv`` or a media type) overrides Accept.
    Ties go to the more specific range, then to the server's order.
    """
    if format_name:
        wanted = format_name.strip().lower()
        for fmt in offers:
            if wanted in fmt.names or wanted in fmt.media_types:
                return fmt
        return None
    ranges = parse_accept(accept)
    scored = [(acceptability(ranges, fmt), -index, fmt) for index, fmt in enumerate(offers)]
    (quality, _), _, fmt = max(scored, key=lambda item: (item[0], item[1]))
    return fmt if quality > 0 else None


def prefers_html(accept: str | None, machine_formats: tuple[Format, ...]) -> bool:
    """Does the client want a page rather than data? Only if it names text/html itself."""
    ranges = parse_accept(accept)
    html_quality, html_specificity = acceptability(ranges, HTML)
    if html_specificity < 2 or html_quality == 0:
        return False
    best = max((acceptability(ranges, fmt) for fmt in machine_formats), default=(0.0, -1))
    return (html_quality, html_specificity) > best or (html_quality == best[0] and best[1] < 2)


def wants_json(accept: str | None, format_name: str | None) -> bool:
    """Should an error be JSON? When the client asks for a JSON result by name."""
    if format_name and "json" in format_name.lower():
        return True
    return any(
        r.quality > 0 and r.type == "application" and "json" in r.subtype for r in parse_accept(accept)
    )
