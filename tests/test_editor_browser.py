"""The query editor in a real browser: Debian's Chromium driven by Playwright.

Against a real `accords serve` (see ``w3c_manifest.shared_server``): open the page, pick
an example tab, run it, and find result rows in the YASR table, with no console error,
no Content-Security-Policy violation and no request leaving the server's origin.
A screenshot goes to /tmp/editor.png (or $ACCORDS_EDITOR_SCREENSHOT).

Chromium missing makes these tests fail, not skip: CI installs it (.ci/install-tools).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from accords.server import editor
from accords.server.editor import BUILTIN_QUERY, load_examples
from tests.conftest import PageWatch, browser_page

try:
    from tests import w3c_manifest as w3c
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    import w3c_manifest as w3c

SCREENSHOT = Path(os.environ.get("ACCORDS_EDITOR_SCREENSHOT", "/tmp/editor.png"))

# The example tab to run (competency question 1: the agreements of the visit) and a value
# its results show once the seed is built.
EXAMPLE_TAB = re.compile(r"^\s*1\.")
EXPECTED_TEXT = "Mali"

# Collects Content-Security-Policy violations before any page script runs
# (Playwright injects init scripts outside the page's CSP).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}` +
    ` at ${event.sourceFile || "?"}:${event.lineNumber || "?"}`
  );
});
"""


def test_examples_from_files_or_built_in(tmp_path: Path) -> None:
    assert [e.query for e in load_examples([tmp_path / "none"])] == [BUILTIN_QUERY]
    (tmp_path / "10-late-one.rq").write_text("# Ten: the last\nASK {}\n", encoding="utf-8")
    (tmp_path / "2-early.rq").write_text("# Two\nASK {}\n", encoding="utf-8")
    (tmp_path / "notes.rq").write_text("ASK {}\n", encoding="utf-8")
    examples = load_examples([tmp_path])
    assert [e.name for e in examples] == ["2. Early", "10. Late one", "notes"]
    assert [e.title for e in examples] == ["Two", "Ten: the last", "notes"]
    assert len({e.id for e in examples}) == 3


def test_examples_cannot_break_out_of_the_data_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = '# </script><script>alert(1)</script>\nSELECT ("</script>" AS ?x) {}\n'
    (tmp_path / "1-hostile.rq").write_text(hostile, encoding="utf-8")
    monkeypatch.setattr(editor, "EXAMPLE_FOLDERS", (tmp_path,))
    app = Flask("editor-only", static_folder=None)
    app.register_blueprint(editor.blueprint)
    html = app.test_client().get("/").get_data(as_text=True)
    assert html.count("</script>") == 3  # the two script files and the data block
    block = re.search(r'<script type="application/json" id="accords-examples">(.*?)</script>', html, re.S)
    assert block is not None
    assert json.loads(block.group(1))["examples"][0]["query"] == hostile


@pytest.fixture
def page(server_browser: Browser, server: w3c.RunningServer) -> Iterator[Page]:
    with browser_page(server_browser, 1400, CSP_LISTENER) as page:
        yield page


def test_page_headers_and_no_inline_script(server: w3c.RunningServer) -> None:
    response = requests.get(server.base_url + "/", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Referrer-Policy" in response.headers
    assert "<title>Accords — SPARQL</title>" in response.text
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert "://" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', response.text)), (
        "the page loads something from another origin"
    )


def test_browser_on_the_endpoint_gets_the_editor(server: w3c.RunningServer) -> None:
    html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = requests.get(server.base_url + "/sparql", headers={"Accept": html}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert 'id="accords-examples"' in response.text
    # A client asking for results gets results, even with text/html lower in its Accept.
    response = requests.get(
        server.base_url + "/sparql",
        params={"query": "ASK {}"},
        headers={"Accept": "application/sparql-results+json, text/html;q=0.5"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_editor_runs_an_example(page: Page, server: w3c.RunningServer) -> None:
    watch = PageWatch(page, server.base_url)
    page.goto(server.base_url + "/")
    expect(page).to_have_title("Accords — SPARQL")

    tabs = page.locator(".yasgui .tabsList .tab a[role=tab] > span")
    expect(tabs.first).to_be_visible()
    assert tabs.count() >= 1
    names = [name.strip() for name in tabs.all_inner_texts()]
    example = next((i for i, name in enumerate(names) if EXAMPLE_TAB.search(name)), 0)
    tabs.nth(example).click()

    panel = page.locator(".yasgui .tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_be_visible()
    panel.locator(".yasqe_queryButton").click()

    rows = panel.locator(".yasr table.dataTable tbody tr:not(:has(td.dataTables_empty))")
    expect(rows.first).to_be_visible()
    # Competency question 1 on the seed: the three agreements signed in Moscow.
    expect(rows).to_have_count(3)
    body = panel.locator(".yasr table.dataTable tbody")
    expect(body).to_contain_text(EXPECTED_TEXT)
    for title in ("peaceful use of atomic energy", "intergovernmental commission", "principles"):
        expect(body).to_contain_text(title)

    page.screenshot(path=str(SCREENSHOT), full_page=True)
    watch.assert_clean()


def test_one_tab_per_example(page: Page, server: w3c.RunningServer) -> None:
    examples = load_examples()
    watch = PageWatch(page, server.base_url)
    page.goto(server.base_url + "/")
    tabs = page.locator(".yasgui .tabsList .tab a[role=tab] > span")
    expect(tabs).to_have_count(len(examples))
    assert [name.strip() for name in tabs.all_inner_texts()] == [e.name for e in examples]
    watch.assert_clean()


def test_new_tab_queries_the_same_endpoint(page: Page, server: w3c.RunningServer) -> None:
    watch = PageWatch(page, server.base_url)
    page.goto(server.base_url + "/")
    page.locator(".yasgui button.addTab").click()
    panel = page.locator(".yasgui .tabPanel.active")
    expect(panel.locator("input.autocomplete")).to_have_value(server.base_url + "/sparql")
    panel.locator(".yasqe_queryButton").click()  # the starter query of a new tab
    rows = panel.locator(".yasr table.dataTable tbody tr:not(:has(td.dataTables_empty))")
    expect(rows.first).to_be_visible()
    panel.locator(".yasr button.select_response").click()
    expect(panel.locator(".yasr .CodeMirror")).to_be_visible()
    watch.assert_clean()


def test_result_iris_lead_to_this_servers_pages(page: Page, server: w3c.RunningServer) -> None:
    watch = PageWatch(page, server.base_url, ignore_aborted=True)
    page.goto(server.base_url + "/")
    for name in ("Explorer", "Ontology", "VoID", "Dumps"):
        expect(page.locator(".accords-nav a", has_text=name)).to_have_count(1)
    tabs = page.locator(".yasgui .tabsList .tab a[role=tab] > span")
    names = [name.strip() for name in tabs.all_inner_texts()]
    tabs.nth(next((i for i, name in enumerate(names) if EXAMPLE_TAB.search(name)), 0)).click()
    panel = page.locator(".yasgui .tabPanel.active")
    panel.locator(".yasqe_queryButton").click()
    link = panel.locator('.yasr table.dataTable tbody a[href^="https://w3id.org/accords/id/"]').first
    expect(link).to_be_visible()
    public = link.get_attribute("href")
    assert public is not None
    link.focus()  # a cell's overlay takes mouse clicks in headless Chromium; a reader's Enter works
    page.keyboard.press("Enter")
    page.wait_for_url(server.base_url + "/" + public.removeprefix("https://w3id.org/accords/"))
    expect(page.locator("h1")).to_be_visible()
    watch.assert_clean()


def test_a_linked_query_waits_for_a_click(page: Page, server: w3c.RunningServer) -> None:
    """A link carrying a query (as YASGUI's share links write it) opens it; it runs on a click."""
    watch = PageWatch(page, server.base_url)
    queries: list[str] = []
    page.on("request", lambda request: "/sparql" in request.url and queries.append(request.url))
    linked = "SELECT ?linked WHERE { BIND('from the link' AS ?linked) }"
    page.goto(
        server.base_url + "/#query=" + requests.utils.quote(linked, safe="") + "&endpoint=http://x.invalid/"
    )
    panel = page.locator(".yasgui .tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("from the link")
    expect(page.locator(".accords-notice")).to_contain_text("press the run button")
    page.wait_for_timeout(1500)
    assert queries == []  # nothing ran by itself
    expect(panel.locator("input.autocomplete")).to_have_value(server.base_url + "/sparql")
    panel.locator(".yasqe_queryButton").click()
    expect(panel.locator(".yasr table.dataTable tbody")).to_contain_text("from the link")
    assert len(queries) == 1
    watch.assert_clean()


def test_an_error_shows_as_one_line_of_text(page: Page, server: w3c.RunningServer) -> None:
    page.goto(server.base_url + "/#query=" + requests.utils.quote("SELECT * { ?s acc:p ?o }", safe=""))
    panel = page.locator(".yasgui .tabPanel.active")
    expect(panel.locator(".CodeMirror")).to_contain_text("acc:p")
    panel.locator(".yasqe_queryButton").click()
    error = panel.locator(".yasr .errorResult")
    expect(error).to_contain_text("unknown prefix acc: — declare it with PREFIX acc: <…>")
    assert '"message"' not in error.inner_text()
