"""The ``accords serve`` subcommand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accords.config import LIMITS, ConfigError, Settings, load_settings
from accords.loaders.store import StoreError, current_build, open_read_only

DEFAULTS = Settings()


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``accords`` command."""
    parser = subcommands.add_parser(
        "serve", help="serve the store through a read-only SPARQL endpoint (gunicorn)"
    )
    parser.add_argument("--store", help="store directory (default ./var); built first if empty")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000)")
    for name, kind, metavar, text, *_ in LIMITS:
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=kind,
            metavar=metavar,
            help=f"{text} (default {_plain(getattr(DEFAULTS, name))})",
        )
    parser.add_argument(
        "--backend",
        metavar="URL",
        help="evaluate queries on this external SPARQL endpoint, not the local store",
    )
    parser.add_argument(
        "--server-url",
        metavar="URL",
        help="the address users reach the server at, for absolute URLs (default http://HOST:PORT)",
    )
    parser.set_defaults(handler=run_serve)


def _plain(value: float) -> str:
    """A default as one types it: 10, not 10.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_serve(args: argparse.Namespace) -> int:
    """Build the store if there is none, then serve it until stopped."""
    flags = {name: getattr(args, name) for name in ("store", "host", "port", "backend", "server_url")}
    flags.update((name, getattr(args, name)) for name, *_ in LIMITS)
    try:
        settings = load_settings(config_file=Path(args.config) if args.config else None, flags=flags)
        if not settings.backend:
            if current_build(settings.store) is None:
                _build(settings)
            _check_store(settings)
    except (ConfigError, StoreError) as error:
        print(f"accords serve: {error}", file=sys.stderr)
        return 1
    from accords.server.gunicorn_app import Server

    Server(settings).run()
    return 0


def _check_store(settings: Settings) -> None:
    """Open the current build and ask it one question, so a corrupt store stops the start.

    Otherwise every worker would start and answer 503: a server up but serving nothing.
    """
    opened = open_read_only(settings.store)
    try:
        opened.store.query("ASK { GRAPH ?g { ?s ?p ?o } }")
    except (OSError, RuntimeError) as error:
        reason = " ".join(str(error).split())
        raise StoreError(f"the store at {opened.path} cannot be read: {reason}") from error
    finally:
        del opened  # closes it: the workers open their own


def _build(settings: Settings) -> None:
    """Build the store from the configured sources (seeds/ by default)."""
    from accords.loaders.build import build_store, summary_line
    from accords.loaders.errors import InputError
    from accords.loaders.reasoning import InconsistencyError

    sources = ", ".join(str(s) for s in settings.sources)
    print(f"accords serve: no store at {settings.store}: building it from {sources}", file=sys.stderr)
    try:
        summary = build_store(settings)
    except (InputError, InconsistencyError) as error:
        raise StoreError(f"cannot build the store: {error}") from error
    print(f"accords serve: {summary_line(summary)}", file=sys.stderr)
