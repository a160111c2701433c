"""Fuzzing with Hypothesis: random bytes and structured junk never crash anything.

The annotation loader and the article reader raise only InputError (one line naming the
file); the HTTP interface (every parameter and header of /sparql, /health and the editor,
and the other routes) never answers 500 and never shows a traceback.
"""

from __future__ import annotations

import contextlib
import copy
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accords.loaders.annotation import load_annotation
from accords.loaders.article import read_article
from accords.loaders.errors import InputError
from accords.loaders.mapping import annotation_triples
from accords.loaders.namespaces import SEEDS_DIR
from accords.server.security import SECURITY_HEADERS

SEED = SEEDS_DIR / "000_054c372ceee383ed"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")),  # more for a longer campaign
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def article():
    return read_article(SEED.with_suffix(".txt"))


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="accords-fuzz-") as folder:
        yield Path(folder)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- the annotation loader

SEED_ANNOTATION = yaml.safe_load(SEED.with_suffix(".yaml").read_text(encoding="utf-8"))
WORDS = sorted(
    {
        *SEED_ANNOTATION,
        "label",
        "value",
        "quotes",
        "derived",
        "begin",
        "end",
        "text",
        "iso",
        "wikidata",
        "wikidata_accepted",
        "fr",
        "en",
        "ML",
        "RU",
        "trade",
        "nuclear-energy",
        "mali",
        "russia",
        "moscow",
        "2025-06",
        "2025-06-23",
        "Monday",
        "Q912",
        "curated",
        "machine",
        "confidence",
    }
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(WORDS)
)
JUNK = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=8) | st.integers(), children, max_size=4)
    ),
    max_leaves=12,
)


def node_paths(node, path: tuple = ()) -> Iterator[tuple]:
    """The path of every node of a YAML document (keys and indexes)."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from node_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from node_paths(value, (*path, index))


def mutate(document, data: st.DataObject):
    """A few random replacements, deletions and additions anywhere in the document."""
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        path = data.draw(st.sampled_from(list(node_paths(document))), label="where")
        junk = data.draw(JUNK, label="junk")
        if not path:
            document = junk
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        if action == "replace":
            parent[path[-1]] = junk
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.sampled_from(WORDS) | st.text(max_size=8), label="key")] = junk
        else:
            parent.append(junk)
    return document


def check_annotation(workdir: Path, data: bytes, article, topics: frozenset[str]) -> None:
    """Only InputError; an annotation that loads also maps to triples without error."""
    path = write(workdir, "fuzz.yaml", data)
    try:
        annotation = load_annotation(path, article, topics)
    except InputError as error:
        assert str(error).startswith(str(path))
        assert "\n" not in error.message.strip() or "YAML" in error.message
        return
    with contextlib.suppress(InputError):
        list(annotation_triples(article, annotation))


@FUZZ
@given(data=st.data())
def test_mutated_annotations_raise_only_input_errors(workdir, article, topics, data) -> None:
    document = mutate(copy.deepcopy(SEED_ANNOTATION), data)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    check_annotation(workdir, text.encode("utf-8"), article, topics)


YAML_TEXT = st.text(
    alphabet=st.sampled_from(list("[]{}:-?&*!|>'\"#%@`,. \n\t\\abcfenrquotsML0123456789")) | st.characters(),
    max_size=300,
)


@FUZZ
@given(text=YAML_TEXT)
def test_yaml_junk_raises_only_input_errors(workdir, article, topics, text: str) -> None:
    check_annotation(workdir, text.encode("utf-8", "surrogatepass"), article, topics)


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_as_annotation_raise_only_input_errors(workdir, article, topics, data: bytes) -> None:
    check_annotation(workdir, data, article, topics)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        "{a: " * 20_000 + "1" + "}" * 20_000,
        "- " * 30_000 + "x",
        "a:\n" + "".join(" " * i + "a:\n" for i in range(1, 400)),
        "? [a, b]\n: c\n",
        "language: fr\nconfidence: 1" + "0" * 5000 + "\n",
        "language: fr\x00\n",
        "&a [*a]",
        "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
        "!!python/object/apply:os.system [ls]",
    ],
    ids=[
        "deep lists",
        "deep maps",
        "deep block lists",
        "deep indentation",
        "list key",
        "huge integer",
        "NUL",
        "recursive alias",
        "alias bomb",
        "python tag",
    ],
)
def test_hostile_yaml_raises_only_input_errors(workdir, article, topics, text: str) -> None:
    check_annotation(workdir, text.encode("utf-8"), article, topics)


# --------------------------------------------------------------------------- the article reader

HEADERS = st.sampled_from(
    [b"date 2025-06", b"date 2025-06-23", b"date 0000-00", b"date 2025-13-40", b"date ", b""]
)


def check_article(workdir: Path, data: bytes) -> None:
    path = write(workdir, "fuzz.txt", data)
    try:
        article = read_article(path)
    except InputError as error:
        assert str(error).startswith(str(path))
        return
    assert article.content[article.body_start :].strip()
    assert len(article.date) in (7, 10)


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes_as_article_raise_only_input_errors(workdir, data: bytes) -> None:
    check_article(workdir, data)


@FUZZ
@given(
    header=HEADERS,
    separator=st.sampled_from([b" ", b"\n", b"\t", b"", b"\r\n"]),
    body=st.binary(max_size=200),
)
def test_articles_with_a_header_raise_only_input_errors(
    workdir, header: bytes, separator: bytes, body
) -> None:
    check_article(workdir, header + separator + body)


@FUZZ
@given(text=st.text(max_size=300))
def test_text_articles_raise_only_input_errors(workdir, text: str) -> None:
    check_article(workdir, ("date 2025-06 " + text).encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- HTTP

PARAMETERS = [
    "query",
    "default-graph-uri",
    "named-graph-uri",
    "infer",
    "format",
    "update",
    "using-graph-uri",
    "using-named-graph-uri",
    "callback",
    "timeout",
]
SPARQL_PIECES = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "?s",
    "?p",
    "?o",
    "*",
    "<urn:a>",
    "<http://127.0.0.1:9/>",
    "SERVICE",
    "SILENT",
    "FROM",
    "NAMED",
    "GRAPH",
    "LIMIT 5",
    "OFFSET",
    "99999999999999999999",
    "PREFIX e: <urn:e:>",
    "e:x",
    "'str'",
    '"""long"""',
    "#",
    "\n",
    "FILTER",
    "REGEX(?o, '(a+)+$')",
    "INSERT",
    "LOAD",
    ".",
    ";",
    "a",
    "VALUES",
    "BIND",
    "AS",
    "\\u0000",
    "\x00",
    "é",
]
SPARQL = st.lists(st.sampled_from(SPARQL_PIECES), max_size=20).map(" ".join)
VALUE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
VALUES = (
    SPARQL
    | VALUE_TEXT
    | st.sampled_from(["true", "false", "json", "xml", "csv", "tsv", "turtle", "html", ""])
)
HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=60
)
MEDIA_TYPES = st.sampled_from(
    [
        "*/*",
        "text/html",
        "application/json",
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/turtle",
        "application/ld+json",
        "application/sparql-query",
        "application/sparql-update",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain; charset=latin-1",
        "application/sparql-query; charset=utf-16",
        "text/*;q=0",
        "*/*;q=abc",
        ";;;",
        "",
    ]
)
HEADER_NAMES = st.sampled_from(
    [
        "Accept",
        "Content-Type",
        "Accept-Language",
        "Accept-Encoding",
        "Accept-Charset",
        "Origin",
        "Referer",
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
        "X-Forwarded-For",
        "X-Forwarded-Host",
        "X-Forwarded-Proto",
        "Host",
        "If-None-Match",
        "If-Modified-Since",
        "Range",
        "Cookie",
        "Authorization",
        "Transfer-Encoding",
        "X-Junk",
    ]
)
PATHS = st.sampled_from(["/sparql", "/sparql/", "/health", "/", "/static/editor/editor.js"]) | st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters="?#%"), max_size=30
).map(lambda p: "/" + p)


def assert_no_crash(response) -> None:
    body = response.get_data()
    assert response.status_code != 500, body[:300]
    assert 100 <= response.status_code < 600
    assert b"Traceback" not in body and b'File "' not in body, body[:300]
    for name in SECURITY_HEADERS:
        assert name in response.headers, (name, response.status_code)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]),
    path=PATHS,
    parameters=st.lists(st.tuples(st.sampled_from(PARAMETERS) | VALUE_TEXT, VALUES), max_size=5),
    headers=st.lists(st.tuples(HEADER_NAMES, MEDIA_TYPES | HEADER_TEXT), max_size=5),
    body=st.none() | st.binary(max_size=300) | SPARQL.map(lambda q: q.encode()),
)
def test_http_parameters_and_headers_never_crash(server_app, method, path, parameters, headers, body) -> None:
    client = server_app.test_client()
    headers = [(name, value) for name, value in headers if name.lower() not in ("host", "transfer-encoding")]
    response = client.open(path, method=method, query_string=parameters, headers=headers, data=body)
    assert_no_crash(response)


@FUZZ
@given(
    raw=st.binary(max_size=200),
    name=st.sampled_from([b"query", b"format", b"infer", b"default-graph-uri", b"named-graph-uri", b"x"]),
    path=st.sampled_from(["/sparql", "/health", "/"]),
)
def test_raw_query_strings_never_crash(server_app, raw: bytes, name: bytes, path: str) -> None:
    """Any bytes, invalid UTF-8 included, percent-encoded or not."""
    client = server_app.test_client()
    for query_string in (name + b"=" + quote_from_bytes(raw).encode(), name + b"=" + raw.replace(b"#", b"")):
        # The WSGI QUERY_STRING holds the request's bytes as latin-1 (PEP 3333).
        response = client.get(path, environ_overrides={"QUERY_STRING": query_string.decode("latin-1")})
        assert_no_crash(response)


@FUZZ
@given(
    body=st.binary(max_size=400) | SPARQL.map(lambda q: q.encode("utf-8")),
    content_type=MEDIA_TYPES | HEADER_TEXT,
    accept=MEDIA_TYPES | HEADER_TEXT,
)
def test_posted_bodies_never_crash(server_app, body: bytes, content_type: str, accept: str) -> None:
    client = server_app.test_client()
    response = client.post("/sparql", data=body, headers={"Content-Type": content_type, "Accept": accept})
    assert_no_crash(response)


@settings(FUZZ, max_examples=max(40, FUZZ.max_examples // 3))
@given(data=st.data())
def test_every_route_with_junk_arguments_never_crashes(server_app, data) -> None:
    """Every route of the application (the linked-data pages too), with junk in its variables."""
    rules = sorted(server_app.url_map.iter_rules(), key=lambda rule: rule.rule)
    rule = data.draw(st.sampled_from(rules), label="rule")
    values = {
        argument: data.draw(
            st.text(
                st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters="/?#%"), min_size=1
            )
            | st.sampled_from(["test", "agreement/test", "..", "x.ttl", "x.html"]),
            label=argument,
        )
        for argument in rule.arguments
    }
    path = rule.rule
    for argument, value in values.items():
        path = path.replace(f"<{argument}>", value).replace(f"<path:{argument}>", value)
    path = path.split("<")[0] if "<" in path else path  # a converter this test does not fill
    accept = data.draw(MEDIA_TYPES, label="accept")
    format_value = data.draw(VALUES, label="format")
    response = server_app.test_client().get(
        path, headers={"Accept": accept}, query_string={"format": format_value}
    )
    assert_no_crash(response)
