"""What a returning officer expects of any count (issue 15, build item 3).

An election with nothing to count, or more seats than candidates standing, is refused with a
clear message rather than filled by lot; papers that are not counted are counted by reason and
the reports say so.  Every expected figure is worked by hand in the comments.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import tellers
from tellers import Candidate, Election, InputError
from tellers.errors import ConfigurationError, TellersError
from tellers.formats import mollison
from tellers.methods import REGISTRY
from tellers.model import Ballot

METHODS = REGISTRY.names()
MULTI_SEAT = [m.name for m in REGISTRY.all() if not m.single_winner]


@pytest.mark.parametrize("method", METHODS)
def test_an_empty_box_is_refused(method: str) -> None:
    election = Election.from_orders(["A", "B", "C"], [])
    with pytest.raises(TellersError, match="no valid ballot papers"):
        tellers.count(election, method)


@pytest.mark.parametrize("method", METHODS)
def test_a_box_of_blank_papers_is_refused(method: str) -> None:
    # Three papers, none with a mark: nothing to elect anyone by but lot.
    election = Election.from_rankings(["A", "B", "C"], [((), 3)])
    with pytest.raises(TellersError, match="no valid ballot papers"):
        tellers.count(election, method)


@pytest.mark.parametrize("method", METHODS)
def test_zero_seats_are_refused(method: str) -> None:
    election = Election.from_orders(["A", "B"], [((0, 1), 3)])
    with pytest.raises(TellersError, match="seats must be at least 1"):
        tellers.count(election, method, seats=0)


@pytest.mark.parametrize("method", MULTI_SEAT)
def test_more_seats_than_candidates_elects_them_and_says_a_seat_is_vacant(method: str) -> None:
    # An uncontested election: the candidates standing are declared elected without a poll
    # and the seat beyond them stays vacant (Shetland's North Isles, 2022: two for three seats).
    election = Election.from_orders(["A", "B", "C"], [((0, 1), 3), ((1,), 2)])
    result = tellers.count(election, method, seats=4)
    assert sorted(result.elected_names) == ["A", "B", "C"]
    assert "Uncontested: 3 candidates standing for 4 seats" in result.rounds[0].note
    assert "1 seat left vacant" in result.rounds[0].note


@pytest.mark.parametrize("method", MULTI_SEAT)
def test_an_uncontested_election_needs_no_papers(method: str) -> None:
    cands = (Candidate("A"), Candidate("B", withdrawn=True), Candidate("C"))
    election = Election(cands, ())
    result = tellers.count(election, method, seats=3)
    assert sorted(result.elected_names) == ["A", "C"]
    assert "1 seat left vacant" in result.rounds[0].note


@pytest.mark.parametrize("method", MULTI_SEAT)
def test_as_many_seats_as_candidates_elects_them_all(method: str) -> None:
    # Rule 50 of the Scottish order and its peers: continuing candidates equal to the vacancies
    # left are elected; nothing is refused.
    election = Election.from_orders(["A", "B", "C"], [((0, 1), 3), ((1,), 2)])
    result = tellers.count(election, method, seats=3)
    assert sorted(result.elected_names) == ["A", "B", "C"]
    assert "Uncontested: 3 candidates standing for 3 seats" in result.rounds[0].note
    assert "vacant" not in result.rounds[0].note


@pytest.mark.parametrize("method", METHODS)
def test_all_withdrawn_is_refused_by_every_method(method: str) -> None:
    cands = (Candidate("A", withdrawn=True), Candidate("B", withdrawn=True))
    election = Election(cands, (Ballot(((0,), (1,)), 3),))
    with pytest.raises(ConfigurationError, match="all are withdrawn"):
        tellers.count(election, method)


# A Mollison .dat file of ten papers: four rank A then B; three rank B then C; two give rank 1
# to both A and B (a doubled first preference: void); one marks nothing.
DAT = """\
1 Hand-worked ward
1 3 4 10
Ann, Red
Ben, Blue
Cat, Green
4 1 2 0
3 0 1 2
2 1 1 0
1 0 0 0
"""


def _dat(tmp_path: Path, text: str = DAT) -> Path:
    path = tmp_path / "ward.dat"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("read", ["fast", "careful"])
def test_void_papers_are_counted_by_reason(tmp_path: Path, read: str) -> None:
    path = _dat(tmp_path)
    election = tellers.read(path) if read == "fast" else mollison.loads(DAT, path=path)
    result = tellers.count(election, "scottish-stv")
    # Valid: 4 + 3 = 7; quota floor(7 / 2) + 1 = 4; Ann has 4 and is elected at stage 1.
    assert result.valid == 7
    assert result.quota == 4
    assert result.elected_names == ("Ann",)
    # The other three of the file's ten papers, by reason.
    assert dict(result.rejected) == {
        "first preference marked for more than one candidate": Decimal(2),
        "no preference marked": Decimal(1),
    }


def test_reports_carry_the_rejected_papers(tmp_path: Path) -> None:
    result = tellers.count(tellers.read(_dat(tmp_path)), "scottish-stv")
    doc = json.loads(tellers.to_json(result))
    assert doc["rejected"] == {
        "first preference marked for more than one candidate": "2",
        "no preference marked": "1",
    }
    text = tellers.render_text(result)
    assert "Rejected papers 3" in text
    assert "first preference marked for more than one candidate 2" in text
    rows = tellers.to_csv(result).splitlines()
    assert "Rejected: first preference marked for more than one candidate,2,," in rows
    assert "Rejected: no preference marked,1,," in rows


def test_the_html_sheet_carries_the_rejected_papers(tmp_path: Path) -> None:
    from tellers.report.html.count import render_count

    election = tellers.read(_dat(tmp_path))
    page = render_count(tellers.count(election, "scottish-stv"), election)
    assert "<dt>Rejected papers</dt>" in page
    assert 'first preference marked for more than one candidate <span data-kind="rejected"' in page


def test_rejected_papers_read_back_from_json(tmp_path: Path) -> None:
    from tellers.report.from_json import result_from_json

    result = tellers.count(tellers.read(_dat(tmp_path)), "scottish-stv")
    back = result_from_json(tellers.to_json(result))
    assert back.rejected == result.rejected


@pytest.mark.parametrize("method", METHODS)
def test_every_method_reports_rejected_papers(method: str) -> None:
    # A: 3 papers; B: 2; one paper ranking only a withdrawn candidate; one blank.
    cands = (Candidate("A"), Candidate("B"), Candidate("C", withdrawn=True))
    election = Election.from_rankings(
        cands, [(((0,), (1,)), 3), (((1,),), 2), (((2,),), 1), ((), 1)]
    )
    result = tellers.count(election, method)
    assert result.valid == 5
    assert sum(dict(result.rejected).values()) == 2


def test_no_rejected_line_when_every_paper_counts() -> None:
    election = Election.from_orders(["A", "B"], [((0, 1), 3), ((1,), 2)])
    result = tellers.count(election, "scottish-stv")
    assert result.rejected == ()
    assert "rejected" not in tellers.to_json_dict(result)
    assert "Rejected" not in tellers.render_text(result)


def test_input_error_is_a_tellers_error() -> None:
    assert issubclass(InputError, TellersError)


# --- Wrong or silent results (issue 15) ------------------------------------------------------

BIG = 2**62  # four such papers pass 2**63, past what an int64 holds


@pytest.mark.parametrize("method", ["schulze", "ranked-pairs"])
def test_pairwise_counts_are_exact_or_refused_on_large_weights(method: str) -> None:
    # A>B on 2**62 papers, B>A on 2**62 - 1: A wins by one paper; 2**63 - 1 papers in all, the
    # most a count holds exactly.
    election = Election.from_orders(["A", "B"], [((0, 1), BIG), ((1, 0), BIG - 1)])
    result = tellers.count(election, method)
    assert result.valid == 2**63 - 1
    assert result.elected_names == ("A",)
    assert result.rounds[0].tallies == (Decimal(BIG), Decimal(BIG - 1))


@pytest.mark.parametrize("method", METHODS)
def test_more_papers_than_a_count_holds_are_refused(method: str) -> None:
    # 2**63 + 2 papers: over the limit, refused with it named rather than wrapped to a negative.
    election = Election.from_orders(["A", "B", "C"], [((0, 1), BIG), ((1, 2), BIG), ((2,), 2)])
    with pytest.raises(InputError, match=r"9,223,372,036,854,775,807"):
        tellers.count(election, method)


def test_ranked_pairs_draws_no_lot_where_the_order_cannot_change_the_winner() -> None:
    # Papers ABCD, ACDB, ADBC.  A is first on all three: A beats B, C and D 3-0 (margin 3).
    # B>C 2-1 (ABCD, ADBC), C>D 2-1 (ABCD, ACDB), D>B 2-1 (ACDB, ADBC): a cycle of margin 1,
    # so one of those three pairs cannot be locked, and which depends on their order; but A's
    # pairs are locked first whatever it is, so A wins under every order.  No lot is needed.
    election = Election.from_orders(
        ["A", "B", "C", "D"], [((0, 1, 2, 3), 1), ((0, 2, 3, 1), 1), ((0, 3, 1, 2), 1)]
    )
    for seed in range(5):
        result = tellers.count(election, "ranked-pairs", seed=seed)
        assert result.elected_names == ("A",)
        assert result.tiebreaks == ()
        assert "lot" not in result.rounds[0].decisions[0].reason
        assert "by lot" not in result.rounds[0].note


def test_ranked_pairs_still_draws_a_lot_where_the_order_decides() -> None:
    # Papers ABC, BCA, CAB: every margin is 1 and the order of the three pairs decides.
    election = Election.from_orders(
        ["A", "B", "C"], [((0, 1, 2), 1), ((1, 2, 0), 1), ((2, 0, 1), 1)]
    )
    result = tellers.count(election, "ranked-pairs", seed=0)
    (tie,) = result.tiebreaks
    assert tie.purpose == "order of equal pairs"


def test_ranked_pairs_draws_a_lot_where_an_earlier_lock_makes_equal_pairs_conflict() -> None:
    # Found by hypothesis.  C0 alone x6, C2 = C0 (marked equal first) x2, C1 then C2 x7.
    # Equal first marks count for neither, so: C0>C1 8-7 (+1), C2>C0 7-6 (+1), C1>C2 7-2 (+5).
    # C1>C2 is locked first; then C0>C1 and C2>C0 (+1 each) cannot both be: C0>C1 first gives
    # C0 > C1 > C2 (C0 wins), C2>C0 first gives C1 > C2 > C0 (C1 wins).  The two +1 pairs
    # conflict only given the +5 lock before them, so the order must be decided, by lot.
    election = Election(
        (Candidate("C0"), Candidate("C1"), Candidate("C2")),
        (Ballot(((0,),), 6), Ballot(((2, 0),), 2), Ballot(((1,), (2,)), 7)),
    )
    winners = set()
    for seed in range(12):
        result = tellers.count(election, "ranked-pairs", seed=seed)
        (tie,) = result.tiebreaks
        assert tie.purpose == "order of equal pairs"
        winners.add(result.elected_names)
    assert winners == {("C0",), ("C1",)}
