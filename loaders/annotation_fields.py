"""The sections and fields of an annotation, one row each: what checking and mapping share.

A field's kind is what ``loaders.annotation`` checks (``text``: a {lang: string} map,
``ref:…``/``refs:…``: keys of entries of those sections); its property and datatype are what
``loaders.mapping`` states (fields with no property are mapped by hand: names, labels, codes,
provisions).
"""

from __future__ import annotations

from dataclasses import dataclass

from accords.loaders.vocabulary import ACC, SCHEMA

TEXT = "text"  # a {lang: string} map
XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph stores every xsd:integer subtype as xsd:integer, so the graph says xsd:integer.
INTEGER = XSD + "integer"


@dataclass(frozen=True)
class Field:
    """A field: its kind, whether an entry must have it, the property and datatype it maps to."""

    kind: str
    required: bool = False
    property: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Section:
    """A section of entries: the class of its entries and its fields, in order."""

    cls: str
    fields: dict[str, Field]


def _(kind: str, name: str | None = None, *, required: bool = False, datatype: str | None = None) -> Field:
    """A field mapped to ``acc:name`` (``name`` a full IRI if it holds a ':')."""
    iri = None if name is None else name if ":" in name else ACC + name
    return Field(kind, required, iri, datatype)


SECTIONS: dict[str, Section] = {
    "states": Section(ACC + "State", {"iso": _("iso", required=True), "label": _(TEXT)}),
    "organizations": Section(
        ACC + "Organization",
        {
            "label": _(TEXT, required=True),
            "description": _(TEXT, SCHEMA + "description"),
            "country": _("ref:states", "country"),
        },
    ),
    "persons": Section(
        ACC + "Person",
        {
            "name": _("string", required=True),
            "label": _(TEXT),
            "role": _(TEXT, "role"),
            "rank": _(TEXT, "rank"),
            "represents": _("ref:states,organizations", "represents"),
        },
    ),
    "places": Section(
        ACC + "Place", {"label": _(TEXT, required=True), "country": _("ref:states", "country")}
    ),
    "visits": Section(
        ACC + "Visit",
        {
            "kind": _("string"),
            "visitor": _("ref:persons", "visitor", required=True),
            "destination": _("ref:states", "destination"),
            "date": _("date", "date"),
        },
    ),
    "signings": Section(
        ACC + "SigningReport",
        {
            "during": _("ref:visits", "duringVisit"),
            "date": _("date", "date", required=True),
            "weekday": _("weekday", "weekday"),
            "place": _("ref:places", "place"),
            "announced_count": _("count", "announcedCount", datatype=INTEGER),
            "topics": _("topics", "topic"),
        },
    ),
    "agreements": Section(
        ACC + "AgreementReport",
        {
            "ordinal": _("count", "ordinal", datatype=INTEGER),
            "label": _(TEXT),
            "parties": _("refs:states,organizations", "party", required=True),
            "signing": _("ref:signings", "signing", required=True),
            "signatories": _("refs:persons", "signatory"),
            "topics": _("topics", "topic", required=True),
            "establishes": _("refs:institutions", "establishes"),
            "objectives": _("provisions"),
            "commitments": _("provisions"),
            "principles": _("provisions"),
        },
    ),
    "institutions": Section(
        ACC + "Institution", {"label": _(TEXT, required=True), "fields": _("topics", "field")}
    ),
    "diplomatic_relations": Section(
        ACC + "DiplomaticRelation",
        {
            "between": _("refs:states", "between", required=True),
            "established_in": _("year", "establishedIn", datatype=XSD + "gYear"),
        },
    ),
    "claims": Section(
        ACC + "Claim",
        {
            "claimant": _("ref:persons", "claimant", required=True),
            "label": _(TEXT, required=True),
            "about": _("refs:*", "about"),
            "count_greater_than": _("count", "countGreaterThan", datatype=INTEGER),
        },
    ),
}
