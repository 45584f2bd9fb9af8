"""ERS97 STV (Electoral Reform Society, 3rd edition, 1997): hand-worked counts and invariance.

Every expected number below was worked by hand from the rules quoted in
``tellers.methods.ers97``, never taken from a run of our own code; the working is in each test's
docstring.  Conventions used in the working:

* quota [5.1.6] = valid / (seats + 1) to two places, plus 0.01 unless the division is exact;
* a surplus is passed on from the last batch received only [5.3.2] (all papers at the first
  stage [5.3.1]); its transfer value [5.3.7] is surplus / number of transferable papers, to two
  places ignoring the remainder, written ``tv(s/n)``, unless the transferable papers are worth
  no more than the surplus, when they move at their present value;
* "loss" is ERS97's non-transferable difference [6.11] (the model keeps it apart from
  non-transferable papers, "nt");
* a surplus is deferred [5.2.2] when the surpluses do not exceed the gap between the two lowest
  or between an excludable group of lowest candidates and the candidate next above;
* the total active vote [5.6.1] TAV = valid - votes (at most a quota) of those elected - nt
  - loss; rule (b) of 5.1.7 elects a vote v when v x (places unfilled + 1) >= TAV.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tellers.methods import count, get
from tellers.model import Action, Election, Outcome, Result, TieMethod


def ers(election: Election, seats: int | None = None, seed: int = 0) -> Result:
    return count(election, "ers97", seats=seats, seed=seed)


def decs(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def assert_stages(result: Result, expected: Sequence[Sequence[str]]) -> None:
    """Every round's tallies, exactly, as two-place decimal strings."""
    got = [tuple(str(v) for v in r.tallies) for r in result.rounds]
    assert got == [tuple(w) for w in expected]
    # Fixed point at two places throughout [5.1.6, 5.3.7].
    assert all(v.as_tuple().exponent == -2 for r in result.rounds for v in r.tallies)


def election(names: str, orders: Sequence[tuple[str, int]], seats: int) -> Election:
    """Build an election from one-letter names and orders written as strings, e.g. "ACD"."""
    return Election.from_orders(
        list(names), [([names.index(ch) for ch in o], w) for o, w in orders], seats=seats
    )


def outcomes(result: Result) -> list[tuple[int, str, str]]:
    """Return (round, candidate, outcome) for every decision, in order."""
    return [
        (r.number, result.candidates[d.candidate], d.outcome.value)
        for r in result.rounds
        for d in r.decisions
    ]


# ---------------------------------------------------------------------------------------------
# The quota [5.1.6]
# ---------------------------------------------------------------------------------------------


def test_quota_two_places_plus_one_hundredth_unless_exact() -> None:
    """The quota is taken to two places; 0.01 is added only when a remainder was ignored.

    753 / 7 = 107.571... -> 107.57 + 0.01 = 107.58 (the book's model election, 8.1);
    700 / 7 = 100 exactly -> 100.00;  10 / 3 = 3.333... -> 3.34;  11 / 2 = 5.5 -> 5.50;
    1000 / 6 = 166.666... -> 166.67 (truncated 166.66, plus 0.01).
    """
    for valid, seats, quota in (
        (753, 6, "107.58"),
        (700, 6, "100.00"),
        (10, 2, "3.34"),
        (11, 1, "5.50"),
        (1000, 5, "166.67"),
    ):
        n = seats + 2
        cands = [str(i) for i in range(n)]
        # Full rankings, so no paper becomes non-transferable before someone is elected and
        # the quota is never recalculated [5.4.8]: the result's quota is the first one.
        orders = [([(i + k) % n for k in range(n)], 1) for i in range(valid)]
        e = Election.from_orders(cands, orders, seats=seats)
        assert str(ers(e).quota) == quota


# ---------------------------------------------------------------------------------------------
# The model election (section 8), as far as the book's text gives figures
# ---------------------------------------------------------------------------------------------


def test_model_election_first_and_second_stages() -> None:
    """The book's model election: 758 papers, 5 invalid, 753 valid, 6 places, 11 candidates.

    Book figures (8.1-8.2): quota 753 / 7 = 107.57142 -> 107.58; Smith, 134, is deemed
    elected; his surplus 134 - 107.58 = 26.42 exceeds the difference between the last two
    candidates, 24 - 23 = 1, so it is transferred; 134 papers are examined, 123 are
    transferable, their present value 123 exceeds 26.42, so tv(26.42 / 123) = 0.21; the
    non-transferable difference is 26.42 - 123 x 0.21 = 26.42 - 25.83 = 0.59, and the total
    is still 753.

    Not the book's (its other first preferences and Smith's next preferences are not in the
    text we have): the other candidates' votes 100, 90, 80, 75, 70, 62, 50, 45, 24, 23 (summing
    with 134 to 753) and Smith's 123 transferable papers split 40 / 30 / 20 / 13 / 10 / 10 among
    the first six of them.  Stage 2 then gives 100 + 40 x 0.21 = 108.40 (elected: it reaches
    107.58), 90 + 6.30 = 96.30, 80 + 4.20 = 84.20, 75 + 2.73 = 77.73, 70 + 2.10 = 72.10,
    62 + 2.10 = 64.10.  The deferral test [5.2.2(b)] fails for every group: 23 + 24 + 26.42 =
    73.42 > 45, and so on up the table.
    """
    names = ["Smith", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y"]
    first = [134, 100, 90, 80, 75, 70, 62, 50, 45, 24, 23]
    next_of_smith = {1: 40, 2: 30, 3: 20, 4: 13, 5: 10, 6: 10}
    rankings: list[tuple[tuple[tuple[int, ...], ...], int]] = []
    for c, votes in enumerate(first):
        if c == 0:
            for to, n in next_of_smith.items():
                rankings.append((((0,), (to,)), n))
            rankings.append((((0,),), votes - sum(next_of_smith.values())))
        else:
            rankings.append((((c,),), votes))
    # 5 invalid papers [5.1.2]: "1" against more than one candidate, so no first preference.
    rankings.append((((1, 2),), 3))
    rankings.append((((3, 4, 5),), 2))
    e = Election.from_rankings(names, rankings, seats=6)
    assert e.total_weight == 758
    r = ers(e)
    assert r.valid == 753
    assert r.quota == Decimal("107.58")
    s1, s2 = r.rounds[0], r.rounds[1]
    assert s1.tallies == decs(*(f"{v}.00" for v in first))
    assert s1.elected == (0,)
    assert s2.action is Action.SURPLUS and s2.subjects == (0,)
    assert s2.tallies == decs(
        "107.58", "108.40", "96.30", "84.20", "77.73", "72.10", "64.10", "50.00", "45.00",
        "24.00", "23.00",
    )  # fmt: skip
    assert s2.transfers[0] == Decimal("-26.42")
    assert sum(s2.transfers[1:]) == Decimal("25.83")
    assert s2.loss_transfer == Decimal("0.59")  # the non-transferable difference
    assert s2.exhausted_transfer == Decimal("0.00")
    assert sum(s2.tallies) + s2.exhausted + s2.loss == Decimal("753.00")
    assert "134 papers examined, 123 transferable" in s2.note
    assert "transfer value 0.21" in s2.note
    assert "not deferred" in s2.note
    assert s2.elected == (1,)


# ---------------------------------------------------------------------------------------------
# Hand-worked elections
# ---------------------------------------------------------------------------------------------


def test_surplus_from_last_batch_only() -> None:
    """A candidate elected on a transfer passes on only the papers of that transfer [5.3.2].

    Ballots (3 places): ABD x16, BC x8, C x6, D x5, EC x5.  Valid 40, quota 40 / 4 = 10.00.
    Stage 1: A 16, B 8, C 6, D 5, E 5; A elected, surplus 6.00.
      Deferral: lowest two D 5, E 5 differ by 0; D+E = 10 (+6) > C 6: transfer.
    Stage 2: A's 16 papers (first stage: all of them [5.3.1]) go to B, worth 16 > 6:
      tv(6/16) = 0.37 (0.375 truncated); B 8 + 5.92 = 13.92, elected; loss 6 - 5.92 = 0.08.
    Stage 3: B's surplus 3.92.  Deferral: D, E equal; D+E+3.92 > C 6: transfer.  Only the
      last batch, the 16 papers from A at 0.37, is examined, not B's own BC papers; all go on
      to D, worth 5.92 > 3.92: tv(3.92/16) = 0.24 (0.245 truncated); D 5 + 3.84 = 8.84;
      C stays 6.00; loss 3.92 - 3.84 = 0.08, 0.16 in all.
    Stage 4: no surplus; E 5 lowest (E+C = 11 > D 8.84: E alone); EC x5 at 1.00: C 11.00,
      elected.  Three places filled.
    """
    e = election("ABCDE", [("ABD", 16), ("BC", 8), ("C", 6), ("D", 5), ("EC", 5)], seats=3)
    r = ers(e)
    assert r.quota == Decimal("10.00")
    assert_stages(
        r,
        [
            ("16.00", "8.00", "6.00", "5.00", "5.00"),
            ("10.00", "13.92", "6.00", "5.00", "5.00"),
            ("10.00", "10.00", "6.00", "8.84", "5.00"),
            ("10.00", "10.00", "11.00", "8.84", "0.00"),
        ],
    )
    assert [str(rd.loss) for rd in r.rounds] == ["0.00", "0.08", "0.16", "0.16"]
    assert "transfer value 0.24" in r.rounds[2].note
    assert "16 papers examined, 16 transferable" in r.rounds[2].note
    assert outcomes(r) == [
        (1, "A", "elected"),
        (2, "B", "elected"),
        (4, "E", "excluded"),
        (4, "C", "elected"),
    ]
    # Scottish STV passes on all of B's papers, so C gets a share of B's surplus there.
    scot = count(e, "scottish-stv")
    assert scot.rounds[2].tallies[2] > Decimal(6)


def test_deferred_surplus() -> None:
    """A surplus no larger than the gap between the two lowest is deferred [5.2.2(a)].

    Ballots (2 places): AC x11, B x9, C x5, DB x3, ED x2.  Valid 30, quota 30 / 3 = 10.00.
    Stage 1: A 11, B 9, C 5, D 3, E 2; A elected, surplus 1.00.
    Deferral: the two lowest, E 2 and D 3, differ by 1.00, which the surplus 1.00 does not
      exceed: deferred.  Exclusion: E alone (E 2 + 1.00 <= D 3, but E+D 5 + 1 > C 5).
    Stage 2: E's 2 papers to D: D 5.  A still holds 11.00.
    Stage 3: now C 5 and D 5 are equal (no gap) and C+D+1 > B 9: A's surplus moves.  First
      stage surplus: all 11 papers, all to C, worth 11 > 1: tv(1/11) = 0.09; C 5.99;
      loss 1 - 0.99 = 0.01.
    Stage 4: D 5 lowest (D+C = 10.99 > B 9).  D's papers are one batch at 1.00: DB x3 to B,
      12.00, elected; ED x2 have no further preference: nt 2.00.  Total 10 + 12 + 5.99 + nt
      2.00 + loss 0.01 = 30.
    (Rule (b) never applies: TAV = 20 at stages 1-2 and 19.99 at stage 3, B 9 x 2 below both.)
    """
    e = election("ABCDE", [("AC", 11), ("B", 9), ("C", 5), ("DB", 3), ("ED", 2)], seats=2)
    r = ers(e)
    assert r.quota == Decimal("10.00")
    assert_stages(
        r,
        [
            ("11.00", "9.00", "5.00", "3.00", "2.00"),
            ("11.00", "9.00", "5.00", "5.00", "0.00"),
            ("10.00", "9.00", "5.99", "5.00", "0.00"),
            ("10.00", "12.00", "5.99", "0.00", "0.00"),
        ],
    )
    assert [rd.action for rd in r.rounds] == [
        Action.FIRST,
        Action.EXCLUSION,
        Action.SURPLUS,
        Action.EXCLUSION,
    ]
    assert "surpluses deferred (A 1.00)" in r.rounds[1].note
    assert "[5.2.2(a)]" in r.rounds[1].note
    assert str(r.rounds[3].exhausted) == "2.00"
    assert str(r.rounds[3].loss) == "0.01"
    assert r.elected_names == ("A", "B")


def test_bulk_exclusion() -> None:
    """As many of the lowest as possible go together [5.2.5].

    Ballots (2 places): A x8, B x8, C x7, DC x2, EC x1, FA x1.  Valid 27, quota
    27 / 3 = 9.00; nobody has it at stage 1 (nor rule (b): A 8 x 3 = 24 < 27).
    Lowest first: E 1, F 1, D 2, C 7, A 8, B 8.
      E alone: not separable from F (equal votes).  E+F = 2 <= D 2: a group of two.
      E+F+D = 4 <= C 7: a group of three, leaving 3 for 2 places [5.2.5(a)].
      E+F+D+C = 11 > A 8: no.  So E, F and D are excluded together.
    Stage 2: one batch at 1.00: DC x2, EC x1 to C: 10.00; FA x1 to A: 9.00.  C (10) and A (9)
      both reach 9.00 and are deemed elected, C first; both places are filled.
    """
    e = election("ABCDEF", [("A", 8), ("B", 8), ("C", 7), ("DC", 2), ("EC", 1), ("FA", 1)], seats=2)
    r = ers(e)
    assert r.quota == Decimal("9.00")
    assert_stages(
        r,
        [
            ("8.00", "8.00", "7.00", "2.00", "1.00", "1.00"),
            ("9.00", "8.00", "10.00", "0.00", "0.00", "0.00"),
        ],
    )
    assert set(r.rounds[1].excluded) == {3, 4, 5}
    assert r.rounds[1].elected == (2, 0)
    assert "3 excluded together" in r.rounds[1].note
    assert r.tiebreaks == ()


def test_exclusion_batch_by_batch_in_descending_value() -> None:
    """An excluded candidate's papers move one value at a time, highest first [5.4.1-5.4.11];
    a candidate elected by one batch receives no papers from the next [5.4.10]; the surplus of
    a candidate elected during an exclusion is that batch [5.3.2].

    Ballots (3 places): ACDE x7, AB x7, CDB x4, D x9, E x7, B x6.  Valid 40, quota 10.00.
    Stage 1: A 14, B 6, C 4, D 9, E 7; A elected, surplus 4.00.
      Deferral: C 4, B 6 differ by 2 < 4; C+B = 10 + 4 > E 7: transfer.
    Stage 2: A's 14 papers, all transferable (7 to C, 7 to B), worth 14 > 4: tv(4/14) = 0.28
      (0.2857 truncated); C 4 + 1.96 = 5.96, B 6 + 1.96 = 7.96; loss 4 - 3.92 = 0.08.
    Stage 3, exclusion of C (C 5.96 <= E 7; C+E = 12.96 > B 7.96: C alone), two batches:
      batch 1 at 1.00: CDB x4 to D: D 13.00, elected (surplus 3.00); C keeps 1.96.
      batch 2 at 0.28: ACDE x7: D is no longer continuing, so they go to E:
      E 7 + 1.96 = 8.96; C 0.00.  TAV = 40 - 10 - 10 - 0.08 = 19.92; E 8.96 x 2 < 19.92.
    Stage 4: D's surplus 3.00 (B 7.96, E 8.96 differ by 1 < 3): only the batch that elected
      D, the 4 CDB papers at 1.00 (not D's own 9), all to B, worth 4 > 3: tv(3/4) = 0.75;
      B 7.96 + 3.00 = 10.96, elected.  Loss 3 - 3.00 = 0: 0.08 in all.
    """
    e = election(
        "ABCDE",
        [("ACDE", 7), ("AB", 7), ("CDB", 4), ("D", 9), ("E", 7), ("B", 6)],
        seats=3,
    )
    r = ers(e)
    assert_stages(
        r,
        [
            ("14.00", "6.00", "4.00", "9.00", "7.00"),
            ("10.00", "7.96", "5.96", "9.00", "7.00"),
            ("10.00", "7.96", "1.96", "13.00", "7.00"),
            ("10.00", "7.96", "0.00", "13.00", "8.96"),
            ("10.00", "10.96", "0.00", "10.00", "8.96"),
        ],
    )
    assert "(1 of 2, papers at 1.00)" in r.rounds[2].note
    assert "(2 of 2, papers at 0.28)" in r.rounds[3].note
    assert r.rounds[2].excluded == (2,)
    assert r.rounds[2].elected == (3,)
    assert r.rounds[3].transfers[3] == Decimal("0.00")  # D received nothing [5.4.10]
    assert "4 papers examined, 4 transferable" in r.rounds[4].note
    assert "transfer value 0.75" in r.rounds[4].note
    assert str(r.rounds[-1].loss) == "0.08"
    assert r.elected_names == ("A", "D", "B")


def test_tie_broken_by_earliest_stage() -> None:
    """Equal lowest: exclude the one with fewer votes at the *first* point they differed [5.2.5].

    Ballots (1 place): A x13, Z x11, YA x5, XZ x4, QYA x1, QA x2, PXZ x2.  Valid 38,
    quota 38 / 2 = 19.00.  No group can go together below (each sum exceeds the next above).
    Stage 1: A 13, Z 11, X 4, Y 5, P 2, Q 3.
    Stage 2: P out (P 2 <= Q 3; P+Q 5 > X 4): PXZ x2 to X: X 6, Y 5.
    Stage 3: Q out (Q+Y 8 > X 6): QYA to Y: 6; QA x2 to A: 15.
    Stage 4: X and Y both 6 (X+Y = 12 > Z 11: one of them).  At stage 1 X had 4, Y 5: X had
      fewer at the earliest point of inequality and is excluded (Scottish STV looks at the most
      recent, stage 2, where Y had fewer).  XZ x4, PXZ x2 to Z: 17.
    Stage 5: Y out (Y+A 21 > Z 17): YA x5, QYA x1 to A: 21, elected (>= 19.00).
    """
    e = election(
        "AZXYPQ",
        [("A", 13), ("Z", 11), ("YA", 5), ("XZ", 4), ("QYA", 1), ("QA", 2), ("PXZ", 2)],
        seats=1,
    )
    r = ers(e)
    assert_stages(
        r,
        [
            ("13.00", "11.00", "4.00", "5.00", "2.00", "3.00"),
            ("13.00", "11.00", "6.00", "5.00", "0.00", "3.00"),
            ("15.00", "11.00", "6.00", "6.00", "0.00", "0.00"),
            ("15.00", "17.00", "0.00", "6.00", "0.00", "0.00"),
            ("21.00", "17.00", "0.00", "0.00", "0.00", "0.00"),
        ],
    )
    (tie,) = r.tiebreaks
    assert tie.tied == frozenset({2, 3})
    assert tie.chosen == 2
    assert tie.method is TieMethod.EARLIER_ROUND
    assert tie.round == 1
    assert r.elected_names == ("A",)
    # Scottish STV (rule 51: most recent unequal stage) excludes Y instead.
    (scot_tie,) = count(e, "scottish-stv").tiebreaks
    assert (scot_tie.chosen, scot_tie.round) == (3, 2)


def test_tie_broken_by_lot_is_recorded_and_repeatable() -> None:
    """Equal at every stage: decided by lot from the seed, recorded with it [5.2.5].

    Ballots (1 place): A x5, XY x3, YX x3.  Valid 11, quota 11 / 2 = 5.50.  X and Y have
    3 each at every stage and X+Y = 6 > A 5, so one is excluded by lot; its papers give the
    other 6.00, which reaches 5.50.  The winner is whichever of X and Y the lot spares.
    """
    e = election("AXY", [("A", 5), ("XY", 3), ("YX", 3)], seats=1)
    winners = set()
    for seed in range(12):
        r = ers(e, seed=seed)
        (tie,) = r.tiebreaks
        assert tie.method is TieMethod.LOT
        assert tie.seed == seed == r.seed
        assert tie.tied == frozenset({1, 2})
        again = ers(e, seed=seed)
        assert again.elected == r.elected
        assert again.rounds == r.rounds
        assert r.quota == Decimal("5.50")
        spared = 3 - tie.chosen
        assert r.elected == (spared,)
        assert r.rounds[1].tallies[spared] == Decimal("6.00")
        winners.add(spared)
    assert winners == {1, 2}


def test_quota_recalculated_when_papers_become_non_transferable() -> None:
    """Papers non-transferable before anyone is elected lower the quota [5.4.8].

    Ballots (2 places): A x9, B x9, C x7, D x5.  Valid 30, quota 30 / 3 = 10.00; nobody has it.
    Exclusion: D 5 (D+C = 12 > A 9: D alone); D's 5 papers have no next preference: nt 5.00.
    Nobody is elected yet, so the quota becomes (30 - 5) / 3 = 8.333... -> 8.33 + 0.01 = 8.34.
    A and B, 9.00 each, reach it and fill both places (equal at every stage, but there are
    places for both, so the order decides nothing).  Scottish STV keeps its quota of 11 and
    goes on to exclude C.
    """
    e = election("ABCD", [("A", 9), ("B", 9), ("C", 7), ("D", 5)], seats=2)
    r = ers(e)
    assert r.quota == Decimal("8.34")
    assert_stages(r, [("9.00", "9.00", "7.00", "5.00"), ("9.00", "9.00", "7.00", "0.00")])
    assert str(r.rounds[1].exhausted) == "5.00"
    assert "quota recalculated to 8.34 [5.4.8]" in r.rounds[1].note
    assert sorted(r.rounds[1].elected) == [0, 1]
    assert all("(a) the quota" in d.reason for d in r.rounds[1].decisions[1:])
    assert r.tiebreaks == ()
    assert len(count(e, "scottish-stv").rounds) > 2


def test_elected_on_total_active_vote() -> None:
    """Rule (b) of 5.4.9: a vote reaching TAV / (places unfilled + 1) is enough.

    Ballots (2 places): A x14, B x7, C x6, DC x3.  Valid 30, quota 10.00.
    Stage 1: A 14, elected, surplus 4.00 (C 6 - D 3 = 3 < 4; D+C 9 + 4 > B 7: not deferred).
    Stage 2: A's 14 papers have no next preference: worth 0, not more than 4.00, so they go
      at their present value and nothing moves; the surplus 4.00 is non-transferable.
    Stage 3: D out (D+C 9 > B 7): DC x3 to C: 9.00.  TAV = 30 - 10 (A) - 4 = 16; one place:
      C 9 x 2 = 18 >= 16: C is deemed elected below the quota.
    """
    e = election("ABCD", [("A", 14), ("B", 7), ("C", 6), ("DC", 3)], seats=2)
    r = ers(e)
    assert_stages(
        r,
        [
            ("14.00", "7.00", "6.00", "3.00"),
            ("10.00", "7.00", "6.00", "3.00"),
            ("10.00", "7.00", "9.00", "0.00"),
        ],
    )
    assert str(r.rounds[1].exhausted) == "4.00"
    assert str(r.rounds[1].loss) == "0.00"
    assert r.rounds[2].elected == (2,)
    assert "(b) the total active vote" in r.rounds[2].decisions[-1].reason
    assert "[5.4.9]" in r.rounds[2].decisions[-1].reason


def test_equal_votes_for_last_place_then_proposed_exclusion() -> None:
    """Equal at every stage for too few places: none elected [5.6.2]; then the lot excludes one
    and, as that leaves as many continuing as places, the other is elected unmoved [5.5.1].

    Ballots (2 places): A x12, B x5, C x5.  Valid 22, quota 22 / 3 = 7.333... -> 7.34.
    Stage 1: A elected, surplus 4.66 (B, C equal: no gap; B+C leaves too few: transfer).
    Stage 2: A's 12 papers have no next preference: worth 0, so at present value; nothing
      moves, nt 4.66.  TAV = 22 - 7.34 - 4.66 = 10; one place: B and C both have 5 x 2 >= 10,
      two for one place, equal at every stage: neither is deemed elected at this stage.
    Then the exclusion of the lowest is a tie, equal throughout: by lot.  Excluding it leaves
    one continuing candidate for one place, who is deemed elected; no papers move, so there
    is no third stage.
    """
    e = election("ABC", [("A", 12), ("B", 5), ("C", 5)], seats=2)
    for seed in (0, 1, 2, 3):
        r = ers(e, seed=seed)
        assert r.quota == Decimal("7.34")
        assert_stages(r, [("12.00", "5.00", "5.00"), ("7.34", "5.00", "5.00")])
        assert str(r.rounds[1].exhausted) == "4.66"
        assert "none deemed elected at this stage [5.6.2]" in r.rounds[1].note
        (tie,) = r.tiebreaks
        assert tie.method is TieMethod.LOT and tie.seed == seed
        last = r.rounds[-1]
        assert last.excluded == (tie.chosen,)
        assert last.elected == (3 - tie.chosen,)
        assert "[5.5.1]" in last.decisions[-1].reason
        assert r.elected == (0, 3 - tie.chosen)


def test_places_and_registry() -> None:
    """Two places throughout; registered as ers97 with aliases."""
    for name in ("ers97", "ERS", "ers-97", "ers97-stv"):
        assert get(name).name == "ers97"
    e = election("AB", [("A", 2), ("B", 1)], seats=1)
    r = ers(e)
    assert r.places == 2 and r.method == "ers97"
    assert r.quota == Decimal("1.50")
    assert r.elected_names == ("A",)
    assert r.rounds[0].decisions[0].outcome is Outcome.ELECTED


# ---------------------------------------------------------------------------------------------
# Invariance
# ---------------------------------------------------------------------------------------------


@st.composite
def profiles(draw: st.DrawFn) -> tuple[int, list[tuple[list[int], int]], int, list[int]]:
    """Draw candidates, strict ballots, seats and a permutation of the candidates."""
    n = draw(st.integers(3, 6))
    ballots = draw(
        st.lists(
            st.tuples(
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(1, n).map(lambda k: list(p[:k]))
                ),
                st.integers(1, 9),
            ),
            min_size=1,
            max_size=14,
        )
    )
    seats = draw(st.integers(1, n - 1))
    perm = draw(st.permutations(range(n)))
    return n, ballots, seats, list(perm)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(profiles())
def test_invariant_under_renaming_and_reordering(
    data: tuple[int, list[tuple[list[int], int]], int, list[int]],
) -> None:
    """Relabelling the candidates and listing them in another order changes nothing.

    Candidate i becomes "c{perm[i]}" at position perm[i]; every stage's tallies and decisions
    must map across, unless a lot was drawn (the lot draws from the candidates' file order).
    """
    n, ballots, seats, perm = data
    names = [f"n{i}" for i in range(n)]
    e1 = Election.from_orders(names, ballots, seats=seats)
    inv = {perm[i]: i for i in range(n)}
    names2 = [f"x{inv[j]}" for j in range(n)]
    e2 = Election.from_orders(names2, [([perm[c] for c in o], w) for o, w in ballots], seats=seats)
    r1, r2 = ers(e1), ers(e2)
    assume(not any(t.method is TieMethod.LOT for t in r1.tiebreaks + r2.tiebreaks))
    assert r1.quota == r2.quota
    assert len(r1.rounds) == len(r2.rounds)
    for a, b in zip(r1.rounds, r2.rounds, strict=True):
        assert a.tallies == tuple(b.tallies[perm[i]] for i in range(n))
        assert {(perm[d.candidate], d.outcome) for d in a.decisions} == {
            (d.candidate, d.outcome) for d in b.decisions
        }
        assert (a.exhausted, a.loss) == (b.exhausted, b.loss)
    assert {perm[c] for c in r1.elected} == set(r2.elected)
    # Nothing is created or lost: every round accounts for every valid paper [5.3.11, 5.4.15].
    for rnd in r1.rounds:
        assert sum(rnd.tallies) + rnd.exhausted + rnd.loss == r1.valid
