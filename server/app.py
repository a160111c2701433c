"""The Flask application factory: the endpoint, the health check and the editor."""

from __future__ import annotations

import atexit

from flask import Flask

from accords.config import Settings
from accords.server import editor, errors, explore, fast_path, health, security, sparql
from accords.server.engine.protocol import QueryEngine
from accords.server.linked_data import register_pages
from accords.server.services import EXTENSION, start_engine, start_services


def create_app(settings: Settings, engine: QueryEngine | None = None) -> Flask:
    """A new application serving the store of ``settings`` through ``engine`` (else starts its own)."""
    app = Flask(__name__, static_folder=None)
    app.config.update(
        DEBUG=False,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
    )
    if engine is None:
        engine = start_engine(settings)
        atexit.register(engine.close)
    app.extensions[EXTENSION] = start_services(settings, engine)
    errors.register(app)
    security.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(editor.blueprint)
    app.register_blueprint(explore.blueprint)
    register_pages(app)
    fast_path.install(app)
    return app
