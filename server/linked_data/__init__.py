"""The linked-data side of the server: resource pages, the ontology, VoID and the dumps.

``register_pages(app)`` adds the blueprints:

* ``server.html`` — the pages' stylesheet (``/static/site/…``) and template helpers;
* ``resources`` — ``/id/…``, ``/topic/…``, ``/graph/…`` (their page model: ``describe``);
* ``ontology`` — ``/ontology``;
* ``void`` — ``/void`` and ``/.well-known/void``;
* ``dumps`` — ``/dump.ttl``, ``/dump.trig``, ``/dump.nq.gz``.

What they share (negotiation, running a query, a cache per build) is in ``common``.
"""

from __future__ import annotations

from flask import Flask

from accords.server import html
from accords.server.linked_data import dumps, ontology, resources, void


def register_pages(app: Flask) -> None:
    """Serve the linked-data views from ``app``."""
    for module in (html, resources, ontology, void, dumps):
        app.register_blueprint(module.blueprint)
