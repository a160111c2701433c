"""Content negotiation: pick the result format a query form offers from ``Accept`` (parsed by Werkzeug)."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from accords.formats import GRAPH_FORMATS, HTML, SOLUTION_FORMATS, Format

OFFERS = {
    "SELECT": SOLUTION_FORMATS,
    "ASK": SOLUTION_FORMATS,
    "CONSTRUCT": GRAPH_FORMATS,
    "DESCRIBE": GRAPH_FORMATS,
}


def ranges(accept: MIMEAccept) -> MIMEAccept:
    """The client's media ranges, lower-cased and without parameters; none (or none valid)
    accepts anything. Werkzeug has parsed them (``request.accept_mimetypes``)."""
    kept = [(value.partition(";")[0].strip().lower(), quality) for value, quality in accept]
    valid = [(value, quality) for value, quality in kept if all(value.partition("/")[::2])]
    return MIMEAccept(valid or [("*/*", 1)])


def _specificity(media_range: str) -> int:
    """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
    return 0 if media_range == "*/*" else 1 if media_range.endswith("/*") else 2


def acceptability(accept: MIMEAccept, fmt: Format) -> tuple[float, int]:
    """How much the client wants ``fmt``: (quality, specificity of the range that said so).

    The most specific range matching the format's media type decides (as in RFC 9110; Werkzeug
    sorts the ranges so that it comes first); an alias (``application/json`` …) counts only
    when the client names it.
    """
    matches = []
    index = accept.find(fmt.media_type)
    if index >= 0:
        media_range, quality = accept[index]
        matches.append((_specificity(media_range), quality))
    matches += [(2, quality) for media_range, quality in accept if media_range in fmt.aliases]
    specificity, quality = max(matches, default=(-1, 0.0))
    return (quality, specificity) if specificity >= 0 else (0.0, -1)


def choose(offers: tuple[Format, ...], accept: MIMEAccept, format_name: str | None) -> Format | None:
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
    accepted = ranges(accept)
    scored = [(acceptability(accepted, fmt), -index, fmt) for index, fmt in enumerate(offers)]
    (quality, _), _, fmt = max(scored, key=lambda item: (item[0], item[1]))
    return fmt if quality > 0 else None


def prefers_html(accept: MIMEAccept, machine_formats: tuple[Format, ...]) -> bool:
    """Does the client want a page rather than data? Only if it names text/html itself."""
    accepted = ranges(accept)
    html_quality, html_specificity = acceptability(accepted, HTML)
    if html_specificity < 2 or html_quality == 0:
        return False
    best = max((acceptability(accepted, fmt) for fmt in machine_formats), default=(0.0, -1))
    return (html_quality, html_specificity) > best or (html_quality == best[0] and best[1] < 2)


def wants_json(accept: MIMEAccept, format_name: str | None) -> bool:
    """Should an error be JSON? When the client asks for a JSON result by name."""
    if format_name and "json" in format_name.lower():
        return True
    return any(
        quality > 0 and media_range.startswith("application/") and "json" in media_range.partition("/")[2]
        for media_range, quality in ranges(accept)
    )
