"""Which subcommands `accords` has: each module registers its own parser."""

from accords.bench import commands as bench_commands
from accords.loaders import commands as loader_commands
from accords.server import command as server_command

REGISTRY = [
    *loader_commands.REGISTRY,
    server_command.register,
    bench_commands.register,
]
