"""Nominations online: refusals that name the rule, withdrawals, shortlists, trigger ballots,
the roll, and every role's permission on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tellers.service.audit.models import AuditEntry
from tellers.service.ballots.views import _candidates
from tellers.service.elections.models import Candidate, State
from tellers.service.nominations.models import Candidacy, ProposedList, TriggerBallot

from ._nominations import (
    client,
    draft_election,
    link_for,
    messages_of,
    number,
    on,
    read_tracker,
    row,
)

pytestmark = pytest.mark.django_db

OPEN = {
    "occasion": "vacancy",
    "statement_words": 50,
    "sizes": "",
    "membership_totals": "",
    "public": "on",
    "nominators_public": "on",
}


def post(c: Client, url: str, data: dict[str, Any] | None = None) -> list[str]:
    r = c.post(url, data or {}, follow=True)
    assert r.status_code == 200, r.status_code
    return messages_of(r)


def tracker(election: Any, c: Client | None = None) -> Any:
    r = (c or client(None)).get(f"/nominations/{election.organisation.slug}/{election.slug}/")
    assert r.status_code == 200
    return read_tracker(r.content.decode())


def leader(officials: Any, monkeypatch: Any, members: list[str], **open_: Any) -> Any:
    """A 2020-rules leadership election with nominations open on 7 January 2020."""
    election = draft_election(officials, members, office="leader")
    on(monkeypatch, dt.date(2020, 1, 7))
    msgs = post(client("organiser"), f"/nominations/manage/{election.pk}/open/", {**OPEN, **open_})
    assert msgs == ["Nominations are open."]
    return election


def declare(election: Any, name: str, statement: str = "") -> list[str]:
    return post(
        client("organiser"),
        f"/nominations/manage/{election.pk}/candidacies/",
        {"membership_number": number(name), "statement": statement},
    )


def unit(election: Any, name: str, body: str, officer: str, **kw: Any) -> list[str]:
    return post(
        client("organiser"),
        f"/nominations/manage/{election.pk}/units/",
        {"purpose": "nominate", "body": body, "name": name, "officer": number(officer), **kw},
    )


def test_duplicate_nomination_refused_naming_the_rule(officials, monkeypatch):
    election = leader(officials, monkeypatch, ["Ann Able", "Bob Baker", "Mo Mp"])
    declare(election, "Ann Able")
    declare(election, "Bob Baker")
    assert unit(election, "Mo Mp", "plp_eplp", "Mo Mp") == ["Mo Mp registered."]
    mp = link_for(client("organiser"), election, "Mo Mp")
    u = election.units.get(name="Mo Mp")
    url = f"/nominations/me/units/{u.pk}/nominate/"
    on(monkeypatch, dt.date(2020, 1, 10))
    r = mp.post(url, {"candidate": "Ann Able"}, follow=True)
    assert messages_of(r) == ["Mo Mp's nomination of Ann Able recorded."]
    # The rulebook's one-nomination-per-office rule, in the engine's words.
    r = mp.post(url, {"candidate": "Bob Baker"}, follow=True)
    [msg] = messages_of(r)
    assert msg.startswith("Refused: duplicate nominator: Mo Mp already nominated Ann Able")
    assert "one nomination per office" in msg
    r = mp.post(url, {"candidate": "Ann Able"}, follow=True)
    assert messages_of(r) == ["Refused: duplicate: Mo Mp already nominated Ann Able."]
    shown, _, _ = tracker(election)
    assert row(shown["Ann Able"], "10% of the MPs").have == "1"
    assert row(shown["Bob Baker"], "10% of the MPs").have == "0"
    assert shown["Ann Able"].nominators == ["Mo Mp"]
    # After the MP stage closes the engine refuses a nomination by the window's rule.
    on(monkeypatch, dt.date(2020, 1, 14))
    declare(election, "Mo Mp")  # declarations closed with the first stage
    assert not election.candidacies.filter(name="Mo Mp").exists()
    r = mp.post(url, {"candidate": "Bob Baker"}, follow=True)
    [msg] = messages_of(r)
    assert "after nominations closed for Nominations from MPs and MEPs on 2020-01-13" in msg


def test_statement_length_limit(officials, monkeypatch):
    election = leader(officials, monkeypatch, ["Ann Able"])
    msgs = declare(election, "Ann Able", "word " * 51)
    assert msgs == ["The statement has 51 words; the limit is 50."]
    assert not election.candidacies.exists()
    assert declare(election, "Ann Able", "word " * 50) == ["Candidacy added."]


def test_withdrawn_candidate_leaves_the_tracker_and_the_ballot(officials, monkeypatch):
    names = ["Ann Able", "Bob Baker", "Cy Cole"]
    election = leader(officials, monkeypatch, names)
    for n in names:
        declare(election, n, f"{n} stands.")
    org = client("organiser")
    on(monkeypatch, dt.date(2020, 1, 13))
    for n in names:
        post(
            org,
            f"/nominations/manage/{election.pk}/tallies/",
            {"body": "plp_eplp", "candidate": n, "count": 30, "source": "test"},
        )
    on(monkeypatch, dt.date(2020, 2, 1))
    for n in names:
        post(
            org,
            f"/nominations/manage/{election.pk}/tallies/",
            {"body": "clp", "candidate": n, "count": 40, "source": "test"},
        )
    # Cal withdraws while nominations are open: off the tracker, on the withdrawn list.
    cole = link_for(org, election, "Cy Cole")
    assert messages_of(cole.post("/nominations/me/withdraw/", follow=True)) == [
        "You have withdrawn."
    ]
    shown, withdrawn, _ = tracker(election)
    assert set(shown) == {"Ann Able", "Bob Baker"} and withdrawn == ["Cy Cole"]
    assert all(s.status == "Reaches the ballot" for s in shown.values())
    # A withdrawn candidate cannot be nominated.
    r = post(
        org,
        f"/nominations/manage/{election.pk}/tallies/",
        {"body": "clp", "candidate": "Cy Cole", "count": 1, "source": "test"},
    )
    assert r == ["Refused: Cy Cole had withdrawn on 2020-02-01."]
    on(monkeypatch, dt.date(2020, 2, 15))
    assert post(org, f"/nominations/manage/{election.pk}/close/") == [
        "Nominations closed; the ballot paper is set."
    ]
    assert [c.name for c in Candidate.objects.filter(election=election)] == [
        "Ann Able",
        "Bob Baker",
    ]
    # After the close, before the ballot: Bob withdraws and leaves the paper too.
    baker = link_for(org, election, "Bob Baker")
    assert messages_of(baker.post("/nominations/me/withdraw/", follow=True)) == [
        "You have withdrawn."
    ]
    assert [c.name for c in _candidates(election)] == ["Ann Able"]
    shown, withdrawn, ballot = tracker(election)
    assert ballot == ["Ann Able"] and "Bob Baker" not in shown
    assert sorted(withdrawn) == ["Bob Baker", "Cy Cole"]
    assert AuditEntry.objects.filter(action="withdraw candidacy").count() == 2


def test_person_not_on_the_roll_refused_everywhere(officials, monkeypatch):
    election = leader(officials, monkeypatch, ["Ann Able", "Ollie Officer"])
    other = draft_election(officials, ["Zed Outsider"], office="leader")
    org = client("organiser")
    not_on = "Refused: Not on the roll: no member 'M-Zed-Outsider' on this election's roll."
    # As a candidate, as a link holder, as a unit's officer:
    assert declare(election, "Zed Outsider") == [not_on.removeprefix("Refused: ")]
    assert post(
        org, f"/nominations/manage/{election.pk}/links/", {"membership_number": "M-Zed-Outsider"}
    ) == [not_on.removeprefix("Refused: ")]
    assert unit(election, "Zed's CLP", "clp", "Zed Outsider") == [not_on.removeprefix("Refused: ")]
    # As a nominee: nobody can be nominated who has not declared (so is not on the roll).
    declare(election, "Ann Able")
    unit(election, "Ollie's CLP", "clp", "Ollie Officer")
    ollie = link_for(org, election, "Ollie Officer")
    u = election.units.get(name="Ollie's CLP")
    r = ollie.post(
        f"/nominations/me/units/{u.pk}/nominate/", {"candidate": "Zed Outsider"}, follow=True
    )
    assert messages_of(r) == [
        "candidate: Select a valid choice. Zed Outsider is not one of the available choices."
    ]
    assert not election.nom_events.filter(candidate="Zed Outsider").exists()
    # With another election's link: a member there is nobody here.
    on(monkeypatch, dt.date(2020, 1, 7))
    post(client("organiser"), f"/nominations/manage/{other.pk}/open/", OPEN)
    zed = link_for(org, other, "Zed Outsider")
    r = zed.post(f"/nominations/me/units/{u.pk}/nominate/", {"candidate": "Ann Able"}, follow=True)
    assert messages_of(r) == ["Only Ollie's CLP's officer may record its nominations."]
    assert messages_of(zed.post("/nominations/me/declare/", {"statement": ""}, follow=True)) == [
        "You have declared your candidacy."
    ]
    assert not election.candidacies.filter(name="Zed Outsider").exists()
    assert other.candidacies.filter(name="Zed Outsider").exists()
    # Once off the roll, the link stops working.
    assert zed.get("/nominations/me/").status_code == 200
    Candidacy.objects.filter(name="Zed Outsider").delete()
    other.roll.filter(name="Zed Outsider").delete()
    assert zed.get("/nominations/me/").status_code == 403


def test_affiliate_membership_share(officials, monkeypatch):
    """With the affiliated membership given, the engine decides the 5% test."""
    members = ["Ann Able", "U1", "U2", "U3"]
    election = leader(officials, monkeypatch, members, membership_totals="affiliate = 1,000,000")
    declare(election, "Ann Able")
    org = client("organiser")
    on(monkeypatch, dt.date(2020, 1, 13))
    post(
        org,
        f"/nominations/manage/{election.pk}/tallies/",
        {"body": "plp_eplp", "candidate": "Ann Able", "count": 22, "source": "test"},
    )
    on(monkeypatch, dt.date(2020, 1, 20))
    for name, cat, size in [
        ("Union One", "trade_union", 20000),
        ("Union Two", "trade_union", 20000),
        ("Society", "socialist_society", 5000),
    ]:
        officer = f"U{len(election.units.all()) + 1}"
        unit(election, name, "affiliate", officer, category=cat, membership=size)
        u = election.units.get(name=name)
        c = link_for(org, election, officer)
        c.post(f"/nominations/me/units/{u.pk}/nominate/", {"candidate": "Ann Able"})
    shown, _, _ = tracker(election)
    share = row(shown["Ann Able"], "5% of the membership")
    assert (share.have, share.need, share.met) == ("45,000", "50,000", "No")
    assert shown["Ann Able"].status == "Not yet qualified"
    unit(election, "Union Three", "affiliate", "Ann Able", category="trade_union", membership=5000)
    u = election.units.get(name="Union Three")
    c = link_for(org, election, "Ann Able")
    r = c.post(f"/nominations/me/units/{u.pk}/nominate/", {"candidate": "Ann Able"}, follow=True)
    assert messages_of(r) == ["Union Three's nomination of Ann Able recorded."]
    shown, _, _ = tracker(election)
    assert row(shown["Ann Able"], "5% of the membership").met == "Yes"
    assert shown["Ann Able"].status == "Reaches the ballot"


# Shortlists and trigger ballots ---------------------------------------------------------


def selection(officials: Any, members: list[str]) -> Any:
    return draft_election(
        officials, members, rulebook="labour-westminster-selection", office="candidate"
    )


def test_shortlist_refused_for_breaking_a_constraint(officials, monkeypatch):
    names = ["Al Adams", "Bo Brown", "Cat Chen", "Di Dee"]
    election = selection(officials, names)
    org = client("organiser")
    on(monkeypatch, dt.date(2026, 3, 1))
    assert post(org, f"/nominations/manage/{election.pk}/open/", OPEN) == ["Nominations are open."]
    for n in names:
        declare(election, n)
    ids = {c.name: c.pk for c in election.candidacies.all()}

    def propose(listed: list[str], women: set[str], minority: set[str]) -> list[str]:
        data: dict[str, Any] = {"list_name": "shortlist"}
        for n in listed:
            data[f"on_{ids[n]}"] = "on"
        for n in women:
            data[f"attr_{ids[n]}_woman"] = "on"
        for n in minority:
            data[f"attr_{ids[n]}_minority_ethnic"] = "on"
        return post(org, f"/nominations/manage/{election.pk}/lists/", data)

    # One woman in three: the rulebook asks at least half.
    msgs = propose(["Al Adams", "Bo Brown", "Cat Chen"], {"Cat Chen"}, {"Cat Chen"})
    assert msgs == [
        "The shortlist is refused: it breaks the rulebook's constraint at least 1/2 woman: 1 of 3."
    ]
    assert post(org, f"/nominations/manage/{election.pk}/close/") == [
        "Cannot close: the rulebook needs an accepted shortlist first."
    ]
    # Two women in four and a minority-ethnic candidate: accepted (the all-women rule
    # applies only where designated, and it was not).
    msgs = propose(names, {"Cat Chen", "Di Dee"}, {"Cat Chen"})
    assert msgs == ["The shortlist meets the rulebook."]
    # Designated all-women: the same list is refused by that constraint.
    data_msgs = post(
        org,
        f"/nominations/manage/{election.pk}/lists/",
        {
            "list_name": "shortlist",
            **{f"on_{ids[n]}": "on" for n in ["Cat Chen", "Di Dee", "Al Adams"]},
            f"attr_{ids['Cat Chen']}_woman": "on",
            f"attr_{ids['Di Dee']}_woman": "on",
            f"attr_{ids['Cat Chen']}_minority_ethnic": "on",
            "conditions": "only where the NEC designates an all-women shortlist",
        },
    )
    assert data_msgs == [
        "The shortlist is refused: it breaks the rulebook's constraint all woman: 2 of 3."
    ]
    assert [p.accepted for p in ProposedList.objects.filter(election=election)] == [
        False,
        True,
        False,
    ]
    page = org.get(f"/nominations/manage/{election.pk}/").content.decode()
    assert "refused, breaking at least 1/2 woman: 1 of 3" in page
    # Closing puts the accepted shortlist on the paper.
    post(org, f"/nominations/manage/{election.pk}/close/")
    assert [c.name for c in Candidate.objects.filter(election=election)] == [
        "Al Adams",
        "Bo Brown",
        "Cat Chen",
        "Di Dee",
    ]


def _trigger(officials: Any, branches: list[bool], affiliates: list[bool]) -> tuple[Any, list[str]]:
    officers = [f"Branch Sec {i}" for i in range(len(branches))]
    officers += [f"Union Sec {i}" for i in range(len(affiliates))]
    election = selection(officials, [*officers, "Sitting Mp"])
    org = client("organiser")
    assert post(
        org,
        f"/nominations/manage/{election.pk}/trigger/",
        {"rulebook": "labour-trigger-2021", "sitting": "Sitting Mp"},
    ) == ["Trigger ballot set up."]
    votes = [("branch", f"Branch {i}", v) for i, v in enumerate(branches)]
    votes += [("affiliated_branch", f"Union branch {i}", v) for i, v in enumerate(affiliates)]
    for (body, name, yes), officer in zip(votes, officers, strict=True):
        msgs = unit(election, name, body, officer, purpose="trigger")
        assert msgs == [f"{name} registered."]
        u = election.units.get(name=name)
        c = link_for(org, election, officer)
        r = c.post(
            f"/nominations/me/units/{u.pk}/trigger/",
            {"decision": "for" if yes else "against", "meeting": "branch meeting"},
            follow=True,
        )
        assert messages_of(r) == [f"{name}'s decision recorded."]
        r = c.post(f"/nominations/me/units/{u.pk}/trigger/", {"decision": "for"}, follow=True)
        assert messages_of(r) == [f"{name} has already recorded its decision."]
    msgs = post(client("returning_officer"), f"/nominations/manage/{election.pk}/trigger/decide/")
    assert msgs == ["Trigger ballot decided."]
    return election, post(org, f"/nominations/manage/{election.pk}/open/", OPEN)


def test_trigger_ballot_reaches_its_threshold(officials):
    # Half the branches that voted and half the affiliated branches: both halves reached.
    election, msgs = _trigger(officials, [True, True, False, False], [True, False])
    tb = TriggerBallot.objects.get(election=election)
    assert tb.triggered is True
    assert [(r["for"], r["base"], r["met"]) for r in tb.outcome["routes"]] == [
        (2, 4, True),
        (1, 2, True),
    ]
    assert tb.outcome["consequence"] == "an open selection"
    assert msgs == ["Nominations are open."]
    election.refresh_from_db()
    assert election.state == State.NOMINATIONS


def test_trigger_ballot_short_of_its_threshold(officials):
    # Three branches in four but no affiliated branch: the 2021 rules need both.
    election, msgs = _trigger(officials, [True, True, True, False], [False, False])
    tb = TriggerBallot.objects.get(election=election)
    assert tb.triggered is False
    assert [(r["for"], r["base"], r["met"]) for r in tb.outcome["routes"]] == [
        (3, 4, True),
        (0, 2, False),
    ]
    assert msgs == ["No open selection: the MP is reselected."]
    election.refresh_from_db()
    assert election.state == State.DRAFT
    page = client("scrutineer").get(f"/nominations/manage/{election.pk}/").content.decode()
    assert "Not triggered: the MP is reselected." in page


# Permissions -----------------------------------------------------------------------------

ROLES = ["organiser", "returning_officer", "scrutineer", "teller", "outsider", None]


def _status(who: str | None, method: str, url: str, data: dict[str, Any] | None = None) -> int:
    c = client(who)
    r = c.get(url) if method == "get" else c.post(url, data or {})
    return r.status_code


def test_every_role_on_every_page(officials, monkeypatch):
    election = leader(officials, monkeypatch, ["Ann Able"], public="")
    declare(election, "Ann Able")
    cand = election.candidacies.get()
    base = f"/nominations/manage/{election.pk}"
    organiser_only = [
        f"{base}/open/",
        f"{base}/links/",
        f"{base}/candidacies/",
        f"{base}/candidacies/{cand.pk}/withdraw/",
        f"{base}/units/",
        f"{base}/tallies/",
        f"{base}/lists/",
        f"{base}/close/",
        f"{base}/trigger/",
    ]
    organiser_or_ro = [f"{base}/attestations/", f"{base}/trigger/decide/"]
    before = AuditEntry.objects.count()
    for url in organiser_only + organiser_or_ro:
        allowed = ("organiser", "returning_officer") if url in organiser_or_ro else ("organiser",)
        for who in ROLES:
            if who in allowed:
                continue
            code = _status(who, "post", url)
            assert code == (302 if who is None else 403), (url, who, code)
    assert AuditEntry.objects.count() == before  # nothing refused left a trace of acting
    # The organiser's page: read by the organiser, returning officer and scrutineer.
    for who in ROLES:
        code = _status(who, "get", f"{base}/")
        want = {None: 302, "teller": 403, "outsider": 403}.get(who, 200)
        assert code == want, (who, code)
    # A members-only tracker: officials and members with a link; not the public.
    track = f"/nominations/{election.organisation.slug}/{election.slug}/"
    for who in ROLES:
        code = _status(who, "get", track)
        want = {None: 403, "outsider": 403}.get(who, 200)
        assert code == want, (who, code)
    assert _status(None, "get", track + "fragment/") == 403
    assert _status(None, "get", track + f"photos/{cand.pk}/") == 403
    assert _status("scrutineer", "get", track + f"photos/{cand.pk}/") == 404  # none given
    member = link_for(client("organiser"), election, "Ann Able")
    assert member.get(track).status_code == 200
    assert member.get(track + "fragment/").status_code == 200
    # The member's pages need the link's session, and act only for that member.
    for url in [
        "/nominations/me/declare/",
        "/nominations/me/withdraw/",
        "/nominations/me/statement/",
    ]:
        assert Client().post(url).status_code == 403
    assert Client().get("/nominations/me/").status_code == 403
    assert Client().get("/nominations/link/not-a-token/").status_code == 404
    # GET on an act is refused; every form carries a CSRF token.
    assert client("organiser").get(f"{base}/close/").status_code == 405
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(officials["organiser"])
    assert csrf.post(f"{base}/close/").status_code == 403
    page = client("organiser").get(f"{base}/").content.decode()
    forms = page.count('<form method="post"')
    assert forms > 5 and page.count('name="csrfmiddlewaretoken"') == forms


def test_nominations_link_token_kept_out_of_logs_and_database(officials, monkeypatch):
    from django.core import mail

    from tellers.service.logging import redact
    from tellers.service.nominations.models import Pass

    election = leader(officials, monkeypatch, ["Ann Able"])
    link_for(client("organiser"), election, "Ann Able")
    token = mail.outbox[0].body.split("/nominations/link/")[1].split("/")[0]
    assert len(token) >= 43
    line = f'"GET /nominations/link/{token}/ HTTP/1.1" 303'
    assert token not in redact(line) and "/nominations/link/[redacted]/" in redact(line)
    stored = Pass.objects.get()
    assert token not in stored.token_hash
    assert not AuditEntry.objects.filter(details__icontains=token).exists()


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_photo_with_alt_text(officials, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    election = leader(officials, monkeypatch, ["Ann Able"])
    declare(election, "Ann Able")
    ann = link_for(client("organiser"), election, "Ann Able")

    def upload(data: bytes, alt: str, name: str = "me.png") -> list[str]:
        f = SimpleUploadedFile(name, data, content_type="image/png")
        return messages_of(
            ann.post("/nominations/me/photo/", {"photo": f, "alt": alt}, follow=True)
        )

    assert upload(_png(), "") == ["Describe the photo: This field is required."]
    assert upload(b"<script>alert(1)</script>", "Ann") == [
        "The photo is not a JPEG or PNG image that can be read."
    ]
    assert upload(b"\x89PNG" + b"0" * (1024 * 1024), "Ann") == ["The photo is larger than 1024 KB."]
    assert upload(_png((4001, 4001)), "Ann") == [
        "The photo has too many pixels (at most 4000 by 4000)."
    ]
    data = _png()
    assert upload(data, "Ann Able <in red>") == ["Photo saved."]
    page = client(None).get(f"/nominations/{election.organisation.slug}/{election.slug}/")
    html = page.content.decode()
    assert 'alt="Ann Able &lt;in red&gt;"' in html
    cand = election.candidacies.get()
    r = client(None).get(
        f"/nominations/{election.organisation.slug}/{election.slug}/photos/{cand.pk}/"
    )
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r.content == data
    assert AuditEntry.objects.filter(action="set photo").count() == 1
