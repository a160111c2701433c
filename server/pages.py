"""The linked-data side of the server: resource pages, the ontology, VoID and the dumps.

``register_pages(app)`` adds the blueprints:

* ``server.html`` — the pages' stylesheet (``/static/site/…``) and template helpers;
* ``server.linked_data`` — ``/id/…``, ``/topic/…``, ``/graph/…``;
* ``server.ontology_page`` — ``/ontology``;
* ``server.void`` — ``/void`` and ``/.well-known/void``;
* ``server.dumps`` — ``/dump.ttl``, ``/dump.trig``, ``/dump.nq.gz``.
"""

from __future__ import annotations

from flask import Flask

from accords.server import dumps, html, linked_data, ontology_page, void


def register_pages(app: Flask) -> None:
    """Serve the linked-data views from ``app``."""
    for module in (html, linked_data, ontology_page, void, dumps):
        app.register_blueprint(module.blueprint)
