"""The nominations tracker in real headless Chromium: axe-core, without JavaScript, refreshing
itself with it, and the screenshots for docs/screenshots/.

The tracker shows the 2020 Labour leadership nominations as they stood on 14 February 2020,
from the published figures (the same loaders as tests/service/test_nominations_replay.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tellers.rules import replays
from tellers.service.elections.models import RollEntry
from tellers.service.nominations import actions

from ._nominations import draft_election, number, on
from .test_browser_voter import SCREENSHOTS, _axe
from .test_browser_voter import browser as browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def leader_2020(officials: Any, monkeypatch: pytest.MonkeyPatch, shared_data: Path) -> Any:
    """The 2020 leadership nominations recorded up to the morning of 14 February."""
    noms = replays.load_published(shared_data)["labour_leader_2020"]["nominations"]
    plp = replays._counts(noms["plp_eplp"])
    election = draft_election(officials, list(plp), office="leader")
    election.title = "Leader (the 2020 nominations, replayed)"
    election.save(update_fields=["title"])
    election.organisation.name = "Labour Party"
    election.organisation.save(update_fields=["name"])
    org = officials["organiser"]
    on(monkeypatch, dt.date(2020, 1, 7))
    actions.open_nominations(org, election, occasion="vacancy")
    for name in plp:
        entry = RollEntry.objects.get(election=election, membership_number=number(name))
        actions.declare(org, election, entry, statement=f"{name}'s statement.")
    on(monkeypatch, dt.date(2020, 1, 13))
    for name, n in plp.items():
        actions.record_tally(
            org, election, body="plp_eplp", candidate=name, count=n, source="binlabour"
        )
    actions.withdraw(org, election.candidacies.get(name="Lewis"))
    on(monkeypatch, dt.date(2020, 2, 14))
    for name, n in replays._counts(noms["clps_14feb_morning"]).items():
        actions.record_tally(org, election, body="clp", candidate=name, count=n, source="inews")
    return election


@pytest.fixture
def fast_refresh(settings: Any) -> Iterator[None]:
    settings.TELLERS_TRACKER_REFRESH_SECONDS = 1
    yield


def _url(live_server: Any, election: Any) -> str:
    return f"{live_server.url}/nominations/{election.organisation.slug}/{election.slug}/"


@pytest.mark.usefixtures("fast_refresh")
def test_tracker_passes_axe_and_refreshes_itself(browser, live_server, leader_2020, officials):
    election = leader_2020
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(_url(live_server, election))
    assert page.locator("article.candidate").count() == 5
    _axe(page, "tracker")
    starmer = page.locator("article.candidate", has_text="Starmer")
    assert "Reaches the ballot" in starmer.locator(".status").inner_text()
    # A new CLP total arrives; the page shows it without being reloaded.
    actions.record_tally(
        officials["organiser"], election, body="clp", candidate="Thornberry", count=3, source="x"
    )
    thornberry = page.locator("article.candidate", has_text="Thornberry")
    thornberry.locator(".status", has_text="Reaches the ballot").wait_for(timeout=10000)
    # Keyboard: the statements open from the keyboard.
    page.keyboard.press("Tab")
    for _ in range(20):
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details[open] .statement").count() == 1
    context.close()


def test_tracker_without_javascript_and_screenshots(browser, live_server, leader_2020):
    election = leader_2020
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(_url(live_server, election))
    assert page.locator("article.candidate").count() == 5
    assert "Lewis" in page.locator("ul.withdrawn").inner_text()
    _axe_without_js = page.content()
    assert "Refresh" in _axe_without_js
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "tracker.png"), full_page=False)
    context.close()
    phone = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    page = phone.new_page()
    page.goto(_url(live_server, election))
    _axe(page, "tracker on a phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the tracker scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SCREENSHOTS / "tracker-phone.png"), full_page=False)
    phone.close()


def test_organiser_and_member_pages_pass_axe(browser, live_server, leader_2020, officials):
    election = leader_2020
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/nominations/manage/{election.pk}/")
    page.fill("#id_username", "olive")
    page.fill("#id_password", "olive")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/nominations/manage/{election.pk}/")
    page.locator("details").evaluate_all("els => els.forEach(e => e.open = true)")
    _axe(page, "organiser's nominations page")
    # The member's page, through a link the organiser issued.
    _, token = actions.issue_pass(officials["organiser"], election, number("Nandy"))
    member = browser.new_context().new_page()
    member.goto(f"{live_server.url}/nominations/link/{token}/")
    member.wait_for_url("**/nominations/me/")
    assert token not in member.url
    _axe(member, "member's nominations page")
    context.close()
