"""Paper ballots: issued instead of a link, returned, keyed twice after the close, reconciled,
ruled on by the returning officer, and counted with the online ballots."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tellers.service.audit.chain import verify
from tellers.service.audit.models import AuditEntry
from tellers.service.ballots import paper
from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.ballots.models import PaperKeying
from tellers.service.elections import actions
from tellers.service.elections.models import Election, RollEntry
from tellers.service.elections.tokens import token_hash
from tellers.service.errors import AlreadyVoted, ServiceError, WrongState
from tellers.service.publication import actions as pub

from .conftest import invite, make_user, open_key

pytestmark = pytest.mark.django_db

ANN, BEN, CAL = 0, 1, 2


def _entry(election: Election, i: int) -> RollEntry:
    return RollEntry.objects.get(election=election, membership_number=f"M{i:05d}")


def _paper_election(make_election, officials, *, papers: int = 3, members: int = 5):
    """Open an election, issue ``papers`` members paper ballots (after their links were sent),
    record the envelopes' return, and let the others vote online: Ann>Ben, then Ben>Cal."""
    election = make_election(members=members)
    links = invite(election)
    for i in range(papers):
        actions.issue_paper_ballot(officials["organiser"], _entry(election, i))
    online = [[ANN, BEN], [BEN, CAL]]
    for i, ranking in zip(range(papers, members), online, strict=False):
        voter = voter_for_token(election, links[f"member{i}@example.org"])
        assert voter is not None
        cast_ballot(election, voter.token_hash, ranking)
    for i in range(papers):
        actions.record_paper_return(officials["returning_officer"], _entry(election, i))
    return election, links


def test_keyed_twice_reconciled_resolved_and_counted(make_election, officials, key_file):
    election, links = _paper_election(make_election, officials)
    tom, tess, rita = officials["teller"], officials["teller2"], officials["returning_officer"]
    # The paper replaced member 0's link (sent before it was issued): it no longer works.
    assert voter_for_token(election, links["member0@example.org"]) is None
    with pytest.raises(AlreadyVoted):
        cast_ballot(election, token_hash(election.pk, links["member0@example.org"]), [ANN])
    entry = _entry(election, 0)
    assert entry.paper_issued and entry.voted == "paper" and entry.token_hash is None
    # Before the close nothing can be keyed: no partial result may exist while voting runs.
    with pytest.raises(WrongState):
        paper.key_paper(tom, election, serial="A-001", ranking=[ANN])
    pub.close_ballot(rita, election)

    # Two papers keyed alike; the third read Ben by Tom and Cal by Tess.
    for teller, third in ((tom, [BEN]), (tess, [CAL])):
        paper.key_paper(teller, election, serial="A-001", ranking=[ANN])
        paper.key_paper(teller, election, serial="a-002 ", ranking=[CAL, ANN])
        paper.key_paper(teller, election, serial="A-003", ranking=third)
    assert PaperKeying.objects.filter(election=election).count() == 6

    found = paper.compare(election)
    assert [(d.serial, d.kind) for d in found] == [("A-003", "differ")]
    assert {(k.teller, k.names, k.weight) for k in found[0].keyings} == {
        ("tom", ("Ben",), 1),
        ("tess", ("Cal",), 1),
    }
    report = paper.reconcile(tess, election)
    assert (report.reconciled, report.awaiting, report.differing) == (2, 0, 1)
    assert set(
        PaperKeying.objects.filter(election=election, reconciled=True).values_list(
            "serial", flat=True
        )
    ) == {"A-001", "A-002"}

    # The count refuses while a paper is unreconciled.
    with pytest.raises(ServiceError, match="not reconciled"):
        pub.count_election(rita, election, open_key(key_file))

    # Only the returning officer rules; Rita reads Ben first, then Ann.
    with pytest.raises(PermissionDenied):
        paper.resolve(tom, election, "A-003", [BEN])
    paper.resolve(rita, election, "a-003", [BEN, ANN])
    assert paper.compare(election) == []
    assert not PaperKeying.objects.filter(election=election, reconciled=False).exists()
    ruled = AuditEntry.objects.get(action="resolve paper")
    assert ruled.actor == "rita"
    assert ruled.details["serial"] == "A-003"
    assert ruled.details["decision"] == {"ranking": ["Ben", "Ann"], "weight": 1, "spoilt": False}
    assert sorted(ruled.details["keyed"], key=lambda k: k["teller"]) == [
        {"teller": "tess", "ranking": ["Cal"], "weight": 1},
        {"teller": "tom", "ranking": ["Ben"], "weight": 1},
    ]
    # Keyings are audited by serial and teller only: no marks in the chain.
    keyed = AuditEntry.objects.filter(action="key paper")
    assert keyed.count() == 6
    assert all(e.details == {"serial": e.details["serial"]} for e in keyed)
    assert AuditEntry.objects.get(action="reconcile papers").details == {
        "reconciled": 2,
        "awaiting_second_keying": 0,
        "differing": 1,
    }

    count = pub.count_election(rita, election, open_key(key_file))
    assert (count.online_ballots, count.paper_ballots) == (2, 3)
    result = json.loads(count.result_json)
    # By hand. Online: Ann>Ben, Ben>Cal.  Papers: Ann, Cal>Ann, Ben>Ann (as ruled).
    # First preferences Ann 2 (1 online + 1 paper), Ben 2 (1 + 1), Cal 1 (paper): no one
    # has a majority of 5; Cal is excluded and the Cal>Ann paper goes to Ann: Ann 3, elected.
    assert result["valid"] == "5"
    assert result["rounds"][0]["tallies"] == {"Ann": "2", "Ben": "2", "Cal": "1"}
    assert result["rounds"][1]["tallies"]["Ann"] == "3"
    assert result["elected"] == ["Ann"]
    lines = [ln for ln in count.ballots_blt.splitlines() if re.fullmatch(r"1( \d)+ 0", ln)]
    assert sorted(lines) == sorted(["1 1 2 0", "1 2 3 0", "1 1 0", "1 3 1 0", "1 2 1 0"])
    assert verify() == []
    # Once counted, the papers are settled: no more keying or rulings.
    with pytest.raises(WrongState):
        paper.resolve(rita, election, "A-003", [CAL])
    with pytest.raises(WrongState):
        paper.key_paper(tom, election, serial="A-004", ranking=[ANN])


def test_each_paper_is_keyed_by_two_different_tellers_only(make_election, officials):
    election = make_election(members=3, open=False)
    tara = make_user("tara", "Tellers")
    actions.appoint(officials["organiser"], election, tara, "teller")
    actions.open_ballot(officials["returning_officer"], election)
    for i in range(2):
        actions.issue_paper_ballot(officials["organiser"], _entry(election, i))
        actions.record_paper_return(officials["returning_officer"], _entry(election, i))
    pub.close_ballot(officials["returning_officer"], election)
    tom, tess = officials["teller"], officials["teller2"]

    paper.key_paper(tom, election, serial="B-1", ranking=[BEN])
    with pytest.raises(ServiceError, match="You have already keyed paper B-1"):
        paper.key_paper(tom, election, serial="b-1", ranking=[CAL])
    paper.key_paper(tess, election, serial="B-1", ranking=[BEN])
    with pytest.raises(ServiceError, match="already been keyed by two tellers"):
        paper.key_paper(tara, election, serial="B-1", ranking=[BEN])
    # Two envelopes came back: a third serial means a mistyped one.
    paper.key_paper(tara, election, serial="B-2", ranking=[ANN])
    with pytest.raises(ServiceError, match="2 papers returned"):
        paper.key_paper(tom, election, serial="B-3", ranking=[ANN])
    # Neither an outsider nor the returning officer keys papers.
    for who in ("outsider", "returning_officer", "organiser"):
        with pytest.raises(PermissionDenied):
            paper.key_paper(officials[who], election, serial="B-2", ranking=[ANN])
    # The ranking is checked as an online ballot's is; the weight against the roll's.
    with pytest.raises(ServiceError, match="ranked twice"):
        paper.key_paper(tom, election, serial="B-2", ranking=[ANN, ANN])
    with pytest.raises(ServiceError, match="not standing"):
        paper.key_paper(tom, election, serial="B-2", ranking=[7])
    with pytest.raises(ServiceError, match="card vote of 5"):
        paper.key_paper(tom, election, serial="B-2", ranking=[ANN], weight=5)
    with pytest.raises(ServiceError, match="serial number"):
        paper.key_paper(tom, election, serial="B 2!", ranking=[ANN])
    assert PaperKeying.objects.filter(election=election).count() == 3
    # The database itself holds one keying per teller per serial.
    assert any(
        c.name == "paper_keyed_once_per_teller" and c.fields == ("election", "serial", "teller")
        for c in PaperKeying._meta.constraints
    )

    # B-2 is keyed once: it awaits a second keying, and blocks nothing else.
    [waiting] = paper.compare(election)
    assert (waiting.serial, waiting.kind, waiting.keyings[0].teller) == ("B-2", "awaiting", "tara")
    report = paper.reconcile(officials["returning_officer"], election)
    assert (report.reconciled, report.awaiting, report.differing) == (1, 1, 0)
    with pytest.raises(ServiceError, match="already been reconciled"):
        paper.key_paper(tara, election, serial="B-1", ranking=[BEN])


def test_spoilt_papers_are_recorded_not_counted_and_mistyped_serials_struck_out(
    make_election, officials, key_file
):
    # Three envelopes returned, so a mistyped fourth serial is not refused at once.
    election, _ = _paper_election(make_election, officials, papers=3, members=5)
    rita, tom, tess = officials["returning_officer"], officials["teller"], officials["teller2"]
    pub.close_ballot(rita, election)
    with pytest.raises(ServiceError, match="no preferences"):
        paper.key_paper(tom, election, serial="S-1", ranking=[ANN], spoilt=True)
    with pytest.raises(ServiceError, match="Rank at least one"):
        paper.key_paper(tom, election, serial="S-1", ranking=[])
    for t in (tom, tess):
        paper.key_paper(t, election, serial="S-1", ranking=[], spoilt=True)
    paper.key_paper(tom, election, serial="S-2", ranking=[CAL])
    paper.key_paper(tess, election, serial="S-20", ranking=[CAL])  # mistyped
    assert {d.serial for d in paper.compare(election)} == {"S-2", "S-20"}
    with pytest.raises(PermissionDenied):
        paper.void(tom, election, "S-20", reason="mistyped")
    paper.void(rita, election, "S-20", reason="mistyped: the paper says S-2")
    struck = AuditEntry.objects.get(action="void paper")
    assert struck.details == {
        "serial": "S-20",
        "reason": "mistyped: the paper says S-2",
        "keyed_by": ["tess"],
    }
    paper.key_paper(tess, election, serial="S-2", ranking=[CAL])
    # The third envelope held a blank paper: spoilt too (the count waits for every return).
    for t in (tom, tess):
        paper.key_paper(t, election, serial="S-3", ranking=[], spoilt=True)
    assert paper.reconcile(tess, election).reconciled == 3
    count = pub.count_election(rita, election, open_key(key_file))
    result = json.loads(count.result_json)
    # By hand: online Ann>Ben, Ben>Cal; papers Cal and two spoilt.  Valid votes 3, not 5:
    # Ann 1, Ben 1, Cal 1.
    assert count.paper_ballots == 3
    assert result["valid"] == "3"
    assert result["rounds"][0]["tallies"] == {"Ann": "1", "Ben": "1", "Cal": "1"}
    assert "\n1 0\n" in count.ballots_blt


# -- The pages ----------------------------------------------------------------------------


def _client(user: User) -> Client:
    c = Client()
    # Signing in through the form is tested elsewhere; force_login skips the password hash.
    c.force_login(user)
    return c


def _url(name: str, election: Election, *args: str) -> str:
    return reverse(f"papers:{name}", args=[election.pk, *args])


def _boxes(**prefs: int) -> dict[str, str]:
    pos = {"Ann": ANN, "Ben": BEN, "Cal": CAL}
    return {f"p{pos[n]}": str(v) for n, v in prefs.items()}


def test_pages_by_role(make_election, officials):
    election, _ = _paper_election(make_election, officials)
    pub.close_ballot(officials["returning_officer"], election)
    paper.key_paper(officials["teller"], election, serial="D-1", ranking=[ANN])
    c = {who: _client(u) for who, u in officials.items()}
    # The list of papers to settle: the returning officer, organiser and scrutineer read it;
    # a teller is sent to their own keying page; an outsider is refused.
    for who in ("returning_officer", "organiser", "scrutineer"):
        r = c[who].get(_url("index", election))
        assert r.status_code == 200, who
        assert "D-1" in r.content.decode()
    r = c["teller"].get(_url("index", election))
    assert r.status_code == 303 and r["Location"] == _url("key", election)
    assert c["outsider"].get(_url("index", election)).status_code == 403
    # Only the returning officer sees a resolve link, and the resolve page.
    assert (
        _url("resolve", election, "D-1")
        in c["returning_officer"].get(_url("index", election)).content.decode()
    )
    assert (
        _url("resolve", election, "D-1")
        not in c["scrutineer"].get(_url("index", election)).content.decode()
    )
    assert c["returning_officer"].get(_url("resolve", election, "D-1")).status_code == 200
    for who in ("teller", "organiser", "scrutineer", "outsider"):
        assert c[who].get(_url("resolve", election, "D-1")).status_code == 403, who
        assert c[who].post(_url("void", election, "D-1"), {"reason": "x"}).status_code == 403
    # Keying is the tellers' alone.
    for who in ("teller", "teller2"):
        assert c[who].get(_url("key", election)).status_code == 200
    for who in ("returning_officer", "organiser", "scrutineer", "outsider"):
        assert c[who].get(_url("key", election)).status_code == 403, who
    # Reconciling: a teller or the returning officer.
    for who in ("organiser", "scrutineer", "outsider"):
        assert c[who].post(_url("reconcile", election)).status_code == 403, who
    assert c["teller2"].post(_url("reconcile", election)).status_code == 303
    # Signed-out visitors are sent to sign in.
    for name in ("index", "key"):
        r = Client().get(_url(name, election))
        assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_keying_through_the_pages(make_election, officials, key_file):
    election, _ = _paper_election(make_election, officials, papers=2, members=4)
    tom, tess = _client(officials["teller"]), _client(officials["teller2"])
    # Before the close, the page says so and a posted paper is refused.
    page = tom.get(_url("key", election)).content.decode()
    assert "keyed after the ballot closes" in page
    pub.close_ballot(officials["returning_officer"], election)

    r = tom.post(_url("key", election), {"serial": "E-1", "weight": "1", **_boxes(Cal=1, Ann=2)})
    assert r.status_code == 303
    assert "Paper E-1 keyed" in tom.get(_url("key", election)).content.decode()
    # A gap, a repeat and nothing at all are each named, beside the box they concern.
    r = tom.post(_url("key", election), {"serial": "E-2", "weight": "1", **_boxes(Ann=1, Ben=3)})
    assert "There is no 2" in r.content.decode()
    r = tom.post(_url("key", election), {"serial": "E-2", "weight": "1", **_boxes(Ann=1, Ben=1)})
    html = r.content.decode()
    assert "Ann already has 1" in html and 'aria-describedby="prefs-hint id_p1-error"' in html
    r = tom.post(_url("key", election), {"serial": "E 2!", "weight": "1", **_boxes(Ann=1)})
    html = r.content.decode()
    assert 'id="id_serial-error"' in html and "letters, digits or hyphens" in html
    r = tom.post(_url("key", election), {"serial": "E-2", "weight": "1"})
    assert "No preference is keyed" in r.content.decode()
    # The same teller twice: refused with a message on the page.
    r = tom.post(_url("key", election), {"serial": "E-1", "weight": "1", **_boxes(Ann=1)})
    assert r.status_code == 200 and "You have already keyed paper E-1" in r.content.decode()
    tom.post(_url("key", election), {"serial": "E-2", "weight": "1", "spoilt": "on"})

    r = tess.post(_url("key", election), {"serial": "e-1", "weight": "1", **_boxes(Ben=1)})
    assert r.status_code == 303
    tess.post(_url("key", election), {"serial": "E-2", "weight": "1", "spoilt": "on"})
    # Each teller sees their own keyings, never the other's.
    mine = tess.get(_url("key", election)).content.decode()
    assert "<caption>Your keyings (2)" in mine
    assert "<li>Ben</li>" in mine and "<li>Cal</li>" not in mine
    assert "Spoilt or blank" in mine

    rita = _client(officials["returning_officer"])
    r = rita.post(_url("reconcile", election), follow=True)
    assert "1 paper reconciled; 0 awaiting a second keying; 1 keyed differently" in (
        r.content.decode()
    )
    listed = rita.get(_url("index", election)).content.decode()
    assert "Keyed differently" in listed
    assert "<li>Cal</li><li>Ann</li>" in listed and "<li>Ben</li>" in listed
    r = rita.post(_url("resolve", election, "E-1"), {"serial": "E-1", "weight": "1"})
    assert "No preference is keyed" in r.content.decode()
    r = rita.post(
        _url("resolve", election, "E-1"), {"serial": "E-1", "weight": "1", **_boxes(Cal=1)}
    )
    assert r.status_code == 303 and r["Location"] == _url("index", election)
    assert "No paper is awaiting" in rita.get(_url("index", election)).content.decode()
    count = pub.count_election(officials["returning_officer"], election, open_key(key_file))
    # By hand: online Ann>Ben, Ben>Cal; papers Cal (as ruled) and one spoilt: Ann 1, Ben 1,
    # Cal 1 of 3 valid votes.
    assert json.loads(count.result_json)["rounds"][0]["tallies"] == {
        "Ann": "1",
        "Ben": "1",
        "Cal": "1",
    }


def test_the_count_waits_for_every_returned_paper(make_election, officials, key_file):
    election, _ = _paper_election(make_election, officials)
    tom, tess, rita = officials["teller"], officials["teller2"], officials["returning_officer"]
    pub.close_ballot(rita, election)
    # Three envelopes came back; only two papers are keyed, so the third would go uncounted.
    for teller in (tom, tess):
        paper.key_paper(teller, election, serial="A-001", ranking=[ANN])
        paper.key_paper(teller, election, serial="A-002", ranking=[BEN])
    paper.reconcile(tess, election)
    with pytest.raises(ServiceError, match="3 paper ballots were returned but only 2 are keyed"):
        pub.count_election(rita, election, open_key(key_file))
    for teller in (tom, tess):
        paper.key_paper(teller, election, serial="A-003", spoilt=True, ranking=[])
    paper.reconcile(tess, election)
    count = pub.count_election(rita, election, open_key(key_file))
    assert (count.online_ballots, count.paper_ballots) == (2, 3)
