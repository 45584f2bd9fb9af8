"""Meek and Warren STV: small counts worked by hand from the rules, and the PRF's rounding.

Working (see ``tellers.methods.meek``): a ballot's weight w starts at 1; each continuing
candidate in turn keeps w x kf (Meek) or min(kf, w) (Warren) and passes the rest on; what is
left after the last preference is exhausted.  The quota is the votes reaching candidates /
(seats + 1); an elected candidate's keep factor becomes kf x quota / vote, and the iteration
repeats until the total surplus is below omega, when the lowest candidate is defeated.  With
exact arithmetic a candidate is elected only *over* the quota.  The PRF rule works in nine
places: keeps rounded up, the quota truncated plus 0.000000001, kf x q and then / v rounded up.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Context, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import tellers
from tellers.arithmetic import FixedArithmetic, GuardedArithmetic, RationalArithmetic
from tellers.methods import REGISTRY, meek
from tellers.model import Action, Candidate, Election, Outcome, Result, TieMethod

A, B, C, D, E = range(5)
EXACT = RationalArithmetic()
P9 = FixedArithmetic(9)


def dec(text: str) -> Decimal:
    return Decimal(text)


def test_keep_rules_take_as_each_rule_says() -> None:
    """One candidate meets a ballot with 0.5 of its weight left.

    Meek, kf 0.6: keeps 0.5 x 0.6 = 0.3, passes 0.5 x 0.4 = 0.2.
    Warren, kf 0.6: keeps min(0.6, 0.5) = 0.5 (all of it), passes 0.
    Warren, kf 0.3: keeps min(0.3, 0.5) = 0.3, passes 0.2.
    PRF at 9 places, w = 0.333333333, kf 0.5: 0.1666666665 rounded up = 0.166666667 kept,
    0.166666666 passed; Meek's truncated keep is 0.166666666 and the truncated pass
    0.333333333 x 0.5 = 0.166666666, so one unit is lost.
    """
    half, f = Fraction(1, 2), Fraction
    assert meek.meek_keep(EXACT, f(3, 5), half) == (f(3, 10), f(1, 5))
    assert meek.warren_keep(EXACT, f(3, 5), half) == (half, 0)
    assert meek.warren_keep(EXACT, f(3, 10), half) == (f(3, 10), f(1, 5))
    w, kf = 333_333_333, 500_000_000
    assert meek.prf_keep(P9, kf, w) == (166_666_667, 166_666_666)
    assert meek.meek_keep(P9, kf, w) == (166_666_666, 166_666_666)


def test_one_distribution_meek_against_warren() -> None:
    """A and B are elected with kf 1/2 and 5/6; 50 papers A B, 30 B A, 12 C, 8 D.

    Meek.  A B: A keeps 1/2, passes 1/2; B keeps 1/2 x 5/6 = 5/12; 1/12 exhausts.
           B A: B keeps 5/6; A keeps 1/6 x 1/2 = 1/12; 1/12 exhausts.
           A = 50/2 + 30/12 = 27.5; B = 30 x 5/6 + 50 x 5/12 = 25 + 125/6 = 275/6;
           exhausted = 50/12 + 30/12 = 20/3.
    Warren. A B: A keeps 1/2, B keeps min(5/6, 1/2) = 1/2; nothing left.
           B A: B keeps 5/6, A keeps min(1/2, 1/6) = 1/6; nothing left.
           A = 25 + 5 = 30, B = 25 + 25 = 50, exhausted 0.
    """
    e = Election.from_orders("ABCD", [((A, B), 50), ((B, A), 30), ((C,), 12), ((D,), 8)])
    kf = [Fraction(1, 2), Fraction(5, 6), Fraction(1), Fraction(1)]
    votes, exhausted, loss = meek.distribute(e, kf, rule=meek.MEEK, arithmetic=EXACT)
    assert votes == [Fraction(55, 2), Fraction(275, 6), 12, 8]
    assert (exhausted, loss) == (Fraction(20, 3), 0)
    votes, exhausted, loss = meek.distribute(e, kf, rule=meek.WARREN, arithmetic=EXACT)
    assert votes == [30, 50, 12, 8]
    assert (exhausted, loss) == (0, 0)


# 30 papers for A alone, 30 A B, 5 B, 25 C, 10 D; two seats.
CLOSED = [((A,), 30), ((A, B), 30), ((B,), 5), ((C,), 25), ((D,), 10)]


def test_keep_factor_converges_to_its_closed_form() -> None:
    """Two seats; A's keep factor x converges to 7/15 as A's surplus exhausts.

    Round 1: A 60, B 5, C 25, D 10; quota 100/3 = 33.33.  Round 2 (kf all 1): A over the
    quota, elected.  Round 3: A keeps 60x; the 30 A-only papers exhaust 30(1 - x); the 30 A B
    papers give B 30(1 - x).  The quota is (100 - 30(1 - x)) / 3, and the iteration settles
    where A's vote equals it: 180x = 70 + 30x, so x = 7/15: A 28, B 5 + 16 = 21, C 25, D 10,
    exhausted 16, quota 84/3 = 28.  Nobody else reaches it; the surplus falls below omega, and
    D, lowest, is defeated.  Round 4: D's 10 papers exhaust too; at x = 7/15 the quota is
    (100 - 26) / 3 = 24.67 < 25, so C is elected at once and B, left over, is defeated [C.2].
    Warren is the same here: only whole papers reach A, and min(x, 1) = 1 x x.
    """
    e = Election.from_orders("ABCD", CLOSED, seats=2)
    for count in (meek.count, meek.count_warren):
        r = count(e, arithmetic=EXACT, batch_defeat=False)
        assert r.elected_names == ("A", "C")
        assert r.places == 12
        assert [round(float(v), 6) for v in r.rounds[2].tallies] == [28, 21, 25, 10]
        assert abs(float(r.rounds[2].exhausted) - 16) < 1e-9
        kf = r.rounds[2].note.split("keep factors A ")[1]
        assert abs(Fraction(kf) - Fraction(7, 15)) < Fraction(1, 10**9)
        assert r.rounds[2].action is Action.SURPLUS and r.rounds[2].subjects == (A,)
        last = r.rounds[3]
        assert last.action is Action.EXCLUSION and last.subjects == (D,)
        assert [(d.candidate, d.outcome) for d in last.decisions] == [
            (D, Outcome.EXCLUDED),
            (C, Outcome.ELECTED),
            (B, Outcome.EXCLUDED),
        ]
        assert last.tallies[D] == 0
        assert "[B.3]" in last.decisions[0].reason
        assert "[C.2]" in last.decisions[2].reason


# Two seats: A 34, B 30, C 28, D 5, E 3, every paper a single preference.
SURE_LOSERS = [((A,), 34), ((B,), 30), ((C,), 28), ((D,), 5), ((E,), 3)]


def test_sure_losers_are_defeated_together() -> None:
    """Droop's safe batch defeat.

    Round 2: A 34 over the quota 33.33, elected.  Round 3, first iteration: surplus 2/3.
    Lowest first, E 3 and D 5 are more than 2/3 apart, so each is its own group; E + 2/3 < D
    and E + D + 2/3 = 8.67 < C 28, but E + D + C + 2/3 > B 30; three may go (4 hopefuls, one
    seat left) so D and E are sure losers: defeated together, the iteration stopped there.
    Round 4: their 8 papers exhaust.  Iteration 1: quota 92/3 = 30.67, B 30 not over it;
    A's kf becomes (92/3) / 34 = 46/51, so A = 92/3 and 10/3 more exhausts: the quota is
    (100 - 8 - 10/3) / 3 = 29.56 and B (30) is elected; C is defeated, seats filled.
    """
    e = Election.from_orders("ABCDE", SURE_LOSERS, seats=2)
    r = meek.count(e, arithmetic=EXACT)
    assert r.elected_names == ("A", "B")
    assert [r.elected for r in r.rounds] == [(), (A,), (), (B,)]
    assert [r.excluded for r in r.rounds] == [(), (), (), (D, E, C)]
    assert "sure losers" in r.rounds[2].note
    assert r.rounds[3].tallies[A] == dec("30.666666666667")
    assert r.rounds[3].exhausted == dec("11.333333333333")
    assert "defeat_batch" in r.rounds[3].decisions[0].reason


def test_without_batches_one_defeat_a_round() -> None:
    """The same election, defeating one candidate per round.

    Round 3 converges: 34x = (100 - 34(1 - x)) / 3 gives x = 33/34, A 33, quota 33; E (3) is
    defeated.  Round 4: 34x = (97 - 34(1 - x)) / 3 gives A 31.5; D (5) is defeated.  Round 5:
    the quota falls below 30 and B is elected; C is defeated.
    """
    e = Election.from_orders("ABCDE", SURE_LOSERS, seats=2)
    r = meek.count(e, arithmetic=EXACT, batch_defeat=False)
    assert r.elected_names == ("A", "B")
    assert [r.excluded for r in r.rounds] == [(), (), (), (E,), (D, C)]
    assert round(float(r.rounds[2].tallies[A]), 6) == 33
    assert round(float(r.rounds[3].tallies[A]), 6) == 31.5


# Droop's 42.blt: 4 papers Castor Pollux, 2 Helen; two seats.
FORTY_TWO = [((A, B), 4), ((C,), 2)]


def test_prf_rounding_breaks_an_exact_tie() -> None:
    """The PRF rule at nine places, worked through [B.2].

    Quota 6 / 3 = 2, truncated, plus 0.000000001 = 2.000000001 [B.2.b]; Castor's 4 is at or
    over it: elected.  Next round, iteration 1: surplus 1.999999999; kf = 1 x 2.000000001
    (exact) / 4 = 0.50000000025, rounded up = 0.500000001 [B.2.f].  Iteration 2: each Castor
    Pollux paper gives Castor 0.500000001 (rounded up) and Pollux the remaining 0.499999999:
    Castor 2.000000004, Pollux 1.999999996, Helen 2; quota 2.000000001; surplus 0.000000003,
    below omega.  Lowest Pollux; Helen is tied only if 2 <= 1.999999996 + 0.000000003, which
    she is not [B.3], so Pollux is defeated without a tie, and Helen is elected [C.1].
    With exact arithmetic Pollux and Helen tie at exactly 2 (see the next test).
    """
    e = Election.from_orders(["Castor", "Pollux", "Helen"], FORTY_TWO, seats=2)
    r = meek.count_prf(e)
    assert r.method == "meek-prf" and r.places == 9
    assert r.rounds[0].note.startswith("First preferences; quota 2.000000001;")
    assert r.rounds[2].tallies == (dec("2.000000004"), dec("1.999999996"), dec("2.000000000"))
    assert "keep factors Castor 0.500000001" in r.rounds[2].note
    assert "total surplus 0.000000003" in r.rounds[2].note
    assert r.quota == dec("2.000000001")
    assert r.elected_names == ("Castor", "Helen")
    assert r.tiebreaks == ()
    assert [d.reason for d in r.rounds[2].decisions] == [
        "lowest vote once the surplus was below omega [B.3]",
        "elected: no more hopeful candidates than seats left [C.1]",
    ]


def test_exact_tie_goes_to_lot_or_the_files_order() -> None:
    """Exactly: Castor's kf 1/2 gives Castor 2, Pollux 2, Helen 2, surplus 0; quota 2.

    Pollux and Helen tie for defeat [B.3].  Without a predetermined order the count draws lots
    from its seed; with one (Droop's ``[tie ...]``) the earliest in it is defeated.
    """
    e = Election.from_orders(["Castor", "Pollux", "Helen"], FORTY_TWO, seats=2)
    r = meek.count(e, arithmetic=EXACT, seed=5)
    assert r.rounds[2].tallies == (dec(2), dec(2), dec(2))
    (tie,) = r.tiebreaks
    assert tie.tied == frozenset({B, C}) and tie.method is TieMethod.LOT and tie.seed == 5
    draws = {meek.count(e, arithmetic=EXACT, seed=s).tiebreaks[0].chosen for s in range(20)}
    assert draws == {B, C}
    ordered = replace(e, tie_order=(C, B, A))
    r = meek.count(ordered, arithmetic=EXACT)
    (tie,) = r.tiebreaks
    assert (tie.chosen, tie.method) == (C, TieMethod.ORDER)
    assert r.elected_names == ("Castor", "Pollux")
    assert "[T]" in r.rounds[2].decisions[0].reason


def test_equal_rankings_share_a_ballot() -> None:
    """Droop's meek/eq1.blt: 5 a b, 1 b=c, 3 c; two seats.

    Generic rules share the b=c paper: B 1/2, C 1/2, so first preferences are A 5, B 0.5,
    C 3.5; the quota 9 / 3 = 3 elects A and C at once and B is defeated [C.2].  The PRF rule
    reads a paper only up to a doubly marked rank, so the b=c paper is not counted: 8 valid.
    """
    e = Election.from_rankings("ABC", [(((A,), (B,)), 5), (((B, C),), 1), (((C,),), 3)], seats=2)
    r = meek.count(e)
    assert [float(v) for v in r.rounds[0].tallies] == [5, 0.5, 3.5]
    assert r.elected_names == ("A", "C")
    assert r.valid == 9
    assert meek.count_prf(e).valid == 8


def test_withdrawn_candidates_are_passed_over() -> None:
    """B is withdrawn: the B A paper counts for A; B holds nothing and is never decided."""
    cands = [Candidate("A"), Candidate("B", withdrawn=True), Candidate("C"), Candidate("D")]
    e = Election.from_orders(cands, [((B, A), 3), ((C,), 2), ((D,), 1)], seats=1)
    for count in (meek.count, meek.count_warren, meek.count_prf):
        r = count(e)
        assert r.rounds[0].tallies[B] == 0
        assert r.rounds[0].tallies[A] == 3
        assert r.elected_names == ("A",)
        assert r.outcome_of(B) is None


def test_registered_and_counted_through_the_public_api() -> None:
    """The three rules are registered; the defaults are Droop's (guarded 18+9, omega 10^-9)."""
    assert {"meek", "meek-prf", "warren"} <= set(REGISTRY.names())
    e = Election.from_orders("ABCD", CLOSED, seats=2)
    r = tellers.count(e, "meek")
    assert r.method == "meek" and r.places == 27
    assert "guarded fixed point, 18 places + 9 guard digits, omega 10^-9" in r.rounds[0].note
    assert tellers.count(e, "warren").method == "warren"
    assert tellers.count(e, "meek-prf").places == 9
    assert meek.default_omega(GuardedArithmetic(18, 9)) == 9
    assert meek.default_omega(P9) == 6
    assert meek.default_omega(EXACT) == 10


def invariants(e: Election, r: Result) -> None:
    """Check what every Meek-family result must satisfy."""
    exact = Context(prec=100)
    for rnd in r.rounds:
        # Guarded and fixed values are exact: every paper is a vote, exhausted or lost.
        total = Decimal(0)
        for v in (*rnd.tallies, rnd.exhausted, rnd.loss):
            total = exact.add(total, v)
        assert total == r.valid
        assert all(v >= 0 for v in rnd.tallies)
    for prev, rnd in zip(r.rounds, r.rounds[1:], strict=False):
        for t, a, b in zip(rnd.transfers, rnd.tallies, prev.tallies, strict=True):
            assert t == exact.subtract(a, b)
    decided = [d.candidate for rnd in r.rounds for d in rnd.decisions]
    assert len(decided) == len(set(decided))
    hopeful = len(e.candidates) - len(e.withdrawn)
    assert len(r.elected) == min(r.seats, hopeful)
    assert set(decided) == set(range(len(e.candidates))) - e.withdrawn


ballots = st.lists(
    st.tuples(
        st.lists(st.integers(0, 4), min_size=1, max_size=5, unique=True).map(tuple),
        st.integers(1, 9),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(ballots, st.integers(1, 3))
def test_every_count_accounts_for_every_paper(orders: list, seats: int) -> None:
    """Random elections of five candidates: papers add up, each candidate decided once."""
    e = Election.from_orders("ABCDE", orders, seats=seats)
    for count in (meek.count, meek.count_warren, meek.count_prf):
        invariants(e, count(e))
