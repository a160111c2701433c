"""server/ and loaders/ type-check with mypy (check_untyped_defs; configuration in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures import PROJECT_ROOT

PARTS = ("server", "loaders", "bench", "ontology", "seeds")  # installed as accords.server, …


def test_mypy_finds_no_type_error(tmp_path: Path) -> None:
    # mypy cannot follow the editable install's mapping of the folders into the accords package:
    # it reads them through the same layout, made of links to the checkout.
    package = tmp_path / "accords"
    package.mkdir()
    for module in (PROJECT_ROOT / "accords").glob("*.py"):
        (package / module.name).symlink_to(module)
    for part in PARTS:
        (package / part).symlink_to(PROJECT_ROOT / part, target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(PROJECT_ROOT / "pyproject.toml")]
        + ["--cache-dir", str(tmp_path / "cache"), "-p", "accords.server", "-p", "accords.loaders"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
