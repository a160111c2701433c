"""Readable, stable IRIs for resources: the same input always gives the same IRI."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from accords.loaders.namespaces import ID


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-': 'Assimi Goïta' → 'assimi-goita'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def shared(kind: str, name: str) -> URIRef:
    """A resource shared by all sources (a state, a person, a place…)."""
    return ID[f"{kind}/{slug(name)}"]


def scoped(kind: str, source_id: str, *keys: str) -> URIRef:
    """A resource that belongs to one source (an agreement, a signing, a quote…)."""
    return ID["/".join((kind, source_id, *keys))]


def statement(source_id: str, triple_key: str) -> URIRef:
    digest = hashlib.sha1(triple_key.encode("utf-8")).hexdigest()[:16]
    return ID[f"statement/{source_id}/{digest}"]
