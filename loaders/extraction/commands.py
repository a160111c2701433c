"""The `accords extract` and `accords eval-extract` subcommands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast

from accords.loaders.errors import InputError


def _date_option(value: str) -> str:
    from accords.loaders.extraction.extract import check_date

    try:
        return check_date(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run_extract(args: argparse.Namespace) -> int:
    from accords.loaders.extraction.confidence import REVIEW_BELOW
    from accords.loaders.extraction.draft import check_draft, draft_text
    from accords.loaders.extraction.extract import article_for_extraction
    from accords.loaders.ontology import ontology_graph, topic_slugs

    article = article_for_extraction(Path(args.article), args.date)
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        raise InputError(output, "the file exists; give --force to overwrite it")
    text = draft_text(article)
    annotation = check_draft(text, article, topic_slugs(ontology_graph()))
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(output, f"cannot write the draft: {error.strerror}") from error
    found = ", ".join(
        f"{len(annotation.section(name))} {name}" for name in ("states", "persons", "agreements")
    )
    review = (
        ", MARKED FOR REVIEW" if cast(float, annotation.confidence) < REVIEW_BELOW else ""
    )  # a draft has one
    print(
        f"wrote a draft of {article.path} to {output}: {found} (confidence {annotation.confidence}{review})",
        file=sys.stderr,
    )
    return 0


def register_extract(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "extract",
        help="draft an annotation of an article (machine extraction, for a person to review)",
        description="Write a draft annotation of ARTICLE in the curated format, with method: machine.",
    )
    parser.add_argument(
        "article", help="an article file: a 'date YYYY-MM[-DD]' header, then French or English text"
    )
    parser.add_argument(
        "--date",
        type=_date_option,
        help="the publication date YYYY-MM[-DD]: replaces the header's, or stands in for a missing header",
    )
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    parser.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    parser.set_defaults(handler=run_extract)


def run_eval_extract(args: argparse.Namespace) -> int:
    from accords.loaders.extraction.confidence import record_first_run, write_calibration
    from accords.loaders.extraction.evaluate import (
        evaluate,
        format_calibration,
        format_details,
        format_table,
        tallies,
    )

    folders = [Path(folder) for folder in args.folder]
    by_folder = {folder: evaluate(folder) for folder in folders}
    results = [result for folder in folders for result in by_folder[folder]]
    if args.first_run:
        for folder in folders:
            record_first_run(folder.resolve().name, rules_commit(), tallies(by_folder[folder]))
    if args.calibrate:
        write_calibration(tallies(results))
    if args.calibrate or args.first_run:
        results = [result for folder in folders for result in evaluate(folder)]
    print(format_table(results))
    print()
    print(format_calibration(results))
    if args.details:
        print()
        print(format_details(results))
    return 0


EXTRACTION_DIR = Path(__file__).resolve().parent


def rules_commit(folder: Path = EXTRACTION_DIR) -> str:
    """The short id of the last commit that changed the rules scored: the extraction code and data,
    not the gold or held-out articles merged after the freeze ("-" outside a git checkout)."""
    import subprocess

    try:
        found = subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", ".", ":!heldout", ":!gold"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # no git on this machine
        return "-"
    return found.stdout.strip() if found.returncode == 0 else "-"


def register_eval_extract(subcommands: argparse._SubParsersAction) -> None:
    from accords.loaders.extraction.evaluate import GOLD_DIR

    parser = subcommands.add_parser(
        "eval-extract",
        help="measure the extractor against a gold set (precision, recall, F1 per field)",
    )
    parser.add_argument(
        "folder",
        nargs="*",
        default=[str(GOLD_DIR)],
        help="folders of articles beside their gold annotations, scored together (default: %(default)s)",
    )
    parser.add_argument(
        "--details", action="store_true", help="also list, per article, what was missed or added"
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="write the confidence calibration (loaders/extraction/data/calibration.tsv) from these "
        "folders: the development set and the batches already scored, never the batch to be scored",
    )
    parser.add_argument(
        "--first-run",
        action="store_true",
        help="record these folders' tallies per confidence bucket as first runs "
        "(loaders/extraction/data/first-runs.tsv): once per held-out batch, on the rules frozen for it",
    )
    parser.set_defaults(handler=run_eval_extract)
