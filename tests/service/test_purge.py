"""Retention: ``tellers purge`` removes the roll's personal data and the ballots, keeps the result.

An election runs to publication with online ballots, a keyed paper ballot and an uploaded
roll file.  A purge before the retention period has run, or of an unpublished election, is
refused with the reason; after it, the roll's names, addresses and numbers, the roll file, the
sealed ballots and the paper keyings are gone from every column of every table (read with raw
SQL), while the published bundle still verifies, the count and the scrutineer's figures are
unchanged, and the audit chain verifies with a "purge" entry at its head.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from typer.testing import CliRunner

from tellers.cli import app as tellers_app
from tellers.service.audit.chain import verify
from tellers.service.audit.models import AuditEntry
from tellers.service.ballots import paper
from tellers.service.ballots.actions import cast_ballot
from tellers.service.ballots.models import PaperKeying, SealedBallot
from tellers.service.elections import actions
from tellers.service.elections.models import Election, RollEntry, RollUpload, State
from tellers.service.elections.tokens import token_hash
from tellers.service.errors import ServiceError, WrongState
from tellers.service.publication import actions as pub
from tellers.service.publication.verify import verify_bundle
from tellers.service.scrutiny.report import scrutineer_report
from tellers.service.scrutiny.retention import add_months, purge_election

from .conftest import invite, open_key
from .test_secrecy_at_rest import _as_bytes, columns

pytestmark = pytest.mark.django_db


def holding(text: str) -> list[str]:
    """Every table with ``text`` in any column, read with raw SQL."""
    q = connection.ops.quote_name
    found = set()
    with connection.cursor() as cur:
        for table, column in columns():
            cur.execute(f"SELECT {q(column)} FROM {q(table)}")
            if any(text.encode() in _as_bytes(v) for (v,) in cur.fetchall() if v is not None):
                found.add(table)
    return sorted(found)


def test_add_months_is_calendar_months() -> None:
    at = dt.datetime(2025, 1, 31, 22, 0, tzinfo=dt.UTC)
    assert add_months(at, 1) == dt.datetime(2025, 2, 28, 22, 0, tzinfo=dt.UTC)
    assert add_months(at, 12) == dt.datetime(2026, 1, 31, 22, 0, tzinfo=dt.UTC)
    assert add_months(dt.datetime(2023, 2, 28, tzinfo=dt.UTC), 12).day == 28
    assert add_months(dt.datetime(2024, 2, 29, tzinfo=dt.UTC), 12).day == 28


def _published(
    make_election: Callable[..., Election], officials: dict[str, User], key_file: Path
) -> Election:
    election = make_election(members=5)
    ro, org = officials["returning_officer"], officials["organiser"]
    RollUpload.objects.create(
        election=election,
        filename="roll.csv",
        content=b"membership_number,name,email\nM00000,Member 0,member0@example.org\n",
        sha256="0" * 64,
        uploaded_by=org,
    )
    tokens = invite(election)
    for i, email in enumerate(
        ["member0@example.org", "member1@example.org", "member2@example.org"]
    ):
        cast_ballot(election, token_hash(election.pk, tokens[email]), [i % 3, (i + 1) % 3])
    member4 = RollEntry.objects.get(election=election, email="member4@example.org")
    actions.issue_paper_ballot(org, member4)
    actions.record_paper_return(ro, member4)
    pub.close_ballot(ro, election)
    paper.key_paper(officials["teller"], election, serial="P-001", ranking=[2, 1], weight=1)
    paper.key_paper(officials["teller2"], election, serial="P-001", ranking=[2, 1], weight=1)
    paper.reconcile(ro, election)
    pub.count_election(ro, election, open_key(key_file))
    pub.sign_off(ro, election)
    if election.scrutineer_signs:
        pub.sign_off(officials["scrutineer"], election)
    pub.publish(ro, election)
    election.refresh_from_db()
    assert election.state == State.PUBLISHED
    return election


def test_purge_keeps_the_result_and_removes_the_rest(
    make_election: Callable[..., Election], officials: dict[str, User], key_file: Path
) -> None:
    election = _published(make_election, officials, key_file)
    bundle = bytes(election.publication.bundle)
    count_json = election.count.result_json
    before = scrutineer_report(election)
    assert before.returned_online == 3 and before.returned_paper == 1
    assert SealedBallot.objects.filter(election=election).count() == 3
    assert PaperKeying.objects.filter(election=election).count() == 2
    published = election.publication.published_at

    # Refused a day before the twelve months are up, and named why.
    with pytest.raises(ServiceError, match=r"kept for 12 months, until"):
        purge_election(election, now=add_months(published, 12) - dt.timedelta(days=1))
    assert SealedBallot.objects.filter(election=election).count() == 3

    # From the command line: refused by the default twelve months, then declined at the
    # prompt, then done with the retention set to nothing.
    name = f"{election.organisation.slug}/{election.slug}"
    runner = CliRunner()
    refused = runner.invoke(tellers_app, ["purge", name, "--yes"])
    assert refused.exit_code == 1
    assert "kept for 12 months, until" in " ".join(refused.output.split())
    declined = runner.invoke(tellers_app, ["purge", name, "--older-than-months", "0"], input="n\n")
    assert declined.exit_code == 1
    assert SealedBallot.objects.filter(election=election).count() == 3
    done = runner.invoke(tellers_app, ["purge", name, "--older-than-months", "0", "--yes"])
    assert done.exit_code == 0, done.output
    assert (
        f"purged {name}: 5 roll entries emptied, 1 roll files, 3 sealed ballots and 2 paper "
        "keyings deleted" in " ".join(done.output.split())
    )
    assert not SealedBallot.objects.filter(election=election).exists()
    assert not PaperKeying.objects.filter(election=election).exists()
    assert not RollUpload.objects.filter(election=election).exists()
    # No member's name, address or number is left in any table, read with raw SQL, except
    # the membership numbers the audit chain recorded for acts on the roll (a paper ballot
    # issued and returned): the chain cannot be edited without breaking it.
    for i in range(5):
        for personal in (f"Member {i}", f"member{i}@example.org", f"M{i:05d}"):
            tables = holding(personal)
            if personal == "M00004":  # member 4 was sent a paper ballot
                assert tables == ["audit_auditentry"], personal
            else:
                assert tables == [], personal
    # The roll still says how many members there were and who voted by which channel.
    assert RollEntry.objects.filter(election=election, voted="online").count() == 3
    assert RollEntry.objects.filter(election=election, voted="paper").count() == 1

    # What the result rests on is untouched.
    election.refresh_from_db()
    assert bytes(election.publication.bundle) == bundle
    assert election.count.result_json == count_json
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bundle.zip"
        path.write_bytes(bundle)
        assert verify_bundle(path) == []
    assert verify() == []
    head = AuditEntry.objects.order_by("-seq").first()
    assert head is not None and head.action == "purge"
    assert head.details["sealed_ballots_deleted"] == 3
    after = scrutineer_report(election)
    assert (after.returned_online, after.returned_paper, after.spoilt, after.on_roll) == (
        before.returned_online,
        before.returned_paper,
        before.spoilt,
        before.on_roll,
    )

    with pytest.raises(ServiceError, match="already been purged"):
        purge_election(election, now=add_months(published, 24))
    again = runner.invoke(tellers_app, ["purge", name, "--older-than-months", "0", "--yes"])
    assert again.exit_code == 1 and "already been purged" in again.output


def test_an_unpublished_election_is_not_purged(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    election = make_election(members=3)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=5 * 365)
    with pytest.raises(WrongState, match="open, not published"):
        purge_election(election, now=later)
    actions.cancel(officials["organiser"], election, reason="test")
    with pytest.raises(WrongState, match="not published"):
        purge_election(election, now=later)
    assert RollEntry.objects.filter(election=election, name="Member 0").exists()


def test_the_command_line_names_an_unknown_election() -> None:
    unknown = CliRunner().invoke(tellers_app, ["purge", "nobody/nothing", "--yes"])
    assert unknown.exit_code == 2
    assert "no election 'nobody/nothing'" in " ".join(unknown.output.split())
