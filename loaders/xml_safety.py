"""Refuse XML whose DTD would make a parser expand entities without bound, or read files.

pyoxigraph's RDF/XML parser expands the general entities a document declares in its DTD,
nested ones too: a "billion laughs" file of 1 kB becomes gigabytes. It refuses external
entities (``SYSTEM``/``PUBLIC``) itself. Many real RDF/XML files declare entities for
namespaces (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``), so those stay allowed: an
entity whose value holds no reference to another entity, in a document where the
expansion cannot pass MAX_ENTITY_EXPANSION characters. Everything else is refused before
the parser sees the file: parameter entities, external entities, entities that refer to
entities, and too much expansion.
"""

from __future__ import annotations

import re
from pathlib import Path

from accords.loaders.errors import InputError

MAX_ENTITY_EXPANSION = 10_000_000  # characters that entity references may add to a document

_DECLARATION = re.compile(rb"<!ENTITY")
_ENTITY = re.compile(
    rb"<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s%\"'>]+)\s+"
    rb"(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'|(?P<external>SYSTEM|PUBLIC)\b)"
)


def check_xml_entities(path: Path, data: bytes) -> None:
    """Raise InputError when the entity declarations of ``data`` (the file ``path``) are unsafe."""
    longest = 0
    for declaration in _DECLARATION.finditer(data):
        line = data.count(b"\n", 0, declaration.start()) + 1
        match = _ENTITY.match(data, declaration.start())
        if match is None:
            raise InputError(path, "unreadable <!ENTITY declaration: refused", line)
        name = match.group("name").decode("utf-8", "replace")
        if match.group("parameter"):
            raise InputError(path, f"parameter entity %{name} refused: entities must be plain text", line)
        if match.group("external"):
            raise InputError(path, f"external entity &{name}; refused: it would read another file", line)
        value = match.group("double") if match.group("double") is not None else match.group("single")
        if b"&" in value or b"%" in value:
            message = f"entity &{name}; refers to other entities: refused (it could expand without bound)"
            raise InputError(path, message, line)
        longest = max(longest, len(value))
    if longest and data.count(b"&") * longest > MAX_ENTITY_EXPANSION:
        raise InputError(
            path, f"its entities could expand to more than {MAX_ENTITY_EXPANSION} characters: refused"
        )
