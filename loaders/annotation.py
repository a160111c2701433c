"""Read and check a curated annotation (YAML) of one article.

Every entry holds facts; every fact is backed by quotes (verbatim text with offsets
into the article). A field may be written plainly (``topics: [trade]``: backed by the
entry's ``quotes``) or as ``{value: …, quotes: […], derived: "how"}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from accords.loaders.annotation_fields import SECTIONS, TEXT
from accords.loaders.article import Article
from accords.loaders.errors import InputError
from accords.loaders.reference import confirmed_qids, states_by_iso2

SCHEMA: dict[str, dict[str, str]] = {
    name: {field: row.kind for field, row in section.fields.items()} for name, section in SECTIONS.items()
}
REQUIRED: dict[str, tuple[str, ...]] = {
    name: tuple(field for field, row in section.fields.items() if row.required)
    for name, section in SECTIONS.items()
}
COMMON_FIELDS = {"quotes", "wikidata", "wikidata_accepted"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
QID = re.compile(r"^Q[1-9]\d*$")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_YAML_DEPTH = 10_000


@dataclass(frozen=True)
class Quote:
    key: str
    text: str
    begin: int
    end: int


@dataclass(frozen=True)
class Fact:
    """One field's value with the quotes backing it and, if computed, how."""

    value: Any
    quotes: tuple[str, ...]
    derived: str | None = None
    confidence: float | None = None  # machine drafts: the calibrated share of such facts that are right


@dataclass
class Entry:
    section: str
    key: str
    facts: dict[str, Fact]
    quotes: tuple[str, ...]
    wikidata: str | None = None


@dataclass
class Provision:
    """An objective, commitment or principle of an agreement."""

    kind: str
    key: str
    label: dict[str, str]
    quotes: tuple[str, ...]


@dataclass
class Annotation:
    path: Path
    language: str
    method: str
    confidence: float | None
    quotes: dict[str, Quote]
    entries: dict[str, Entry]
    provisions: dict[str, list[Provision]] = field(default_factory=dict)

    def section(self, name: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.section == name]


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping and key."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = _Lines()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict | set):
            raise InputError(loader.name, "a key must be a plain value", key_node.start_mark.line + 1)
        if key in mapping:
            raise InputError(loader.name, f"duplicate key {key!r}", key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


class _Lines(dict):
    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

if hasattr(yaml, "CSafeLoader"):

    class _FastLineLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser, several times faster; marks keep their lines."""

    _FastLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _LOADERS: tuple[type, ...] = (_FastLineLoader, _LineLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_LineLoader,)


def _parse(text: str, path: Path) -> Any:
    """The YAML document of ``text``; a syntax error is reported by the pure-Python loader.

    libyaml words its errors differently, so on any YAML error the text is parsed again by
    ``_LineLoader`` and that error is the one reported.
    """
    _check_depth(text, path)
    for loader_class in _LOADERS:
        try:
            loader = loader_class(text)
        except yaml.reader.ReaderError as error:  # a control character: the pure-Python reader says so
            at = text.count("\n", 0, error.position) + 1
            raise InputError(path, f"YAML: unacceptable character #x{error.character:04x}", at) from None
        loader.name = str(path)
        try:
            return loader.get_single_data()
        except yaml.YAMLError as error:
            if loader_class is not _LineLoader:
                continue
            if isinstance(error, yaml.MarkedYAMLError):
                mark = error.problem_mark or error.context_mark
                line = mark.line + 1 if mark else None
                raise InputError(path, f"YAML syntax: {error.problem or error.context}", line) from None
            raise InputError(path, f"YAML: {error}") from None
        except RecursionError:
            raise InputError(path, "YAML nested too deeply") from None
        except (ValueError, OverflowError) as error:  # e.g. an integer of more than 4300 digits
            raise InputError(path, f"YAML: a value cannot be read ({str(error)[:80]})") from None
        finally:
            loader.dispose()
    raise AssertionError("unreachable")


def _check_depth(text: str, path: Path) -> None:
    """Refuse YAML nested deeper than MAX_YAML_DEPTH: libyaml's composer would overflow the stack.

    Block nesting is at most the longest line, flow nesting at most the number of ``[`` and
    ``{``: only a text where these could pass the limit is read event by event.
    """
    bound = text.count("[") + text.count("{") + max(map(len, text.splitlines()), default=0)
    if bound <= MAX_YAML_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADERS[0]):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise InputError(path, f"YAML nested deeper than {MAX_YAML_DEPTH} levels", line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # reported by _parse


class _Checker:
    """Checks one annotation against its article, raising InputError at the first problem."""

    def __init__(self, path: Path, article: Article, topics: frozenset[str]) -> None:
        self.path = path
        self.article = article
        self.topics = topics

    def fail(self, message: str, line: int | None) -> InputError:
        return InputError(self.path, message, line)

    def mapping(self, value: Any, what: str, line: int) -> _Lines:
        if not isinstance(value, _Lines):
            raise self.fail(f"{what} must be a mapping", line)
        return value

    def quote_keys(self, value: Any, quotes: dict[str, Quote], line: int) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("'quotes' must be a non-empty list of quote keys", line)
        for key in value:
            if not isinstance(key, str) or key not in quotes:
                raise self.fail(f"unknown quote {key!r}", line)
        return tuple(value)

    def read_quotes(self, data: _Lines) -> dict[str, Quote]:
        section = self.mapping(data.get("quotes"), "'quotes'", data.lines.get("quotes", 1))
        quotes = {}
        text = self.article.content
        for key, spec in section.items():
            line = section.lines[key]
            spec = self.mapping(spec, f"quote {key!r}", line)
            missing = {"text", "begin", "end"} - spec.keys()
            if missing:
                raise self.fail(f"quote {key!r} lacks {', '.join(sorted(missing))}", line)
            begin, end, quoted = spec["begin"], spec["end"], spec["text"]
            if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin < end):
                raise self.fail(f"quote {key!r}: begin and end must be offsets, begin < end", line)
            if text[begin:end] != quoted:
                found = text.find(quoted) if isinstance(quoted, str) else -1
                hint = f" (the text is at {found}..{found + len(quoted)})" if found >= 0 else ""
                raise self.fail(f"quote {key!r} is not the article's text at {begin}..{end}{hint}", line)
            quotes[key] = Quote(key, quoted, begin, end)
        return quotes

    def check_value(self, kind: str, value: Any, line: int) -> Any:
        """Check a plain value against its kind in SCHEMA; references are checked later."""
        if kind == TEXT:
            if not isinstance(value, dict) or not value:
                raise self.fail("expected a map of language → text, e.g. {fr: …, en: …}", line)
            for lang, text in value.items():
                if not (isinstance(lang, str) and re.fullmatch(r"[a-z]{2,3}", lang)):
                    raise self.fail(f"{lang!r} is not a language code", line)
                if not isinstance(text, str | int) or not str(text).strip():
                    raise self.fail(f"empty text for language {lang!r}", line)
            return {lang: str(text) for lang, text in value.items()}
        if kind == "string":
            if not isinstance(value, str) or not value.strip():
                raise self.fail("expected a non-empty string", line)
            return value
        if kind == "count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise self.fail(f"expected a whole number ≥ 0, got {value!r}", line)
            return value
        if kind == "year":
            if not isinstance(value, int) or not 1000 <= value <= 9999:
                raise self.fail(f"expected a four-digit year, got {value!r}", line)
            return value
        if kind == "date":
            value = str(value)
            if not DATE.match(value):
                raise self.fail(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}", line)
            return value
        if kind == "weekday":
            if value not in WEEKDAYS:
                raise self.fail(f"expected one of {', '.join(WEEKDAYS)}, got {value!r}", line)
            return value
        if kind == "iso":
            if not isinstance(value, str) or value not in states_by_iso2():
                raise self.fail(f"{value!r} is not an ISO 3166 code of the states table", line)
            return value
        if kind == "topics":
            items = value if isinstance(value, list) else [value]
            for topic in items:
                if not isinstance(topic, str) or topic not in self.topics:
                    raise self.fail(f"{topic!r} is not a topic of ontology/topics.ttl", line)
            return items
        if kind.startswith("refs:"):
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(v, str) for v in items):
                raise self.fail("expected a list of entry keys", line)
            return items
        if kind.startswith("ref:"):
            if not isinstance(value, str):
                raise self.fail("expected an entry key", line)
            return value
        raise AssertionError(kind)

    def fact(self, kind: str, raw: Any, default_quotes: tuple, quotes: dict, line: int) -> Fact:
        if isinstance(raw, _Lines) and "value" in raw and kind != TEXT:
            unknown = raw.keys() - {"value", "quotes", "derived", "confidence"}
            if unknown:
                raise self.fail(f"unknown field(s) {_names(unknown)}", raw.line)
            confidence = raw.get("confidence")
            if confidence is not None and not (
                isinstance(confidence, int | float)
                and not isinstance(confidence, bool)
                and 0 <= confidence <= 1
            ):
                raise self.fail("'confidence' must be a number from 0 to 1", raw.line)
            backing = self.quote_keys(raw["quotes"], quotes, raw.line) if "quotes" in raw else default_quotes
            derived = raw.get("derived")
            if derived is not None and (not isinstance(derived, str) or not derived.strip()):
                raise self.fail("'derived' must say in words how the value was computed", raw.line)
            return Fact(self.check_value(kind, raw["value"], raw.line), backing, derived, confidence)
        return Fact(self.check_value(kind, raw, line), default_quotes)

    def provisions(self, kind: str, raw: Any, quotes: dict, line: int) -> list[Provision]:
        items = self.mapping(raw, f"'{kind}'", line)
        result = []
        for key, spec in items.items():
            spec = self.mapping(spec, f"{kind[:-1]} {key!r}", items.lines[key])
            if not KEY.match(str(key)):
                raise self.fail(f"{key!r}: keys are lower-case words joined by '-'", spec.line)
            label = self.check_value(TEXT, spec.get("label"), spec.line)
            backing = self.quote_keys(spec.get("quotes"), quotes, spec.line)
            result.append(Provision(kind, key, label, backing))
        return result


def load_annotation(path: Path, article: Article, topics: frozenset[str]) -> Annotation:
    """Parse and check ``path`` against ``article``; raise InputError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(path, f"cannot read the annotation: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(path, "the annotation is not valid UTF-8") from error
    data = _parse(text, path)
    checker = _Checker(path, article, topics)
    data = checker.mapping(data, "the annotation", 1)
    allowed = set(SCHEMA) | {"quotes", "language", "method", "confidence"}
    for key in data:
        if key not in allowed:
            raise checker.fail(f"unknown section {key!r}", data.lines[key])
    language = data.get("language")
    if language not in ("fr", "en"):
        raise checker.fail("'language' must be fr or en", data.lines.get("language", 1))
    method = data.get("method", "curated")
    if method not in ("curated", "machine"):
        raise checker.fail("'method' must be curated or machine", data.lines.get("method", 1))
    confidence = data.get("confidence")
    if confidence is not None and not (isinstance(confidence, int | float) and 0 <= confidence <= 1):
        raise checker.fail("'confidence' must be a number from 0 to 1", data.lines["confidence"])

    quotes = checker.read_quotes(data)
    annotation = Annotation(path, language, method, confidence, quotes, {})
    for section, fields in SCHEMA.items():
        if section not in data:
            continue
        block = checker.mapping(data[section], f"'{section}'", data.lines[section])
        for key, spec in block.items():
            line = block.lines[key]
            spec = checker.mapping(spec, f"entry {key!r}", line)
            if not (isinstance(key, str) and KEY.match(key)):
                raise checker.fail(f"{key!r}: keys are lower-case words joined by '-'", line)
            if key in annotation.entries:
                raise checker.fail(f"the key {key!r} is used twice", line)
            unknown = spec.keys() - fields.keys() - COMMON_FIELDS
            if unknown:
                raise checker.fail(f"{section}: unknown field(s) {_names(unknown)}", line)
            for required in REQUIRED[section]:
                if required not in spec:
                    raise checker.fail(f"{section} entry {key!r} needs '{required}'", line)
            own_quotes = checker.quote_keys(spec.get("quotes"), quotes, spec.lines.get("quotes", line))
            entry = Entry(section, key, {}, own_quotes)
            for name, kind in fields.items():
                if name not in spec:
                    continue
                if kind == "provisions":
                    annotation.provisions.setdefault(key, []).extend(
                        checker.provisions(name, spec[name], quotes, spec.lines[name])
                    )
                else:
                    entry.facts[name] = checker.fact(kind, spec[name], own_quotes, quotes, spec.lines[name])
            entry.wikidata = _wikidata(checker, spec, line)
            annotation.entries[key] = entry
    _check_references(checker, annotation, data)
    return annotation


def _names(keys: set) -> str:
    """Keys for a one-line message: plain names as they are, anything else as its repr."""
    return ", ".join(sorted(k if isinstance(k, str) and k.isprintable() else repr(k) for k in keys))


def _wikidata(checker: _Checker, spec: _Lines, line: int) -> str | None:
    qid = spec.get("wikidata")
    if qid is None:
        return None
    if not (isinstance(qid, str) and QID.match(qid)):
        raise checker.fail(f"{qid!r} is not a Wikidata QID", spec.lines["wikidata"])
    if qid not in confirmed_qids() and not spec.get("wikidata_accepted"):
        raise checker.fail(
            f"{qid} is not in the verified Wikidata tables; link it only after review, "
            "with 'wikidata_accepted: <who, when>'",
            spec.lines["wikidata"],
        )
    return qid


def _check_references(checker: _Checker, annotation: Annotation, data: _Lines) -> None:
    for entry in annotation.entries.values():
        block = data[entry.section][entry.key]
        for name, fact in entry.facts.items():
            kind = SCHEMA[entry.section][name]
            if not kind.startswith("ref"):
                continue
            targets = kind.split(":", 1)[1].split(",")
            for key in fact.value if isinstance(fact.value, list) else [fact.value]:
                target = annotation.entries.get(key)
                if target is None or (targets != ["*"] and target.section not in targets):
                    expected = " or ".join(targets) if targets != ["*"] else "an entry"
                    raise checker.fail(f"{name}: {key!r} is not one of the {expected}", block.lines[name])
