"""``/sparql``: the query operation of the SPARQL 1.1 Protocol, read-only.

GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` choose among
the local graphs; ``infer=false`` leaves out the inferred graph; ``entailment=full`` adds
the full regime's inferences (``graph/inferred-full``) to the default graph; ``format`` overrides
``Accept``. Without a query, GET answers the Service Description (or, for a browser, the
query editor). Updates, in any form, are refused.
"""

from __future__ import annotations

import errno
import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import CombinedMultiDict, MIMEAccept, MultiDict
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request

from accords.config import Settings
from accords.formats import GRAPH_FORMATS, SOLUTION_FORMATS, Format
from accords.server.engine.jobs import Answer, ExecutionError, Failure, Job, StreamAborted
from accords.server.fair_share import Ticket, TooManyRequests
from accords.server.negotiation import OFFERS, choose, prefers_html
from accords.server.problem import Problem
from accords.server.query_guard import CheckedQuery, QueryLimits, check_query
from accords.server.result_cache import CacheKey, Entry, cacheable, etag_matches, normalized
from accords.server.service_description import describe, serialize
from accords.server.services import Services, current_services

blueprint = Blueprint("sparql", __name__)
logger = logging.getLogger("accords.server")

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"
REMEMBERED_QUERIES = 512  # guard readings kept per worker, of queries up to:
REMEMBERED_QUERY_CHARS = 16_384
REMEMBERED_NEGOTIATIONS = 256  # formats chosen per worker, for Accept headers up to:
REMEMBERED_ACCEPT_CHARS = 1024
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Accords-Truncated, Accords-Cache, ETag",
}
TRUE_VALUES, FALSE_VALUES = {"", "true", "1", "yes", "on"}, {"false", "0", "no", "off"}


class ProtocolError(Problem):
    """A request the protocol does not allow: its status and reason."""

    def __init__(self, status: int, message: str):
        super().__init__(status, message)


@dataclass(frozen=True)
class Operation:
    """A query request, read from any of the protocol's three forms."""

    query: str | None
    params: MultiDict


def _read_operation(request: Request, settings: Settings) -> Operation:
    """The query and parameters of a request in any of the three forms; refuse the rest."""
    if len(request.query_string) > settings.max_request_bytes:
        raise ProtocolError(413, f"request too large: the limit is {settings.max_request_bytes} bytes")
    params: MultiDict = request.args
    body_query: str | None = None
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == UPDATE_TYPE:
            raise ProtocolError(403, READ_ONLY)
        if mimetype == FORM_TYPE:
            params = CombinedMultiDict([request.args, request.form])
        elif mimetype == QUERY_TYPE:
            body_query = _decoded_body(request)
        elif not mimetype:
            raise ProtocolError(415, f"a POST needs a Content-Type: {FORM_TYPE} or {QUERY_TYPE}")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {mimetype}: use {FORM_TYPE} or {QUERY_TYPE}")
        if request.content_length is None and getattr(request.stream, "is_exhausted", False):
            # A chunked body is cut at the limit (werkzeug's LimitedStream): say so.
            raise ProtocolError(413, f"request too large: the limit is {settings.max_request_bytes} bytes")
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise ProtocolError(403, READ_ONLY)
    queries = params.getlist("query") + ([body_query] if body_query is not None else [])
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query in the request: send exactly one")
    return Operation(queries[0] if queries else None, params)


def _decoded_body(request: Request) -> str:
    """The body of a direct POST, which must be UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"unsupported charset {charset}: queries must be UTF-8")
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the query is not valid UTF-8 (byte {error.start})") from None


def _infer(params: MultiDict) -> bool:
    """The ``infer`` parameter: true unless it says false."""
    value = params.get("infer", "true").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ProtocolError(400, f"infer must be true or false, not {value!r}")


def _full_entailment(params: MultiDict, infer: bool, default: str) -> bool:
    """The ``entailment`` parameter: ``filtered`` or ``full`` (all of OWL 2 RL's); else the setting."""
    if "entailment" not in params:
        return infer and default == "full"
    value = params.get("entailment", "").strip().lower()
    if value not in ("filtered", "full"):
        raise ProtocolError(400, f"entailment must be filtered or full, not {value!r}")
    if value == "full" and not infer:
        raise ProtocolError(400, "entailment=full asks for inferences, infer=false for none: choose one")
    return value == "full"


def _dataset(
    params: MultiDict, checked: CheckedQuery
) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The protocol's dataset if given, else the query's FROM/FROM NAMED, else the store's.

    Each graph is counted once, however often it is named; a name that is no IRI is refused.
    """
    default, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    if default or named:
        return _graphs(default, "default-graph-uri"), _graphs(named, "named-graph-uri")
    if checked.has_dataset:
        return _graphs(checked.from_graphs, "FROM"), _graphs(checked.from_named_graphs, "FROM NAMED")
    return None, None


def _graphs(names: list[str], where: str) -> tuple[str, ...]:
    """Graph names without repeats; a ProtocolError for one that is not an absolute IRI."""
    for name in names:
        try:
            ox.NamedNode(name)
        except ValueError as error:
            raise ProtocolError(400, f"{where} {name!r} is not an absolute IRI: {error}") from None
    return tuple(dict.fromkeys(names))


def _not_acceptable(offers: tuple[Format, ...]) -> Problem:
    available = ", ".join(f.media_type for f in offers)
    return Problem.not_acceptable(f"this result is available as {available}")


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@blueprint.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The SPARQL endpoint (its queries mostly answered ahead of Flask: server.fast_path)."""
    if request.method == "OPTIONS":
        return _preflight()
    answer = query_response(request, current_services())
    return answer if answer is not None else _without_query(request.args)


def query_response(request: Request, services: Services) -> Response | None:
    """The answer to a GET or POST that holds a query; None for a GET without one (the service
    description or the editor). Any refusal raises a Problem or an ExecutionError."""
    operation = _read_operation(request, services.settings)
    if operation.query is None:
        if request.method == "POST":
            raise ProtocolError(400, "no query: send it as the 'query' parameter or body")
        return None
    return _query(request, services, operation.query, operation.params)


def _checked(text: str, allowlist: tuple[str, ...], base: str, limits: QueryLimits) -> CheckedQuery:
    """The guard's reading of a query; that of a short query asked again is remembered."""
    if len(text) <= REMEMBERED_QUERY_CHARS:
        return _remembered_check(text, allowlist, base, limits)
    return check_query(text, allowlist, base, limits)


@functools.lru_cache(maxsize=REMEMBERED_QUERIES)
def _remembered_check(text: str, allowlist: tuple[str, ...], base: str, limits: QueryLimits) -> CheckedQuery:
    return check_query(text, allowlist, base, limits)  # a refusal raises: it is not remembered


def _choice(form: str, accept: str | None, format_name: str | None) -> Format | None:
    return choose(OFFERS[form], parse_accept_header(accept, MIMEAccept), format_name)


_remembered_choice = functools.lru_cache(maxsize=REMEMBERED_NEGOTIATIONS)(_choice)


def _negotiated(form: str, accept: str | None, format_name: str | None) -> Format | None:
    """The format of the result: ``choose`` among the form's offers; that of a short Accept
    header met before is remembered (clients send the same few again and again)."""
    if accept is not None and len(accept) > REMEMBERED_ACCEPT_CHARS:
        return _choice(form, accept, format_name)
    return _remembered_choice(form, accept, format_name)


def _query(request: Request, services: Services, query: str, params: MultiDict) -> Response:
    """Check, negotiate and run a query; stream its result."""
    settings = services.settings
    infer = _infer(params)
    full = _full_entailment(params, infer, settings.entailment)
    limits = QueryLimits(settings.max_query_depth, settings.max_query_variables)
    checked = _checked(query, settings.service_allowlist, settings.public_base, limits)
    if checked.searches and settings.backend:
        reason = "accfn:search is not available with --backend (its index serves the embedded store)"
        raise Problem(400, reason + ": ask /search")
    fmt = _negotiated(checked.form, request.headers.get("Accept"), params.get("format"))
    if fmt is None:
        raise _not_acceptable(OFFERS[checked.form])
    default_graphs, named_graphs = _dataset(params, checked)
    job = Job(
        # The guard's text for pyoxigraph (IRIs after an operand escaped: server.query_guard); a
        # backend, which may not read \u escapes in IRIs (Virtuoso), gets the query as sent.
        query=query if settings.backend else checked.text,
        format=fmt.key,
        infer=infer,
        full_entailment=full,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=settings.public_base,
        max_rows=settings.max_result_rows,
        max_bytes=settings.max_result_bytes,
        federated=bool(checked.services),
        service_spans=tuple(checked.service_spans),
    )
    log = request.environ.setdefault("accords.log", {})
    log.update(form=checked.form, format=fmt.key, infer=infer, entailment="full" if full else "filtered")
    cache, key = services.result_cache, _cache_key(services, job, checked.volatile)
    headers = {"Vary": "Accept"}
    if key is not None:
        headers["ETag"] = key.etag
        if etag_matches(request.headers.get("If-None-Match"), key.etag):
            cache.not_modified += 1
            log["outcome"] = "not-modified"
            return Response(status=304, headers=headers)
        entry = cache.get(key)
        if entry is not None:
            log.update(entry.summary, cache="hit")
            headers["Accords-Cache"] = "hit"
            return Response(entry.body, content_type=entry.content_type, headers=headers)
        headers["Accords-Cache"] = "miss"
    try:
        ticket = _admit(request, services)
    except TooManyRequests as refusal:
        log["outcome"] = "too-many-requests"
        raise Problem.too_many_requests(refusal.reason, refusal.retry_after) from None
    try:
        answer = services.executors.run(job)
    except ExecutionError as error:
        _release(services, ticket)
        log["outcome"] = "timeout" if error.failure is Failure.TIMEOUT else "error"
        message, details = _in_query_terms(error.message, dict(error.details), checked)
        raise error.reworded(message, details) from None
    except BaseException:
        _release(services, ticket)
        raise
    if answer.complete:
        _release(services, ticket)
        log.update(answer.summary)
        if answer.summary.get("truncated"):
            headers["Accords-Truncated"] = answer.summary["truncated"]
            headers.pop("ETag", None)
        elif key is not None and key.build == services.builds.name():  # the build is the same
            cache.put(key, Entry(answer.first, fmt.content_type, dict(answer.summary)))
        return Response(answer.first, content_type=fmt.content_type, headers=headers)
    headers.pop("ETag", None)
    return Response(
        _stream(answer, log, lambda: _release(services, ticket)),
        content_type=fmt.content_type,
        headers=headers,
    )


def _admit(request: Request, services: Services) -> Ticket | None:
    """Count the query against its client's share (None when budgets are off)."""
    if not services.fair_share.enabled:
        return None
    client = services.fair_share.client(request.remote_addr or "", request.headers.get("X-Forwarded-For"))
    return services.fair_share.admit(client)


def _release(services: Services, ticket: Ticket | None) -> None:
    if ticket is not None:
        services.fair_share.release(ticket)


def _in_query_terms(message: str, details: dict, checked: CheckedQuery) -> tuple[str, dict]:
    """An engine error's position in the query sent, not in the text the engine ran."""
    line, column = details.get("line"), details.get("column")
    if isinstance(line, int) and isinstance(column, int):
        original = checked.original_column(line, column)
        message = message.replace(f"(line {line}, column {column})", f"(line {line}, column {original})")
        details["column"] = original
    return message, details


def _cache_key(services: Services, job: Job, volatile: bool) -> CacheKey | None:
    """The key of the job's result, or None when the result may not be reused."""
    if services.settings.backend:  # an external store: no build tells when its data change
        return None
    if volatile or not services.result_cache.enabled or not cacheable(job.query, job.federated):
        return None
    build = services.builds.name()
    if build is None:
        return None
    return CacheKey(
        query=normalized(job.query),
        format=job.format,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
        infer=job.infer,
        full_entailment=job.full_entailment,
        base_iri=job.base_iri,
        max_rows=job.max_rows,
        max_bytes=job.max_bytes,
        build=build,
    )


def _stream(answer: Answer, log: dict, done: Callable[[], None]) -> Iterator[bytes]:
    """The chunks of a large result; the access log learns how it ended.

    Once the 200 is sent, a result cut short (time limit, evaluation error) can only be
    told by closing the connection without the last chunk: the client sees an incomplete
    response. BrokenPipeError makes gunicorn drop the connection without a traceback.
    """
    try:
        yield from answer.chunks()
    except StreamAborted as error:
        log.update(answer.summary, outcome=answer.summary.get("outcome", "error"))
        logger.warning("result cut short: %s", error)
        raise BrokenPipeError(errno.EPIPE, f"result cut short: {error}") from None
    finally:
        done()  # also when the client hangs up (the generator is closed)
    log.update(answer.summary)


def _without_query(params: MultiDict) -> Response:
    """The Service Description, or the editor for a browser."""
    accept = request.accept_mimetypes
    editor = current_app.view_functions.get("editor.editor")
    machine_formats = (*SOLUTION_FORMATS, *GRAPH_FORMATS)
    if editor is not None and "format" not in params and prefers_html(accept, machine_formats):
        return cast(Response, editor())  # the editor view answers with a Response
    fmt = choose(GRAPH_FORMATS, accept, params.get("format"))
    if fmt is None:
        raise ProtocolError(
            400, "no query: pass one as ?query=… (without one, GET returns the service description as RDF)"
        )
    services = current_services()
    try:
        statistics = services.builds.statistics()
    except ExecutionError:
        statistics = None
    endpoint = services.settings.server_root + "/sparql"  # never from the Host header
    body = serialize(describe(endpoint, services.settings, statistics), fmt)
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


def _preflight() -> Response:
    """The answer to a CORS preflight request."""
    requested = request.headers.get("Access-Control-Request-Headers", "Accept, Content-Type")
    return Response(
        status=204,
        headers={
            "Allow": "GET, HEAD, POST, OPTIONS",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": requested,
            "Access-Control-Max-Age": "86400",
        },
    )


@blueprint.after_app_request
def cors(response: Response) -> Response:
    """Any origin may query the endpoint (it is public and read-only)."""
    if request.path in ("/sparql", "/sparql/"):
        response.headers.update(CORS_HEADERS)
    return response
