"""The public results page in real headless Chromium: axe-core, the sheet's charts, screenshots.

The page embeds tellers' HTML result sheet (the renderer behind ``tellers count --format
html``); here it must pass axe-core with the service's own page around it, draw its charts
at phone and desktop widths, and is photographed for docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.publication import actions as pub

from ._services import CHROMIUM_ARGS, require_chromium
from .conftest import invite, open_key

# serialized_rollback: the role groups come from a data migration a flush would remove.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CANDIDATES = ("Ann Archer", "Ben Baker", "Cal Carter", "Dee Dyer", "Eve Ellis")
#: Twelve ballots: first preferences Ann 4, Ben 3, Cal 2, Dee 2, Eve 1, so several exclusions.
RANKINGS = [
    [0, 1],
    [0, 2],
    [0],
    [0, 3, 1],
    [1, 0],
    [1, 2],
    [1],
    [2, 1, 0],
    [2, 3],
    [3, 2, 1],
    [3, 4],
    [4, 3, 2],
]


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Any]:  # noqa: ARG001 (the test database first)
    """One headless Chromium for the whole module (as in test_browser_voter)."""
    path = require_chromium()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    connection = connections["default"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            connections["default"] = connection
            b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield b
            b.close()


def _published(make_election: Any, officials: Any, key_file: Path) -> Any:
    election = make_election(candidates=CANDIDATES, members=len(RANKINGS))
    for token, ranking in zip(invite(election).values(), RANKINGS, strict=True):
        voter = voter_for_token(None, token)
        assert voter is not None
        cast_ballot(election, voter.token_hash, ranking)
    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    pub.count_election(ro, election, open_key(key_file))
    pub.sign_off(ro, election)
    if election.scrutineer_signs:
        pub.sign_off(officials["scrutineer"], election)
    pub.publish(ro, election)
    return election


def test_results_page_passes_axe_and_draws_the_sheet(
    browser, live_server, make_election, officials, key_file
):
    from axe_playwright_python.sync_playwright import Axe

    election = _published(make_election, officials, key_file)
    url = live_server.url + reverse(
        "publication:result", args=[election.organisation.slug, election.slug]
    )
    for name, width in (("desktop", 1280), ("phone", 390)):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(url)
        assert page.get_by_role("heading", name="The count in words").is_visible()
        flow = page.locator("section.flow figure svg")
        assert flow.count() == 1 and flow.first.bounding_box()["width"] > 100
        # Ann's first preferences, exactly as counted (the cell carries the exact value).
        ann = page.locator('tr:has(th:text-is("Ann Archer")) td[data-kind="total"]').first
        assert ann.get_attribute("data-value") == "4"
        results = Axe().run(page)
        serious = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        assert not serious, results.generate_report()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"results-page-{name}.png"), full_page=True)
        page.close()
