"""The validation page in real headless Chromium against the real server: paste an entry, see the
report grouped by entry and field, take a suggestion, fix the rest, see it conform; then the form
generated from the shapes. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import Process, start_server, stop
from tests.test_curation_support import ORGS, built, make_copy, organisation

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.browser

BAD = organisation(
    "example-institute",
    changes={"orgs:un-women": "orgs:un-womn", '"Example Institute"@en': '"Example Institute"'},
).decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    root = make_copy(tmp_path_factory.mktemp("project"))
    process = start_server(
        built(root), tmp_path_factory.mktemp("log"), "--workers", "1", "--threads", "2"
    )
    yield process
    stop(process.process)


@pytest.fixture()
def page(browser: Browser, server: Process) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    yield tab
    context.close()
    assert outside == []


def test_paste_see_the_grouped_report_fix_and_conform(page: Page, server: Process) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server.url}/validate")
    page.fill("#entry", BAD)
    page.click("#paste-validate")
    report = page.locator("#report")
    report.wait_for()
    assert report.get_attribute("data-conforms") == "false"
    entry = page.locator(f'article.entry[data-entry="{ORGS}example-institute"]')
    assert entry.locator(".field h4").all_inner_texts() == ["Member of", "Name"]
    member_of = entry.locator('.field[data-field="Member of"]')
    assert "must point at an organisation in the graph" in member_of.inner_text()
    assert "How to fix: Link to an existing organisation" in member_of.inner_text()
    page.screenshot(path=str(ARTIFACTS / "validate-report.png"), full_page=True)

    # take the suggestion (the page replaces the misspelt link in the pasted entry)...
    member_of.locator("button.use-suggestion").first.click()
    assert "orgs:un-women" in page.input_value("#entry")
    # ...and fix the name by hand
    page.fill(
        "#entry",
        page.input_value("#entry").replace('"Example Institute" ;', '"Example Institute"@en ;'),
    )
    page.click("#paste-validate")
    page.locator("#report").wait_for()
    assert page.locator("#report").get_attribute("data-conforms") == "true"
    assert page.locator("#report .verdict").inner_text() == "Conforms"
    page.screenshot(path=str(ARTIFACTS / "validate-conforms.png"), full_page=True)


def test_the_form_from_the_shapes(page: Page, server: Process) -> None:
    page.goto(f"{server.url}/validate")
    page.select_option("#kind", "organisation")  # the page shows the kind's fields at once
    page.wait_for_selector('input[name="f:Name"]')
    page.fill("#f-id", "form-institute")
    page.fill('input[name="f:Name"]', "Form Institute")
    page.fill('input[name="f:Member of"]', "UN Women")
    page.fill('input[name="f:Source"]', "https://example.org/")
    page.select_option('select[name="f:Verification status"]', index=1)
    page.click("#form-validate")
    page.locator("#report").wait_for()
    assert page.locator("#report").get_attribute("data-conforms") == "true"
    assert "1 warning" in page.locator("#report .counts").inner_text()  # no description yet
    page.screenshot(path=str(ARTIFACTS / "validate-form.png"), full_page=True)
