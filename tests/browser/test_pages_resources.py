"""The linked-data pages in real headless Chromium against the real server: the home page, a resource
page with its diagram, the language switch and the ontology page. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import Process

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, errors


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_page(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "AP-WPS Knowledge Graph"
    assert page.locator(".collections .tile").count() >= 5
    shoot(page, "home")
    page.locator(".collections a[href='/id/frameworks']").click()
    page.wait_for_url("**/id/frameworks")
    assert page.locator("ul.collection li").count() >= 10


def test_resource_page_with_its_diagram(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/id/frameworks/un-framework-of-analysis")
    assert page.locator("h1").inner_text() == "Framework of Analysis for Atrocity Crimes"
    diagram = page.locator("svg.neighbourhood")
    assert diagram.is_visible()
    box = diagram.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 150
    nodes = diagram.locator("g.node")
    assert nodes.count() >= 6
    shoot(page, "resource-un-framework-of-analysis")
    target = diagram.locator("a[href='/id/organisations/un-osapg']").first
    target.click()
    page.wait_for_url("**/id/organisations/un-osapg")
    assert "Genocide Prevention" in page.locator("h1").inner_text()


def test_concept_page_and_language_switch(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/id/risk-factors/rf07")
    assert page.locator(".scheme li").count() >= 10
    shoot(page, "concept-rf07")
    page.goto(live_server.url + "/id/resolutions/unscr-1325")
    assert page.locator("h1").inner_text().startswith("UN Security Council Resolution 1325")
    page.locator(".langs a[hreflang='nb']").click()
    page.wait_for_url("**lang=nb")
    assert page.locator("h1").inner_text() == "FNs sikkerhetsrådsresolusjon 1325"
    assert page.locator("html").get_attribute("lang") == "nb"


def test_ontology_page_and_hash_iris(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/ontology#RiskFactor", timeout=60_000)
    diagram = page.locator("svg.classes")
    assert diagram.locator("g.node").count() >= 10
    anchor = page.locator("#RiskFactor")
    assert anchor.count() == 1
    assert (
        page.evaluate("() => document.getElementById('RiskFactor').getBoundingClientRect().top")
        < 900
    )
    page.evaluate("() => window.scrollTo(0, 0)")
    shoot(page, "ontology")


def test_header_search_box_submits_to_search(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/id/risk-factors/rf07")
    page.fill("header form.search input[name=q]", "genocide")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=genocide")
