"""Every view the service has, walked from its URL configuration: nobody acts without a role.

The other tests check each page's roles by name; this one cannot forget a page.  It reads every
URL pattern of the service's own apps from Django's resolver (a page added tomorrow is walked
too), fills in the election's ids, and for each one checks what holds whatever the page is:

- an anonymous browser, a signed-in user with no appointment, and a voter's browser get no page
  of the officials' areas (anything under a ``manage`` or ``moderate`` path; the signed-in user
  may see a dashboard that lists nothing of theirs) — a sign-in redirect, 403, 404 or 405 —
  and none of their GETs or POSTs anywhere changes the database's
  audit chain, the election's state or its candidates;
- a scrutineer (read-only, SERVICE.md) changes nothing by a POST anywhere, except signing off
  the count, which is theirs to do;
- while the ballot is open, no page that any official may load shows how many ballots put a
  candidate first: those numbers are chosen to be ones that appear nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tellers.service.audit.models import AuditEntry
from tellers.service.elections.models import Election

from .conftest import invite

pytestmark = pytest.mark.django_db

#: The officials' areas: only an appointed official may load any page here.
STAFF = re.compile(r"(^|/)(manage|moderate)(/|$)")
#: Pages Django itself provides and tests itself (admin is staff-only by Django's own check).
SKIP_PREFIXES = ("admin/",)
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        else:
            yield route, p


def service_routes() -> list[str]:
    """Every route served by tellers' own views (not Django's admin or auth)."""
    return sorted(
        route
        for route, p in _patterns(get_resolver())
        if getattr(p.callback, "__module__", "").startswith("tellers.service")
        and not route.startswith(SKIP_PREFIXES)
    )


def fill(route: str, election: Election) -> str:
    """Turn a route into a path for ``election``: ids of its own rows, or ids that exist nowhere."""
    first_candidate = election.candidates.order_by("position").first()
    entry = election.roll.order_by("pk").first()
    values = {
        "election_id": str(election.pk),
        "org_slug": election.organisation.slug,
        "election_slug": election.slug,
        "candidate_id": str(first_candidate.pk if first_candidate else 1),
        "entry_id": str(entry.pk if entry else 1),
        "token": "not-a-real-token-" + "x" * 30,
        "name": "result.json",
        "serial": "P0001",
    }

    def one(m: re.Match[str]) -> str:
        # Ids of rows this election has not made (uploads, questions...): a page must refuse
        # a stranger before it looks anything up, so a missing row is as good a test.
        return values.get(m.group(2), "1")

    return "/" + _PARAM.sub(one, route)


def snapshot(election: Election) -> tuple[int, str, list[tuple[str, bool]]]:
    election.refresh_from_db()
    return (
        AuditEntry.objects.count(),
        election.state,
        list(election.candidates.order_by("pk").values_list("name", "withdrawn")),
    )


def refused(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def test_the_walk_sees_every_app() -> None:
    """The walk is not vacuous: it reaches each app's pages."""
    routes = service_routes()
    for needle in ("manage/<int:election_id>/roll/", "vote/ballot/", "results/manage/"):
        assert any(r.startswith(needle) for r in routes), needle
    assert sum(bool(STAFF.search(r)) for r in routes) >= 25


def test_no_one_without_a_role_gets_in_or_changes_anything(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    election = make_election(members=4)
    # A voter's browser: a session holding a live ballot, which is no role in the staff areas.
    voter = Client()
    token = next(iter(invite(election).values()))
    assert voter.get(f"/vote/{token}/").status_code == 303
    outsider = Client()
    outsider.force_login(officials["outsider"])
    before = snapshot(election)
    for route in service_routes():
        path = fill(route, election)
        for who, c in (("anonymous", Client()), ("outsider", outsider), ("voter", voter)):
            # A signed-in user may see an officials' dashboard listing nothing of theirs; a
            # page of one election's is refused them, and every officials' page is refused
            # a browser that is not signed in.
            staff = STAFF.search(route) and (who != "outsider" or _PARAM.search(route))
            got = c.get(path)
            if staff:
                assert refused(got), f"{who} GET {path}: {got.status_code}"
            posted = c.post(path, {"confirm": "yes", "name": "Mallory", "reason": "x"})
            if staff:
                assert refused(posted), f"{who} POST {path}: {posted.status_code}"
            assert snapshot(election) == before, f"{who} POST {path} changed the election"


def test_a_scrutineer_changes_nothing_but_their_signature(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    election = make_election(members=4)
    c = Client()
    c.force_login(officials["scrutineer"])
    before = snapshot(election)
    for route in service_routes():
        if route.endswith("sign-off/"):
            continue
        path = fill(route, election)
        c.post(path, {"confirm": "yes", "name": "Mallory", "reason": "x"})
        assert snapshot(election) == before, f"scrutineer POST {path} changed the election"


def test_no_official_page_shows_a_count_while_the_ballot_is_open(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    from tellers.service.ballots.actions import cast_ballot
    from tellers.service.elections.tokens import token_hash

    # 97 members, 83 of whom vote: 47 put Ann first and 36 Ben.  Turnout (83) may be shown
    # while the ballot is open — the roll records that a member voted — but neither
    # candidate's number may appear on any page before the close.  (Both are above 31 and
    # the regular expression skips times like 12:47, so no date or clock can match.)
    election = make_election(members=97)
    tokens = list(invite(election).values())
    for i, t in enumerate(tokens[:83]):
        cast_ballot(election, token_hash(election.pk, t), [0, 1] if i < 47 else [1, 0])
    officials_pages = []
    for role in ("organiser", "returning_officer", "scrutineer", "teller"):
        c = Client()
        c.force_login(officials[role])
        for route in service_routes():
            path = fill(route, election)
            got = c.get(path)
            if got.status_code != 200 or "html" not in got.get("Content-Type", ""):
                continue
            officials_pages.append(path)
            text = re.sub(r"<[^>]+>", " ", got.content.decode())
            text = re.sub(r"Member \d+|member\d+@", "", text)  # the fixture's names
            for n in ("47", "36"):
                found = re.search(rf"(?<![\w.:/-]){n}(?![\w.:/-])", text)
                assert not found, f"{role} {path} shows {n}"
    assert len(officials_pages) >= 20  # the walk reached the officials' pages
