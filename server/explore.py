"""The explorer (``/explore``: a map, a timeline and a network over the agreements) and ``/search``.

The page is static: its script (``static/explore/explore.js``) draws what its SPARQL queries to
this server's own ``/sparql`` give. ``/explore/data`` and ``/explore/states`` give the same rows
for its figures and its list of states from the counts kept with the build
(``loaders.explore_summary``); the page asks ``/sparql`` when a build has none. ``/search?q=``
answers from the full-text index of the current build (``loaders.search_index``).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, render_template, request

from accords.loaders.explore_summary import SUMMARY_FILE, Selection, figures, states
from accords.loaders.namespaces import BASE
from accords.loaders.search_index import INDEX_FILE, search
from accords.server.problem import Problem
from accords.server.services import current_services

blueprint = Blueprint("explore", __name__, template_folder="templates")
MAX_RESULTS = 50
# The selection's parameters, as the page writes them in its URL.
PARAMETERS = {
    "state": re.compile(r"[A-Z]{2}"),
    "topic": re.compile(r"[a-z0-9-]+"),
    "from": re.compile(r"[0-9]{4}"),
    "to": re.compile(r"[0-9]{4}"),
    "language": re.compile(r"fr|en"),
    "granularity": re.compile(r"year|month"),
    "lang": re.compile(r"fr|en"),
}


def local_page(iri: str) -> str:
    """This server's page for a resource of the graph (the IRI itself for anything else)."""
    return request.script_root + "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


@blueprint.get("/explore")
def explore() -> str:
    return render_template("explore.html", title="Explorer", endpoint=request.script_root + "/sparql")


@blueprint.get("/explore/data")
def explore_data() -> Response:
    """The rows of the explorer's figures for the selection in the query string."""
    chosen = {}
    for key, pattern in PARAMETERS.items():
        value = request.args.get(key, "")
        if value and not pattern.fullmatch(value):
            raise Problem(400, f"{key}: not a value the explorer offers")
        chosen[key] = value
    selection = Selection(
        state=chosen["state"],
        topic=chosen["topic"],
        start=int(chosen["from"]) if chosen["from"] else None,
        end=int(chosen["to"]) if chosen["to"] else None,
        language=chosen["language"],
        granularity=chosen["granularity"] or "year",
    )
    build = current_services().builds.current()
    rows = figures(build / SUMMARY_FILE, selection, chosen["lang"] or "en") if build else None
    if rows is None:
        raise Problem.not_found("this build has no summary: ask /sparql")
    return jsonify(rows)


@blueprint.get("/explore/states")
def explore_states() -> Response:
    """The states the filter offers (``lang``: the language of their names)."""
    lang = request.args.get("lang", "en")
    if lang not in ("en", "fr"):
        raise Problem(400, "lang: not a value the explorer offers")
    build = current_services().builds.current()
    rows = states(build / SUMMARY_FILE, lang) if build else None
    if rows is None:
        raise Problem.not_found("this build has no summary: ask /sparql")
    return jsonify(rows)


@blueprint.get("/search")
def search_view() -> Response:
    text = request.args.get("q", "")
    try:
        limit = min(max(int(request.args.get("limit", "20")), 1), MAX_RESULTS)
    except ValueError:
        raise Problem(400, "limit must be a whole number") from None
    build = current_services().builds.current()
    hits = search(build / INDEX_FILE, text, limit) if build else []
    return jsonify(
        query=text,
        results=[
            {
                "iri": hit.iri,
                "kind": hit.kind,
                "names": hit.names,
                "snippet": hit.snippet,
                "score": round(hit.score, 3),
                "page": local_page(hit.iri),
            }
            for hit in hits
        ],
    )
