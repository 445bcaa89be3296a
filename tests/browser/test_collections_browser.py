"""Collection pages in real headless Chromium against the real server, with pages of 20 entries:
the first page, the way to the next one and back, and a missing entry's suggestions. Screenshots go
to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from apwps.config import Settings
from tests.conftest import CHROMIUM_ARGS, Process, start_server, stop

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def paged_server(
    settings: Settings, built: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    server = start_server(
        settings,
        tmp_path_factory.mktemp("paged"),
        "--workers",
        "1",
        env={"APWPS_COLLECTION_PAGE_ENTRIES": "20"},
    )
    yield server
    stop(server.process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, errors


def test_a_collection_is_read_page_by_page(page: Page, paged_server: Process) -> None:
    page.goto(paged_server.url + "/id/countries")
    entries = page.locator("ul.collection li")
    expect(entries).to_have_count(20)
    first_on_page_one = entries.first.locator("a").inner_text()
    expect(page.locator("nav.pager").first).to_contain_text("Page 1 of")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "collection-countries-page-1.png"), full_page=True)
    page.locator("nav.pager a[rel=next]").first.click()
    page.wait_for_url("**/id/countries?page=2")
    expect(page.locator("nav.pager").first).to_contain_text("Page 2 of")
    expect(entries).to_have_count(20)
    assert entries.first.locator("a").inner_text() != first_on_page_one
    page.locator("nav.pager a[rel=prev]").first.click()
    page.wait_for_url("**/id/countries")
    expect(entries.first.locator("a")).to_have_text(first_on_page_one)
    entries.first.locator("a").click()
    page.wait_for_url("**/id/countries/*")
    expect(page.locator("h1")).to_have_text(first_on_page_one)


def test_a_missing_entry_leads_to_the_right_one(page: Page, paged_server: Process) -> None:
    response = page.goto(paged_server.url + "/id/frameworks/un-framework-of-analysys")
    assert response is not None and response.status == 404
    suggestion = page.locator("ul.suggestions a[href='/id/frameworks/un-framework-of-analysis']")
    expect(suggestion).to_be_visible()
    suggestion.click()
    page.wait_for_url("**/id/frameworks/un-framework-of-analysis")
    expect(page.locator("h1")).to_have_text("Framework of Analysis for Atrocity Crimes")
