"""The hustings in real headless Chromium: a member asks, a moderator publishes, a candidate
answers; axe-core checks the question and answer pages; a screenshot for docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from tellers.service.elections.models import Candidate, Organisation
from tellers.service.hustings import actions
from tellers.service.hustings.models import Answer, Question, Status

from .conftest import make_user
from .test_browser_voter import SCREENSHOTS, _axe, browser  # noqa: F401  (a fixture)

# serialized_rollback: the role groups come from data migrations a flush would remove.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_member_asks_a_moderator_publishes_a_candidate_answers(
    browser: Any,  # noqa: F811
    live_server: Any,
    make_election: Any,
    officials: Any,
) -> None:
    election = make_election(candidates=("Ann Okafor", "Ben Hughes", "Cal Reid"), members=3)
    election.title = "Branch Secretary election 2026"
    election.save(update_fields=["title"])
    Organisation.objects.filter(pk=election.organisation_id).update(name="Riverside Labour Party")
    organiser = officials["organiser"]
    make_user("mona", "Moderators")
    actions.appoint_moderator(organiser, election, User.objects.get(username="mona"))
    ann = Candidate.objects.get(election=election, name="Ann Okafor")
    ann_token = actions.issue_answer_link(organiser, ann)
    actions.add_meeting(
        organiser,
        election,
        starts_at=(timezone.now() + dt.timedelta(days=7)).replace(hour=19, minute=0),
        place="Riverside Community Centre, Mill Lane",
        link="https://meet.example.org/riverside-hustings",
    )
    base = f"{live_server.url}/hustings/{election.pk}"

    # The member asks for a link, opens it, and writes a question beside the policy.
    member = browser.new_context(viewport={"width": 390, "height": 844})
    page = member.new_page()
    page.goto(f"{base}/")
    assert "Members: sign in" in page.inner_text("main")
    _axe(page, "hustings page before signing in")
    page.goto(f"{base}/sign-in/")
    _axe(page, "sign in")
    page.get_by_label("Your e-mail address").fill("member1@example.org")
    mail.outbox.clear()
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    page.wait_for_selector("text=a sign-in link is on its way")
    [message] = mail.outbox
    link = message.body.split(f"/hustings/{election.pk}/link/")[1].split("/")[0]
    page.goto(f"{base}/link/{link}/")
    page.wait_for_url(f"{base}/")
    assert link not in page.url
    page.get_by_role("link", name="Ask a question").click()
    page.wait_for_url(f"{base}/ask/")
    assert "be polite" in page.inner_text(".policy")
    _axe(page, "ask a question")
    text = "Will you publish the branch accounts every quarter, and the minutes too?"
    page.get_by_label("Your question").fill(text)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # keyboard alone sends it
    page.wait_for_url(f"{base}/mine/")
    assert "Waiting for a moderator" in page.inner_text("main")
    _axe(page, "your questions")
    q = Question.objects.get()

    # The moderator signs in, reads the queue and publishes the question.
    moderator = browser.new_context()
    mpage = moderator.new_page()
    mpage.goto(f"{live_server.url}/accounts/login/?next=/hustings/{election.pk}/moderate/")
    mpage.get_by_label("Username").fill("mona")
    mpage.get_by_label("Password").fill("mona")
    mpage.get_by_role("button", name="Sign in").click()
    mpage.wait_for_url(f"{base}/moderate/")
    assert mpage.inner_text(".q-text") == text
    _axe(mpage, "moderation queue")
    mpage.get_by_role("button", name=f"Publish question {q.pk}").click()
    mpage.wait_for_selector(f"text=Question {q.pk} published.")
    q.refresh_from_db()
    assert q.status == Status.APPROVED
    moderator.close()

    # The organiser's set-up pages.
    org = browser.new_context(viewport={"width": 390, "height": 844})
    opage = org.new_page()
    opage.goto(f"{live_server.url}/accounts/login/?next=/hustings/{election.pk}/manage/")
    opage.get_by_label("Username").fill("olive")
    opage.get_by_label("Password").fill("olive")
    opage.get_by_role("button", name="Sign in").click()
    opage.wait_for_url(f"{base}/manage/")
    _axe(opage, "set up the hustings")
    opage.get_by_role("link", name="Edit the policy").click()
    opage.wait_for_url(f"{base}/manage/policy/")
    _axe(opage, "edit the policy")
    org.close()

    # The candidate opens their answer link and answers.
    candidate = browser.new_context()
    cpage = candidate.new_page()
    cpage.goto(f"{base}/answer/{ann_token}/")
    cpage.wait_for_url(f"{base}/candidate/")
    cpage.get_by_role("link", name=f"Question {q.pk} from Member 1").click()
    cpage.wait_for_url(f"{base}/candidate/{q.pk}/")
    _axe(cpage, "answer a question")
    cpage.get_by_label("Your answer").fill(
        "Yes. Every quarter the accounts go to all members, and the minutes of every branch "
        "meeting within a week, online and on paper at the centre."
    )
    cpage.get_by_role("button", name="Publish my answer").click()
    cpage.wait_for_url(f"{base}/candidate/")
    assert Answer.objects.filter(question=q, candidate=ann).exists()
    candidate.close()

    # The member supports nothing of their own, and sees the answer.
    page.goto(f"{base}/questions/{q.pk}/")
    assert "Ann Okafor answers" in page.inner_text("main")
    assert "(You asked it.)" in page.inner_text("main")
    _axe(page, "question with its answer")
    page.goto(f"{base}/")
    _axe(page, "hustings page")
    member.close()

    # Another member supports it, and the page as members see it is photographed.
    other = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    opage = other.new_page()
    made = actions.request_sign_in(election, "member2@example.org")
    assert made is not None
    opage.goto(f"{base}/link/{made[1]}/")
    opage.wait_for_url(f"{base}/")
    opage.get_by_role("button", name=f"Support question {q.pk}").click()
    opage.wait_for_selector("text=Your support is counted.")
    assert "1 member supports this question" in opage.inner_text("main")
    opage.goto(f"{base}/")
    opage.evaluate("document.activeElement.blur()")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "hustings.png"
    opage.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    other.close()


def test_asking_works_without_javascript(
    browser: Any,  # noqa: F811
    live_server: Any,
    make_election: Any,
) -> None:
    election = make_election(members=2)
    made = actions.request_sign_in(election, "member0@example.org")
    assert made is not None
    base = f"{live_server.url}/hustings/{election.pk}"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/link/{made[1]}/")
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question").fill("x" * 501)
    page.get_by_role("button", name="Send to the moderators").click()
    assert "at most 500 characters" in page.inner_text(".field .errors")
    assert page.get_by_label("Your question").get_attribute("aria-invalid") == "true"
    page.get_by_label("Your question").fill("Will meetings be held on weekends?")
    page.get_by_role("button", name="Send to the moderators").click()
    page.wait_for_url(f"{base}/mine/")
    assert "Will meetings be held on weekends?" in page.inner_text("main")
    assert Question.objects.get().author.email == "member0@example.org"
    context.close()
