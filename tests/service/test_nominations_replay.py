"""The 2020 Labour leader and deputy nominations, replayed through the service's pages.

Every figure put in and every outcome expected comes from the published record
(``uk-party/published-results.json`` in the shared data, read with the loaders
:mod:`tellers.rules.replays` uses): the MPs' and MEPs' final standings on 13 January, the CLP
totals on the morning of 14 February and at the close, the affiliates' totals, the deputies'
routes and dates, and the candidates who appeared in the members' ballot.  Like the replays,
nominations whose nominators were not published are recorded as published tallies; the three
affiliates named as Nandy's (NUM, GMB, Chinese for Labour: LabourList, as in ``replays.py``)
are recorded one by one by their officers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tellers.rules import replays
from tellers.service.audit.chain import verify
from tellers.service.audit.models import AuditEntry
from tellers.service.elections.models import Candidate

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

MP_DAY = dt.date(2020, 1, 13)
PHILLIPS_OUT = dt.date(2020, 1, 21)
LAST_DAY = dt.date(2020, 2, 14)
#: Nandy's three named affiliates and their categories (LabourList, as in replays.py).
NANDY_AFFILIATES = [
    ("NUM", "trade_union"),
    ("GMB", "trade_union"),
    ("Chinese for Labour", "socialist_society"),
]


@pytest.fixture
def published(shared_data: Path) -> dict[str, Any]:
    return replays.load_published(shared_data)


def _counts(table: dict[str, Any]) -> dict[str, int]:
    return replays._counts(table)


def surname_sorted(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: n.split()[-1].casefold())


def _post(c: Any, url: str, data: dict[str, Any]) -> list[str]:
    r = c.post(url, data, follow=True)
    assert r.status_code == 200
    return messages_of(r)


def _tracker(election: Any) -> tuple[dict[str, Any], list[str], list[str]]:
    r = client(None).get(f"/nominations/{election.organisation.slug}/{election.slug}/")
    assert r.status_code == 200
    return read_tracker(r.content.decode())


def _open(c: Any, election: Any) -> None:
    msgs = _post(
        c,
        f"/nominations/manage/{election.pk}/open/",
        {
            "occasion": "vacancy",
            "statement_words": 500,
            "sizes": "",
            "membership_totals": "",
            "public": "on",
            "nominators_public": "on",
        },
    )
    assert "Nominations are open." in msgs


def _tally(c: Any, election: Any, body: str, name: str, count: int, source: str) -> None:
    msgs = _post(
        c,
        f"/nominations/manage/{election.pk}/tallies/",
        {"body": body, "candidate": name, "count": count, "source": source},
    )
    assert any("recorded" in m for m in msgs), msgs


def test_labour_leader_2020(officials, monkeypatch, published):
    noms = published["labour_leader_2020"]["nominations"]
    thresholds = noms["thresholds"]
    plp = _counts(noms["plp_eplp"])
    morning = _counts(noms["clps_14feb_morning"])
    clps = _counts(noms["clps_final"])
    affiliates = _counts(noms["affiliates_final"])
    on_ballot = list(published["labour_leader_2020"]["rounds"][0]["by_section"])
    officers = [f"Secretary of {a}" for a, _ in NANDY_AFFILIATES]
    election = draft_election(officials, [*plp, *officers], office="leader")
    org = client("organiser")

    # Nominations open on 7 January; every MP-nominated candidate declares.
    on(monkeypatch, dt.date(2020, 1, 7))
    _open(org, election)
    for name in plp:
        msgs = _post(
            org,
            f"/nominations/manage/{election.pk}/candidacies/",
            {"membership_number": number(name), "statement": f"{name} for leader."},
        )
        assert "Candidacy added." in msgs

    # 13 January: the MPs' and MEPs' final standings; Lewis withdraws before the close.
    on(monkeypatch, MP_DAY)
    for name, n in plp.items():
        _tally(org, election, "plp_eplp", name, n, "binlabour final standings")
    lewis = election.candidacies.get(name="Lewis")
    assert "Lewis withdrawn." in _post(
        org, f"/nominations/manage/{election.pk}/candidacies/{lewis.pk}/withdraw/", {}
    )
    shown, withdrawn, ballot = _tracker(election)
    assert withdrawn == ["Lewis"] and "Lewis" not in shown and ballot == []
    assert set(shown) == set(plp) - {"Lewis"}
    for name, s in shown.items():
        mps = row(s, "10% of the MPs and MEPs")
        assert (mps.have, mps.need) == (str(plp[name]), str(thresholds["plp_eplp"]))
        assert mps.met == ("Yes" if plp[name] >= thresholds["plp_eplp"] else "No")
        assert f"22 of {thresholds['plp_eplp_base']}" in mps.text
        assert s.status == "Not yet qualified"
        assert any(f"{plp[name]} (binlabour final standings)" in n for n in s.nominators)

    # 21 January: Phillips withdraws, through her own nominations link.
    on(monkeypatch, PHILLIPS_OUT)
    phillips = link_for(org, election, "Phillips")
    r = phillips.post("/nominations/me/withdraw/", follow=True)
    assert "You have withdrawn." in messages_of(r)
    shown, withdrawn, _ = _tracker(election)
    assert sorted(withdrawn) == ["Lewis", "Phillips"] and "Phillips" not in shown

    # 14 February, morning: the CLP totals then published.
    on(monkeypatch, LAST_DAY)
    for name, n in morning.items():
        _tally(org, election, "clp", name, n, "inews, morning of 14 February")
    shown, _, _ = _tracker(election)
    for name, n in morning.items():
        clp = row(shown[name], "5% of the CLPs")
        assert (clp.have, clp.need) == (str(n), str(thresholds["clps"]))
        want = "Reaches the ballot" if n >= thresholds["clps"] else "Not yet qualified"
        assert shown[name].status == want

    # The rest of the CLPs by the close, and the affiliates: Nandy's three named affiliates
    # recorded by their own officers, everything else as the published totals.
    for name, n in clps.items():
        if n > morning.get(name, 0):
            _tally(org, election, "clp", name, n - morning.get(name, 0), "final CLP total")
    for (affiliate, category), officer in zip(NANDY_AFFILIATES, officers, strict=True):
        msgs = _post(
            org,
            f"/nominations/manage/{election.pk}/units/",
            {
                "purpose": "nominate",
                "body": "affiliate",
                "name": affiliate,
                "category": category,
                "officer": number(officer),
            },
        )
        assert f"{affiliate} registered." in msgs
        unit = election.units.get(name=affiliate)
        r = link_for(org, election, officer).post(
            f"/nominations/me/units/{unit.pk}/nominate/",
            {"candidate": "Nandy", "meeting": "the executive's decision"},
            follow=True,
        )
        assert f"{affiliate}'s nomination of Nandy recorded." in messages_of(r)
    for name, n in affiliates.items():
        rest = n - (len(NANDY_AFFILIATES) if name == "Nandy" else 0)
        if rest:
            _tally(org, election, "affiliate", name, rest, "final affiliate total")
    shown, _, _ = _tracker(election)
    for name, n in clps.items():
        assert row(shown[name], "5% of the CLPs").have == str(n)
        assert row(shown[name], "at least 3 affiliates").have == str(affiliates.get(name, 0))
    nandy_unions = row(shown["Nandy"], "at least 2 trade unions")
    assert nandy_unions.met == "Yes"
    assert "NUM, GMB, Chinese for Labour" in " ".join(shown["Nandy"].nominators)
    for name in on_ballot:
        assert shown[name].status == "Reaches the ballot"
    # The last day is not over: those short of both routes are still in the running.
    rest = set(shown) - set(on_ballot)
    assert rest and all(shown[n].status == "Not yet qualified" for n in rest)

    # 15 February: the stage has closed, and they cannot reach the ballot.
    on(monkeypatch, LAST_DAY + dt.timedelta(days=1))
    shown, _, _ = _tracker(election)
    assert {n for n, s in shown.items() if s.status == "Reaches the ballot"} == set(on_ballot)
    assert all(shown[n].status == "Cannot reach the ballot" for n in rest)
    assert "did not reach Nominations from CLPs or affiliates" in shown["Thornberry"].explanation

    # Closing locks the published ballot onto the paper, alphabetically by surname.
    assert "Nominations closed; the ballot paper is set." in _post(
        org, f"/nominations/manage/{election.pk}/close/", {}
    )
    papers = list(Candidate.objects.filter(election=election).order_by("position"))
    assert [c.name for c in papers] == surname_sorted(on_ballot)
    assert all(c.statement == f"{c.name} for leader." for c in papers)
    _, _, ballot = _tracker(election)
    assert ballot == surname_sorted(on_ballot)
    # Every act is in the audit chain, which still verifies.
    acts = list(AuditEntry.objects.values_list("action", flat=True))
    for act in (
        "open nominations",
        "declare candidacy",
        "record tally",
        "nominate",
        "withdraw candidacy",
        "issue nominations link",
        "close nominations",
    ):
        assert act in acts
    assert verify() == []


def test_labour_deputy_2020(officials, monkeypatch, published):
    noms = published["labour_deputy_2020"]["nominations"]
    plp = _counts(noms["plp_eplp"])
    clp_need = published["labour_leader_2020"]["nominations"]["thresholds"]["clps"]
    on_ballot = list(published["labour_deputy_2020"]["rounds"][0]["votes"])
    routes = sorted(noms["route"].items(), key=lambda kv: replays._route_date(kv[1]))
    election = draft_election(officials, list(plp), office="deputy")
    org, ro = client("organiser"), client("returning_officer")

    on(monkeypatch, dt.date(2020, 1, 7))
    _open(org, election)
    for name in plp:
        _post(
            org,
            f"/nominations/manage/{election.pk}/candidacies/",
            {"membership_number": number(name), "statement": ""},
        )
    on(monkeypatch, MP_DAY)
    for name, n in plp.items():
        _tally(org, election, "plp_eplp", name, n, "binlabour final standings")
    shown, _, _ = _tracker(election)
    for name, s in shown.items():
        mps = row(s, "10% of the MPs and MEPs")
        assert (mps.have, mps.need) == (str(plp[name]), str(noms["threshold"]))
        assert mps.met == "Yes"

    # Each candidate reaches the ballot by the published route on the published day.
    through: list[str] = []
    for name, route in routes:
        day = replays._route_date(route)
        on(monkeypatch, day)
        if route.startswith("affiliates"):
            msgs = _post(
                ro,
                f"/nominations/manage/{election.pk}/attestations/",
                {
                    "candidate": name,
                    "route": "clp-or-affiliates:affiliates",
                    "by": "the Labour Party, as reported",
                },
            )
            assert f"Route recorded as met for {name}." in msgs
        else:
            _tally(org, election, "clp", name, clp_need, f"the {clp_need}th CLP, {day}")
        through.append(name)
        shown, _, _ = _tracker(election)
        for other, s in shown.items():
            want = "Reaches the ballot" if other in through else "Not yet qualified"
            assert s.status == want, (day, other, s)
    assert set(through) == set(on_ballot)

    on(monkeypatch, LAST_DAY + dt.timedelta(days=1))
    _post(org, f"/nominations/manage/{election.pk}/close/", {})
    papers = Candidate.objects.filter(election=election).order_by("position")
    assert [c.name for c in papers] == surname_sorted(on_ballot)
    _, _, ballot = _tracker(election)
    assert ballot == surname_sorted(on_ballot)
