"""Which subcommands `accords` has: each module registers its own parser."""

from bench import commands as bench_commands
from loaders import commands as loader_commands
from server import command as server_command

REGISTRY = [
    *loader_commands.REGISTRY,
    server_command.register,
    bench_commands.register,
]
