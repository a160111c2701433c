"""Lines that belong to the web page, not to the report: « Lire aussi », share buttons, captions.

They are blanked (same length, so offsets hold) before any rule reads the text.
"""

from __future__ import annotations

import re

BOILERPLATE_LINE = re.compile(
    r"^[ \t]*(?:"
    r"(?:lire|à lire|voir|read|see)\s+(?:aussi|également|also|more)\b"
    r"|(?:also\s+read|related(?:\s+(?:news|articles?|stories))?|sur\s+le\s+même\s+sujet)\s*:"
    r"|(?:partager|share|tweet|imprimer|print|abonnez-vous|subscribe|publicité|advertisement)\b"
    r"|(?:photo|crédit photo|crédits?|credit|caption|légende|image|vidéo|video)\s*(?::|\(|-|–|—|/)"
    r"|[©(]\s*(?:photo|afp|reuters|ap|getty)\b"
    r"|(?:facebook|twitter|whatsapp|linkedin|e-?mail|x)\s*(?:$|\||·|•)"
    r")[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)


def blank_boilerplate(content: str, start: int) -> str:
    """``content`` with every boilerplate line after ``start`` replaced by spaces."""
    return BOILERPLATE_LINE.sub(
        lambda m: " " * len(m.group(0)) if m.start() >= start else m.group(0), content
    )
