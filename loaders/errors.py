"""The one error type a user sees from loading: a message that names the file and line."""

from __future__ import annotations

from pathlib import Path

from accords.errors import AccordsError


class InputError(AccordsError):
    """Bad input: a malformed article, annotation or RDF file, with where it is wrong."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
