"""A bucket's confidence: its share right in-sample (calibration.tsv), tempered by what the rules did
on held-out batches they had not seen (first-runs.tsv)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from accords.cli import main
from accords.loaders.extraction import confidence
from accords.loaders.extraction.commands import rules_commit
from accords.loaders.extraction.confidence import (
    bucket_confidence,
    fact_confidences,
    first_runs,
    record_first_run,
)
from accords.loaders.extraction.evaluate import GOLD_DIR

IN_SAMPLE = """# in-sample tallies
bucket\tright\tfacts
date:day\t100\t100
place:introduced\t50\t50
"""


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Calibration files of the test's own in a temporary folder (the project's are left alone)."""
    (tmp_path / "calibration.tsv").write_text(IN_SAMPLE, encoding="utf-8")
    monkeypatch.setattr(confidence, "CALIBRATION", tmp_path / "calibration.tsv")
    monkeypatch.setattr(confidence, "FIRST_RUNS", tmp_path / "first-runs.tsv")
    confidence.calibration.cache_clear()
    first_runs.cache_clear()
    yield tmp_path
    confidence.calibration.cache_clear()
    first_runs.cache_clear()


def test_without_first_runs_a_bucket_keeps_its_in_sample_share(data: Path) -> None:
    assert bucket_confidence("date:day") == 0.99  # (100 + 1) / (100 + 2)
    assert bucket_confidence("topics:head") == 0.5  # a bucket never seen


def test_first_runs_lower_a_bucket_the_rules_got_wrong_out_of_sample(data: Path) -> None:
    record_first_run("batch-8", "abc1234", {"date:day": (6, 10)})
    record_first_run("batch-9", "def5678", {"date:day": (3, 10), "place:introduced": (20, 20)})
    # the in-sample share weighs as ten facts beside the twenty first-run facts, 9 of them right
    assert bucket_confidence("date:day") == round((10 * 101 / 102 + 9) / 30, 2) == 0.63
    assert bucket_confidence("place:introduced") == 0.99  # right out of sample too
    # a finer bucket not yet calibrated takes its parent's share and tallies
    assert bucket_confidence("date:day-elsewhere") == 0.63


def test_many_first_run_facts_outweigh_the_in_sample_share(data: Path) -> None:
    record_first_run("batch-9", "abc1234", {"date:day": (150, 200)})
    assert bucket_confidence("date:day") == 0.76  # (10 × 0.99 + 150) / 210, near 150 / 200


def test_a_batch_recorded_again_replaces_its_rows(data: Path) -> None:
    record_first_run("batch-8", "abc1234", {"date:day": (6, 10)})
    record_first_run("batch-9", "abc1234", {"date:day": (1, 10)})
    record_first_run("batch-9", "def5678", {"date:day": (8, 10)})
    assert first_runs() == {"date:day": (14, 20)}
    lines = (data / "first-runs.tsv").read_text(encoding="utf-8").splitlines()
    assert "batch-8\tabc1234\tdate:day\t6\t10" in lines and "batch-9\tdef5678\tdate:day\t8\t10" in lines
    assert len([line for line in lines if line.startswith("batch-9")]) == 1


def test_eval_extract_records_a_first_run(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`accords eval-extract --first-run FOLDER` records the folder's tallies under its name."""
    batch = data / "batch-99"
    batch.mkdir()
    for suffix in (".txt", ".yaml"):
        shutil.copy(GOLD_DIR / ("001_traite_quirinal" + suffix), batch)
    assert main(["eval-extract", "--first-run", str(batch)]) == 0
    rows = [line.split("\t") for line in (data / "first-runs.tsv").read_text(encoding="utf-8").splitlines()]
    recorded = [row for row in rows if row[0] == "batch-99"]
    assert recorded and all(len(row) == 5 and row[1] for row in recorded)
    fields = {"parties", "date", "place", "count", "topics", "no-signing"}
    assert all(row[2].partition(":")[0] in fields and 0 <= int(row[3]) <= int(row[4]) for row in recorded)
    assert "| confidence | facts | right | share right |" in capsys.readouterr().out


def test_facts_of_a_weak_draft_are_less_sure(data: Path) -> None:
    """A draft whose weakest core fact is weak (a signing misread, the wrong meeting) has its other
    facts lowered too: they go wrong together."""
    record_first_run("batch-9", "abc1234", {"date:day": (3, 10)})
    sure = fact_confidences({"place": "place:introduced"})
    weak = fact_confidences({"place": "place:introduced", "date": "date:day"})
    assert sure["place"] == 0.98  # (50 + 1) / (50 + 2)
    assert weak["date"] == 0.55  # (10 × 0.99 + 3) / 20 = 0.65, lowered by 0.85
    assert weak["place"] == 0.83  # 0.98 × 0.85


def test_a_first_run_names_the_commit_of_the_rules_not_of_the_gold_merged_after(
    tmp_path: Path,
) -> None:
    """A batch is merged after the freeze, then scored: its first run names the freeze's commit."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(tmp_path), *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    (tmp_path / "rules.py").write_text("RULE = 1\n")
    git("add", "-A")
    git("commit", "-qm", "Extraction rules frozen")
    frozen = git("rev-parse", "--short", "HEAD")
    (tmp_path / "heldout" / "batch-9").mkdir(parents=True)
    (tmp_path / "heldout" / "batch-9" / "900_a_b.txt").write_text("date 2024-01-01\n")
    git("add", "-A")
    git("commit", "-qm", "Merge the blind batch")
    assert rules_commit(tmp_path) == frozen != git("rev-parse", "--short", "HEAD")
