"""Check a SPARQL query before it is evaluated: a tokenizer, not a regular expression.

The guard finds what the query is (SELECT, CONSTRUCT, DESCRIBE or ASK), its FROM and
FROM NAMED graphs, every SERVICE target and every function called, resolving prefixed names
and BASE. It refuses updates, ``SERVICE ?var``, SERVICE to an endpoint that is not
allow-listed, undeclared prefixes and functions the engine does not have. Keywords in
strings, long strings, IRIs and comments are only text.

A ``<`` is less-than inside an expression after an operand and opens an IRI everywhere else,
as in the SPARQL grammar; the guard follows the brackets to know which. Where pyoxigraph
reads less-than but SPARQL's longest-token rule reads an IRI (``?x<?a&&?b>?y``), the query
is refused: it is not SPARQL, and it reads two ways. So that no reading of its own can differ
from the engine's, it hands the engine a text where an IRI that follows what may end an
operand starts with an escaped character (``<\\u0068ttp://…>``), which no expression can
start with: had the guard taken an IRI for less-than's place, the engine reports a syntax
error instead of reading something else. A keyword glued to what follows it
(``SERVICEe:x``), which the parser also reads, is read both ways. The cost is linear in the
length of the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple, cast
from urllib.parse import urljoin

from accords.loaders.search_index import SEARCH_FUNCTION_IRI
from accords.server.problem import Problem

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
_VARNAME = rf"[{_U_CHARS}0-9][{_U_CHARS}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# A prefix ends with no '.', a local name with no '.' but an escaped one: greedy runs, no backtracking.
_PN_PREFIX = rf"[{_BASE_CHARS}][{_CHARS}.]*+(?<!\.)"
_PN_LOCAL = rf"(?:[{_U_CHARS}:0-9]|{_PLX})(?:[{_CHARS}:]++|{_PLX}|\.++(?=[{_CHARS}:]|{_PLX}))*+"
# Whitespace and comments, as many as there are: what the parser skips between tokens.
_BLANKS = r"(?:\s+|#[^\r\n]*)*+"

# One significant token and the blanks after it, so that one match is one token. Kinds whose
# text is needed often are groups around the token; the others end with an empty group that
# only names them (their text is sliced). The order decides between readings that start alike
# (a prefixed name before a word, a string before a lone quote, a number before '.'). IRIs,
# strings and names are read in runs that never backtrack: the same tokens as a character at
# a time, much faster.
_TOKEN = re.compile(
    "(?:"
    + "|".join(
        [
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]++|{_UCHAR})*+>)",
            rf"(?:'''(?:(?:''?)?(?:[^'\\]++|{_ECHAR}|{_UCHAR}))*+'''"
            rf'|"""(?:(?:""?)?(?:[^"\\]++|{_ECHAR}|{_UCHAR}))*+"""'
            rf"|'(?:[^'\\\n\r]++|{_ECHAR}|{_UCHAR})*+'"
            rf'|"(?:[^"\\\n\r]++|{_ECHAR}|{_UCHAR})*+")(?P<string>)',
            rf"(?P<var>[?$]{_VARNAME})",
            rf"_:[{_U_CHARS}0-9](?:[{_CHARS}.]*[{_CHARS}])?(?P<bnode>)",
            r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?(?P<langtag>)",
            r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?(?P<number>)",
            r"[{(\[](?P<open>)",
            r"[)\]](?P<close>)",
            r"\}(?P<brace>)",
            rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*+)",
            r"['\"](?P<quote>)",
            r".(?P<punct>)",
        ]
    )
    + ")"
    + _BLANKS,
    re.DOTALL,
)
_LEADING_BLANKS = re.compile(_BLANKS)
_BLANK = re.compile(r"\s+|#[^\r\n]*")
# Every text a variable could have, and more (inside strings, IRIs and comments too).
_VARIABLE_LIKE = re.compile(rf"[?$]({_VARNAME})")
_KIND = {"open": "punct", "close": "punct", "brace": "punct"}
_UNESCAPE = re.compile(rf"{_UCHAR}")
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SERVICE_INSIDE = re.compile("service", re.IGNORECASE)
_IRIREF = re.compile(rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]++|{_UCHAR})*+>")
# '<' read as less-than (or '<='), where an operator is due.
_LESS_THAN = re.compile("<=?" + _BLANKS)


def _matched(pattern: re.Pattern[str], text: str, position: int = 0) -> re.Match[str]:
    """The match of a pattern that matches at any position (_TOKEN has a catch-all; blanks may be none)."""
    return cast(re.Match[str], pattern.match(text, position))


# Words after which an IRI is never an operand's end (any other word may be, for the parser).
_BEFORE_IRI = frozenset({"SERVICE", "SILENT", "GRAPH", "FROM", "NAMED", "PREFIX", "BASE", "DESCRIBE", "A"})
# Kinds of token that may end an operand: a '<' after them may be less-than.
_OPERAND_ENDS = frozenset({"iri", "pname", "var", "string", "langtag", "number", "bnode", "close", "brace"})
# Words the checks after the scan look at: updates, FROM and SERVICE.
_KEYWORDS = UPDATE_KEYWORDS | {"FROM", "SERVICE"}
# Functions whose result changes between runs: a query calling them is not cached.
_VOLATILE = re.compile("NOW|RAND|UUID|BNODE", re.IGNORECASE)
XSD = "http://www.w3.org/2001/XMLSchema#"
# The functions named by an IRI that the engine evaluates: the XSD casts pyoxigraph implements,
# and Accords' own full-text search (loaders.search_index).
KNOWN_FUNCTIONS = frozenset(
    [
        *(
            XSD + name
            for name in [
                *("string", "boolean", "integer", "decimal", "float", "double", "dateTime", "date", "time"),
                *("duration", "yearMonthDuration", "dayTimeDuration"),
                *("gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay"),
            ]
        ),
        SEARCH_FUNCTION_IRI,
    ]
)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _resolve(base: str, iri: str) -> str:
    """``iri`` against ``base``; an absolute IRI as it is (urljoin drops an empty fragment: ``ns#``)."""
    return iri if _SCHEME.match(iri) else urljoin(base, iri)


def _read_only(keyword: str) -> str:
    """Why an update is refused."""
    return f"read-only: {keyword} is an update operation, and Accords only answers queries"


class GuardError(Problem):
    """A query that is not evaluated: the HTTP status, the reason and where it is."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        super().__init__(status, message, {"line": line, "column": column} if line else {})
        self.line = line
        self.column = column


class Token(NamedTuple):
    """One significant lexical token: its kind, its text and its offset in the query."""

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
    # The text the engine runs: each '<' with one reading only (see the module's docstring).
    text: str = ""
    # Where each SERVICE target is in ``text``: (start, end, endpoint), to route it elsewhere.
    service_spans: list[tuple[int, int, str]] = field(default_factory=list)
    # Whether the query calls a function whose result changes between runs (NOW, RAND…).
    volatile: bool = False
    # Whether it calls accfn:search (answered by the embedded store's index only).
    searches: bool = False
    # Where ``text`` has characters the query has not: (offset in text, how many), in order.
    insertions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)

    def original_column(self, line: int, column: int) -> int:
        """The column in the query of a position ``(line, column)`` of ``text``."""
        offset = 0
        for _ in range(line - 1):
            offset = self.text.find("\n", offset) + 1
        offset += column - 1
        lines_start = offset - column + 1
        added = sum(count for at, count in self.insertions if lines_start <= at < offset)
        return column - added


def _token(match: re.Match[str]) -> Token:
    """The token a match of _TOKEN stands for (without the blanks after it)."""
    group = match.lastgroup
    assert group is not None  # the last branch takes any character
    start = match.start()
    return Token(_KIND.get(group, group), match.string[start : match.end(group)], start)


def _blank_tokens(text: str, start: int, end: int) -> int:
    """How many whitespace and comment tokens ``text[start:end]`` (only blanks) is made of."""
    if start == end:
        return 0
    if text.find("#", start, end) < 0:
        return 1
    return len(_BLANK.findall(text, start, end))


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

    def depth_message(self) -> str:
        """Why a query nested too deeply is refused."""
        return (
            f"query too deeply nested: more than {self.max_depth} levels of {{ ( [ "
            "(the limit, setting max_query_depth)"
        )

    def variables_message(self) -> str:
        """Why a query with too many variables is refused."""
        return (
            f"too many variables: more than {self.max_variables} distinct variables "
            "(the limit, setting max_query_variables)"
        )


def check_query(
    text: str, allowlist: Iterable[str], base_iri: str, limits: QueryLimits | None = None
) -> CheckedQuery:
    """Check a query; raise GuardError with the status and reason when it is refused.

    A text whose second readings nest past Python's recursion limit is refused too: the guard
    cannot say it is harmless.
    """
    guard = _Guard(text, allowlist, base_iri)
    guard.limits = limits
    try:
        return guard.check()
    except RecursionError:
        raise GuardError(400, "the query cannot be checked: it can be read in too many ways") from None


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
        self.last: Token | None = None
        self.last_name: Token | None = None
        self.starts: set[int] = set()  # where the tokens of the main reading start
        self.names: list[Token] = []  # prefixed names
        self.calls: list[Token] = []  # IRIs and prefixed names called as functions
        self.volatile = False
        self.body_start = 0
        # What the engine's text changes: (offset, characters removed, replacement), in order.
        self.rewrites: list[tuple[int, int, str]] = []

    def fail(self, status: int, message: str, token: Token | None) -> GuardError:
        """An error pointing at ``token``."""
        if token is None:
            return GuardError(status, message)
        line, column = _position(self.text, token.start)
        return GuardError(status, f"{message} (line {line}, column {column})", line, column)

    def _token_at(self, position: int | None) -> tuple[Token | None, int | None]:
        """The token at ``position`` (just after blanks) and where the next one starts."""
        if position is None:
            return None, None
        match = _TOKEN.match(self.text, position)
        if match is None:
            return None, None
        return _token(match), match.end()

    def _following(self, position: int | None, count: int) -> list[Token]:
        """Up to ``count`` tokens from ``position``."""
        tokens: list[Token] = []
        while len(tokens) < count:
            token, position = self._token_at(position)
            if token is None:
                break
            tokens.append(token)
        return tokens

    def check(self) -> CheckedQuery:
        """Read the whole query, and the other readings of glued keywords.

        The errors come in a fixed order: a malformed string, a limit or a less-than that
        SPARQL reads as an IRI (as the scan meets them), the prologue, an update or a FROM, a
        SERVICE, what only another reading shows, an undeclared prefix, an unknown function.
        """
        marked = self._scan()
        form = self._prologue_and_form()
        result = CheckedQuery(form=form, volatile=self.volatile)
        for token, following in marked:
            word = token.text.upper() if token.kind == "word" else ""
            if word in UPDATE_KEYWORDS:
                raise self.fail(403, _read_only(word), token)
            if word == "FROM":
                self._from_clause(token, following, result)
        spans = []
        for token, following in marked:
            if token.kind == "word" and token.text.upper() == "SERVICE":
                window = [token, *self._following(following, 3)]
                endpoint = self._service_clause(window, 0, strict=True)
                if endpoint is not None:
                    result.services.append(endpoint)
                    target = window[2 if window[1].text.upper() == "SILENT" else 1]
                    spans.append((target.start, target.start + len(target.text), endpoint))
        seen: set[tuple[int, str]] = set()
        for token, _ in marked:
            self._other_readings(token, seen)
        for token in self.names:
            if token.start >= self.body_start:
                self._resolve(token)
        for token in self.calls:
            function = self._resolve(token)
            result.searches = result.searches or function == SEARCH_FUNCTION_IRI
            if function not in KNOWN_FUNCTIONS:
                raise self.fail(
                    400,
                    f"unknown function <{function}>: this endpoint has only the SPARQL built-in "
                    "functions, the XSD casts and accfn:search",
                    token,
                )
        result.text, result.insertions, result.service_spans = self._engine_text(spans)
        return result

    def _engine_text(
        self, spans: list[tuple[int, int, str]]
    ) -> tuple[str, list[tuple[int, int]], list[tuple[int, int, str]]]:
        """The query as the engine runs it, where its insertions are, and the spans moved."""
        pieces, insertions, moved = [], [], []
        copied = added = 0
        pending = sorted(spans)
        for offset, removed, replacement in self.rewrites:
            while pending and pending[0][0] < offset:
                start, end, iri = pending.pop(0)
                moved.append((start + added, end + added, iri))
            pieces.append(self.text[copied:offset])
            pieces.append(replacement)
            copied = offset + removed
            insertions.append((offset + added, len(replacement) - removed))
            added += len(replacement) - removed
        moved.extend((start + added, end + added, iri) for start, end, iri in pending)
        pieces.append(self.text[copied:])
        return "".join(pieces), insertions, moved

    def _scan(self) -> list[tuple[Token, int]]:
        """Tokenize the query once, as the parser does: refuse a malformed string and a query
        past the limits; note what the engine's text must change.

        Brackets are followed to know whether a '<' is less-than: it is inside an expression
        (a FILTER's, a BIND's, a projection's, an ORDER/GROUP BY or HAVING condition's, a
        function's arguments) right after an operand. Returns the tokens that the later checks
        look at — updates, FROM, SERVICE, words and prefixed names with SERVICE inside — each
        with where the next token starts. A variable is only counted when the text has more
        variable-like names than the limit.
        """
        text = self.text
        limits = self.limits or QueryLimits(len(text), len(text))  # no limits: never reached
        count_variables = self.limits is not None and (
            len(set(_VARIABLE_LIKE.findall(text))) > limits.max_variables
        )
        variables: set[str] = set()
        marked: list[tuple[Token, int]] = []
        starts = self.starts
        # Frames of brackets: [kind, clause, closes an operand]; kind is "expr" for
        # parentheses of an expression, else "pattern"; clause is "select", "modifiers"
        # (ORDER/GROUP BY, HAVING: every '(' opens an expression) or "pattern".
        frames: list[list] = [["pattern", "pattern", False]]
        previous = before = ("", "")  # (kind, upper text) of the last two tokens
        operand = False  # an operand just ended inside an expression: '<' is less-than
        position, end = _matched(_LEADING_BLANKS, text).end(), len(text)
        match: re.Match[str] | None = None
        while position < end:
            frame = frames[-1]
            if operand and text[position] == "<" and frame[0] == "expr":
                iri = _IRIREF.match(text, position)
                if iri is not None:
                    raise self.fail(
                        400,
                        f"syntax error: {iri.group()} is an IRI for SPARQL (the longest token) where "
                        "an operator is due: put a space after '<' to compare",
                        Token("iri", iri.group(), position),
                    )
                match = _matched(_LESS_THAN, text, position)
                starts.add(position)
                before, previous = previous, ("less", "<")
                operand = False
                position = match.end()
                continue
            match = _matched(_TOKEN, text, position)
            kind = cast(str, match.lastgroup)  # the last branch takes any character
            starts.add(position)
            upper = ""
            if kind == "var":
                if count_variables:
                    variables.add(match.group(kind)[1:])
                    if len(variables) > limits.max_variables:
                        raise self._past_limit(match, limits.variables_message())
                operand = True
            elif kind == "iri":
                self._iri(match, previous)
                operand = True
            elif kind == "pname":
                name = match.group(kind)
                self.names.append(_token(match))
                if ("v" in name or "V" in name) and _SERVICE_INSIDE.search(name):
                    marked.append((_token(match), match.end()))
                operand = True
            elif kind == "open":
                symbol = text[position]
                if len(frames) > limits.max_depth:
                    raise self._past_limit(match, limits.depth_message())
                if symbol == "(":
                    opens = self._opens_expression(frame, previous, before)
                    if opens and previous[0] in ("iri", "pname") and self.last_name is not None:
                        self.calls.append(self.last_name)
                    frames.append(["expr" if opens else "pattern", "pattern", False])
                else:
                    if symbol == "{" and frame[1] == "select":
                        frame[1] = "pattern"
                    frames.append(["pattern", "pattern", symbol == "{" and frame[0] == "expr"])
                operand = False
            elif kind == "close" or kind == "brace":
                closed = frames.pop() if len(frames) > 1 else frame
                operand = kind == "close" or closed[2]
            elif kind == "word":
                upper = match.group(kind).upper()
                if upper in _KEYWORDS or "SERVICE" in upper:
                    marked.append((_token(match), match.end()))
                if _VOLATILE.search(upper):
                    self.volatile = True
                if upper == "SELECT":
                    frame[1] = "select"
                elif upper in ("WHERE", "LIMIT", "OFFSET", "VALUES"):
                    frame[1] = "pattern"
                elif upper in ("GROUP", "ORDER", "HAVING"):
                    frame[1] = "modifiers"
                operand = match.group(kind) in ("true", "false")
            elif kind == "quote":
                raise self.fail(400, "syntax error: unterminated or malformed string", _token(match))
            elif kind == "punct":
                # '>>' ends a quoted triple, an operand of an expression.
                operand = text[position] == ">" and previous == ("punct", ">") and text[position - 1] == ">"
            else:  # a string, a number, a language tag or a blank node
                operand = True
            if kind in ("iri", "pname"):
                self.last_name = _token(match)
            before, previous = previous, (kind, upper or text[position])
            position = match.end()
        if match is not None:
            self.last = _token(match)
        return marked

    def _iri(self, match: re.Match[str], previous: tuple[str, str]) -> None:
        """Make an IRI after what may end an operand unreadable as less-than, for the engine.

        Its first character is written as an escape: no expression starts with a backslash.
        """
        kind, upper = previous
        may_end = kind in _OPERAND_ENDS or (kind == "word" and upper not in _BEFORE_IRI)
        if not may_end and (kind, upper) != ("punct", ">"):
            return
        start = match.start() + 1
        first = match.string[start]
        if first in ">\\":
            return
        escape = f"\\u{ord(first):04X}" if ord(first) <= 0xFFFF else f"\\U{ord(first):08X}"
        self.rewrites.append((start, 1, escape))

    @staticmethod
    def _opens_expression(frame: list, previous: tuple[str, str], before: tuple[str, str]) -> bool:
        """Whether a '(' after ``previous`` (and ``before`` it) opens an expression."""
        if previous == ("punct", "<") and before == ("punct", "<"):
            return False  # '<<(' opens a triple term: terms only
        if frame[0] == "expr" or frame[1] != "pattern":
            return True
        if previous[1] in ("FILTER", "BIND"):
            return True
        return before[1] == "FILTER" and previous[0] in ("word", "iri", "pname")

    def _past_limit(self, match: re.Match[str], message: str) -> GuardError:
        """The error for a query past a limit at ``match``; a malformed string after it first."""
        for later in _TOKEN.finditer(self.text, match.end()):
            if later.lastgroup == "quote":
                raise self.fail(400, "syntax error: unterminated or malformed string", _token(later))
        return self.fail(400, message, _token(match))

    def _prologue_and_form(self) -> str:
        """Read PREFIX and BASE declarations; return the query form that follows."""
        token, following = self._token_at(_matched(_LEADING_BLANKS, self.text).end())
        while token is not None:
            word = token.text.upper() if token.kind == "word" else ""
            if word == "BASE":
                iri, following = self._expect(following, "iri", "BASE needs an IRI")
                self.base = _resolve(self.base, _unescape_iri(iri.text))
            elif word == "PREFIX":
                name, following = self._expect(following, "pname", "PREFIX needs a name")
                iri, following = self._expect(following, "iri", "PREFIX needs an IRI")
                if not name.text.endswith(":"):
                    raise self.fail(400, "syntax error: a prefix name ends with ':'", name)
                value = _unescape_iri(iri.text)
                self.prefixes[name.text[:-1]] = _resolve(self.base, value)
                if _ABSOLUTE_IRI.match(value):
                    self.absolute_prefixes.add(name.text[:-1])
                else:
                    self.absolute_prefixes.discard(name.text[:-1])
            elif word in QUERY_FORMS:
                self.body_start = token.start
                return word
            elif word in UPDATE_KEYWORDS:
                raise self.fail(403, _read_only(word), token)
            else:
                raise self.fail(400, "syntax error: expected SELECT, CONSTRUCT, DESCRIBE or ASK", token)
            token, following = self._token_at(following)
        raise self.fail(400, "syntax error: the query is empty", None)

    def _expect(self, position: int | None, kind: str, message: str) -> tuple[Token, int | None]:
        """The token at ``position`` if it is of ``kind``; else an error there (or at the end)."""
        token, following = self._token_at(position)
        if token is None or token.kind != kind:
            raise self.fail(400, f"syntax error: {message}", token or self.last)
        return token, following

    def _from_clause(self, token: Token, following: int, result: CheckedQuery) -> None:
        """Record the graph of the FROM or FROM NAMED ``token``."""
        after = self._following(following, 2)
        named = bool(after) and after[0].text.upper() == "NAMED"
        position = 1 if named else 0
        target = after[position] if position < len(after) else token
        iri = self._resolve(target)
        if iri is None:
            raise self.fail(400, "syntax error: FROM needs an IRI", target)
        (result.from_named_graphs if named else result.from_graphs).append(iri)

    def _resolve(self, token: Token) -> str | None:
        """The IRI a token stands for, or None when it is no IRI."""
        if token.kind == "iri":
            return _resolve(self.base, _unescape_iri(token.text))
        if token.kind == "pname":
            prefix, local = token.text.split(":", 1)
            if prefix not in self.prefixes:
                raise self.fail(
                    400, f"unknown prefix {prefix}: — declare it with PREFIX {prefix}: <…>", token
                )
            return self.prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        return None

    def _services(self, tokens: list[Token], strict: bool) -> list[str]:
        """The SERVICE targets; refuse variables and endpoints that are not allow-listed."""
        targets = []
        for index, token in enumerate(tokens):
            if token.kind == "word" and token.text.upper() == "SERVICE":
                endpoint = self._service_clause(tokens, index, strict)
                if endpoint is not None:
                    targets.append(endpoint)
        return targets

    def _service_clause(self, tokens: list[Token], index: int, strict: bool) -> str | None:
        """The endpoint of the SERVICE at ``index``; refuse a variable or one not allow-listed.

        ``strict`` is off for an alternate reading: there a SERVICE keyword followed by
        no target, or by a target and no group, cannot be a SERVICE clause: no danger.
        """
        token = tokens[index]
        position = index + 1
        following = tokens[position] if position < len(tokens) else token
        if following.text.upper() == "SILENT":
            position += 1
        elif following.kind in ("word", "pname") and following.text.upper().startswith("SILENT"):
            # The parser also reads SILENTe:x as SILENT e:x.
            silent = Token("word", following.text[:6], following.start)
            self._read_from([token, silent], following.start + 6, set())
        target = tokens[position] if position < len(tokens) else None
        follower = tokens[position + 1] if position + 1 < len(tokens) else None
        if not strict and (follower is None or follower.text != "{"):
            return None
        if target is not None and target.kind == "var":
            raise self.fail(403, "SERVICE with a variable endpoint is not allowed: name the endpoint", token)
        if target is None or target.kind not in ("iri", "pname"):
            raise self.fail(400, "syntax error: SERVICE needs an endpoint IRI", token)
        endpoint = self._allowed_service(target)
        if follower is None or follower.text != "{":
            # Not the end of the target for the parser either: refuse what cannot be read.
            raise self.fail(400, "syntax error: SERVICE <endpoint> needs a group { … }", follower or target)
        if not strict:  # it could not be routed through the proxy
            raise self.fail(
                400, "syntax error: SERVICE glued to a word: write SERVICE <endpoint> { … } apart", token
            )
        return endpoint

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

    def _other_readings(self, token: Token, seen: set) -> None:
        """Check the other ways the parser may read a word or prefixed name.

        It may hide the keyword SERVICE glued to what follows (``SERVICEe:x``,
        ``trueSERVICE<…>``): the parser reads keywords without a boundary.
        """
        if token.kind in ("word", "pname"):
            for match in _SERVICE_INSIDE.finditer(token.text):
                offset = token.start + match.start()
                if (offset, "SERVICE") in seen or (match.start() == 0 and len(token.text) == 7):
                    continue
                seen.add((offset, "SERVICE"))
                keyword = Token("word", match.group(), offset)
                self._read_from([keyword], offset + len(match.group()), seen)

    def _read_from(self, first: list[Token], resume: int, seen: set) -> None:
        """Read ``first`` then the text from ``resume`` until both readings meet again.

        A token of this reading that starts where a token of the whole query starts is where
        they meet: from there on both read alike. Every token read, whitespace and comments
        too, is paid from the budget.
        """
        text = self.text
        blanks = _matched(_LEADING_BLANKS, text, resume).end()
        self._spend(_blank_tokens(text, resume, blanks))
        alternate = list(first)
        after_meeting = 0
        for match in _TOKEN.finditer(text, blanks):
            self._spend(1)
            if match.lastgroup == "quote":
                return  # an unterminated string: no valid query reads it this way
            token = _token(match)
            alternate.append(token)
            if after_meeting or token.start in self.starts:
                after_meeting += 1
                if after_meeting > 3:  # enough to see a SERVICE SILENT <target> { across
                    break
            end = token.start + len(token.text)
            if end != match.end():
                self._spend(_blank_tokens(text, end, match.end()))
        self._services(alternate, strict=False)
        for token in alternate[len(first) :]:
            # Only a word or prefixed name with SERVICE (so a 'v') inside has one.
            if "v" in token.text or "V" in token.text:
                self._other_readings(token, seen)

    def _spend(self, tokens: int) -> None:
        """Pay ``tokens`` from the budget of other readings; refuse the query past it."""
        self.budget -= tokens
        if self.budget < 0:
            raise self.fail(400, "the query is too ambiguous to check: put spaces around its keywords", None)
