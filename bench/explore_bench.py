"""``accords bench explore``: how long the explorer takes to draw, in Debian's Chromium, on a large store.

One run: generate (or reuse) a corpus, build it, start ``accords serve`` on it, then in a
headless Chromium (Playwright) time, ``runs`` times each: the first view (navigation until
every figure is drawn, ``#explorer[data-ready]``), a filter change (a topic), a state chosen on
the map, and ``/search`` answers. Printed: median and spread (min–max) per step.
"""

from __future__ import annotations

import functools
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from accords.bench.build_bench import corpus, subset
from accords.bench.servers import start_accords
from accords.loaders.explore_summary import SUMMARY_FILE

CHROMIUM = Path("/usr/bin/chromium")
SEARCHES = ("rosatom", "energie", "agreement", "moscow", "nuclear cooperation")


def _store(work: Path, articles: int, seed: int) -> Path:
    from accords.bench.query_bench import _reusable, _run

    store = work / f"store-{articles}"
    info = store / "current" / "build.json"
    if not (info.is_file() and _reusable(json.loads(info.read_text()), articles)):
        source = corpus(work, articles, seed)
        if len(list(source.glob("*.txt"))) > articles:
            source = subset(work, source, articles)
        _run([sys.executable, "-m", "accords.cli", "build", "--store", str(store), str(source)])
    return store


def _ready(page, action) -> float:  # page: Playwright's Page; action: what changes the view
    page.evaluate("document.getElementById('explorer')?.removeAttribute('data-ready')")
    start = time.perf_counter()
    action()
    page.wait_for_selector("#explorer[data-ready=true]", timeout=60_000)
    return time.perf_counter() - start


def _spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def run(articles: int, work: Path, runs: int = 3, seed: int = 0) -> dict:
    """Time the explorer's views on a store of ``articles`` generated articles."""
    from playwright.sync_api import sync_playwright

    store = _store(work, articles, seed)
    # Up once it serves the page: /health counts the store's graphs, which on a busy machine runs
    # past the query time limit (the first view then includes the query processes' start).
    server = start_accords(store, work, timeout=120, ready="/explore")
    steps: dict[str, list[float]] = {name: [] for name in ("first view", "topic filter", "state on the map")}
    steps["search"] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            for run_index in range(runs):
                url = f"{server.url}/explore?run={run_index}"
                steps["first view"].append(_ready(page, functools.partial(page.goto, url)))
                topic = "energy" if run_index % 2 == 0 else "economy"
                choose = functools.partial(page.select_option, "#topic", topic)
                steps["topic filter"].append(_ready(page, choose))
                page.locator("#map path.state").first.focus()
                press = functools.partial(page.keyboard.press, "Enter")
                steps["state on the map"].append(_ready(page, press))
                for text in SEARCHES:
                    start = time.perf_counter()
                    url = f"{server.url}/search?q={urllib.parse.quote(text)}"
                    with urllib.request.urlopen(url, timeout=30) as answer:
                        answer.read()
                    steps["search"].append(time.perf_counter() - start)
            browser.close()
    finally:
        server.stop()
    info = json.loads((store / "current" / "build.json").read_text())
    return {
        "articles": articles,
        "quads": info.get("quads"),
        "summary": (store / "current" / SUMMARY_FILE).is_file(),
        "steps": {name: _spread(values) for name, values in steps.items()},
    }


def report(results: dict) -> str:
    source = "the counts kept with the build" if results.get("summary") else "SPARQL (no summary)"
    size = f"{results['articles']} articles ({results['quads']} quads)"
    lines = [f"explorer on {size}, figures from {source}, seconds:"]
    for name, spread in results["steps"].items():
        low, high = spread["min"], spread["max"]
        lines.append(f"  {name:18} median {spread['median']:.3f}  (min {low:.3f}, max {high:.3f})")
    return "\n".join(lines)
