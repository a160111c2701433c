"""Graph benchmark: the cost of reasoning over a large ``--graph`` file, owlrl on a sample.

A synthetic N-Triples file shaped like a user's data with its own schema (a class tree,
domains and ranges, a sub-property, an inverse, a symmetric and a transitive property),
``individuals × 5`` triples, is built with ``accords build --no-articles --graph`` in a child
process and timed from outside (wall clock, peak memory). The fast reasoner and owlrl are then
timed on the same sample of that file, and their outputs compared.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from rdflib import Graph

from accords.bench.build_bench import disk_mb
from accords.bench.servers import PACKAGE_ROOT

EX = "http://example.org/bench/"
CLASSES = 63  # a binary tree of classes, six levels deep
TRIPLES_PER_INDIVIDUAL = 5


def schema() -> list[str]:
    """The user's schema, as N-Triples lines."""
    rdfs, owl, rdf = (
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/2002/07/owl#",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    )
    lines = [f"<{EX}C{c}> <{rdf}type> <{owl}Class> ." for c in range(CLASSES)]
    lines += [f"<{EX}C{c}> <{rdfs}subClassOf> <{EX}C{(c - 1) // 2}> ." for c in range(1, CLASSES)]
    lines += [
        f"<{EX}worksFor> <{rdfs}domain> <{EX}Person> .",
        f"<{EX}worksFor> <{rdfs}range> <{EX}Organisation> .",
        f"<{EX}employs> <{owl}inverseOf> <{EX}worksFor> .",
        f"<{EX}colleagueOf> <{rdfs}subPropertyOf> <{EX}knows> .",
        f"<{EX}knows> <{rdf}type> <{owl}SymmetricProperty> .",
        f"<{EX}partOf> <{rdf}type> <{owl}TransitiveProperty> .",
    ]
    return lines


def individual(n: int) -> list[str]:
    """The five triples of individual ``n``."""
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    me = f"<{EX}i{n}>"
    return [
        f"{me} {rdf_type} <{EX}C{CLASSES // 2 + n % (CLASSES // 2 + 1)}> .",
        f"{me} <{EX}worksFor> <{EX}org{n % 1000}> .",
        f"{me} <{EX}colleagueOf> <{EX}i{n + 1}> .",
        f'{me} <{EX}name> "person {n}" .',
        f"<{EX}org{n % 1000}> <{EX}partOf> <{EX}org{n % 1000 // 10}> .",
    ]


def write_graph(path: Path, triples: int) -> int:
    """Write about ``triples`` triples to ``path``; how many lines were written."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for line in schema():
            out.write(line + "\n")
            count += 1
        for n in range(max(1, (triples - count) // TRIPLES_PER_INDIVIDUAL)):
            out.write("\n".join(individual(n)) + "\n")
            count += TRIPLES_PER_INDIVIDUAL
    return count


def timed_graph_build(store: Path, graph: Path, reasoner: str = "fast") -> dict:
    """``accords build --no-articles --graph`` in a child process: its summary, wall time, peak memory."""
    shutil.rmtree(store, ignore_errors=True)
    command = [sys.executable, "-m", "accords.cli", "build", "--store", str(store), "--no-articles"]
    command += ["--reasoner", reasoner, "--graph", f"{EX}graph={graph}"]
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=PACKAGE_ROOT, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    message = child.stderr.read() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"build failed: {message}")
    info = json.loads((store / "current" / "build.json").read_text(encoding="utf-8"))
    return {
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "phases": info["phases"],
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "triples": info["triples"],
        "fallback": info["reasoning"]["fallback"],
        "store_mb": disk_mb(store),
    }


def compare_on_sample(graph: Path, sample: int) -> dict:
    """The fast reasoner and owlrl on the first ``sample`` triples of the file (ontology included)."""
    from accords.loaders import reasoner
    from accords.loaders.ontology import ontology_graph

    with graph.open(encoding="utf-8") as lines:
        head = "".join(line for _, line in zip(range(sample), lines, strict=False))
    triples = [*ontology_graph(), *Graph().parse(data=head, format="nt")]
    started = time.monotonic()
    fast = reasoner.materialize(triples)
    fast_seconds = time.monotonic() - started
    started = time.monotonic()
    reference = reasoner.owlrl_materialize(triples)
    owlrl_seconds = time.monotonic() - started
    return {
        "sample_triples": len(triples),
        "fast_seconds": round(fast_seconds, 2),
        "owlrl_seconds": round(owlrl_seconds, 1),
        "identical": fast == reference,
        "inferred": len(fast),
    }


def run(work: Path, triples: int, sample: int) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    graph = work / f"graph-{triples}.nt"
    written = write_graph(graph, triples)
    report = {"graph_triples": written, "build": timed_graph_build(work / "store", graph)}
    shutil.rmtree(work / "store", ignore_errors=True)
    report["sample"] = compare_on_sample(graph, sample)
    return report
