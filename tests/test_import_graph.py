"""server/ and loaders/ import one way: no import circle, no import running back up (import_graph.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests import import_graph
from tests.fixtures import PROJECT_ROOT


def test_the_packages_have_no_import_circle_and_no_import_running_up() -> None:
    result = subprocess.run(
        [sys.executable, "tests/import_graph.py"], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_check_finds_a_circle_through_a_late_import(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "server/__init__.py": "",
            "server/a.py": "from accords.server.b import thing\n",
            "server/b.py": "def f():\n    from accords.server import a\n",
            "server/c.py": "import accords.server.a\n",
            "loaders/__init__.py": "",
        },
    )
    assert import_graph.findings(root) == ["import circle: accords.server.a <-> accords.server.b"]


def test_the_check_finds_an_import_running_up_into_its_user(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "server/__init__.py": "",
            "loaders/__init__.py": "",
            "loaders/commands.py": "from accords.loaders.extraction import tool\n",
            "loaders/extraction/__init__.py": "",
            "loaders/extraction/tool.py": "from .. import commands\n",
            "loaders/extraction/plain.py": "from accords.loaders import article\n",
            "loaders/article.py": "",
        },
    )
    assert import_graph.findings(root) == [
        "import circle: accords.loaders.commands <-> accords.loaders.extraction.tool",
        "import runs up: accords.loaders.extraction.tool -> accords.loaders.commands",
    ]
