"""Fixtures for the service: users in each role, and an election at each point of its life."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django", reason="the service extra is not installed")

from django.contrib.auth.models import Group, User
from django.core import mail

from tellers.service.ballots.sealing import new_key_file, read_key_file
from tellers.service.elections import actions
from tellers.service.elections.models import Election, RollEntry

PASSPHRASE = "correct horse battery staple"
_n = itertools.count()


def make_user(username: str, *groups: str) -> User:
    """Create a user (password = username) in the named role groups."""
    user = User.objects.create_user(username, password=username)
    for g in groups:
        user.groups.add(Group.objects.get(name=g))
    return User.objects.get(pk=user.pk)  # fresh, so the permission cache sees the groups


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Start each test with empty rate-limit counters (they live in the process's cache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def officials(db: Any) -> dict[str, User]:  # noqa: ARG001 (needs the database)
    """An organiser, a returning officer, a scrutineer, two tellers and a bystander."""
    return {
        "organiser": make_user("olive", "Organisers"),
        "returning_officer": make_user("rita", "Returning officers"),
        "scrutineer": make_user("sam", "Scrutineers"),
        "teller": make_user("tom", "Tellers"),
        "teller2": make_user("tess", "Tellers"),
        "outsider": make_user("otto"),
    }


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A returning officer's key file (passphrase ``PASSPHRASE``)."""
    path = tmp_path / "election.key"
    new_key_file(path, PASSPHRASE)
    return path


def open_key(path: Path) -> Any:
    """Open the key file with the test passphrase."""
    return read_key_file(path.read_bytes(), PASSPHRASE)


@pytest.fixture
def make_election(officials: dict[str, User], key_file: Path) -> Callable[..., Election]:
    """Build an election with candidates, a roll and the key set, optionally opened."""

    def build(
        *,
        candidates: tuple[str, ...] = ("Ann", "Ben", "Cal"),
        members: int = 5,
        rulebook: str = "labour-leader-2020",
        office: str = "deputy",
        open: bool = True,
        weights: tuple[int, ...] = (),
    ) -> Election:
        from tellers.service.ballots.sealing import read_key_file as _r

        org_user = officials["organiser"]
        k = next(_n)
        org = actions.create_organisation(org_user, name=f"Org {k}", slug=f"org-{k}")
        election = actions.create_election(
            org_user, org, title=f"Election {k}", slug="e", rulebook=rulebook, office=office
        )
        for role, who in [
            ("returning_officer", "returning_officer"),
            ("scrutineer", "scrutineer"),
            ("teller", "teller"),
            ("teller", "teller2"),
        ]:
            actions.appoint(org_user, election, officials[who], role)
        for name in candidates:
            actions.add_candidate(org_user, election, name=name, statement=f"{name} will serve.")
        section = election.sections[0]["id"]
        RollEntry.objects.bulk_create(
            RollEntry(
                election=election,
                membership_number=f"M{i:05d}",
                name=f"Member {i}",
                email=f"member{i}@example.org",
                section=section,
                weight=weights[i] if i < len(weights) else 1,
            )
            for i in range(members)
        )
        public = bytes(_r(key_file.read_bytes(), PASSPHRASE).public_key).hex()
        actions.set_public_key(officials["returning_officer"], election, public)
        if open:
            actions.open_ballot(officials["returning_officer"], election)
        election.refresh_from_db()
        return election

    return build


def invite(election: Election) -> dict[str, str]:
    """Send invitations through the real task; return {email: raw token} from the outbox."""
    from tellers.service.tasks import send_invitations

    mail.outbox.clear()
    send_invitations.delay(election.pk)
    out = {}
    for m in mail.outbox:
        token = m.body.split("/vote/")[1].split("/")[0]
        out[m.to[0]] = token
    return out
