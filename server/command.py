"""The ``accords serve`` subcommand."""

from __future__ import annotations

import argparse
import errno
import multiprocessing
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from accords.config import SERVE_FLAGS, ConfigError, Settings, load_settings, out_of_bounds
from accords.loaders.store import StoreError, current_build, open_read_only


def register(subcommands: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``accords`` command."""
    parser = subcommands.add_parser(
        "serve", help="serve the store through a read-only SPARQL endpoint (gunicorn)"
    )
    for flag in SERVE_FLAGS:  # one per row of the settings table that has one
        parser.add_argument(
            "--" + flag.setting.replace("_", "-"),
            type=flag.kind,
            metavar=flag.metavar,
            choices=flag.choices,
            help=flag.help,
        )
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Build the store if there is none, then serve it until stopped."""
    problem = args.port is not None and out_of_bounds("port", args.port)
    if problem:  # as a usage error (exit 2), before any file or variable is read
        print(f"accords serve: --port {args.port}: {problem}", file=sys.stderr)
        return 2
    flags = {flag.setting: getattr(args, flag.setting) for flag in SERVE_FLAGS}
    settings = load_settings(config_file=Path(args.config) if args.config else None, flags=flags)
    _check_port(settings)
    if not settings.backend:
        _say_if_service_is_disabled()
        _aside(_prepare_store, settings)
    from accords.server.gunicorn_app import Server

    Server(settings).run()
    return 0


def _say_if_service_is_disabled() -> None:
    """One line at start when query processes cannot be isolated: SERVICE is then refused."""
    from accords.server.isolation import available

    problem = available()
    if problem:
        print(
            "accords serve: SERVICE is disabled: query processes cannot get a network namespace "
            f"of their own here ({problem}; needs Linux, as root or with user namespaces)",
            file=sys.stderr,
        )


def _aside(function: Callable[[Settings], None], settings: Settings) -> None:
    """Run ``function`` in a child process, its exception raised here.

    The store's engine (RocksDB) keeps background threads once it is used: a server
    process that forks its workers after using it leaves them threads they do not have,
    and they abort when they exit (``terminate called after throwing…``, SIGABRT).
    """
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pool.apply(function, (settings,))


def _prepare_store(settings: Settings) -> None:
    """Build the store if there is none, then check that it answers."""
    if current_build(settings.store) is None:
        _build(settings)
    _check_store(settings)


def _check_port(settings: Settings) -> None:
    """Refuse at once a port that is taken (gunicorn would retry for seconds, then print a traceback)."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((settings.host.strip("[]"), settings.port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ConfigError(f"port {settings.port} is in use: choose another with --port") from None
            raise ConfigError(f"cannot listen on {settings.host}:{settings.port}: {error.strerror}") from None


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
