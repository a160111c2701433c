"""A rule that fails on one article is said in one line naming the article, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from accords.cli import main
from accords.loaders.extraction import extract as extract_module


def test_a_rule_failing_on_an_article_gives_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "077_mali_niger.txt"
    article.write_text("date 2025-05-20\nLe Mali et le Niger ont signé trois accords lundi à Bamako.\n")

    def broken_rule(*_: object) -> None:
        raise ValueError("min() arg is an empty sequence")

    monkeypatch.setattr(extract_module, "find_signing", broken_rule)
    assert main(["extract", str(article)]) == 1
    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1, error
    assert "077_mali_niger.txt" in error and "ValueError: min() arg is an empty sequence" in error
    assert "Traceback" not in error
