"""The voter's pages in real headless Chromium: by mouse, by keyboard, without JavaScript.

Every page a voter can reach is also checked with axe-core, and the ballot page is
photographed at phone and desktop sizes for docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tellers.service.ballots.models import SealedBallot
from tellers.service.elections.models import Organisation, RollEntry

from ._services import CHROMIUM_ARGS, require_chromium
from .conftest import invite

# serialized_rollback: the role groups come from a data migration a flush would remove.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser(django_db_setup: None) -> Iterator[Any]:  # noqa: ARG001 (the test database first)
    """One headless Chromium for the whole module."""
    path = require_chromium()
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps its connections per context, and starting Playwright leaves this thread in
    # a new one: hand the test database's connection over, so the tests use the connection
    # that holds the copy serialized_rollback restores (the role groups, the permissions).
    connection = connections["default"]

    # Playwright's sync API keeps an event loop on this thread while it runs; the ORM calls
    # the tests (and their database teardown) make between page actions are still plain
    # synchronous calls, so Django's guard against ORM use inside a loop may stand down.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            connections["default"] = connection
            b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield b
            b.close()


def _axe(page: Any, label: str) -> None:
    """Run axe-core on the page; fail on any serious or critical violation, printing them."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        print(label, json.dumps(bad, indent=1)[:4000])
    assert not bad, f"{label}: {[v['id'] for v in bad]}"


def _election(make_election: Any) -> tuple[Any, list[str]]:
    election = make_election(candidates=("Ann", "Ben", "Cal"), members=3)
    return election, [t for _, t in sorted(invite(election).items())]


def _ranked_names(page: Any) -> list[str]:
    return page.locator("#ranked > li").evaluate_all("els => els.map(e => e.dataset.name)")


def _cast_and_check_receipt(page: Any, election: Any, token: str) -> None:
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_url("**/vote/receipt/")
    ballot = SealedBallot.objects.get(election=election)
    assert ballot.receipt in page.locator(".receipt-code").inner_text()
    assert token not in page.content()


def test_with_javascript_by_mouse(browser, live_server, make_election):
    from playwright.sync_api import expect

    election, tokens = _election(make_election)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/vote/{tokens[0]}/")
    page.wait_for_url("**/vote/ballot/")
    assert tokens[0] not in page.url
    page.wait_for_selector("#ranked")
    assert page.locator("input[type=number]:visible").count() == 0  # boxes hidden, kept in step
    page.get_by_role("button", name="Add Cal").click()
    page.get_by_role("button", name="Add Ann").click()
    assert _ranked_names(page) == ["Cal", "Ann"]
    # Drag Ann above Cal with the mouse.
    ann = page.locator("#ranked > li[data-name=Ann] .cand-name").bounding_box()
    cal = page.locator("#ranked > li[data-name=Cal] .cand-name").bounding_box()
    page.mouse.move(ann["x"] + 5, ann["y"] + 5)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(cal["x"] + 5, ann["y"] + 5 + (cal["y"] - 5 - ann["y"]) * step / 10)
    page.mouse.up()
    # Web-first assertions, not wait_for_function: its polling evaluates a string, which
    # the pages' Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    expect(page.locator("#ranked > li").first).to_have_attribute("data-name", "Ann")
    assert _ranked_names(page) == ["Ann", "Cal"]
    expect(page.locator("#ballot-live")).to_have_text("Ann moved to position 1.")
    assert page.input_value("#id_c0") == "1"
    assert page.input_value("#id_c1") == ""
    assert page.input_value("#id_c2") == "2"
    page.get_by_role("button", name="Review my vote").click()
    page.wait_for_url("**/vote/review/")
    assert page.locator(".review-list li").all_inner_texts() == ["Ann", "Cal"]
    _cast_and_check_receipt(page, election, tokens[0])
    assert RollEntry.objects.get(election=election, voted__isnull=False).voted == "online"
    context.close()


def test_keyboard_only(browser, live_server, make_election):
    from playwright.sync_api import expect

    election, tokens = _election(make_election)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/vote/{tokens[0]}/")
    page.wait_for_selector("#ranked")
    kb = page.keyboard

    def tab_to(name: str) -> None:
        for _ in range(40):
            kb.press("Tab")
            focused = page.evaluate("document.activeElement.innerText")
            if " ".join(focused.split()) == name:
                return
        raise AssertionError(f"no focusable {name!r}")

    tab_to("Add Ben")
    kb.press("Enter")  # Ben first; focus moves on to the next Add, Cal's
    assert page.evaluate("document.activeElement.innerText").split() == ["Add", "Cal"]
    kb.press("Space")  # Cal second
    tab_to("Add Ann")
    kb.press("Enter")  # Ann third
    assert _ranked_names(page) == ["Ben", "Cal", "Ann"]
    # Ann up one: focus stays on the button that moved her.
    page.locator("#ranked > li[data-name=Ann] button[data-act=up]").focus()
    kb.press("Enter")
    expect(page.locator("#ballot-live")).to_have_text("Ann moved to position 2.")
    assert _ranked_names(page) == ["Ben", "Ann", "Cal"]
    tab_to("Review my vote")
    kb.press("Enter")
    page.wait_for_url("**/vote/review/")
    assert page.locator(".review-list li").all_inner_texts() == ["Ben", "Ann", "Cal"]
    tab_to("Cast my vote")
    kb.press("Enter")
    page.wait_for_url("**/vote/receipt/")
    assert SealedBallot.objects.filter(election=election).count() == 1
    context.close()


def test_without_javascript(browser, live_server, make_election):
    election, tokens = _election(make_election)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/vote/{tokens[0]}/")
    page.wait_for_url("**/vote/ballot/")
    page.get_by_label("Preference for Ann").fill("1")
    page.get_by_label("Preference for Ben").fill("1")
    page.get_by_role("button", name="Review my vote").click()
    alert = page.get_by_role("alert")
    assert "You gave 1 to both Ann and Ben." in alert.inner_text()
    assert page.get_by_label("Preference for Ann").get_attribute("aria-invalid") == "true"
    page.get_by_label("Preference for Ben").fill("2")
    page.get_by_role("button", name="Review my vote").click()
    page.wait_for_url("**/vote/review/")
    assert page.locator(".review-list li").all_inner_texts() == ["Ann", "Ben"]
    _cast_and_check_receipt(page, election, tokens[0])
    context.close()


def test_every_voter_page_passes_axe(browser, live_server, make_election):
    _, tokens = _election(make_election)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/vote/not-a-real-token/")
    assert "This voting link cannot be used" in page.inner_text("h1")
    _axe(page, "invalid link")
    page.goto(f"{live_server.url}/vote/{tokens[0]}/")
    page.wait_for_selector("#ranked")
    _axe(page, "ballot")
    page.get_by_role("button", name="Review my vote").click()  # nothing ranked
    page.wait_for_selector("#error-summary")
    _axe(page, "ballot with errors")
    page.get_by_role("button", name="Add Ann").click()
    page.get_by_role("button", name="Review my vote").click()
    page.wait_for_url("**/vote/review/")
    _axe(page, "review")
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_url("**/vote/receipt/")
    _axe(page, "receipt")
    page.goto(f"{live_server.url}/vote/{tokens[0]}/")
    assert "You have already voted" in page.inner_text("h1")
    _axe(page, "already voted")
    context.close()
    # The ballot as it stands without its script: number boxes and their errors.  (axe needs
    # JavaScript itself, so the page's own script is blocked instead of all JavaScript.)
    context = browser.new_context()
    page = context.new_page()
    page.route("**/ballot.js", lambda route: route.abort())
    page.goto(f"{live_server.url}/vote/{tokens[1]}/")
    _axe(page, "ballot without JavaScript")
    page.get_by_label("Preference for Cal").fill("3")
    page.get_by_role("button", name="Review my vote").click()
    page.wait_for_selector("#error-summary")
    _axe(page, "ballot with errors without JavaScript")
    context.close()


def test_screenshots_of_the_ballot(browser, live_server, make_election):
    election, tokens = _election(make_election)
    # A ballot as a member would see it: a real-looking title, a closing time, statements.
    election.title = "Deputy Leader election 2026"
    now = dt.datetime.now(dt.UTC)
    election.closes_at = now.replace(hour=12, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=14
    )
    election.save(update_fields=["title", "closes_at"])
    Organisation.objects.filter(pk=election.organisation_id).update(name="Riverside Labour Party")
    statements = {
        "Ann": "Twenty years a shop steward. I will open every meeting's minutes to members.",
        "Ben": "Our branch has doubled in size. I will keep it growing, street by street.",
        "Cal": "Treasurer for six years: I will publish the accounts every quarter.",
    }
    for name, text in statements.items():
        election.candidates.filter(name=name).update(statement=text)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, size, token in [
        ("phone", {"width": 390, "height": 844}, tokens[0]),
        ("desktop", {"width": 1280, "height": 900}, tokens[1]),
    ]:
        context = browser.new_context(viewport=size, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{live_server.url}/vote/{token}/")
        page.wait_for_selector("#ranked")
        page.get_by_role("button", name="Add Ben").click()
        page.get_by_role("button", name="Add Ann").click()
        page.locator("details.statement").first.evaluate("d => d.open = true")
        page.evaluate("document.activeElement.blur()")
        path = SCREENSHOTS / f"ballot-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        context.close()
