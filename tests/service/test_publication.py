"""The returning officer's count pages and the public results pages: roles, key, embargo, audit."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tellers.service.audit.models import AuditEntry
from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.ballots.sealing import new_key_file
from tellers.service.elections.models import Election, State
from tellers.service.publication import actions as pub
from tellers.service.publication.models import Count

from .conftest import PASSPHRASE, invite, open_key

pytestmark = pytest.mark.django_db

RO_PAGES = ("close", "count", "signoff", "publish", "audit")


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _url(name: str, election: Election) -> str:
    return reverse(f"publication:{name}", args=[election.pk])


def _result_url(election: Election) -> str:
    return reverse("publication:result", args=[election.organisation.slug, election.slug])


def _vote(election: Election, rankings: list[list[int]]) -> list[str]:
    receipts = []
    for token, ranking in zip(invite(election).values(), rankings, strict=True):
        voter = voter_for_token(None, token)
        assert voter is not None
        receipts.append(cast_ballot(election, voter.token_hash, ranking))
    return receipts


def _key_upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile("election.key", path.read_bytes(), "application/json")


#: Which of the count pages each role may see (every other role is refused with a 403).
ALLOWED = {
    "returning_officer": set(RO_PAGES),
    "organiser": {"audit"},
    "scrutineer": {"signoff", "audit"},
    "outsider": set(),
    "teller": set(),
}


def test_each_page_by_role(make_election, officials):
    # One election for every role: the key file's Argon2 makes each election cost seconds.
    election = make_election(members=2)
    for who, allowed in ALLOWED.items():
        c = _client(officials[who])
        for page in RO_PAGES:
            status = c.get(_url(page, election)).status_code
            assert status == (200 if page in allowed else 403), (who, page, status)
            if page not in allowed and page != "audit":  # audit is read-only: POST is a 405
                assert c.post(_url(page, election)).status_code == 403
    election.refresh_from_db()
    assert election.state == State.OPEN


def test_anonymous_users_are_sent_to_sign_in(make_election):
    election = make_election(members=2)
    for page in RO_PAGES:
        response = Client().get(_url(page, election))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_whole_count_through_the_pages(make_election, officials, key_file):
    election = make_election(members=5)
    receipts = _vote(election, [[0, 1], [1], [2, 0], [0], [1, 2, 0]])
    ro = _client(officials["returning_officer"])
    r = ro.post(_url("close", election), follow=True)
    assert r.status_code == 200
    election.refresh_from_db()
    assert election.state == State.CLOSED
    r = ro.post(
        _url("count", election),
        {"key_file": _key_upload(key_file), "passphrase": PASSPHRASE},
        follow=True,
    )
    assert r.status_code == 200
    election.refresh_from_db()
    assert election.state == State.COUNTED
    html = r.content.decode()
    # Counted by hand: first preferences Ann 2, Ben 2, Cal 1; Cal's paper goes to Ann.
    assert "<caption" in html and 'scope="row">Ann</th>' in html
    assert "Elected at stage 2" in html
    r = ro.get(_url("signoff", election))
    digest = hashlib.sha256(election.count.result_json.encode()).hexdigest()
    assert digest in r.content.decode()
    ro.post(_url("signoff", election))
    if election.scrutineer_signs:
        _client(officials["scrutineer"]).post(_url("signoff", election))
    r = ro.post(_url("publish", election))
    assert r.status_code == 303 and r["Location"] == _result_url(election)
    election.refresh_from_db()
    assert election.state == State.PUBLISHED

    page = Client().get(_result_url(election)).content.decode()
    assert election.title in page and election.organisation.name in page
    # The result sheet is tellers' own renderer (as `tellers count --format html`): the count in
    # words, the flow of votes and a bar chart per stage, and the hand-counted figures exactly.
    assert "The count in words" in page and "How the votes moved" in page
    assert page.count("<svg") >= 3
    ann = re.search(r'scope="row">Ann</th>(.*?)</tr>', page, re.S)
    assert ann is not None
    assert re.search(r'data-kind="total" data-stage="1"[^>]*data-value="2"', ann.group(1))
    assert re.search(r'data-kind="total" data-stage="2"[^>]*data-value="3"', ann.group(1))
    assert "Turnout by section" in page
    # 5 of 5 voted online.
    assert re.search(r'<td class="num">5</td><td class="num">5</td><td class="num">0</td>', page)
    assert "100.0" in page
    listed = Client().get(reverse("publication:index")).content.decode()
    assert _result_url(election) in listed
    for name in ("result.json", "ballots.blt", "SHA256SUMS"):
        url = reverse(
            "publication:download", args=[election.organisation.slug, election.slug, name]
        )
        body = Client().get(url).content
        assert hashlib.sha256(body).hexdigest() in page
    bad = reverse(
        "publication:download", args=[election.organisation.slug, election.slug, "secrets.txt"]
    )
    assert Client().get(bad).status_code == 404

    found = Client().get(_result_url(election), {"receipt": receipts[0].lower()})
    assert "is in the published list" in found.content.decode()
    missing = Client().get(_result_url(election), {"receipt": "AAAA-AAAA-AAAA-AAAA"})
    assert "is not in the published list" in missing.content.decode()
    malformed = Client().get(_result_url(election), {"receipt": "ABC"})
    assert "16 letters and digits" in malformed.content.decode()


def test_wrong_key_or_passphrase_counts_nothing(make_election, officials, key_file, tmp_path):
    election = make_election(members=2)
    _vote(election, [[0], [1]])
    pub.close_ballot(officials["returning_officer"], election)
    ro = _client(officials["returning_officer"])
    url = _url("count", election)

    r = ro.post(url, {"key_file": _key_upload(key_file), "passphrase": "not the passphrase"})
    assert r.status_code == 200
    assert "passphrase does not open" in r.context["form"].errors["passphrase"][0]
    assert 'aria-describedby="id_passphrase-error"' in r.content.decode()

    other = tmp_path / "other.key"
    new_key_file(other, PASSPHRASE)
    r = ro.post(url, {"key_file": _key_upload(other), "passphrase": PASSPHRASE})
    assert "not the key of this election" in r.context["form"].errors["key_file"][0]

    junk = SimpleUploadedFile("election.key", b"hello", "text/plain")
    r = ro.post(url, {"key_file": junk, "passphrase": PASSPHRASE})
    assert "key_file" in r.context["form"].errors

    r = ro.post(url, {"passphrase": PASSPHRASE})
    assert "key_file" in r.context["form"].errors

    assert not Count.objects.filter(election=election).exists()
    election.refresh_from_db()
    assert election.state == State.CLOSED


def test_embargo_nothing_before_publication(make_election, officials, key_file):
    election = make_election(members=3)
    _vote(election, [[0], [1], [1]])
    ro_user = officials["returning_officer"]
    ro = _client(ro_user)
    slug = (election.organisation.slug, election.slug)
    public_urls = [
        _result_url(election),
        reverse("publication:bundle", args=slug),
        reverse("publication:download", args=[*slug, "result.json"]),
    ]

    def no_result_anywhere() -> None:
        for who in (Client(), ro, _client(officials["scrutineer"])):
            for url in public_urls:
                assert who.get(url).status_code == 404
        assert (
            _result_url(election) not in Client().get(reverse("publication:index")).content.decode()
        )

    # While open, the officials' pages show no count and no table.
    no_result_anywhere()
    for page in ("count", "signoff"):
        html = ro.get(_url(page, election)).content.decode()
        assert "<table" not in html and "Stage table" not in html
    pub.close_ballot(ro_user, election)
    no_result_anywhere()
    pub.count_election(ro_user, election, open_key(key_file))
    no_result_anywhere()
    assert "Stage table" in ro.get(_url("count", election)).content.decode()
    pub.sign_off(ro_user, election)
    if election.scrutineer_signs:
        pub.sign_off(officials["scrutineer"], election)
    no_result_anywhere()
    pub.publish(ro_user, election)
    assert Client().get(_result_url(election)).status_code == 200


def test_scrutineer_must_sign_where_named(make_election, officials, key_file):
    election = make_election(members=2)
    Election.objects.filter(pk=election.pk).update(scrutineer_signs=True)
    _vote(election, [[0], [1, 0]])
    ro_user = officials["returning_officer"]
    pub.close_ballot(ro_user, election)
    pub.count_election(ro_user, election, open_key(key_file))
    ro, scrutineer = _client(ro_user), _client(officials["scrutineer"])

    ro.post(_url("signoff", election))
    election.refresh_from_db()
    assert election.state == State.COUNTED
    r = ro.post(_url("publish", election), follow=True)
    assert "Only a signed-off count can be published." in r.content.decode()
    election.refresh_from_db()
    assert election.state == State.COUNTED

    page = scrutineer.get(_url("signoff", election)).content.decode()
    assert hashlib.sha256(election.count.result_json.encode()).hexdigest() in page
    scrutineer.post(_url("signoff", election))
    election.refresh_from_db()
    assert election.state == State.SIGNED_OFF
    # Signing twice is refused, not recorded again.
    r = scrutineer.post(_url("signoff", election), follow=True)
    assert "already signed" in r.content.decode()
    assert ro.post(_url("publish", election)).status_code == 303
    election.refresh_from_db()
    assert election.state == State.PUBLISHED


def test_audit_page_says_whether_the_chain_holds(make_election, officials):
    election = make_election(members=2)
    pub.close_ballot(officials["returning_officer"], election)
    scrutineer = _client(officials["scrutineer"])
    page = scrutineer.get(_url("audit", election)).content.decode()
    assert "Audit chain intact" in page
    assert "close ballot" in page
    entry = AuditEntry.objects.get(action="close ballot")
    AuditEntry.objects.filter(pk=entry.pk).update(details={"ballots_in_box": 999})
    page = scrutineer.get(_url("audit", election)).content.decode()
    assert f"Audit chain broken at #{entry.seq}" in page
    assert "Audit chain intact" not in page
