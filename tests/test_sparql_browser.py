"""The query page in real headless Chromium: type a query, run it, see the table, follow a link;
nothing is fetched from outside the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Process

ARTIFACTS = Path(__file__).parent / "artifacts"
QUERY = (
    "PREFIX apwps: <https://w3id.org/apwps/ontology#>\n"
    "SELECT ?country WHERE { ?country a apwps:Country } ORDER BY ?country LIMIT 5"
)


@pytest.fixture()
def page(browser: Browser, live_server: Process) -> Iterator[Page]:
    opened = browser.new_page()
    outside: list[str] = []
    opened.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url)
    )
    yield opened
    opened.close()
    assert outside == []


@pytest.mark.browser
def test_type_run_see_the_table_and_follow_a_link(page: Page, live_server: Process) -> None:
    page.goto(f"{live_server.url}/sparql")
    editor = page.locator("#query")
    editor.fill("")
    editor.type(QUERY)
    assert page.locator("#highlight .tok-keyword", has_text="SELECT").count() == 1
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("table.results th").all_inner_texts() == ["country"]
    assert page.locator("table.results tbody tr").count() == 5
    assert "5 rows" in page.inner_text("#status")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sparql-query-page.png"), full_page=True)
    link = page.locator("table.results tbody tr a").first
    iri = link.inner_text()
    href = link.get_attribute("href")
    assert iri.startswith("https://w3id.org/apwps/id/countries/")
    assert href == "/" + iri.removeprefix("https://w3id.org/apwps/")
    link.click()
    page.wait_for_url(f"{live_server.url}{href}")
    assert page.url == f"{live_server.url}{href}"


@pytest.mark.browser
def test_permalink_downloads_and_named_queries(page: Page, live_server: Process) -> None:
    page.goto(f"{live_server.url}/sparql?query={quote(QUERY)}")
    page.wait_for_selector("table.results tbody tr")  # a permalink runs its query
    permalink = page.get_attribute("#permalink", "href")
    assert permalink is not None and quote(QUERY, safe="") in permalink.replace("%20", "%20")
    csv_link = page.locator('a.download[data-format="csv"]')
    assert csv_link.is_visible()
    assert not page.locator('a.download[data-format="turtle"]').is_visible()
    with page.expect_download() as download:
        csv_link.click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "country" and len(lines) == 6
    named = page.locator("button.load-query").first
    named.click()
    expect(page.locator("#status")).to_contain_text("rows")
    assert "#+ title:" in page.input_value("#query")
    assert page.locator("table.results tbody tr").count() > 0


@pytest.mark.browser
def test_errors_are_shown(page: Page, live_server: Process) -> None:
    page.goto(f"{live_server.url}/sparql")
    page.fill("#query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#status.error")
    assert "SERVICE" in page.inner_text("#status")
