"""Access: sign-in throttling, and the Content-Security-Policy on every kind of page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tellers.service.elections.models import Election

from .conftest import invite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sign_in(c: Client, username: str, password: str) -> Any:
    return c.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.usefixtures("officials")
def test_five_wrong_passwords_lock_that_name_from_that_address() -> None:
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        r = _sign_in(guesser, "rita", "guess")
        assert r.status_code in (200, 429)
    # Locked now: even the right password is refused from this address.
    r = _sign_in(guesser, "rita", "rita")
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.content.decode()
    assert "_auth_user_id" not in guesser.session
    # The returning officer, elsewhere, still signs in: the lock is the name *and* address.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    r = _sign_in(elsewhere, "rita", "rita")
    assert r.status_code == 302 and "_auth_user_id" in elsewhere.session
    # And another name from the guesser's address is not locked.
    r = _sign_in(guesser, "olive", "olive")
    assert r.status_code == 302


def test_every_kind_of_page_carries_the_policy(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    election = make_election(members=2)
    token = next(iter(invite(election).values()))
    voter = Client()
    voter.get(f"/vote/{token}/")
    official = Client()
    official.force_login(officials["organiser"])
    responses = [
        Client().get("/"),
        Client().get(reverse("login")),
        voter.get(reverse("ballots:ballot")),
        official.get(reverse("elections:detail", args=(election.pk,))),
        Client().get(reverse("publication:index")),
        Client().get("/results/no/such/"),  # an error page too
    ]
    for r in responses:
        policy = r["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["script-src"] == "'self'", policy
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert "unsafe-eval" not in policy
