"""``python -m accords.bench.wakeup``: the worker's steps timed hot and after a pause."""

from __future__ import annotations

import subprocess
import sys

from accords.bench.wakeup import run


def test_each_step_is_timed_after_each_pause() -> None:
    results = run(calls=5, pauses=(0.0, 1.0))
    assert set(results) == {"guard (per-year query)", "Werkzeug request and response"}
    for by_pause in results.values():
        assert set(by_pause) == {0.0, 1.0}
        assert all(us > 0 for us in by_pause.values())  # each call did some work


def test_the_command_prints_a_row_per_step_and_refuses_bad_pauses_in_one_line() -> None:
    command = [sys.executable, "-m", "accords.bench.wakeup", "--calls", "3", "--pauses", "0,1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("| guard", "| Werkzeug"))]
    assert len(rows) == 2 and all(row.count("(×") == 2 for row in rows), done.stdout
    bad = subprocess.run(command[:-1] + ["soon"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "--pauses: numbers of milliseconds separated by commas, not 'soon'" in bad.stderr
    assert "Traceback" not in bad.stderr
