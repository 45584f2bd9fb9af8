"""The voter's pages through Django's test client: link → ballot → review → cast → receipt."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tellers.service.ballots.models import SealedBallot
from tellers.service.ballots.sealing import open_marks
from tellers.service.elections import actions
from tellers.service.elections.models import RollEntry
from tellers.service.publication.actions import close_ballot

from .conftest import invite

pytestmark = pytest.mark.django_db


def _one_link(election):
    """Return (email, raw token) of one invited member."""
    links = invite(election)
    return sorted(links.items())[0]


def _open(client: Client, token: str):
    """Follow the e-mailed link; return the response it redirects to."""
    r = client.get(f"/vote/{token}/")
    assert r.status_code == 303
    assert r["Location"] == "/vote/ballot/"
    return client.get(r["Location"])


def _text(response) -> str:
    """Return a page's visible text with tags dropped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_happy_path_from_link_to_receipt(make_election):
    election = make_election(candidates=("Ann", "Ben", "Cal"), members=3)
    email, token = _one_link(election)
    client = Client()
    page = _open(client, token)
    assert page.status_code == 200
    text = _text(page)
    assert election.title in text
    assert election.organisation.name in text
    assert "Number the candidates in order of preference" in text
    for name in ("Ann", "Ben", "Cal"):
        assert f"Preference for {name}" in text
        assert f"{name} will serve." in text  # the statement
    # The session holds the hash and the election, never the token.
    assert token not in str(dict(client.session))
    assert SealedBallot.objects.filter(election=election).count() == 0

    r = client.post("/vote/ballot/", {"c0": "1", "c1": "", "c2": "2"})
    assert r.status_code == 303 and r["Location"] == "/vote/review/"
    review = client.get("/vote/review/")
    text = _text(review)
    assert "Your ranking" in text
    assert re.search(r"<li>Ann</li>\s*<li>Cal</li>", review.content.decode())
    assert (
        "Ben"
        not in re.search(r"<ol class=\"review-list\">.*?</ol>", review.content.decode(), re.S)[0]
    )
    assert SealedBallot.objects.filter(election=election).count() == 0

    voter_session = client.session.session_key
    r = client.post("/vote/review/")
    assert r.status_code == 303 and r["Location"] == "/vote/receipt/"
    assert SealedBallot.objects.filter(election=election).count() == 1
    ballot = SealedBallot.objects.get(election=election)
    # The server keeps nothing of the vote in the session: the row that held the token's
    # hash is gone, and the receipt lives only in the browser's cookie.
    assert not Session.objects.filter(session_key=voter_session).exists()
    assert not any(
        ballot.receipt in s.session_data or ballot.receipt in str(s.get_decoded())
        for s in Session.objects.all()
    )
    entry = RollEntry.objects.get(election=election, email=email)
    assert entry.voted == "online"
    assert entry.token_hash is None
    receipt = client.get("/vote/receipt/")
    assert receipt.status_code == 200
    assert ballot.receipt in _text(receipt)
    assert "Nobody" in _text(receipt)
    # A second press of "Cast my vote" stores nothing more.
    r = client.post("/vote/review/")
    assert r.status_code == 303 and r["Location"] == "/vote/receipt/"
    assert SealedBallot.objects.filter(election=election).count() == 1


def test_a_ranking_marked_but_not_cast_is_sealed_in_the_session(make_election):
    """Between "Continue" and "Cast my vote" the session row pairs the voter's token hash with
    their marks; decoded (Django signs session data, it does not encrypt it) it must not give
    the ranking, which only the site's secret key opens."""
    election = make_election(candidates=("Ann", "Ben", "Cal", "Dee"), members=2)
    _, token = _one_link(election)
    client = Client()
    _open(client, token)
    r = client.post("/vote/ballot/", {"c0": "3", "c1": "1", "c2": "", "c3": "2"})
    assert r.status_code == 303
    [row] = Session.objects.all()
    decoded = row.get_decoded()
    held = decoded["ballots.ranking"]
    # Every plain form of the ranking [1, 3, 0] (0- or 1-based, list or names) is absent.
    for form in ("[1, 3, 0]", "[1,3,0]", "[2, 4, 1]", "[2,4,1]", "Ben", "Dee"):
        assert form not in str(decoded) and form not in row.session_data
    assert not isinstance(held, list)
    # Held all the same: the review shows it, and it opens only with the site's secret.
    assert re.search(
        r"<li>Ben</li>\s*<li>Dee</li>\s*<li>Ann</li>", client.get("/vote/review/").content.decode()
    )
    assert open_marks(settings.SECRET_KEY, held) == [1, 3, 0]
    assert open_marks(settings.SECRET_KEY + "x", held) is None


def test_change_brings_back_the_numbers_given(make_election):
    election = make_election(candidates=("Ann", "Ben", "Cal"))
    _, token = _one_link(election)
    client = Client()
    _open(client, token)
    client.post("/vote/ballot/", {"c0": "2", "c1": "", "c2": "1"})
    page = client.get("/vote/ballot/").content.decode()
    assert re.search(r'name="c0" id="id_c0" value="2"', page)
    assert re.search(r'name="c1" id="id_c1" value=""', page)
    assert re.search(r'name="c2" id="id_c2" value="1"', page)


#: (marks posted, messages expected, boxes marked invalid): every message written by hand.
MISTAKES = [
    (
        {"c0": "2", "c1": "2", "c2": "1"},
        ["You gave 2 to both Ann and Ben."],
        {"id_c0", "id_c1"},
    ),
    (
        {"c0": "1", "c1": "1", "c2": "1"},
        ["You gave 1 to Ann, Ben and Cal."],
        {"id_c0", "id_c1", "id_c2"},
    ),
    (
        {"c0": "1", "c1": "", "c2": "3"},
        ["You gave 1 and 3 but no 2: number them 1, 2, 3… without gaps."],
        set(),
    ),
    (
        {"c0": "", "c1": "2", "c2": "3"},
        ["You gave 2 and 3 but no 1: number them 1, 2, 3… without gaps."],
        set(),
    ),
    (
        {"c0": "first", "c1": "2", "c2": "1"},
        ["Ann: “first” is not a whole number. Use 1, 2, 3… or leave it blank."],
        {"id_c0"},
    ),
    (
        {"c0": "1.5", "c1": "", "c2": ""},
        ["Ann: “1.5” is not a whole number. Use 1, 2, 3… or leave it blank."],
        {"id_c0"},
    ),
    (
        {"c0": "1", "c1": "4", "c2": "0"},
        [
            "Ben: use a number from 1 to 3, or leave it blank.",
            "Cal: use a number from 1 to 3, or leave it blank.",
        ],
        {"id_c1", "id_c2"},
    ),
    (
        {"c0": "", "c1": " ", "c2": ""},
        ["You have not numbered any candidate. Put 1 beside your first choice."],
        set(),
    ),
]


def test_each_mistake_is_named_at_the_top_and_beside_its_box(make_election):
    election = make_election(candidates=("Ann", "Ben", "Cal"))
    _, token = _one_link(election)
    client = Client()
    _open(client, token)
    for marks, messages, invalid in MISTAKES:
        _check_mistake(client, marks, messages, invalid)
    assert SealedBallot.objects.filter(election=election).count() == 0


def _check_mistake(client, marks, messages, invalid):
    r = client.post("/vote/ballot/", marks)
    assert r.status_code == 400
    html = r.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary is not None
    for m in messages:
        assert m in summary[0]
    # Each message in the summary links to a box on the page.
    for anchor in re.findall(r'href="#(id_c\d)"', summary[0]):
        assert f'id="{anchor}"' in html
    for field in ("id_c0", "id_c1", "id_c2"):
        box = re.search(rf'<input type="number"[^>]*id="{field}"[^>]*>', html)[0]
        if field in invalid:
            assert 'aria-invalid="true"' in box
            assert f'aria-describedby="{field}-error"' in box
            error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html)[1]
            assert any(m in error for m in messages)
        else:
            assert "aria-invalid" not in box
    assert client.get("/vote/review/").status_code == 303  # nothing to review yet


def test_a_used_link_says_already_voted_and_stores_nothing_more(make_election):
    election = make_election(candidates=("Ann", "Ben"))
    _, token = _one_link(election)
    client = Client()
    _open(client, token)
    client.post("/vote/ballot/", {"c0": "1", "c1": "2"})
    client.post("/vote/review/")
    code = SealedBallot.objects.get(election=election).receipt

    r = client.get(f"/vote/{token}/")
    assert r.status_code == 200
    assert "You have already voted" in _text(r)
    assert code in _text(r)
    assert "You have already voted" in _text(client.get("/vote/ballot/"))
    r = client.post("/vote/ballot/", {"c0": "2", "c1": "1"})
    assert "You have already voted" in _text(r)
    assert SealedBallot.objects.filter(election=election).count() == 1

    # Another browser with the same link is told plainly, with nothing about the member.
    other = Client().get(f"/vote/{token}/")
    assert other.status_code == 404
    assert "This link has been used, replaced by a newer one, or the ballot is closed" in _text(
        other
    )
    assert "Member" not in _text(other)
    assert SealedBallot.objects.filter(election=election).count() == 1


def test_a_replaced_link_is_refused(make_election, officials):
    election = make_election()
    email, old = _one_link(election)
    entry = RollEntry.objects.get(election=election, email=email)
    new = actions.reissue_link(officials["organiser"], entry)
    r = Client().get(f"/vote/{old}/")
    assert r.status_code == 404
    assert "replaced by a newer one" in _text(r)
    assert _open(Client(), new).status_code == 200


def test_a_link_opened_before_a_reissue_cannot_cast_after_it(make_election, officials):
    election = make_election(candidates=("Ann", "Ben"))
    email, old = _one_link(election)
    client = Client()
    _open(client, old)
    client.post("/vote/ballot/", {"c0": "1"})
    actions.reissue_link(officials["organiser"], RollEntry.objects.get(email=email))
    r = client.post("/vote/review/")
    assert r.status_code == 403
    assert "This link has been used, replaced by a newer one" in _text(r)
    assert SealedBallot.objects.filter(election=election).count() == 0


def test_a_closed_ballot_is_refused(make_election, officials):
    election = make_election(candidates=("Ann", "Ben"))
    _, token = _one_link(election)
    client = Client()
    _open(client, token)
    client.post("/vote/ballot/", {"c0": "1"})
    close_ballot(officials["returning_officer"], election)
    r = client.post("/vote/review/")
    assert r.status_code == 403
    assert "the ballot is closed" in _text(r)
    r = Client().get(f"/vote/{token}/")
    assert r.status_code == 404
    assert "the ballot is closed" in _text(r)
    assert SealedBallot.objects.filter(election=election).count() == 0


def test_withdrawn_candidates_are_left_off_the_ballot(make_election, officials):
    election = make_election(candidates=("Ann", "Ben", "Cal"), open=False)
    ben = election.candidates.get(name="Ben")
    actions.withdraw_candidate(officials["organiser"], ben)
    actions.open_ballot(officials["returning_officer"], election)
    _, token = _one_link(election)
    text = _text(_open(Client(), token))
    assert "Preference for Ann" in text and "Preference for Cal" in text
    assert "Ben" not in text


def test_every_voter_page_is_no_store_and_never_repeats_the_token(make_election):
    election = make_election(candidates=("Ann", "Ben"))
    _, token = _one_link(election)
    client = Client()
    responses = [client.get(f"/vote/{token}/")]
    responses.append(client.get("/vote/ballot/"))
    responses.append(client.post("/vote/ballot/", {"c0": "1", "c1": "1"}))
    responses.append(client.post("/vote/ballot/", {"c0": "1", "c1": "2"}))
    responses.append(client.get("/vote/review/"))
    responses.append(client.post("/vote/review/"))
    responses.append(client.get("/vote/receipt/"))
    responses.append(client.get(f"/vote/{token}/"))
    responses.append(Client().get(f"/vote/{token}/"))
    responses.append(Client().get("/vote/ballot/"))
    for r in responses:
        assert "no-store" in r["Cache-Control"], r
        assert token not in r.content.decode()
        assert token not in r.get("Location", "")
    # Nor does the session, where the database keeps it.
    assert token not in str(dict(client.session))


def test_first_past_the_post_asks_for_one_mark(make_election):
    election = make_election(
        candidates=("Ann", "Ben"), rulebook="labour-leader-2020", office="deputy"
    )
    election.method = "fptp"
    election.save(update_fields=["method"])
    _, token = _one_link(election)
    client = Client()
    page = _text(_open(client, token))
    assert "Mark one candidate" in page
    r = client.post("/vote/ballot/", {})
    assert r.status_code == 400
    assert "You have not marked a candidate. Choose one." in _text(r)
    r = client.post("/vote/ballot/", {"choice": "1"})
    assert r["Location"] == "/vote/review/"
    assert "Your choice Ben" in _text(client.get("/vote/review/"))
    client.post("/vote/review/")
    assert SealedBallot.objects.filter(election=election).count() == 1


def test_the_method_is_explained_in_words_for_its_seats(make_election):
    from tellers.service.ballots.views import method_text

    election = make_election(open=False)
    election.method, election.seats = "scottish-stv", 3
    assert method_text(election).endswith(
        "if nobody reaches it, the last candidate is excluded and their votes pass on the "
        "same way, until 3 are elected."
    )
    election.method, election.seats = "meek", 1
    assert method_text(election).endswith("until one is elected.")
    election.method = "fptp"
    assert method_text(election) == "Mark one candidate. The candidate with the most votes wins."
    election.method = "condorcet-schulze"  # no sentence of its own: how to mark, no more
    assert method_text(election) == (
        "Number the candidates in order of preference: 1 for your first choice, 2 for your "
        "second, and so on. You may number as many or as few as you like."
    )


def test_no_vote_in_progress_is_refused_without_a_ballot():
    client = Client()
    for r in (
        client.get("/vote/ballot/"),
        client.get("/vote/review/"),
        client.post("/vote/review/"),
    ):
        assert r.status_code == 403
        assert "This voting link cannot be used" in _text(r)
    assert client.get("/vote/receipt/").status_code == 404
