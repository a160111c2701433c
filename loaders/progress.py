"""Progress for long commands: a bar on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts steps of a named stage; draws a bar only when ``stream`` is a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.width = width
        self.stage = ""
        self.total = 0
        self.done = 0
        self.started = time.monotonic()

    def start(self, stage: str, total: int) -> None:
        self.stage, self.total, self.done = stage, max(total, 1), 0
        self._draw()

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        self._draw()

    def finish(self, summary: str) -> None:
        """End the bar and print the one-line summary (always, terminal or not)."""
        if self.enabled:
            self.stream.write("\r\033[K")
        self.stream.write(summary + "\n")
        self.stream.flush()

    def _draw(self) -> None:
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        bar = "█" * filled + "·" * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r\033[K{self.stage:<10} {bar} {self.done}/{self.total}  {elapsed:5.1f}s")
        self.stream.flush()
