"""In real headless Chromium against the real server: the search box's autocomplete, the crosswalk
matrix, a WPS Index chart, and embed cards on a plain page served from a second origin."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import Process

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ID = "https://w3id.org/apwps/id/"

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def partner_site(tmp_path: Path, live_server: Process) -> Iterator[str]:
    """A plain static page on another free loopback port (another origin) that embeds cards."""
    live = live_server.url
    (tmp_path / "index.html").write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner site</title>
<style>body {{ font-family: serif; background: #fffbe8; }} p {{ color: red; }}</style></head>
<body><h1>A partner site</h1>
<div id="org" data-apwps="{ID}organisations/acled"></div>
<div id="nb" data-apwps="{ID}wps-index-dimensions/security" data-lang="nb"></div>
<div id="missing" data-apwps="{ID}crimes/nothing-here"></div>
<iframe id="framed" src="{live}/embed/card?iri={ID}frameworks/un-framework-of-analysis"
        width="480" height="200" style="border:0"></iframe>
<iframe id="refused" src="{live}/search" width="300" height="120"></iframe>
<script src="{live}/embed.js" defer></script>
</body></html>""",
        encoding="utf-8",
    )
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_search_box_autocompletes_and_opens_the_choice(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/search")
    page.locator("#search-q").press_sequentially("geno", delay=40)
    options = page.locator(".apwps-suggest li[role=option]")
    expect(options.first).to_contain_text("Genocide")
    assert options.count() >= 3
    shot(page, "search-autocomplete")
    page.locator("#search-q").press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.locator("#search-q").press("Enter")
    page.wait_for_url("**/id/crimes/genocide")


def test_header_search_box_autocompletes_on_other_pages(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/crosswalk")
    box = page.locator("form.search input[name=q]")
    box.press_sequentially("FoA", delay=40)
    expect(page.locator(".apwps-suggest li[role=option]").first).to_contain_text(
        "Framework of Analysis for Atrocity Crimes"
    )


def test_home_page_search_box_autocompletes(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/")
    box = page.locator("main form.search input[name=q]")
    box.press_sequentially("un wom", delay=40)
    expect(page.locator(".apwps-suggest:visible li[role=option]").first).to_contain_text("UN Women")
    shot(page, "home-autocomplete")


def test_search_results_page(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/search?q=sikkerhet&lang=nb")
    first = page.locator("ol.search-results li").first
    expect(first.locator(".result-label")).to_have_text("Sikkerhet")
    shot(page, "search-results")


def test_crosswalk_matrix(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/crosswalk")
    table = page.locator("table.crosswalk")
    expect(table).to_be_visible()
    assert page.locator("table.crosswalk td.marked").count() >= 40
    expect(page.locator("table.crosswalk tr.gap")).to_contain_text("Increasing hate speech")
    row = page.locator("table.crosswalk tr", has_text="Maternal mortality")
    title = row.locator("a.theme").first.get_attribute("title") or ""
    assert title.startswith("Decreasing access to healthcare: Maternal mortality ↔ 7.10")
    shot(page, "crosswalk", full_page=True)


def test_wps_index_chart(page: Page, live_server: Process) -> None:
    page.goto(live_server.url + "/wps-index/indicators/maternal-mortality")
    bars = page.locator("svg.chart rect")
    expect(bars).to_have_count(181)
    first, last = bars.first.bounding_box(), bars.last.bounding_box()
    assert first is not None and last is not None
    assert first["width"] < last["width"]  # lower is better: the lowest ratio first
    shot(page, "wps-index-indicator")
    page.goto(live_server.url + "/wps-index/countries/nor")
    expect(page.locator("svg.strip")).to_have_count(14)
    shot(page, "wps-index-country", full_page=True)


def test_embed_cards_on_a_page_from_another_origin(
    page: Page, partner_site: str, live_server: Process
) -> None:
    assert partner_site.split("/")[2] != live_server.url.split("/")[2]  # two origins
    page.goto(partner_site)
    expect(page.locator("#org[data-apwps-state=ready]")).to_have_count(1)
    expect(page.locator("#org .title")).to_have_text("Armed Conflict Location & Event Data")
    expect(page.locator("#org .title")).to_have_attribute(
        "href", live_server.url + "/id/organisations/acled"
    )
    expect(page.locator("#org .meta").first).to_have_text("Also: ACLED")
    color = page.locator("#org .description").evaluate("e => getComputedStyle(e).color")
    assert color != "rgb(255, 0, 0)"  # the partner's styles do not leak into the card
    expect(page.locator("#nb .title")).to_have_text("Sikkerhet")
    expect(page.locator("#missing[data-apwps-state=error]")).to_have_count(1)
    framed = page.frame_locator("#framed")
    expect(framed.locator("h1")).to_have_text("Framework of Analysis for Atrocity Crimes")
    refused = page.locator("#refused").element_handle()
    assert refused is not None
    frame = refused.content_frame()
    assert frame is not None and frame.locator("form.search-page").count() == 0
    shot(page, "embed-partner-site")
