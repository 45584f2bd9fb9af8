"""The scrutineer's report: its figures are what happened; only the scrutineer makes a statement.

The expected figures are the acts this test performs (five members, one reissued link, one
paper ballot issued and returned blank, three ballots cast online), not anything the report
module computes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from tellers.cli import app as tellers_app
from tellers.service.audit.models import AuditEntry
from tellers.service.ballots import paper
from tellers.service.ballots.actions import cast_ballot
from tellers.service.elections import actions
from tellers.service.elections.models import Election
from tellers.service.elections.tokens import token_hash
from tellers.service.errors import ServiceError, WrongState
from tellers.service.publication import actions as pub
from tellers.service.scrutiny import actions as scrutiny
from tellers.service.scrutiny.report import render_text, scrutineer_report

from .conftest import invite, open_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counted(
    make_election: Callable[..., Election], officials: dict[str, User], key_file: Path
) -> Election:
    election = make_election(members=5)
    ro, org = officials["returning_officer"], officials["organiser"]
    links = invite(election)
    entries = list(election.roll.order_by("pk"))
    # Member 0 loses their e-mail: a new link (the old one stops working).
    new_link = actions.reissue_link(org, entries[0])
    # Member 4 asks for a paper ballot, and returns it blank.
    actions.issue_paper_ballot(org, entries[4])
    actions.record_paper_return(ro, entries[4])
    for token in (new_link, links["member1@example.org"], links["member2@example.org"]):
        cast_ballot(election, token_hash(election.pk, token), [0, 1])
    pub.close_ballot(ro, election)
    for teller in (officials["teller"], officials["teller2"]):
        paper.key_paper(teller, election, serial="P-1", ranking=[], spoilt=True)
    paper.reconcile(officials["teller"], election)
    pub.count_election(ro, election, open_key(key_file))
    election.refresh_from_db()
    return election


def test_the_figures_are_what_happened(make_election, officials, key_file) -> None:
    election = _counted(make_election, officials, key_file)
    r = scrutineer_report(election)
    assert (r.on_roll, r.reissues, r.papers_issued) == (5, 1, 1)
    # Five invitations and one reissue; the paper ballot is not a link.
    assert r.links_issued == 6
    assert (r.returned_online, r.returned_paper, r.returned) == (3, 1, 4)
    assert (r.valid, r.spoilt, r.elected) == ("3", 1, ["Ann"])
    assert r.scrutineers == ["sam"] and r.chain_intact and r.statement is None
    text = render_text(r)
    assert "valid votes                                  3" in text
    assert "Statement (s.52(2))\n  not yet made" in text


@pytest.mark.usefixtures("officials")
def test_before_the_close_no_count_is_reported(make_election) -> None:
    election = make_election(members=3)
    r = scrutineer_report(election)
    assert not r.counted and r.valid is None and r.spoilt is None and r.elected == []
    assert "not yet counted" in render_text(r)


def test_only_the_scrutineer_states_once_counted_and_reasons_are_required(
    make_election, officials, key_file
) -> None:
    sam, rita = officials["scrutineer"], officials["returning_officer"]
    olive = officials["organiser"]
    early = make_election(members=2)
    with pytest.raises(WrongState):
        scrutiny.make_statement(
            sam, early, no_contravention=True, secure_arrangements=True, unhindered=True
        )
    election = _counted(make_election, officials, key_file)
    for who in (rita, olive, officials["outsider"]):
        with pytest.raises(PermissionDenied):
            scrutiny.make_statement(
                who, election, no_contravention=True, secure_arrangements=True, unhindered=True
            )
    with pytest.raises(ServiceError, match="Say why you are not satisfied"):
        scrutiny.make_statement(
            sam, election, no_contravention=True, secure_arrangements=True, unhindered=False
        )
    scrutiny.make_statement(
        sam,
        election,
        no_contravention=True,
        secure_arrangements=True,
        unhindered=False,
        remarks="The branch secretary asked to see the box before the close; I refused.",
    )
    with pytest.raises(ServiceError, match="already been made"):
        scrutiny.make_statement(
            sam, election, no_contravention=True, secure_arrangements=True, unhindered=True
        )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "scrutineer's statement"
    assert entry.details["unhindered"] is False
    text = render_text(scrutineer_report(election))
    assert "satisfied: NO" in text and "asked to see the box" in text


def test_complaints_and_inspections(make_election, officials) -> None:
    election = make_election(members=2)
    sam, rita = officials["scrutineer"], officials["returning_officer"]
    olive = officials["organiser"]
    scrutiny.record_complaint(
        rita, election, received=dt.date(2026, 12, 1), summary="No link arrived", outcome="Sent"
    )
    with pytest.raises(PermissionDenied):
        scrutiny.record_complaint(olive, election, received=dt.date(2026, 12, 1), summary="x")
    scrutiny.record_inspection(
        sam, election, requested=dt.date(2026, 12, 2), requested_by="A. Member", granted=True
    )
    with pytest.raises(PermissionDenied):
        scrutiny.record_inspection(
            rita, election, requested=dt.date(2026, 12, 2), requested_by="B", granted=False
        )
    r = scrutineer_report(election)
    assert [c.summary for c in r.complaints] == ["No link arrived"]
    assert [(i.requested_by, i.granted) for i in r.inspections] == [("A. Member", True)]
    actions_logged = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions_logged[-2:] == ["record complaint", "record register inspection"]


def test_the_page_and_the_command(make_election, officials, key_file) -> None:
    election = _counted(make_election, officials, key_file)
    url = reverse("scrutiny:report", args=(election.pk,))
    for who, status in (("organiser", 200), ("returning_officer", 200), ("outsider", 403)):
        c = Client()
        c.force_login(officials[who])
        assert c.get(url).status_code == status, who
    sam = Client()
    sam.force_login(officials["scrutineer"])
    page = sam.get(url).content.decode()
    assert "Make the statement" in page
    # Nothing ticked and no reasons: refused on the page, with the reason.
    refused = sam.post(reverse("scrutiny:statement", args=(election.pk,)), {})
    assert refused.status_code == 400
    assert "Say why you are not satisfied" in refused.content.decode()
    done = sam.post(
        reverse("scrutiny:statement", args=(election.pk,)),
        {"no_contravention": "on", "secure_arrangements": "on", "unhindered": "on"},
    )
    assert done.status_code == 303
    page = sam.get(url).content.decode()
    assert "The scrutineer is satisfied." in page and "Make the statement" not in page
    text = sam.get(url + "?format=text")
    assert text["Content-Type"].startswith("text/plain")
    assert "satisfied: yes" in text.content.decode()

    slug = f"{election.organisation.slug}/{election.slug}"
    result = CliRunner().invoke(tellers_app, ["report", "scrutineer", slug])
    assert result.exit_code == 0, result.output
    assert "cast online                                  3" in result.output
    result = CliRunner().invoke(tellers_app, ["report", "scrutineer", "no/such"])
    assert result.exit_code == 2
    assert "no election 'no/such'" in result.output
