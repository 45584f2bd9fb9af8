"""The organiser's and returning officer's pages: each role gets what it may, and each POST acts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tellers.service.audit.models import AuditEntry
from tellers.service.elections.models import (
    Appointment,
    Candidate,
    Election,
    InviteStatus,
    Organisation,
    RollEntry,
    RollUpload,
    State,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


#: The officials fixture's usernames, by role (each user's password is the username).
NAMES = {
    "organiser": "olive",
    "returning_officer": "rita",
    "scrutineer": "sam",
    "teller": "tom",
    "outsider": "otto",
}
KEY = "ab" * 32


def client(who: str | None) -> Client:
    """A browser signed in as ``who`` (a role above), or anonymous."""
    c = Client()
    if who is not None:
        # force_login: Client.login() passes no request, and the sign-in throttle needs one.
        c.force_login(User.objects.get(username=NAMES[who]))
    return c


def last_action() -> str:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry.action


@pytest.fixture
def draft(make_election: Callable[..., Election]) -> Election:
    """A draft election: candidates Ann, Ben, Cal; five members; the key set."""
    return make_election(open=False)


def test_who_may_read_which_page(draft: Election) -> None:
    expected = {
        "organiser": (200, 200, 200),
        "returning_officer": (200, 200, 200),
        "scrutineer": (200, 200, 200),
        "teller": (200, 403, 403),  # the summary, not the roll
        "outsider": (403, 403, 403),
    }
    for who, statuses in expected.items():
        c = client(who)
        got = tuple(
            c.get(reverse(f"elections:{page}", args=[draft.pk])).status_code
            for page in ("detail", "roll", "bounces")
        )
        assert got == statuses, who
        assert c.get(reverse("elections:dashboard")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(draft: Election) -> None:
    c = client(None)
    for url in [
        reverse("elections:dashboard"),
        reverse("elections:organisation_create"),
        reverse("elections:election_create"),
        reverse("elections:detail", args=[draft.pk]),
        reverse("elections:roll", args=[draft.pk]),
    ]:
        response = c.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = c.post(reverse("elections:candidate_add", args=[draft.pk]), {"name": "Dee"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Candidate.objects.filter(name="Dee").exists()


def test_dashboard_lists_the_users_elections_with_state(draft: Election) -> None:
    page = client("scrutineer").get(reverse("elections:dashboard")).content.decode()
    assert draft.title in page and "Draft" in page and "Scrutineer" in page
    assert (
        draft.title not in client("outsider").get(reverse("elections:dashboard")).content.decode()
    )


def test_detail_shows_schedule_zone_candidates_and_roll_summary(draft: Election) -> None:
    draft.opens_at = dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC)
    draft.save()
    page = client("returning_officer").get(reverse("elections:detail", args=[draft.pk]))
    text = page.content.decode()
    # 08:00 UTC is 09:00 in London in July (BST)
    assert "09:00, Monday 1 July 2030" in text and "Europe/London" in text
    for name in ("Ann", "Ben", "Cal"):
        assert name in text
    assert "Party members" in text  # the five members' section, by its name
    assert '<td class="num">5</td>' in text


@pytest.mark.usefixtures("officials")
def test_organiser_creates_organisation_and_election() -> None:
    c = client("organiser")
    r = c.post(reverse("elections:organisation_create"), {"name": "Branch", "slug": "branch"})
    assert r.status_code == 303
    org = Organisation.objects.get(slug="branch")
    assert last_action() == "create organisation"
    r = c.post(
        reverse("elections:election_create"),
        {
            "organisation": org.pk,
            "title": "Deputy 2026",
            "slug": "deputy",
            "office": "labour-leader-2020|deputy",
            "receipt_mode": "with_ballots",
        },
    )
    assert r.status_code == 303
    e = Election.objects.get(organisation=org, slug="deputy")
    assert (e.rulebook_id, e.office, e.method) == ("labour-leader-2020", "deputy", "av")
    assert r["Location"] == reverse("elections:detail", args=[e.pk])
    assert Appointment.objects.filter(election=e, user__username="olive").exists()


@pytest.mark.usefixtures("officials")
def test_election_from_an_uploaded_rulebook() -> None:
    from tellers.rules import resolve

    org = Organisation.objects.create(name="U", slug="u")
    toml = resolve("labour-leader-2020").read_bytes()
    r = client("organiser").post(
        reverse("elections:election_create"),
        {
            "organisation": org.pk,
            "title": "Own rules",
            "slug": "own",
            "rulebook_file": SimpleUploadedFile("mine.toml", toml),
            "uploaded_office": "leader",
            "receipt_mode": "separate",
        },
    )
    assert r.status_code == 303
    assert Election.objects.get(slug="own").office == "leader"


@pytest.mark.usefixtures("officials")
def test_election_form_errors_are_linked_to_their_fields() -> None:
    org = Organisation.objects.create(name="U", slug="u")
    r = client("organiser").post(
        reverse("elections:election_create"),
        {"organisation": org.pk, "title": "No rules", "slug": "x", "receipt_mode": "separate"},
    )
    assert r.status_code == 200
    text = r.content.decode()
    assert 'id="id_office-error"' in text
    assert 'aria-describedby="id_office-hint id_office-error"' in text
    assert not Election.objects.filter(slug="x").exists()


@pytest.mark.usefixtures("officials")
def test_only_organisers_set_up() -> None:
    for who in ("returning_officer", "scrutineer", "teller", "outsider"):
        c = client(who)
        assert c.get(reverse("elections:election_create")).status_code == 403
        r = c.post(reverse("elections:organisation_create"), {"name": "X", "slug": "x"})
        assert r.status_code == 403 and not Organisation.objects.filter(slug="x").exists()


def test_candidates_add_edit_withdraw(draft: Election) -> None:
    c = client("organiser")
    r = c.post(
        reverse("elections:candidate_add", args=[draft.pk]),
        {"name": "Dee", "statement": "Dee will serve."},
    )
    assert r.status_code == 303 and last_action() == "add candidate"
    dee = Candidate.objects.get(election=draft, name="Dee")
    assert dee.statement == "Dee will serve."
    edit = reverse("elections:candidate_edit", args=[draft.pk, dee.pk])
    assert c.get(edit).status_code == 200
    r = c.post(edit, {"name": "Dee Jones", "statement": "New."})
    assert r.status_code == 303 and last_action() == "change candidate"
    dee.refresh_from_db()
    assert (dee.name, dee.statement) == ("Dee Jones", "New.")
    r = c.post(reverse("elections:candidate_withdraw", args=[draft.pk, dee.pk]))
    assert r.status_code == 303 and last_action() == "withdraw candidate"
    dee.refresh_from_db()
    assert dee.withdrawn


def test_only_the_organiser_changes_candidates(draft: Election) -> None:
    ann = Candidate.objects.get(election=draft, name="Ann")
    for who in ("returning_officer", "scrutineer", "teller", "outsider"):
        c = client(who)
        add = reverse("elections:candidate_add", args=[draft.pk])
        assert c.post(add, {"name": "Z"}).status_code == 403
        withdraw = reverse("elections:candidate_withdraw", args=[draft.pk, ann.pk])
        assert c.post(withdraw).status_code == 403
        edit = reverse("elections:candidate_edit", args=[draft.pk, ann.pk])
        assert c.post(edit, {"name": "Z"}).status_code == 403
    ann.refresh_from_db()
    assert not ann.withdrawn and not Candidate.objects.filter(name="Z").exists()


ROLL = (
    "membership_number,name,email,section,joined\n"
    "N1,New One,new1@example.org,members,2019-01-01\n"
    "N2,New Two,new2@example,members,\n"
    "N3,New Three,new3@example.org,Registered supporters,\n"
)


def test_roll_upload_report_then_accept(draft: Election) -> None:
    c = client("organiser")
    r = c.post(
        reverse("elections:roll_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("branch.csv", ROLL.encode())},
    )
    assert r.status_code == 303
    upload = RollUpload.objects.get(election=draft)
    assert r["Location"] == reverse("elections:roll_report", args=[draft.pk, upload.pk])
    assert RollEntry.objects.filter(election=draft).count() == 5  # nothing imported yet
    report = c.get(r["Location"]).content.decode()
    assert '<td class="num">3</td><td>N2</td><td>bad email' in report
    assert "Accept and import 2 members" in report
    # a scrutineer may read the report, not accept it
    assert client("scrutineer").get(r["Location"]).status_code == 200
    assert client("scrutineer").post(r["Location"]).status_code == 403
    assert RollEntry.objects.filter(election=draft).count() == 5
    r = c.post(r["Location"])
    assert r.status_code == 303 and last_action() == "import roll"
    assert set(
        RollEntry.objects.filter(election=draft, membership_number__startswith="N").values_list(
            "membership_number", "section"
        )
    ) == {("N1", "members"), ("N3", "registered_supporters")}


def test_a_bad_roll_file_is_named_in_the_error(draft: Election) -> None:
    r = client("organiser").post(
        reverse("elections:roll_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("branch.csv", b"number,name\n1,Ann\n")},
        follow=True,
    )
    assert "branch.csv: unknown column" in r.content.decode()
    assert not RollUpload.objects.filter(election=draft).exists()


def test_roll_search_and_pages(draft: Election) -> None:
    c = client("scrutineer")
    url = reverse("elections:roll", args=[draft.pk])
    text = c.get(url, {"q": "M00003"}).content.decode()
    assert "Member 3" in text and "Member 4" not in text and "1 member matching" in text
    text = c.get(url, {"q": "member"}).content.decode()
    assert "5 members matching" in text
    # a scrutineer reads the roll but is offered no acts on it
    assert "Reissue link" not in text


@pytest.mark.usefixtures("officials")
def test_appoint_an_official(draft: Election) -> None:
    r = client("organiser").post(
        reverse("elections:appoint", args=[draft.pk]), {"username": "otto", "role": "scrutineer"}
    )
    assert r.status_code == 303 and last_action() == "appoint"
    assert Appointment.objects.filter(election=draft, user__username="otto").exists()
    r = client("returning_officer").post(
        reverse("elections:appoint", args=[draft.pk]), {"username": "tess", "role": "organiser"}
    )
    assert r.status_code == 403


def test_returning_officer_sets_key_schedules_and_opens(draft: Election) -> None:
    ro = client("returning_officer")
    assert (
        ro.post(reverse("elections:set_key", args=[draft.pk]), {"public_key": KEY}).status_code
        == 303
    )
    draft.refresh_from_db()
    assert draft.public_key == KEY and last_action() == "set election key"
    r = ro.post(
        reverse("elections:schedule", args=[draft.pk]),
        {"opens_at": "2030-07-01T09:00", "closes_at": "2030-07-08T17:30"},
    )
    assert r.status_code == 303 and last_action() == "schedule ballot"
    draft.refresh_from_db()
    # datetime-local inputs are London time: BST is UTC+1 in July
    assert draft.opens_at == dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC)
    assert draft.closes_at == dt.datetime(2030, 7, 8, 16, 30, tzinfo=dt.UTC)
    assert draft.state == State.SCHEDULED
    assert ro.post(reverse("elections:open_now", args=[draft.pk])).status_code == 303
    draft.refresh_from_db()
    assert draft.state == State.OPEN and last_action() == "open ballot"


def test_only_the_returning_officer_runs_the_ballot(draft: Election) -> None:
    times = {"opens_at": "2030-07-01T09:00", "closes_at": "2030-07-08T17:30"}
    for who in ("organiser", "scrutineer", "teller", "outsider"):
        c = client(who)
        key = reverse("elections:set_key", args=[draft.pk])
        assert c.post(key, {"public_key": KEY}).status_code == 403
        assert c.post(reverse("elections:schedule", args=[draft.pk]), times).status_code == 403
        assert c.post(reverse("elections:open_now", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.public_key != KEY


def test_a_refused_act_shows_its_reason(draft: Election) -> None:
    r = client("returning_officer").post(
        reverse("elections:schedule", args=[draft.pk]),
        {"opens_at": "2030-07-08T09:00", "closes_at": "2030-07-01T09:00"},
        follow=True,
    )
    assert "The ballot must close after it opens." in r.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_invitations_reissue_and_paper_ballots(make_election: Callable[..., Election]) -> None:
    e = make_election(open=True)
    org = client("organiser")
    mail.outbox.clear()
    r = org.post(reverse("elections:invitations", args=[e.pk]))
    assert r.status_code == 303 and len(mail.outbox) == 5
    assert (
        client("scrutineer").post(reverse("elections:invitations", args=[e.pk])).status_code == 403
    )

    entry = RollEntry.objects.get(election=e, membership_number="M00001")
    mail.outbox.clear()
    r = org.post(reverse("elections:reissue", args=[e.pk, entry.pk]), follow=True)
    assert last_action() == "reissue link" and len(mail.outbox) == 1
    token = mail.outbox[0].body.split("/vote/")[1].split("/")[0]
    assert mail.outbox[0].to == ["member1@example.org"]
    assert token not in r.content.decode()  # the raw link is e-mailed, never shown
    entry.refresh_from_db()
    assert entry.links_issued == 2 and entry.invite_status == InviteStatus.SENT

    r = org.post(reverse("elections:paper", args=[e.pk, entry.pk]))
    assert r.status_code == 303 and last_action() == "issue paper ballot"
    entry.refresh_from_db()
    assert entry.paper_issued and entry.token_hash is None
    # only the returning officer records the returned paper
    assert org.post(reverse("elections:paper_return", args=[e.pk, entry.pk])).status_code == 403
    r = client("returning_officer").post(reverse("elections:paper_return", args=[e.pk, entry.pk]))
    assert r.status_code == 303 and last_action() == "record paper return"
    entry.refresh_from_db()
    assert entry.voted == "paper"


def test_bounce_list_shows_failed_sends(draft: Election) -> None:
    RollEntry.objects.filter(election=draft, membership_number="M00002").update(
        invite_status=InviteStatus.FAILED, invite_error="SMTPRecipientsRefused"
    )
    text = client("organiser").get(reverse("elections:bounces", args=[draft.pk])).content.decode()
    assert "M00002" in text and "SMTPRecipientsRefused" in text and "M00001" not in text


def test_admin_hides_link_hashes_and_roll_files(draft: Election) -> None:
    admin = User.objects.create_superuser("root", password="root")
    c = Client()
    c.force_login(admin)
    entry = RollEntry.objects.filter(election=draft).first()
    assert entry is not None
    RollEntry.objects.filter(pk=entry.pk).update(token_hash="f" * 64)
    r = c.get(reverse("admin:elections_rollentry_change", args=[entry.pk]))
    assert r.status_code == 200
    text = r.content.decode()
    assert entry.membership_number in text
    assert "f" * 64 not in text and "token_hash" not in text and "Token hash" not in text
    upload = RollUpload.objects.create(
        election=draft, filename="r.csv", content=b"SECRET-ROW", sha256="0" * 64, uploaded_by=admin
    )
    text = c.get(reverse("admin:elections_rollupload_change", args=[upload.pk])).content.decode()
    assert "r.csv" in text and "SECRET-ROW" not in text


@pytest.mark.usefixtures("officials")
def test_a_broken_uploaded_rulebook_is_reported() -> None:
    org = Organisation.objects.create(name="U", slug="u")
    r = client("organiser").post(
        reverse("elections:election_create"),
        {
            "organisation": org.pk,
            "title": "Broken",
            "slug": "broken",
            "rulebook_file": SimpleUploadedFile("mine.toml", b"not toml ["),
            "receipt_mode": "separate",
        },
    )
    assert r.status_code == 200
    assert "mine.toml:1: not valid TOML" in r.content.decode()
    assert not Election.objects.filter(slug="broken").exists()
