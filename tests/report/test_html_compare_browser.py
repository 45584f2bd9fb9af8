"""``tellers compare --format html`` in real headless Chromium, every network request refused.

The comparison of Midstocket/Rosemount (Aberdeen 2022) must make no request, pass axe-core
(no serious or critical violation, colour contrast of every heat-map shade included), keep the
pairwise table scrollable by keyboard on a phone, and is photographed for docs/screenshots/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tellers.compare import compare
from tellers.formats import read
from tellers.report.html.compare import render_comparison_html

from ..service._services import CHROMIUM_ARGS, require_chromium

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WARD = Path("scotland") / "2022-dat" / "Aberdeen" / "10_Midstocket-Rosemount.dat"
METHODS = ["fptp", "av", "scottish-stv", "ers97", "meek", "schulze", "ranked-pairs"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 390)])
def test_compare_page_offline_and_accessible(
    name: str, width: int, browser: Any, shared_data: Path
) -> None:
    html = render_comparison_html(compare(read(shared_data / WARD), METHODS))
    context = browser.new_context(viewport={"width": width, "height": 900})
    tried: list[str] = []

    def refuse(route: Any) -> None:
        tried.append(route.request.url)
        route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    page.on("request", lambda request: tried.append(request.url))
    page.set_content(html, wait_until="load")
    try:
        assert tried == []
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        assert not bad, json.dumps(bad, indent=1)[:4000]
        # Every pairwise cell is drawn, each with its shade.
        cells = page.locator("table.pairwise td.heat")
        assert cells.count() == 6 * 5
        region = page.get_by_role("region", name="Pairwise: papers ranking the row candidate")
        assert region.get_attribute("tabindex") == "0"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"compare-{name}.png"), full_page=True)
    finally:
        context.close()
