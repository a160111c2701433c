"""`accords export`: every format round-trips, Turtle is readable and parses independently."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from accords.loaders import export as export_module
from accords.loaders.store import open_read_only
from tests.fixtures import accords

TRIPLE_FORMATS = {"turtle": "turtle", "ntriples": "nt"}
QUAD_FORMATS = {"trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}


def export(store: Path, out: Path, fmt: str, graph: str = "all") -> Path:
    target = out / f"export.{fmt}"
    result = accords("export", "--store", str(store), "--format", fmt, "--graph", graph, "-o", str(target))
    assert result.returncode == 0, result.stderr
    return target


@pytest.mark.parametrize("fmt", sorted(TRIPLE_FORMATS))
def test_triple_formats_round_trip(seed_store_dir: Path, tmp_path: Path, fmt: str) -> None:
    reference = Graph().parse(export(seed_store_dir, tmp_path, "ntriples"), format="nt")
    parsed = Graph().parse(export(seed_store_dir, tmp_path, fmt), format=TRIPLE_FORMATS[fmt])
    assert len(parsed) == len(reference) > 500
    assert isomorphic(parsed, reference)


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_dataset_formats_keep_named_graphs(seed_store_dir: Path, tmp_path: Path, fmt: str) -> None:
    dataset = Dataset()
    dataset.parse(export(seed_store_dir, tmp_path, fmt), format=QUAD_FORMATS[fmt])
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    reference = Dataset()
    reference.parse(export(seed_store_dir, tmp_path, "nquads"), format="nquads")
    assert len(dataset) == len(reference) > 500
    assert {
        "https://w3id.org/accords/graph/ontology",
        "https://w3id.org/accords/graph/inferred",
        "https://w3id.org/accords/graph/source/000_054c372ceee383ed",
    } <= names


def test_turtle_is_readable_and_parses_with_pyoxigraph(seed_store_dir: Path, tmp_path: Path) -> None:
    path = export(seed_store_dir, tmp_path, "turtle", graph="asserted")
    text = path.read_text(encoding="utf-8")
    assert "@prefix acc: <https://w3id.org/accords/ontology#> ." in text
    assert "acc:party" in text  # prefixed names, not full IRIs everywhere
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    nt = list(
        ox.parse(
            path=str(export(seed_store_dir, tmp_path, "ntriples", "asserted")),
            format=ox.RdfFormat.N_TRIPLES,
        )
    )
    assert len(triples) == len(nt)


def test_asserted_and_inferred_partition_all(seed_store_dir: Path, tmp_path: Path) -> None:
    counts = {}
    for selection in ("asserted", "inferred", "all"):
        folder = tmp_path / selection
        folder.mkdir()
        counts[selection] = len(
            list(
                ox.parse(
                    path=str(export(seed_store_dir, folder, "nquads", selection)),
                    format=ox.RdfFormat.N_QUADS,
                )
            )
        )
    assert counts["asserted"] + counts["inferred"] == counts["all"]
    assert counts["inferred"] > 0


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
@pytest.mark.parametrize("limit", [200_000, 0], ids=["sorted", "streamed"])
def test_prefixed_names_need_no_escapes(
    seed_store_dir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, limit: int
) -> None:
    monkeypatch.setattr(export_module, "READABLE_LIMIT", limit)
    out = io.BytesIO()
    written = export_module.export(open_read_only(seed_store_dir).store, out, fmt, "all")
    text = out.getvalue().decode("utf-8")
    outside_literals = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    assert "\\" not in outside_literals  # no id:state\/mali
    assert re.search(r"\bstate:mali\b", text)
    assert re.search(r"\bsourcegraph:000_054c372ceee383ed\b", text)
    # an IRI whose local name would need escapes is written in full
    assert "<https://w3id.org/accords/id/agreement/mali-russian-federation/2025-06/energy>" in text
    assert len(set(ox.parse(text.encode(), ox.RdfFormat.TRIG))) == written > 1000
