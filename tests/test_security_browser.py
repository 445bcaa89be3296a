"""In real headless Chromium against the real server: the Content-Security-Policy blocks nothing the
site itself does (scripts, the search box's suggestions, the query page, the charts' SVG), and it
does block what it should (an injected inline script). Framing is tried from another origin in
tests/browser/test_search_embed_browser.py."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Process

# Record every violation of the policy, as the page sees it.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
GENOCIDE = "https://w3id.org/apwps/id/crimes/genocide"

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.add_init_script(WATCH)
    opened = context.new_page()
    yield opened
    context.close()


def violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found


def test_the_site_runs_under_its_policy(page: Page, live_server: Process) -> None:
    url = live_server.url
    for path in ("/", "/wps-index", "/id/crimes/genocide", "/crosswalk", "/validate", "/ontology"):
        page.goto(url + path)
        page.wait_for_load_state("load")
        assert violations(page) == [], path
    # the search box injects its own style for the suggestions
    page.goto(url + "/search")
    page.locator("#search-q").press_sequentially("geno", delay=30)
    expect(page.locator(".apwps-suggest li[role=option]").first).to_contain_text("Genocide")
    assert violations(page) == []
    # the query page highlights, runs and renders a query with its own script
    query = "SELECT ?s WHERE { ?s a ?t } LIMIT 3"
    page.goto(f"{url}/sparql?query={quote(query)}")
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("table.results tbody tr").count() == 3
    assert violations(page) == []


def test_an_injected_inline_script_does_not_run(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/search?q=genocide")
    ran = page.evaluate(
        """() => { window.__ran = false;
        const s = document.createElement("script"); s.textContent = "window.__ran = true";
        document.body.appendChild(s); return window.__ran; }"""
    )
    assert ran is False
    page.wait_for_function("() => window.__violations.length > 0")  # no eval: the page forbids it
    assert any(v.startswith("script-src") for v in violations(page))
