"""The explorer (``/explore``: a map, a timeline and a network over the agreements) and ``/search``.

The page is static: its script (``static/explore/explore.js``) asks this server's own ``/sparql``
for everything it draws, so it works over ``--backend`` too. ``/search?q=`` answers from the
full-text index of the current build (``loaders.search_index``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from accords.loaders.namespaces import BASE
from accords.loaders.search_index import INDEX_FILE, search
from accords.loaders.store import current_build
from accords.server.services import current_services

blueprint = Blueprint("explore", __name__, template_folder="templates")
MAX_RESULTS = 50


def local_page(iri: str) -> str:
    """This server's page for a resource of the graph (the IRI itself for anything else)."""
    return request.script_root + "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


@blueprint.get("/explore")
def explore() -> str:
    return render_template("explore.html", title="Explorer", endpoint=request.script_root + "/sparql")


@blueprint.get("/search")
def search_view() -> Response:
    text = request.args.get("q", "")
    try:
        limit = min(max(int(request.args.get("limit", "20")), 1), MAX_RESULTS)
    except ValueError:
        return Response("limit must be a whole number\n", status=400, mimetype="text/plain")
    build = current_build(current_services().settings.store)
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
