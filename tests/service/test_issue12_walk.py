"""Issue 12 end to end in real headless Chromium: a member declares, a constituency party's
secretary records its nomination, the tracker moves; a member asks, a moderator publishes, the
candidate answers; axe-core on the tracker, the question page and the answer page.

The rulebook is labour-leader-2021 (20% of the PLP, then 5% of CLPs or three affiliates). Its
bodies have no sizes, so the contest gives them: five MPs and twenty CLPs, one nomination from
each reaching the ballot.  The organiser's part (opening nominations, issuing links,
registering the units, closing, the candidate's answer link) is done through actions, as in
the other browser tests; every member's and candidate's part goes through the pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from tellers.service.elections.models import Candidate, Organisation, RollEntry
from tellers.service.hustings import actions as hactions
from tellers.service.hustings.models import Answer, Question, Status
from tellers.service.nominations import actions as nactions

from ._nominations import draft_election, number
from .conftest import make_user
from .test_browser_voter import _axe
from .test_browser_voter import browser as browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CANDIDATE = "Ann Okafor"
STATEMENT = "I will take the party to every town, and publish every decision the NEC makes."
QUESTION = "Will you publish the NEC's minutes within a month of every meeting?"
ANSWER = "Yes: within a month, online and on paper, with every vote recorded by name."


def _entry(election: Any, name: str) -> RollEntry:
    return RollEntry.objects.get(election=election, membership_number=number(name))


def _clp_row(page: Any) -> tuple[str, str]:
    """The candidate's CLP condition on the tracker: (so far, target), as shown."""
    art = page.locator("article.candidate", has_text=CANDIDATE)
    cells = art.locator("tr", has=page.locator("th.cond", has_text="CLP")).locator("td.num")
    return cells.nth(0).inner_text().strip(), cells.nth(1).inner_text().strip()


def test_declare_nominate_ask_moderate_answer(browser, live_server, officials):
    election = draft_election(
        officials,
        [CANDIDATE, "Ben Hughes", "Cal Reid", "Dee Asker"],
        rulebook="labour-leader-2021",
        office="leader",
    )
    election.title = "Leader 2026"
    election.save(update_fields=["title"])
    Organisation.objects.filter(pk=election.organisation_id).update(name="Labour Party")
    org = officials["organiser"]
    nactions.open_nominations(org, election, occasion="vacancy", sizes={"plp": 5, "clp": 20})
    mp = nactions.register_unit(
        org, election, body="plp", name="Ben Hughes MP", officer=number("Ben Hughes")
    )
    clp = nactions.register_unit(
        org, election, body="clp", name="Riverside CLP", officer=number("Cal Reid")
    )
    _, ann_pass = nactions.issue_pass(org, election, number(CANDIDATE))
    _, cal_pass = nactions.issue_pass(org, election, number("Cal Reid"))
    make_user("mona", "Moderators")
    hactions.appoint_moderator(org, election, User.objects.get(username="mona"))
    hactions.edit_policy(org, election, public=True)
    tracker_url = f"{live_server.url}/nominations/{election.organisation.slug}/{election.slug}/"
    base = f"{live_server.url}/hustings/{election.pk}"

    # (1) The member opens their link and declares, with a statement, on their page.
    ann = browser.new_context()
    apage = ann.new_page()
    apage.goto(f"{live_server.url}/nominations/link/{ann_pass}/")
    apage.wait_for_url("**/nominations/me/")
    apage.get_by_label("Statement").fill(STATEMENT)
    apage.get_by_role("button", name="Declare my candidacy").click()
    apage.wait_for_selector("text=You have declared your candidacy.")
    assert "You declared on" in apage.inner_text("main")
    ann.close()

    # The public tracker shows her, with her statement, and no CLP yet.
    public = browser.new_context()
    tpage = public.new_page()
    tpage.goto(tracker_url)
    assert tpage.locator("article.candidate h2").all_inner_texts() == [CANDIDATE]
    assert STATEMENT in tpage.locator("article.candidate .statement").text_content()
    # Her MP's nomination (recorded by the MP) meets the first stage.
    nactions.nominate(_entry(election, "Ben Hughes"), mp, CANDIDATE)
    tpage.reload()
    assert _clp_row(tpage) == ("0", "1")
    before = tpage.locator("article.candidate .status").inner_text()
    assert before.startswith("Not yet qualified"), before
    assert "1 more needed" in before

    # (2) The CLP's secretary records its nomination on their page, from the keyboard alone.
    cal = browser.new_context()
    cpage = cal.new_page()
    cpage.goto(f"{live_server.url}/nominations/link/{cal_pass}/")
    cpage.wait_for_url("**/nominations/me/")
    assert "Riverside CLP" in cpage.inner_text("#h-units + .panel h3")
    cpage.locator(f"#u{clp.pk}_candidate").select_option(CANDIDATE)
    cpage.locator(f"#u{clp.pk}_meeting").fill("Ann Okafor 41, Ben Hughes 17, 3 abstained")
    cpage.keyboard.press("Tab")
    assert cpage.evaluate("document.activeElement.type") == "submit"
    cpage.keyboard.press("Enter")
    cpage.wait_for_selector(f"text=Riverside CLP's nomination of {CANDIDATE} recorded.")
    cal.close()

    # The tracker's count moved, and she reaches the ballot.
    tpage.reload()
    assert _clp_row(tpage) == ("1", "1")
    status = tpage.locator("article.candidate .status").inner_text()
    assert status.startswith("Reaches the ballot"), status
    assert "Riverside CLP" in tpage.locator("article.candidate .nominators").all_inner_texts()[-1]
    _axe(tpage, "tracker")

    # The organiser closes nominations: she is on the ballot paper, and gets an answer link.
    nactions.close_nominations(org, election)
    tpage.reload()
    assert tpage.locator(".ballot-paper li").all_inner_texts() == [CANDIDATE]
    candidate = Candidate.objects.get(election=election, name=CANDIDATE)
    answer_token = hactions.issue_answer_link(org, candidate)

    # (3) A member signs in to the hustings and asks a question (sent from the keyboard).
    dee = browser.new_context()
    page = dee.new_page()
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Your e-mail address").fill(_entry(election, "Dee Asker").email)
    mail.outbox.clear()
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    page.wait_for_selector("text=a sign-in link is on its way")
    [message] = mail.outbox
    link = message.body.split(f"/hustings/{election.pk}/link/")[1].split("/")[0]
    page.goto(f"{base}/link/{link}/")
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Ask a question").click()
    page.wait_for_url(f"{base}/ask/")
    page.get_by_label("Your question").fill(QUESTION)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/mine/")
    assert "Waiting for a moderator" in page.inner_text("main")
    dee.close()
    q = Question.objects.get(election=election)
    assert q.status != Status.APPROVED

    # (4) The moderator publishes it on the moderation page.
    moderator = browser.new_context()
    mpage = moderator.new_page()
    mpage.goto(f"{live_server.url}/accounts/login/?next=/hustings/{election.pk}/moderate/")
    mpage.get_by_label("Username").fill("mona")
    mpage.get_by_label("Password").fill("mona")
    mpage.get_by_role("button", name="Sign in").click()
    mpage.wait_for_url(f"{base}/moderate/")
    assert mpage.inner_text(".q-text") == QUESTION
    mpage.get_by_role("button", name=f"Publish question {q.pk}").click()
    mpage.wait_for_selector(f"text=Question {q.pk} published.")
    moderator.close()
    q.refresh_from_db()
    assert q.status == Status.APPROVED

    # (5) The candidate answers through her answer link.
    ann = browser.new_context()
    apage = ann.new_page()
    apage.goto(f"{base}/answer/{answer_token}/")
    apage.wait_for_url(f"{base}/candidate/")
    apage.get_by_role("link", name=f"Question {q.pk} from").click()
    apage.wait_for_url(f"{base}/candidate/{q.pk}/")
    assert QUESTION in apage.inner_text("main")
    _axe(apage, "answer page")
    apage.get_by_label("Your answer").fill(ANSWER)
    apage.get_by_role("button", name="Publish my answer").click()
    apage.wait_for_url(f"{base}/candidate/")
    ann.close()
    assert Answer.objects.get(question=q).candidate == candidate

    # The public question page, read by someone not signed in, shows the answer.
    tpage.goto(f"{base}/questions/{q.pk}/")
    main = tpage.inner_text("main")
    assert QUESTION in main
    assert f"{CANDIDATE} answers" in main
    assert ANSWER in main
    _axe(tpage, "question page with its answer")
    public.close()
