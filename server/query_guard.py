"""Check a SPARQL query before it is evaluated: a tokenizer, not a regular expression.

The guard finds what the query is (SELECT, CONSTRUCT, DESCRIBE or ASK), its FROM and
FROM NAMED graphs and every SERVICE target, resolving prefixed names and BASE. It refuses
updates, ``SERVICE ?var`` and SERVICE to an endpoint that is not allow-listed. Keywords in
strings, long strings, IRIs and comments are only text. Where the parser could read the
text otherwise — a ``<`` that may be less-than rather than the start of an IRI, a keyword
glued to what follows it (``SERVICEe:x``) — the guard reads it both ways, and a SERVICE
hidden by either reading is refused too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"})
MAX_ALTERNATE_TOKENS = 200_000

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"\\[tbnrf\\\"']"
_BASE_CHARS = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U_CHARS = _BASE_CHARS + "_"
_CHARS = _U_CHARS + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_BASE_CHARS}](?:[{_CHARS}.]*[{_CHARS}])?"
_PN_LOCAL = rf"(?:[{_U_CHARS}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\r\n]*)",
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
            rf"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"
            rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'
            rf"|'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"
            rf'|"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")',
            rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            rf"(?P<var>[?$][{_U_CHARS}0-9][{_U_CHARS}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            rf"(?P<bnode>_:[{_U_CHARS}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)",
            r"(?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<quote>['\"])",
            r"(?P<punct>.)",
        ]
    ),
    re.DOTALL,
)
_UNESCAPE = re.compile(rf"{_UCHAR}")
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_HIDING = re.compile(r"['#]|service", re.IGNORECASE)
_SERVICE_INSIDE = re.compile("service", re.IGNORECASE)
_OPERAND_ENDS = frozenset({"iri", "pname", "var", "string", "langtag", "number", "bnode"})


class GuardError(Exception):
    """A query that is not evaluated: the HTTP status, the reason and where it is."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind, its text and its offset in the query."""

    kind: str
    text: str
    start: int


@dataclass
class CheckedQuery:
    """What the guard found in an accepted query."""

    form: str
    from_graphs: list[str] = field(default_factory=list)
    from_named_graphs: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    # Where each SERVICE target is in the text: (start, end, endpoint), to route it elsewhere.
    service_spans: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def tokenize(text: str, start: int = 0) -> Iterable[Token]:
    """Every token of ``text`` from ``start``, whitespace and comments included."""
    position = start
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None and match.lastgroup is not None  # the last group takes any char
        yield Token(match.lastgroup, match.group(), position)
        position = match.end()


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _unescape_iri(token: str) -> str:
    """The IRI an IRIREF token stands for, with its \\u escapes decoded."""
    return _UNESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), token[1:-1])


@dataclass(frozen=True)
class QueryLimits:
    """Bounds on the shape of a query (settings max_query_depth and max_query_variables).

    A query nested deeper than this, or with more distinct variables, is refused with a 400
    before any evaluation: deep nesting could overflow the evaluator's stack.
    """

    max_depth: int = 100
    max_variables: int = 1000

    def check(self, tokens: list[Token], fail) -> None:
        """Raise (via ``fail``) at the first token past a limit."""
        depth = 0
        variables: set[str] = set()
        for token in tokens:
            if token.kind == "punct":
                if token.text in "{([":
                    depth += 1
                    if depth > self.max_depth:
                        raise fail(
                            400,
                            f"query too deeply nested: more than {self.max_depth} levels of {{ ( [ "
                            "(the limit, setting max_query_depth)",
                            token,
                        )
                elif token.text in "})]":
                    depth -= 1
            elif token.kind == "var":
                variables.add(token.text[1:])
                if len(variables) > self.max_variables:
                    raise fail(
                        400,
                        f"too many variables: more than {self.max_variables} distinct variables "
                        "(the limit, setting max_query_variables)",
                        token,
                    )


def check_query(
    text: str, allowlist: Iterable[str], base_iri: str, limits: QueryLimits | None = None
) -> CheckedQuery:
    """Check a query; raise GuardError with the status and reason when it is refused."""
    guard = _Guard(text, allowlist, base_iri)
    guard.limits = limits
    return guard.check()


class _Guard:
    """One check of one query against one allow-list."""

    limits: QueryLimits | None = None

    def __init__(self, text: str, allowlist: Iterable[str], base_iri: str):
        self.text = text
        self.allowlist = frozenset(allowlist)
        self.base = base_iri
        self.prefixes: dict[str, str] = {}
        self.absolute_prefixes: set[str] = set()
        self.budget = MAX_ALTERNATE_TOKENS
        self.service_spans: list[tuple[int, int, str]] = []

    def fail(self, status: int, message: str, token: Token | None) -> GuardError:
        """An error pointing at ``token``."""
        if token is None:
            return GuardError(status, message)
        line, column = _position(self.text, token.start)
        return GuardError(status, f"{message} (line {line}, column {column})", line, column)

    def check(self) -> CheckedQuery:
        """Read the whole query, and the other readings where the parser could differ."""
        tokens = list(tokenize(self.text))
        for token in tokens:
            if token.kind == "quote":
                raise self.fail(400, "syntax error: unterminated or malformed string", token)
        significant = [t for t in tokens if t.kind not in ("ws", "comment")]
        if self.limits is not None:
            self.limits.check(significant, self.fail)
        form = self._prologue_and_form(significant)
        result = CheckedQuery(form=form)
        for index, token in enumerate(significant):
            word = token.text.upper() if token.kind == "word" else ""
            if word in UPDATE_KEYWORDS:
                raise self.fail(403, f"this endpoint is read-only: {word} is an update operation", token)
            if word == "FROM":
                self._from_clause(significant, index, result)
        result.services = self._services(significant, strict=True)
        result.service_spans = self.service_spans
        starts = {t.start for t in tokens}
        seen: set[tuple[int, str]] = set()
        for previous, token in zip([None, *significant], significant, strict=False):
            operand = previous is not None and (previous.kind in _OPERAND_ENDS or previous.text in (")", "]"))
            self._other_readings(token, operand, starts, seen)
        return result

    def _prologue_and_form(self, tokens: list[Token]) -> str:
        """Read PREFIX and BASE declarations; return the query form that follows."""
        index = 0
        while index < len(tokens):
            token = tokens[index]
            word = token.text.upper() if token.kind == "word" else ""
            if word == "BASE":
                iri = self._expect(tokens, index + 1, "iri", "BASE needs an IRI")
                self.base = urljoin(self.base, _unescape_iri(iri.text))
                index += 2
            elif word == "PREFIX":
                name = self._expect(tokens, index + 1, "pname", "PREFIX needs a name")
                iri = self._expect(tokens, index + 2, "iri", "PREFIX needs an IRI")
                if not name.text.endswith(":"):
                    raise self.fail(400, "syntax error: a prefix name ends with ':'", name)
                value = _unescape_iri(iri.text)
                self.prefixes[name.text[:-1]] = urljoin(self.base, value)
                if _ABSOLUTE_IRI.match(value):
                    self.absolute_prefixes.add(name.text[:-1])
                else:
                    self.absolute_prefixes.discard(name.text[:-1])
                index += 3
            elif word in QUERY_FORMS:
                return word
            elif word in UPDATE_KEYWORDS:
                raise self.fail(403, f"this endpoint is read-only: {word} is an update operation", token)
            else:
                raise self.fail(400, "syntax error: expected SELECT, CONSTRUCT, DESCRIBE or ASK", token)
        raise self.fail(400, "syntax error: the query is empty", None)

    def _expect(self, tokens: list[Token], index: int, kind: str, message: str) -> Token:
        if index >= len(tokens) or tokens[index].kind != kind:
            raise self.fail(400, f"syntax error: {message}", tokens[min(index, len(tokens) - 1)])
        return tokens[index]

    def _from_clause(self, tokens: list[Token], index: int, result: CheckedQuery) -> None:
        """Record the graph of the FROM or FROM NAMED at ``index``."""
        named = index + 1 < len(tokens) and tokens[index + 1].text.upper() == "NAMED"
        position = index + 2 if named else index + 1
        target = tokens[position] if position < len(tokens) else tokens[index]
        iri = self._resolve(target)
        if iri is None:
            raise self.fail(400, "syntax error: FROM needs an IRI", target)
        (result.from_named_graphs if named else result.from_graphs).append(iri)

    def _resolve(self, token: Token) -> str | None:
        """The IRI a token stands for, or None when it is no IRI."""
        if token.kind == "iri":
            return urljoin(self.base, _unescape_iri(token.text))
        if token.kind == "pname":
            prefix, local = token.text.split(":", 1)
            if prefix not in self.prefixes:
                raise self.fail(400, f"syntax error: undeclared prefix {prefix!r}", token)
            return self.prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        return None

    def _services(self, tokens: list[Token], strict: bool) -> list[str]:
        """The SERVICE targets; refuse variables and endpoints that are not allow-listed.

        ``strict`` is off for an alternate reading: there a SERVICE keyword followed by
        no target, or by a target and no group, cannot be a SERVICE clause: no danger.
        """
        targets = []
        for index, token in enumerate(tokens):
            if token.kind != "word" or token.text.upper() != "SERVICE":
                continue
            position = index + 1
            following = tokens[position] if position < len(tokens) else token
            if following.text.upper() == "SILENT":
                position += 1
            elif following.kind in ("word", "pname") and following.text.upper().startswith("SILENT"):
                # The parser also reads SILENTe:x as SILENT e:x.
                silent = Token("word", following.text[:6], following.start)
                self._read_from([token, silent], following.start + 6, set(), set())
            target = tokens[position] if position < len(tokens) else None
            follower = tokens[position + 1] if position + 1 < len(tokens) else None
            if not strict and (follower is None or follower.text != "{"):
                continue
            if target is not None and target.kind == "var":
                raise self.fail(
                    403, "SERVICE with a variable endpoint is not allowed: name the endpoint", token
                )
            if target is None or target.kind not in ("iri", "pname"):
                raise self.fail(400, "syntax error: SERVICE needs an endpoint IRI", token)
            endpoint = self._allowed_service(target)
            if follower is None or follower.text != "{":
                # Not the end of the target for the parser either: refuse what cannot be read.
                raise self.fail(
                    400, "syntax error: SERVICE <endpoint> needs a group { … }", follower or target
                )
            targets.append(endpoint)
            if strict:
                self.service_spans.append((target.start, target.start + len(target.text), endpoint))
        return targets

    def _allowed_service(self, target: Token) -> str:
        """The endpoint IRI of a SERVICE target, if it is absolute and allow-listed."""
        if target.kind == "iri":
            iri = _unescape_iri(target.text)
            absolute = bool(_ABSOLUTE_IRI.match(iri))
        else:
            prefix = target.text.split(":", 1)[0]
            absolute = prefix in self.absolute_prefixes
            iri = self._resolve(target) or ""
        if not absolute:
            raise self.fail(403, "SERVICE needs an absolute endpoint IRI", target)
        if iri not in self.allowlist:
            allowed = ", ".join(sorted(self.allowlist)) or "none"
            raise self.fail(403, f"SERVICE <{iri}> is not allowed (allowed endpoints: {allowed})", target)
        return iri

    def _other_readings(self, token: Token, operand: bool, starts: set[int], seen: set) -> None:
        """Check the other ways the parser may read ``token``.

        An IRI after an operand may be ``<`` (less-than) and code: that matters when a
        quote, a ``#`` or the word SERVICE is inside. A word or prefixed name may hide the
        keyword SERVICE glued to what follows (``SERVICEe:x``, ``trueSERVICE<…>``): the
        parser reads keywords without a boundary.
        """
        if token.kind == "iri" and operand and _HIDING.search(token.text):
            key = (token.start, "<")
            if key not in seen:
                seen.add(key)
                self._read_from([Token("punct", "<", token.start)], token.start + 1, starts, seen)
        if token.kind in ("word", "pname"):
            for match in _SERVICE_INSIDE.finditer(token.text):
                offset = token.start + match.start()
                if (offset, "SERVICE") in seen or (match.start() == 0 and len(token.text) == 7):
                    continue
                seen.add((offset, "SERVICE"))
                keyword = Token("word", match.group(), offset)
                self._read_from([keyword], offset + len(match.group()), starts, seen)

    def _read_from(self, first: list[Token], resume: int, starts: set[int], seen: set) -> None:
        """Read ``first`` then the text from ``resume`` until both readings meet again."""
        alternate = list(first)
        after_meeting = 0
        for token in tokenize(self.text, resume):
            self.budget -= 1
            if self.budget < 0:
                raise self.fail(400, "the query is too ambiguous to check: add spaces around '<'", None)
            if token.kind == "quote":
                return  # an unterminated string: no valid query reads it this way
            alternate.append(token)
            if token.start in starts or after_meeting:
                after_meeting += token.kind not in ("ws", "comment")
                if after_meeting > 3:  # enough to see a SERVICE SILENT <target> { across
                    break
        significant = [t for t in alternate if t.kind not in ("ws", "comment")]
        self._services(significant, strict=False)
        for token in significant[len(first) :]:
            self._other_readings(token, True, starts, seen)
