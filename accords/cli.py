"""The `accords` command and its subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from accords import __version__
from accords.errors import AccordsError

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accords", description=__doc__)
    parser.add_argument("--version", action="version", version=f"accords {__version__}")
    parser.add_argument("--config", help="a TOML configuration file (default ./accords.toml)")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from accords import commands

    for register in commands.REGISTRY:
        register(subcommands)
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Each subcommand's parser records its full name (``accords wikidata snapshot``) for its errors."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                subparser.set_defaults(command_name=subparser.prog)
                _name_commands(subparser)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except AccordsError as error:  # what a user can fix: one line, never a traceback
        print(f"{args.command_name}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("accords: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `accords export … | head`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush passes
        return 1


if __name__ == "__main__":
    sys.exit(main())
