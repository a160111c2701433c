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
from typing import NamedTuple
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
            rf"(?:'''(?:'{{0,2}}+(?:[^'\\]++|{_ECHAR}|{_UCHAR}))*+'''"
            rf'|"""(?:"{{0,2}}+(?:[^"\\]++|{_ECHAR}|{_UCHAR}))*+"""'
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
_HIDING = re.compile(r"['#]|service", re.IGNORECASE)
_SERVICE_INSIDE = re.compile("service", re.IGNORECASE)
# Kinds of the token before an IRI that make its '<' possibly a less-than.
_OPERAND_ENDS = frozenset({"iri", "pname", "var", "string", "langtag", "number", "bnode", "close"})
# Words the checks after the scan look at: updates, FROM and SERVICE.
_KEYWORDS = UPDATE_KEYWORDS | {"FROM", "SERVICE"}


class GuardError(Exception):
    """A query that is not evaluated: the HTTP status, the reason and where it is."""

    def __init__(self, status: int, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
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
    # Where each SERVICE target is in the text: (start, end, endpoint), to route it elsewhere.
    service_spans: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


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
        self.service_spans: list[tuple[int, int, str]] = []
        self.last: Token | None = None
        self.main_reading = _TOKEN.finditer(text, _LEADING_BLANKS.match(text).end())
        self.starts: set[int] = set()
        self.frontier = -1

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
        tokens = []
        while len(tokens) < count:
            token, position = self._token_at(position)
            if token is None:
                break
            tokens.append(token)
        return tokens

    def check(self) -> CheckedQuery:
        """Read the whole query, and the other readings where the parser could differ.

        The errors come in a fixed order: a malformed string, then a limit, the prologue,
        an update or a FROM, a SERVICE, and last what only another reading shows.
        """
        marked = self._scan()
        form = self._prologue_and_form()
        result = CheckedQuery(form=form)
        for token, following, _ in marked:
            word = token.text.upper() if token.kind == "word" else ""
            if word in UPDATE_KEYWORDS:
                raise self.fail(403, f"this endpoint is read-only: {word} is an update operation", token)
            if word == "FROM":
                self._from_clause(token, following, result)
        for token, following, _ in marked:
            if token.kind == "word" and token.text.upper() == "SERVICE":
                window = [token, *self._following(following, 3)]
                endpoint = self._service_clause(window, 0, strict=True)
                if endpoint is not None:
                    result.services.append(endpoint)
        result.service_spans = self.service_spans
        seen: set[tuple[int, str]] = set()
        for token, _, operand in marked:
            self._other_readings(token, operand, True, seen)
        return result

    def _starts_at(self, position: int) -> bool:
        """Whether a token of the whole query starts at ``position``.

        The query is tokenized again only as far as the positions asked about.
        """
        while self.frontier < position:
            match = next(self.main_reading, None)
            if match is None:
                self.frontier = len(self.text)
                break
            self.frontier = match.start()
            self.starts.add(self.frontier)
        return position in self.starts

    def _scan(self) -> list[tuple[Token, int, bool]]:
        """Tokenize the query once: refuse a malformed string and a query past the limits.

        Returns the tokens that the later checks look at — updates, FROM, SERVICE, words and
        prefixed names with SERVICE inside, IRIs with a quote, a '#' or SERVICE inside — each
        with where the next token starts and whether an operand comes before it. A variable
        is only counted when the text has more variable-like names than the limit.
        """
        text = self.text
        limits = self.limits or QueryLimits(len(text), len(text))  # no limits: never reached
        count_variables = self.limits is not None and (
            len(set(_VARIABLE_LIKE.findall(text))) > limits.max_variables
        )
        variables: set[str] = set()
        marked: list[tuple[Token, int, bool]] = []
        depth = 0
        previous = ""
        match = None
        for match in _TOKEN.finditer(text, _LEADING_BLANKS.match(text).end()):
            kind = match.lastgroup
            if kind == "var":
                if count_variables:
                    variables.add(match.group(kind)[1:])
                    if len(variables) > limits.max_variables:
                        raise self._past_limit(match, limits.variables_message())
            elif kind == "pname":
                name = match.group(kind)
                if ("v" in name or "V" in name) and _SERVICE_INSIDE.search(name):
                    marked.append((_token(match), match.end(), False))
            elif kind == "open":
                depth += 1
                if depth > limits.max_depth:
                    raise self._past_limit(match, limits.depth_message())
            elif kind == "close" or kind == "brace":
                depth -= 1
            elif kind == "word":
                word = match.group(kind).upper()
                if word in _KEYWORDS or "SERVICE" in word:
                    marked.append((_token(match), match.end(), False))
            elif kind == "iri":
                if previous in _OPERAND_ENDS:
                    iri = match.group(kind)
                    if ("#" in iri or "'" in iri or "v" in iri or "V" in iri) and _HIDING.search(iri):
                        marked.append((_token(match), match.end(), True))
            elif kind == "quote":
                raise self.fail(400, "syntax error: unterminated or malformed string", _token(match))
            previous = kind
        if match is not None:
            self.last = _token(match)
        return marked

    def _past_limit(self, match: re.Match[str], message: str) -> GuardError:
        """The error for a query past a limit at ``match``; a malformed string after it first."""
        for later in _TOKEN.finditer(self.text, match.end()):
            if later.lastgroup == "quote":
                raise self.fail(400, "syntax error: unterminated or malformed string", _token(later))
        return self.fail(400, message, _token(match))

    def _prologue_and_form(self) -> str:
        """Read PREFIX and BASE declarations; return the query form that follows."""
        token, following = self._token_at(_LEADING_BLANKS.match(self.text).end())
        while token is not None:
            word = token.text.upper() if token.kind == "word" else ""
            if word == "BASE":
                iri, following = self._expect(following, "iri", "BASE needs an IRI")
                self.base = urljoin(self.base, _unescape_iri(iri.text))
            elif word == "PREFIX":
                name, following = self._expect(following, "pname", "PREFIX needs a name")
                iri, following = self._expect(following, "iri", "PREFIX needs an IRI")
                if not name.text.endswith(":"):
                    raise self.fail(400, "syntax error: a prefix name ends with ':'", name)
                value = _unescape_iri(iri.text)
                self.prefixes[name.text[:-1]] = urljoin(self.base, value)
                if _ABSOLUTE_IRI.match(value):
                    self.absolute_prefixes.add(name.text[:-1])
                else:
                    self.absolute_prefixes.discard(name.text[:-1])
            elif word in QUERY_FORMS:
                return word
            elif word in UPDATE_KEYWORDS:
                raise self.fail(403, f"this endpoint is read-only: {word} is an update operation", token)
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
            return urljoin(self.base, _unescape_iri(token.text))
        if token.kind == "pname":
            prefix, local = token.text.split(":", 1)
            if prefix not in self.prefixes:
                raise self.fail(400, f"syntax error: undeclared prefix {prefix!r}", token)
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
            self._read_from([token, silent], following.start + 6, False, set())
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
        if strict:
            self.service_spans.append((target.start, target.start + len(target.text), endpoint))
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

    def _other_readings(self, token: Token, operand: bool, meet: bool, seen: set) -> None:
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
                self._read_from([Token("punct", "<", token.start)], token.start + 1, meet, seen)
        if token.kind in ("word", "pname"):
            for match in _SERVICE_INSIDE.finditer(token.text):
                offset = token.start + match.start()
                if (offset, "SERVICE") in seen or (match.start() == 0 and len(token.text) == 7):
                    continue
                seen.add((offset, "SERVICE"))
                keyword = Token("word", match.group(), offset)
                self._read_from([keyword], offset + len(match.group()), meet, seen)

    def _read_from(self, first: list[Token], resume: int, meet: bool, seen: set) -> None:
        """Read ``first`` then the text from ``resume`` until both readings meet again.

        With ``meet``, a token of this reading that starts where a token of the whole query
        starts is where they meet: from there on both read alike. Every token read,
        whitespace and comments too, is paid from the budget.
        """
        text = self.text
        blanks = _LEADING_BLANKS.match(text, resume).end()
        self._spend(_blank_tokens(text, resume, blanks))
        alternate = list(first)
        after_meeting = 0
        for match in _TOKEN.finditer(text, blanks):
            self._spend(1)
            if match.lastgroup == "quote":
                return  # an unterminated string: no valid query reads it this way
            token = _token(match)
            alternate.append(token)
            if after_meeting or (meet and self._starts_at(token.start)):
                after_meeting += 1
                if after_meeting > 3:  # enough to see a SERVICE SILENT <target> { across
                    break
            end = token.start + len(token.text)
            if end != match.end():
                self._spend(_blank_tokens(text, end, match.end()))
        self._services(alternate, strict=False)
        for token in alternate[len(first) :]:
            # Only an IRI, or a word or prefixed name with SERVICE (so a 'v') inside, has one.
            if token.kind == "iri" or "v" in token.text or "V" in token.text:
                self._other_readings(token, True, meet, seen)

    def _spend(self, tokens: int) -> None:
        """Pay ``tokens`` from the budget of other readings; refuse the query past it."""
        self.budget -= tokens
        if self.budget < 0:
            raise self.fail(400, "the query is too ambiguous to check: add spaces around '<'", None)
