"""The explorer (``/explore``) in a real browser, Debian's Chromium, over the seed store.

What a reader checks: the map shades exactly Mali and Russia; the network links Mali–Russia and
Mali–Rosatom; a topic filter keeps the nuclear agreement; a URL with filters reloads the same
view; search finds Rosatom, Goïta and the atomic-energy agreement; a mark leads to the quote;
every view is operated by keyboard alone; no CSP violation and no request leaves the server.
Screenshots go to $ACCORDS_EXPLORE_SCREENSHOTS (default /tmp/explore-*.png).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PageWatch, browser_page
from tests.fixtures import SEED_ARTICLE

try:
    from tests import w3c_manifest as w3c
except ImportError:
    import w3c_manifest as w3c

SCREENSHOTS = Path(os.environ.get("ACCORDS_EXPLORE_SCREENSHOTS", "/tmp"))
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}`);
});
"""
NUCLEAR = "peaceful use of atomic energy"


@pytest.fixture
def page(server_browser: Browser) -> Iterator[Page]:
    with browser_page(server_browser, 1400, CSP_LISTENER) as page:
        yield page


def open_explorer(page: Page, server: w3c.RunningServer, query: str = "") -> PageWatch:
    watch = PageWatch(page, server.base_url, http_errors=True)
    page.goto(server.base_url + "/explore" + query)
    expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
    return watch


def edge_labels(page: Page) -> list[str]:
    """What the network's lines say (each is read out so, and shown on hover)."""
    return page.locator("#network .edge").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")


def test_search_answers_json(server: w3c.RunningServer) -> None:
    def first(q: str) -> dict:
        response = requests.get(server.base_url + "/search", params={"q": q}, timeout=30)
        assert response.status_code == 200
        return response.json()["results"][0]

    assert first("rosatom")["kind"] == "organization"
    assert first("rosatom")["page"] == "/id/organization/rosatom"
    assert first("Goita")["names"] == ["Assimi Goïta"]
    atomic = first("énergie atomique")
    assert atomic["kind"] == "agreement" and NUCLEAR in " ".join(atomic["names"])
    assert requests.get(server.base_url + "/search", params={"q": "zzzz"}, timeout=30).json()["results"] == []
    bad = requests.get(server.base_url + "/search", params={"q": "x", "limit": "many"}, timeout=30)
    assert bad.status_code == 400


def test_map_network_and_list(page: Page, server: w3c.RunningServer) -> None:
    watch = open_explorer(page, server)
    shaded = page.locator("#map path.state")
    assert sorted(shaded.evaluate_all("els => els.map(e => e.dataset.iso)")) == ["ML", "RU"]
    pairs = {" – ".join(sorted(label.split(":")[0].split(" – "))) for label in edge_labels(page)}
    assert pairs == {"Mali – Rosatom", "Mali – Russia"}
    expect(page.locator("#list li.agreement")).to_have_count(3)
    expect(page.locator("#status")).to_contain_text("3 agreements")
    page.screenshot(path=str(SCREENSHOTS / "explore-overview.png"), full_page=True)
    watch.assert_clean()


def test_topic_filter_lives_in_the_url(page: Page, server: w3c.RunningServer) -> None:
    watch = open_explorer(page, server)
    page.locator("#explorer").evaluate("e => e.removeAttribute('data-ready')")
    page.select_option("#topic", "energy")
    expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
    expect(page.locator("#list li.agreement")).to_have_count(1)
    expect(page.locator("#list")).to_contain_text(NUCLEAR)
    assert "topic=energy" in page.url
    reloaded = page.url
    page.goto("about:blank")
    page.goto(reloaded)
    expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
    expect(page.locator("#topic")).to_have_value("energy")
    expect(page.locator("#list li.agreement")).to_have_count(1)
    edges = edge_labels(page)
    assert len(edges) == 1 and "Rosatom" in edges[0]
    watch.assert_clean()


def test_search_box_finds_each_kind(page: Page, server: w3c.RunningServer) -> None:
    watch = open_explorer(page, server)
    for text, kind, name in (
        ("rosatom", "organization", "Rosatom"),
        ("Goita", "person", "Assimi Goïta"),
        ("énergie atomique", "agreement", NUCLEAR),
    ):
        page.fill("#search", text)
        hit = page.locator(".search-results .hit").first
        expect(hit).to_have_attribute("data-kind", kind)
        expect(hit).to_contain_text(name)
    watch.assert_clean()


def test_every_view_by_keyboard_down_to_the_quote(page: Page, server: w3c.RunningServer) -> None:
    watch = open_explorer(page, server)

    def tab_to(selector: str) -> None:
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # Network: a pair of parties, then Enter lists its agreements with their quotes.
    tab_to("#network .edge")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    expect(page.locator("#list-caption")).to_contain_text(label.split(":")[0].split(" – ")[0])
    expect(page.locator("#list li.agreement blockquote").first).to_be_visible()
    # Timeline: a bar, then Enter lists the agreements of that year and topic.
    tab_to("#timeline .bar")
    page.keyboard.press("Enter")
    expect(page.locator("#list-caption")).to_contain_text("2025")
    # Map: a state, Enter selects it and draws its partners (lines) and the list of partners.
    page.locator("#explorer").evaluate("e => e.removeAttribute('data-ready')")
    tab_to("#map path.state[data-iso=ML]")
    page.keyboard.press("Enter")
    expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
    assert "state=ML" in page.url
    expect(page.locator("#map .partner-lines line")).to_have_count(1)  # Russia; Rosatom has no territory
    expect(page.locator("#map .partners li")).to_have_count(2)
    tab_to("#map .partner-lines line")
    page.keyboard.press("Enter")
    expect(page.locator("#list-caption")).to_contain_text("Mali – Russia")
    quote = page.locator("#list li.agreement blockquote").first
    expect(quote).to_be_visible()
    assert quote.inner_text().strip() in SEED_ARTICLE.read_text(encoding="utf-8")  # verbatim from the source
    # The agreement's page holds the same quote.
    page.locator("#list li.agreement a").first.click()
    expect(page.locator("body")).to_contain_text("Mali")
    watch.assert_clean()


def test_show_the_query_opens_the_editor_with_it(page: Page, server: w3c.RunningServer) -> None:
    open_explorer(page, server)
    href = page.locator('.show-query[data-view="map"]').get_attribute("href")
    assert href is not None and href.startswith("/#query=") and "acc%3Aparty" in href


def test_french_browser_gets_french_labels(server_browser: Browser, server: w3c.RunningServer) -> None:
    context = server_browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.goto(server.base_url + "/explore")
        expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
        expect(page.locator("h1")).to_have_text("Explorer les accords")
        expect(page.locator("#status")).to_contain_text("3 accords dans la sélection")
        # Topic names come from the scheme's French labels.
        expect(page.locator("#topic option", has_text="énergie nucléaire")).to_have_count(1)
    finally:
        context.close()


def test_a_build_without_summary_is_drawn_from_sparql(page: Page, server: w3c.RunningServer) -> None:
    # A build made before explore.sqlite existed: /explore/data and /explore/states say 404, the
    # page asks /sparql.
    asked = []
    for summary in ("**/explore/data*", "**/explore/states*"):
        page.route(summary, lambda route: route.fulfill(status=404, body="no summary\n"))
    page.on("request", lambda request: asked.append(request.url) if request.url.endswith("/sparql") else None)
    page.goto(server.base_url + "/explore?topic=energy")
    expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
    shaded = page.locator("#map path.state")
    assert sorted(shaded.evaluate_all("els => els.map(e => e.dataset.iso)")) == ["ML"]
    pairs = {" – ".join(sorted(label.split(":")[0].split(" – "))) for label in edge_labels(page)}
    assert pairs == {"Mali – Rosatom"}
    expect(page.locator("#list li.agreement")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("1 agreements")
    assert len(asked) >= 8  # choices (2), figures (4), list, quotes
    # The language filter's query: the seed's article is in French (its language an xsd:language).
    page.goto(server.base_url + "/explore?language=fr")
    expect(page.locator("#explorer[data-ready=true]")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("3 agreements")
