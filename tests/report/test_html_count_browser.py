"""The HTML result sheet in real headless Chromium, with every network request refused.

Each page is loaded from its text (no server, no file address), with a route that records and
aborts every request: a self-contained page makes none.  axe-core must find no serious or
critical violation; the print stylesheet must lay the stage table out on A4 landscape and
leave the drawings out; and each page is photographed at phone and desktop widths for
docs/screenshots/ (report-*.png).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..service._services import CHROMIUM_ARGS, require_chromium
from ._html_cases import CASES, Rendered, read_figures, render_case

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def rendered(shared_data: Path) -> dict[str, Rendered]:
    """Each case counted and rendered once for the module."""
    return {name: render_case(name, shared_data) for name in CASES}


def _open(browser: Any, page_html: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    """Return a context, a page showing ``page_html``, and the requests it tried."""
    context = browser.new_context(viewport=viewport)
    tried: list[str] = []

    def refuse(route: Any) -> None:
        tried.append(route.request.url)
        route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    page.on("request", lambda request: tried.append(request.url))
    page.set_content(page_html, wait_until="load")
    return context, page, tried


def _axe(page: Any, label: str) -> None:
    """Run axe-core; fail on any serious or critical violation, printing them."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        print(label, json.dumps(bad, indent=1)[:4000])
    assert not bad, f"{label}: {[v['id'] for v in bad]}"


@pytest.mark.parametrize("case", CASES)
def test_page_needs_no_network_and_passes_axe(
    case: str, browser: Any, rendered: dict[str, Rendered]
) -> None:
    """The page makes no request at all; axe finds nothing serious; the figures the browser
    shows are the ones the page carries (read back from the live DOM)."""
    r = rendered[case]
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context, page, tried = _open(browser, r.html, viewport)
        try:
            # Give any stray fetch (a font, an image) the time to be attempted.
            page.wait_for_timeout(200)
            assert tried == [], f"{case}: requests attempted: {tried}"
            _axe(page, f"{case} {name}")
            cells = page.locator("td[data-kind=total]").evaluate_all(
                "els => els.map(e => [e.dataset.stage, e.dataset.candidate, e.innerText])"
            )
            figures = read_figures(r.html).figures
            assert len(cells) == len(r.result.rounds) * len(r.result.candidates)
            for stage, cand, text in cells:
                assert text == figures[("total", int(stage), int(cand))].shown
            # The flow diagram is drawn: one column per stage for the first candidate lane.
            assert page.locator("section.flow svg rect").count() >= len(r.result.rounds)
        finally:
            context.close()


@pytest.mark.parametrize("case", CASES)
def test_print_lays_out_the_result_sheet_on_a4_landscape(
    case: str, browser: Any, rendered: dict[str, Rendered], tmp_path: Path
) -> None:
    """Printed, the drawings are left out and the stage table blocks fit an A4 landscape
    page's width (277 mm inside 10 mm margins, at 96 px an inch)."""
    context, page, tried = _open(browser, rendered[case].html, DESKTOP)
    try:
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 1047, "height": 740})  # 277 x 196 mm
        assert page.locator("section.flow").is_hidden()
        assert page.locator("section.charts-section").is_hidden()
        widths = page.locator("table.stages").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert widths and max(widths) <= 1047, widths
        pdf = tmp_path / f"{case}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert tried == []
    finally:
        context.close()


@pytest.mark.parametrize("case", CASES)
def test_screenshots_of_the_result_sheet(
    case: str, browser: Any, rendered: dict[str, Rendered]
) -> None:
    """Photograph each page at phone and desktop widths for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        context, page, tried = _open(browser, rendered[case].html, viewport)
        try:
            path = SCREENSHOTS / f"report-{case}-{name}.png"
            # The whole page for the Scottish ward; the top of the others (the heading and the
            # result sheet), and the flow diagram of the RCTab case (16 candidates, 14 rounds).
            page.screenshot(path=str(path), full_page=case == "scottish")
            if case == "rctab" and name == "desktop":
                page.locator("section.flow").screenshot(
                    path=str(SCREENSHOTS / "report-rctab-flow.png")
                )
            assert path.stat().st_size > 10_000
            assert tried == []
        finally:
            context.close()
