"""Hustings: members ask under the policy, moderators decide, candidates answer, all audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tellers.service.audit.chain import verify
from tellers.service.audit.models import AuditEntry
from tellers.service.elections.models import Candidate, Election, RollEntry
from tellers.service.elections.tokens import token_hash
from tellers.service.errors import ServiceError, WrongState
from tellers.service.hustings import actions
from tellers.service.hustings.models import (
    Answer,
    Meeting,
    MemberLink,
    Moderator,
    Policy,
    Question,
    Status,
    Support,
)
from tellers.service.hustings.tokens import MEMBER, hustings_hash
from tellers.service.logging import redact

from .conftest import make_user
from .test_secrecy import all_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Hustings:
    """An open election with a moderator appointed and Ann's answer link issued."""

    election: Election
    officials: dict[str, User]
    moderator: User
    ann_token: str

    def entry(self, i: int) -> RollEntry:
        return RollEntry.objects.get(election=self.election, email=f"member{i}@example.org")

    def candidate(self, name: str) -> Candidate:
        return Candidate.objects.get(election=self.election, name=name)

    def url(self, tail: str = "") -> str:
        return f"/hustings/{self.election.pk}/{tail}"


@pytest.fixture
def h(make_election: Callable[..., Election], officials: dict[str, User]) -> Hustings:
    election = make_election(members=6)
    moderator = make_user("mona", "Moderators")
    actions.appoint_moderator(officials["organiser"], election, moderator)
    ann = Candidate.objects.get(election=election, name="Ann")
    token = actions.issue_answer_link(officials["organiser"], ann)
    return Hustings(election, officials, moderator, token)


def login(username: str) -> Client:
    # Signed in as the session would be after the sign-in form (which the browser tests use):
    # Client.login() passes no request, and the sign-in throttle needs one.
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def member_client(h: Hustings, i: int) -> Client:
    """A browser signed in as member ``i`` through the real e-mailed link."""
    c = Client()
    mail.outbox.clear()
    r = c.post(h.url("sign-in/"), {"email": f"member{i}@example.org"})
    assert r.status_code == 200
    [message] = mail.outbox
    link = message.body.split("/hustings/")[1].split()[0]
    r = c.get(f"/hustings/{link}")
    assert r.status_code == 303 and r["Location"] == h.url()
    return c


def candidate_client(h: Hustings, token: str | None = None) -> Client:
    c = Client()
    r = c.get(h.url(f"answer/{token or h.ann_token}/"))
    assert r.status_code == 303 and r["Location"] == h.url("candidate/")
    return c


def actions_logged() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


# --- signing in -----------------------------------------------------------------------------


def test_a_member_signs_in_once_through_their_own_roll_entry(h: Hustings) -> None:
    c = Client()
    r = c.post(h.url("sign-in/"), {"email": "Member2@Example.org"})
    assert b"a sign-in link is on its way" in r.content
    [message] = mail.outbox
    assert message.to == ["member2@example.org"]
    token = message.body.split("/link/")[1].split("/")[0]
    # Only a keyed hash is kept, under the hustings purpose: never the token.
    assert all_text(token) == []
    link = MemberLink.objects.get()
    assert link.token_hash == hustings_hash(MEMBER, h.election.pk, token)
    assert link.token_hash != token_hash(h.election.pk, token)
    r = c.get(h.url(f"link/{token}/"))
    assert r.status_code == 303 and token not in r["Location"]
    assert c.session["hustings.member"] == {"election": h.election.pk, "entry": h.entry(2).pk}
    assert c.get(h.url("ask/")).status_code == 200
    # Single use: a second opening is refused, in another browser or the same.
    assert Client().get(h.url(f"link/{token}/")).status_code == 404
    # And a hustings link is no ballot credential.
    assert Client().get(f"/vote/{token}/").status_code == 404


def test_a_ballot_link_does_not_sign_in_to_the_hustings(h: Hustings) -> None:
    from .conftest import invite

    tokens = invite(h.election)
    ballot_token = tokens["member1@example.org"]
    assert Client().get(h.url(f"link/{ballot_token}/")).status_code == 404
    assert Client().get(h.url(f"answer/{ballot_token}/")).status_code == 404


def test_a_member_not_on_the_roll_is_refused(
    h: Hustings, make_election: Callable[..., Election]
) -> None:
    c = Client()
    r = c.post(h.url("sign-in/"), {"email": "stranger@example.org"})
    # The same words as for a member (the page tells nobody who is on the roll) ...
    assert r.status_code == 200 and b"a sign-in link is on its way" in r.content
    # ... but no link is made or sent, and without one nothing may be asked or supported.
    assert mail.outbox == [] and not MemberLink.objects.exists()
    assert c.get(h.url("ask/")).status_code == 403
    assert c.post(h.url("ask/"), {"text": "Why?"}).status_code == 403
    assert not Question.objects.exists()
    # A member on another election's roll is not on this one.
    elsewhere = make_election(members=1)
    RollEntry.objects.create(
        election=elsewhere, membership_number="X1", name="Elsa", email="elsa@example.org"
    )
    assert actions.request_sign_in(elsewhere, "elsa@example.org") is not None
    assert actions.request_sign_in(h.election, "elsa@example.org") is None


def test_sign_in_links_are_rate_limited_and_expire(h: Hustings) -> None:
    for _ in range(actions.LINKS_PER_DAY):
        assert actions.request_sign_in(h.election, "member1@example.org") is not None
    assert actions.request_sign_in(h.election, "member1@example.org") is None
    made = actions.request_sign_in(h.election, "member3@example.org")
    assert made is not None
    MemberLink.objects.filter(entry=made[0]).update(expires_at=timezone.now())
    assert actions.sign_in(h.election, made[1]) is None


def test_hustings_links_are_redacted_from_logs() -> None:
    line = "GET /hustings/7/link/SECRETtoken_-1/ 303 ; GET /hustings/7/answer/ANOTHER/ 303"
    assert "SECRET" not in redact(line) and "ANOTHER" not in redact(line)
    assert redact("GET /hustings/7/ask/ 200") == "GET /hustings/7/ask/ 200"


def test_no_raw_hustings_token_in_the_request_logs(
    h: Hustings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    Client().get(h.url("link/not-a-real-token/"))
    assert "not-a-real-token" not in caplog.text


# --- asking, the policy and the limits ------------------------------------------------------


def test_the_policy_is_shown_where_a_member_writes(h: Hustings) -> None:
    c = member_client(h, 1)
    r = c.get(h.url("ask/"))
    text = r.content.decode()
    assert "be polite" in text and "stay on topic" in text and "your own name" in text
    assert "Member 1" in text  # asking as themselves
    for reason in Policy(organisation=h.election.organisation).reason_list():
        assert reason.replace("'", "&#x27;") in text
    # The organisation edits it; the edit is what members then see.
    org = login("olive")
    r = org.post(
        h.url("manage/policy/"),
        {
            "text": "Be kind. Ask about trains.",
            "reasons": "Not about trains.\nUnkind.",
            "question_max_chars": 200,
            "answer_max_chars": 600,
            "questions_per_day": 2,
        },
    )
    assert r.status_code == 303
    assert actions_logged()[-1] == "edit hustings policy"
    text = c.get(h.url("ask/")).content.decode()
    assert "Ask about trains." in text and "Not about trains." in text
    assert "be polite" not in text
    assert "At most 200 characters" in text


def test_only_the_organiser_edits_the_policy(h: Hustings) -> None:
    for who in ("rita", "sam", "mona"):
        assert login(who).post(h.url("manage/policy/"), {"text": "x"}).status_code == 403
    with pytest.raises(ServiceError, match="at least one reason"):
        actions.edit_policy(h.officials["organiser"], h.election, reasons="  ")
    with pytest.raises(ServiceError, match="at least 1"):
        actions.edit_policy(h.officials["organiser"], h.election, answer_max_chars=0)
    assert actions.policy_for(h.election).answer_max_chars == 1500


def test_a_question_over_the_length_limit_is_refused(h: Hustings) -> None:
    c = member_client(h, 1)
    r = c.post(h.url("ask/"), {"text": "x" * 501})
    assert r.status_code == 400 and b"at most 500 characters" in r.content
    assert not Question.objects.exists()
    assert c.post(h.url("ask/"), {"text": "x" * 500}).status_code == 303


def test_questions_per_member_per_day_are_limited(h: Hustings) -> None:
    c = member_client(h, 1)
    for i in range(3):
        assert c.post(h.url("ask/"), {"text": f"Question {i}?"}).status_code == 303
    r = c.post(h.url("ask/"), {"text": "One more?"})
    assert r.status_code == 400 and b"try again tomorrow" in r.content
    assert Question.objects.count() == 3
    # Another member's allowance is their own.
    assert member_client(h, 2).post(h.url("ask/"), {"text": "Mine?"}).status_code == 303
    # A day later the first member may ask again (counted from the database).
    Question.objects.filter(author=h.entry(1)).update(
        asked_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert c.post(h.url("ask/"), {"text": "One more?"}).status_code == 303


# --- moderation -----------------------------------------------------------------------------


def test_a_rejected_question_shows_its_reason_to_its_author(h: Hustings) -> None:
    c = member_client(h, 1)
    c.post(h.url("ask/"), {"text": "Isn't Ben a fool?"})
    q = Question.objects.get()
    mod = login("mona")
    queue = mod.get(h.url("moderate/")).content.decode()
    assert "Isn&#x27;t Ben a fool?" in queue
    reason = Policy(organisation=h.election.organisation).reason_list()[0]
    r = mod.post(
        h.url(f"moderate/{q.pk}/"),
        {"decision": "reject", f"q{q.pk}-reason": reason, f"q{q.pk}-note": "Ask about policy."},
    )
    assert r.status_code == 303
    q.refresh_from_db()
    assert q.status == Status.REJECTED and q.decided_by == "mona"
    mine = c.get(h.url("mine/")).content.decode()
    assert "Rejected" in mine and reason in mine and "Ask about policy." in mine
    # It is not published.
    assert "fool" not in c.get(h.url()).content.decode()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "reject question"
    assert entry.actor == "mona" and entry.role == "moderator"
    assert entry.details == {"question": q.pk, "reason": reason, "note": "Ask about policy."}


def test_a_reason_must_come_from_the_policy(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Why?")
    with pytest.raises(ServiceError, match="policy's reasons"):
        actions.reject(h.moderator, q, "I don't like it.")
    r = login("mona").post(
        h.url(f"moderate/{q.pk}/"), {"decision": "reject", f"q{q.pk}-reason": "Made up."}
    )
    assert r.status_code == 303
    q.refresh_from_db()
    assert q.status == Status.PENDING


def test_a_question_is_decided_once(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Why?")
    actions.approve(h.moderator, q)
    reason = actions.policy_for(h.election).reason_list()[1]
    with pytest.raises(ServiceError, match="already been decided"):
        actions.reject(h.moderator, q, reason)


def test_merging_duplicates_moves_asker_and_supporters(h: Hustings) -> None:
    first = actions.ask(h.entry(1), "Will you build more homes?")
    actions.approve(h.moderator, first)
    actions.support(h.entry(2), first)
    dup = actions.ask(h.entry(3), "How many homes will you build?")
    other_dup = actions.ask(h.entry(2), "Homes: how many?")
    r = login("mona").post(
        h.url(f"moderate/{dup.pk}/"), {"decision": "merge", f"q{dup.pk}-into": first.pk}
    )
    assert r.status_code == 303
    actions.merge(h.moderator, other_dup, first)  # member 2 already supports: counted once
    dup.refresh_from_db()
    assert dup.status == Status.MERGED and dup.merged_into_id == first.pk
    assert sorted(Support.objects.filter(question=first).values_list("member_id", flat=True)) == [
        h.entry(2).pk,
        h.entry(3).pk,
    ]
    mine = member_client(h, 3).get(h.url("mine/")).content.decode()
    assert "merged with question" in mine and h.url(f"questions/{first.pk}/") in mine
    page = member_client(h, 4).get(h.url()).content.decode()
    assert "2 members support this question" in page
    assert "How many homes" not in page
    # Only into a published question of the same election.
    pending = actions.ask(h.entry(4), "Homes?")
    with pytest.raises(ServiceError, match="published question"):
        actions.merge(h.moderator, actions.ask(h.entry(5), "Homes??"), pending)
    assert actions_logged().count("merge question") == 2


def test_every_moderation_decision_and_the_queue_are_audited(h: Hustings) -> None:
    a = actions.ask(h.entry(1), "First?")
    b = actions.ask(h.entry(2), "Second?")
    c = actions.ask(h.entry(3), "First, again?")
    actions.approve(h.moderator, a)
    actions.reject(h.moderator, b, actions.policy_for(h.election).reason_list()[1])
    actions.merge(h.moderator, c, a)
    entries = list(AuditEntry.objects.filter(action__contains="question").order_by("seq"))
    assert [(e.action, e.details["question"]) for e in entries] == [
        ("ask question", a.pk),
        ("ask question", b.pk),
        ("ask question", c.pk),
        ("approve question", a.pk),
        ("reject question", b.pk),
        ("merge question", c.pk),
    ]
    assert entries[0].actor == "member M00001" and entries[0].details["text"] == "First?"
    assert {e.actor for e in entries[3:]} == {"mona"}
    assert verify() == []


# --- support --------------------------------------------------------------------------------


def test_support_is_counted_once_per_member(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Will you publish your diary?")
    c = member_client(h, 2)
    # Not before it is published.
    c.post(h.url(f"questions/{q.pk}/support/"))
    assert not Support.objects.exists()
    actions.approve(h.moderator, q)
    assert c.post(h.url(f"questions/{q.pk}/support/")).status_code == 303
    r = c.post(h.url(f"questions/{q.pk}/support/"), follow=True)
    assert b"You already support this question." in r.content
    assert Support.objects.filter(question=q).count() == 1
    with pytest.raises(ServiceError, match="already support"):
        actions.support(h.entry(2), q)
    with pytest.raises(ServiceError, match="You asked"):
        actions.support(h.entry(1), q)
    page = c.get(h.url(f"questions/{q.pk}/")).content.decode()
    assert "1 member supports this question" in page and "(You support it.)" in page
    assert actions_logged().count("support question") == 1


# --- candidates' answers --------------------------------------------------------------------


def test_a_candidate_answers_within_the_limit_every_candidate_shares(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "What first?")
    actions.approve(h.moderator, q)
    c = candidate_client(h)
    assert b"What first?" in c.get(h.url("candidate/")).content
    over = "y" * 1501
    r = c.post(h.url(f"candidate/{q.pk}/"), {"text": over})
    assert r.status_code == 400 and b"the same for every candidate" in r.content
    assert not Answer.objects.exists()
    # CRLF line ends count as one character each, as the reader sees them.
    at_limit = ("z" * 99 + "\r\n") * 15
    assert len(at_limit) > 1500
    assert c.post(h.url(f"candidate/{q.pk}/"), {"text": at_limit}).status_code == 303
    answer = Answer.objects.get()
    assert answer.candidate.name == "Ann" and len(answer.text) == 1499
    # Ben's link, and Ben's limit, are the same.
    ben = actions.issue_answer_link(h.officials["organiser"], h.candidate("Ben"))
    with pytest.raises(ServiceError, match="at most 1500"):
        actions.answer_question(
            h.candidate("Ben"), hustings_hash("candidate", h.election.pk, ben), q, over
        )
    page = member_client(h, 2).get(h.url()).content.decode()
    assert "Ann answers" in page and "Not answered yet: Ben, Cal." in page
    assert [e for e in actions_logged() if "answer" in e] == [
        "issue answer link",
        "answer question",
        "issue answer link",
    ]


def test_a_new_answer_link_ends_the_old_one(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "What first?")
    actions.approve(h.moderator, q)
    old = candidate_client(h)
    new_token = actions.issue_answer_link(h.officials["organiser"], h.candidate("Ann"))
    assert old.get(h.url("candidate/")).status_code == 403
    assert old.post(h.url(f"candidate/{q.pk}/"), {"text": "Hi"}).status_code == 403
    assert Client().get(h.url(f"answer/{h.ann_token}/")).status_code == 404
    assert candidate_client(h, new_token).get(h.url("candidate/")).status_code == 200


def test_the_organiser_emails_an_answer_link(h: Hustings) -> None:
    ben = h.candidate("Ben")
    mail.outbox.clear()
    r = login("olive").post(
        h.url(f"manage/candidates/{ben.pk}/link/"), {f"c{ben.pk}-email": "ben@example.org"}
    )
    assert r.status_code == 303
    [message] = mail.outbox
    assert message.to == ["ben@example.org"]
    token = message.body.split("/answer/")[1].split("/")[0]
    assert all_text(token) == [] and all_text("ben@example.org") == []
    assert candidate_client(h, token).get(h.url("candidate/")).status_code == 200


# --- escaping -------------------------------------------------------------------------------


def test_user_html_is_escaped_everywhere(h: Hustings) -> None:
    evil = '<script>alert("q")</script><b onclick="x()">bold</b>'
    q = actions.ask(h.entry(1), evil)
    mod = login("mona")
    assert "<script>alert" not in mod.get(h.url("moderate/")).content.decode()
    actions.approve(h.moderator, q)
    ann_link = hustings_hash("candidate", h.election.pk, h.ann_token)
    actions.answer_question(h.candidate("Ann"), ann_link, q, '<img src=x onerror="y()">')
    RollEntry.objects.filter(pk=h.entry(1).pk).update(name="<i>Eve</i>")
    actions.add_meeting(
        h.officials["organiser"],
        h.election,
        starts_at=timezone.now(),
        place="<marquee>Hall</marquee>",
    )
    for client, path in [
        (member_client(h, 2), ""),
        (member_client(h, 1), "mine/"),
        (member_client(h, 3), f"questions/{q.pk}/"),
        (candidate_client(h), "candidate/"),
        (candidate_client(h), f"candidate/{q.pk}/"),
    ]:
        page = client.get(h.url(path)).content.decode()
        assert "<script>alert" not in page and "<b onclick" not in page, path
        assert "<img src=x" not in page and "<i>Eve" not in page and "<marquee>" not in page
        assert "&lt;script&gt;" in page or "&lt;script" in page, path


def test_a_meeting_link_must_be_a_web_address(h: Hustings) -> None:
    org = login("olive")
    r = org.post(
        h.url("manage/meetings/"),
        {"starts_at": "2030-05-01T19:00", "place": "", "link": "javascript:alert(1)"},
    )
    assert r.status_code == 303 and not Meeting.objects.exists()
    with pytest.raises(ServiceError, match="place, its link"):
        actions.add_meeting(h.officials["organiser"], h.election, starts_at=timezone.now())
    r = org.post(
        h.url("manage/meetings/"),
        {"starts_at": "2030-05-01T19:00", "place": "Co-op Hall", "link": "https://meet.example/x"},
    )
    m = Meeting.objects.get()
    page = member_client(h, 1).get(h.url()).content.decode()
    assert "Co-op Hall" in page and 'href="https://meet.example/x"' in page
    assert "Wednesday 1 May 2030, 19:00" in page
    org.post(h.url(f"manage/meetings/{m.pk}/remove/"))
    assert not Meeting.objects.exists()
    assert [a for a in actions_logged() if "meeting" in a] == [
        "add hustings meeting",
        "remove hustings meeting",
    ]


# --- states ---------------------------------------------------------------------------------


def test_nothing_is_asked_or_answered_outside_the_hustings_states(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Before the close?")
    actions.approve(h.moderator, q)
    from tellers.service.publication.actions import close_ballot

    close_ballot(h.officials["returning_officer"], h.election)
    h.election.refresh_from_db()
    with pytest.raises(WrongState):
        actions.ask(h.entry(2), "After?")
    with pytest.raises(WrongState):
        actions.support(h.entry(2), q)
    with pytest.raises(WrongState):
        actions.request_sign_in(h.election, "member2@example.org")
    link = hustings_hash("candidate", h.election.pk, h.ann_token)
    with pytest.raises(WrongState):
        actions.answer_question(h.candidate("Ann"), link, q, "Late.")


def test_moderators_must_be_in_the_group(h: Hustings) -> None:
    plain = make_user("pat")
    with pytest.raises(ServiceError, match="Moderators group"):
        actions.appoint_moderator(h.officials["organiser"], h.election, plain)
    r = login("olive").post(h.url("manage/moderators/"), {"username": "pat"})
    assert r.status_code == 303 and not Moderator.objects.filter(user=plain).exists()
    grouped = make_user("max", "Moderators")
    login("olive").post(h.url("manage/moderators/"), {"username": "max"})
    assert Moderator.objects.filter(user=grouped, election=h.election).exists()
    # A moderator of another election is not one of this one's.
    q = actions.ask(h.entry(1), "Hm?")
    Moderator.objects.filter(user=grouped).delete()
    with pytest.raises(PermissionDenied, match="moderators"):
        actions.approve(grouped, q)


# --- every role on every view ---------------------------------------------------------------

ALL = ("anonymous", "outsider", "organiser", "ro", "scrutineer", "teller", "moderator")
ALL += ("member", "candidate")
USERNAMES = {
    "outsider": "otto",
    "organiser": "olive",
    "ro": "rita",
    "scrutineer": "sam",
    "teller": "tom",
    "moderator": "mona",
}
#: The views, how they are called, and who gets through (everyone else: 403, or the sign-in
#: page for a view that needs an account when there is none).
READERS = {"organiser", "ro", "scrutineer", "moderator", "member", "candidate"}
VIEWS: list[tuple[str, str, set[str], bool]] = [
    ("GET", "", READERS, False),
    ("GET", "questions/{q}/", READERS, False),
    ("GET", "sign-in/", set(ALL), False),
    ("GET", "ask/", {"member"}, False),
    ("GET", "mine/", {"member"}, False),
    ("POST", "questions/{q}/support/", {"member"}, False),
    ("GET", "candidate/", {"candidate"}, False),
    ("GET", "candidate/{q}/", {"candidate"}, False),
    ("GET", "moderate/", {"moderator"}, True),
    ("POST", "moderate/{p}/", {"moderator"}, True),
    ("GET", "manage/", {"organiser"}, True),
    ("GET", "manage/policy/", {"organiser"}, True),
    ("POST", "manage/meetings/", {"organiser"}, True),
    ("POST", "manage/moderators/", {"organiser"}, True),
    ("POST", "manage/candidates/{c}/link/", {"organiser"}, True),
]


def test_every_role_on_every_view(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Published?")
    actions.approve(h.moderator, q)
    pending = actions.ask(h.entry(1), "Pending?")
    clients: dict[str, Client] = {"anonymous": Client()}
    clients.update({role: login(name) for role, name in USERNAMES.items()})
    clients["member"] = member_client(h, 2)
    clients["candidate"] = candidate_client(h)
    ids = {"q": q.pk, "p": pending.pk, "c": h.candidate("Ben").pk}
    for method, tail, allowed, needs_account in VIEWS:
        url = h.url(tail.format(**ids))
        for who in ALL:
            c = clients[who]
            r = c.get(url) if method == "GET" else c.post(url, {})
            if who in allowed:
                assert r.status_code in (200, 303), (method, url, who, r.status_code)
                if r.status_code == 303:
                    assert "/accounts/login/" not in r["Location"], (url, who)
            elif needs_account and who in ("anonymous", "member", "candidate"):
                assert r.status_code == 302 and "/accounts/login/" in r["Location"], (url, who)
            else:
                assert r.status_code == 403, (method, url, who, r.status_code)
    # The moderators' list needs an account, and shows only one's own elections.
    assert Client().get("/hustings/moderate/").status_code == 302
    assert h.election.title in clients["moderator"].get("/hustings/moderate/").content.decode()
    assert h.election.title not in clients["organiser"].get("/hustings/moderate/").content.decode()


def test_a_public_policy_opens_the_questions_to_everyone(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Open to all?")
    actions.approve(h.moderator, q)
    assert Client().get(h.url()).status_code == 403
    actions.edit_policy(h.officials["organiser"], h.election, public=True)
    r = Client().get(h.url())
    assert r.status_code == 200 and b"Open to all?" in r.content
    assert Client().get(h.url("ask/")).status_code == 403  # reading is not asking


def test_every_form_carries_a_csrf_token(h: Hustings) -> None:
    q = actions.ask(h.entry(1), "Tokens?")
    pages = [
        (login("mona"), "moderate/"),
        (login("olive"), "manage/"),
        (login("olive"), "manage/policy/"),
        (member_client(h, 2), "ask/"),
        (candidate_client(h), "candidate/"),
        (Client(), "sign-in/"),
    ]
    actions.approve(h.moderator, q)
    pages.append((candidate_client(h), f"candidate/{q.pk}/"))
    pages.append((member_client(h, 3), f"questions/{q.pk}/"))
    for client, path in pages:
        page = client.get(h.url(path)).content.decode()
        forms = page.count('<form method="post"')
        assert forms > 0, path
        assert page.count('name="csrfmiddlewaretoken"') == forms, path
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(h.url("sign-in/"), {"email": "member1@example.org"}).status_code == 403


def test_the_election_page_links_the_hustings(h: Hustings) -> None:
    manage = h.url("manage/")
    page = login("olive").get(f"/manage/{h.election.pk}/").content.decode()
    assert f'href="{h.url()}"' in page and f'href="{manage}"' in page
    page = login("sam").get(f"/manage/{h.election.pk}/").content.decode()
    assert f'href="{h.url()}"' in page and f'href="{manage}"' not in page
