"""The nominations engine: acceptance, every rejection reason, the report, the CSV reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tellers.errors import FormatError, InputError
from tellers.rules.loader import load
from tellers.rules.nominations import (
    Declaration,
    Nomination,
    NominationBook,
    Retraction,
    Status,
    Withdrawal,
    read_csv,
    render_text,
    to_json_dict,
)

D = dt.date


def book() -> NominationBook:
    """A 2020-rules Labour book with a small PLP (10: 10% is 1) and 40 CLPs (5% is 2)."""
    b = NominationBook(load("labour-leader-2020"), sizes={"plp_eplp": 10, "clp": 40})
    b.apply([Declaration("Ann", "leader"), Declaration("Bo", "leader")])
    return b


def mp(cand: str, who: str, day: int = 8, office: str = "leader") -> Nomination:
    return Nomination(cand, who, "plp_eplp", office, D(2020, 1, day))


def clp(cand: str, who: str, day: int = 20) -> Nomination:
    return Nomination(cand, who, "clp", "leader", D(2020, 1, day))


def test_accepts_and_reports_route_and_date() -> None:
    """Ann: 1 MP (of 1) then 2 CLPs (of 2): on the ballot, by CLPs, met on the 2nd CLP's date."""
    b = book()
    for e in [mp("Ann", "MP1"), clp("Ann", "Hackney", 16), clp("Ann", "Leeds", 21)]:
        assert b.record(e) is None
    r = b.report(as_of=D(2020, 2, 20))
    ann = r.candidate("Ann")
    assert ann.status is Status.ON_BALLOT
    stage2 = ann.stages[1]
    assert stage2.by == ("clps",)
    assert stage2.routes[0].met_on == D(2020, 1, 21)
    assert stage2.routes[0].conditions[0].need == 2
    # Bo has nothing: out once the stages have closed.
    bo = r.candidate("Bo")
    assert bo.status is Status.OUT
    assert "1 more needed" in bo.explanation


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (mp("Ann", "MP1"), "duplicate: MP1 already nominated Ann"),
        (mp("Bo", "mp1 "), "duplicate nominator: mp1  already nominated Ann for leader"),
        (mp("Cy", "MP2"), "unknown candidate 'Cy'"),
        (Nomination("Ann", "Branch 1", "branch", "leader", D(2020, 1, 8)), "unknown body"),
        (Nomination("Ann", "X", "plp_eplp", "mayor", D(2020, 1, 8)), "unknown office"),
        (Nomination("Ann", "X", "plp_eplp", None, D(2020, 1, 8)), "no office given"),
        (mp("Ann", "MP3", day=6), "before nominations opened"),
        (mp("Ann", "MP3", day=14), "after nominations closed"),
        (
            Nomination("Ann", "GMB", "affiliate", "leader", D(2020, 1, 20), category="union"),
            "unknown category",
        ),
        (Nomination("Ann", "X", "clp", "leader", D(2020, 1, 20), route="plp"), "wrong body type"),
    ],
)
def test_rejections_name_their_reason(event: Nomination, reason: str) -> None:
    """Each invalid nomination is rejected with its reason; the valid one stands."""
    b = book()
    b.record(mp("Ann", "MP1"))
    rejection = b.record(event)
    assert rejection is not None
    assert reason in rejection.reason


def test_deputy_is_a_separate_office() -> None:
    """One nomination per nominator per OFFICE: the same MP may nominate a deputy."""
    b = book()
    b.record(Declaration("Di", "deputy"))
    assert b.record(mp("Ann", "MP1")) is None
    assert b.record(mp("Di", "MP1", office="deputy")) is None


def test_after_withdrawal_rejected() -> None:
    """A nomination recorded after the candidate withdrew does not count."""
    b = book()
    b.record(mp("Ann", "MP1"))
    b.record(Withdrawal("Ann", "leader", D(2020, 1, 9)))
    rej = b.record(mp("Ann", "MP2", day=10))
    assert rej is not None and "had withdrawn on 2020-01-09" in rej.reason
    assert b.report().candidate("Ann").status is Status.WITHDRAWN


def test_failed_earlier_stage_blocks_later_nominations() -> None:
    """A CLP nomination for someone who missed the MP stage (closed) is rejected."""
    b = book()
    b.record(mp("Ann", "MP1"))
    rej = b.record(clp("Bo", "Hackney"))
    assert rej is not None and "did not pass Nominations from MPs and MEPs" in rej.reason


def test_retraction_needs_the_rules_to_allow_it() -> None:
    """The 2020 rulebook does not say nominators may retract: refused, saying so."""
    b = book()
    b.record(mp("Ann", "MP1"))
    rej = b.record(Retraction("MP1", "plp_eplp", "leader", D(2020, 1, 9)))
    assert rej is not None and "do not say whether" in rej.reason


def test_unknown_counts_give_unknown_not_guesses() -> None:
    """Three affiliates of unstated kind: 'two unions' cannot be decided; membership unknown."""
    b = book()
    b.record(mp("Ann", "MP1"))
    b.record(Nomination("Ann", "tally", "affiliate", "leader", count=3, tally=True))
    aff = b.report().candidate("Ann").stages[1].routes[1]
    assert [c.met for c in aff.conditions] == [True, None, None]
    assert aff.met is None


def test_membership_share_is_computed_when_given() -> None:
    """With memberships and a total, 5% of affiliated membership is checked exactly."""
    b = NominationBook(
        load("labour-leader-2020"), sizes={"plp_eplp": 10}, membership_totals={"affiliate": 1000}
    )
    b.record(Declaration("Ann", "leader"))
    b.record(mp("Ann", "MP1"))
    for who, cat, m in [("U1", "trade_union", 20), ("U2", "trade_union", 20), ("S", "other", 9)]:
        b.record(Nomination("Ann", who, "affiliate", "leader", D(2020, 1, 20), cat, None, m))
    aff = b.report().candidate("Ann").stages[1].routes[1]
    assert aff.conditions[2].need == 50
    assert aff.conditions[2].met is False  # 49 of 50
    b.record(Nomination("Ann", "U3", "affiliate", "leader", D(2020, 1, 22), "trade_union", None, 1))
    aff = b.report().candidate("Ann").stages[1].routes[1]
    assert aff.met is True and aff.met_on == D(2020, 1, 22)


def test_libdem_other_mps_groups_and_self_nomination() -> None:
    """10% of the OTHER MPs; 200 members from 20 local parties; no self-nomination."""
    b = NominationBook(load("libdem-leader"), sizes={"mps": 11})
    b.record(Declaration("Ed", "leader"))
    assert (
        "nominate themselves" in (b.record(Nomination("Ed", "Ed", "mps")) or pytest.fail()).reason
    )
    b.record(Nomination("Ed", "Layla", "mps"))
    for i in range(200):
        b.record(Nomination("Ed", f"member {i}", "members", group=f"party {i % 19}"))
    route = b.report().candidate("Ed").stages[0].routes[0]
    assert route.conditions[0].need == 1  # 10% of 10 other MPs
    assert [c.met for c in route.conditions] == [True, True, False]
    assert route.conditions[2].short_by == 1
    b.record(Nomination("Ed", "member 200", "members", group="party 19"))
    assert b.report().candidate("Ed").status is Status.ON_BALLOT


def test_unknown_size_override_refused() -> None:
    """A --size for a body the rulebook lacks is an input error."""
    with pytest.raises(InputError, match="unknown body"):
        NominationBook(load("labour-leader-2020"), sizes={"clps": 648})


def test_text_and_json_reports() -> None:
    """Both renderings name candidates, statuses and rejections."""
    b = book()
    b.record(mp("Ann", "MP1"))
    b.record(mp("Ann", "MP1"))
    r = b.report()
    text = render_text(r)
    assert "Ann: NOT YET QUALIFIED" in text
    assert "Rejected (1)" in text
    data = to_json_dict(r)
    assert data["candidates"][0]["stages"][0]["met"] is True
    assert data["rejected"][0]["reason"].startswith("duplicate")


CSV = """kind,date,office,candidate,nominator,body,category,membership,count
candidate,2020-01-07,leader,Ann,,,,,
nomination,2020-01-08,leader,Ann,MP1,plp_eplp,,,
nomination,2020-01-20,leader,Ann,,clp,,,31
withdrawal,2020-01-21,leader,Ann,,,,,
"""


def test_csv_reader(tmp_path: Path) -> None:
    """Rows become events with their lines; a count makes a tally."""
    p = tmp_path / "n.csv"
    p.write_text(CSV, encoding="utf-8")
    events = read_csv(p)
    assert isinstance(events[0], Declaration)
    assert isinstance(events[2], Nomination) and events[2].tally and events[2].count == 31
    assert events[2].line == 4
    assert isinstance(events[3], Withdrawal)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("candidate,nominatr\nAnn,MP1\n", 1, "unknown column 'nominatr'"),
        ("candidate,candidate\n", 1, "appears twice"),
        ("candidate,nominator,body,date\nAnn,MP1,plp_eplp,2020-13-01\n", 2, "not a date"),
        ("candidate,nominator,body\nAnn,MP1,plp_eplp\nAnn,,plp_eplp\n", 3, "needs a nominator"),
        ("kind,candidate\ncandidate,Ann\nvote,Ann\n", 3, "unknown kind 'vote'"),
        ("candidate,nominator,body,membership\nAnn,U,affiliate,lots\n", 2, "not a whole number"),
        ("candidate,nominator,body,count\nAnn,,clp,0\n", 2, "below 1"),
        ("candidate,nominator\nAnn,MP1,extra\n", 2, "3 cells"),
        ('candidate,nominator\n"Ann,MP1\n', 2, "cannot read CSV"),
        ("kind,candidate,incumbent\ncandidate,Ann,maybe\n", 2, "yes or no"),
    ],
)
def test_bad_csv_names_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    """Malformed nomination files give one error with file:line."""
    p = tmp_path / "bad.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        read_csv(p)
    assert info.value.line == line
    assert info.value.path == str(p)
    assert problem in info.value.problem


def test_a_tally_larger_than_its_body_is_rejected() -> None:
    """Issue 15: 10**26 nominations from a PLP of 10 cannot be; it is rejected, not [met]."""
    b = book()
    rej = b.record(
        Nomination("Ann", "tally", "plp_eplp", "leader", D(2020, 1, 8), count=10**26, tally=True)
    )
    assert rej is not None and "10 " in rej.reason and "more than" in rej.reason
    assert (
        b.record(
            Nomination("Ann", "tally", "plp_eplp", "leader", D(2020, 1, 8), count=10, tally=True)
        )
        is None
    )


def test_a_body_of_no_members_is_refused() -> None:
    """Issue 15: a nominating body of size 0 cannot nominate anyone."""
    with pytest.raises(InputError, match="at least 1"):
        NominationBook(load("labour-leader-2020"), sizes={"plp_eplp": 0, "clp": 40})
