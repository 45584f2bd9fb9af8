"""The alternative vote: small elections whose every round was worked by hand from the rules.

Rules applied by hand (see ``tellers.methods.av``): papers go to their highest-ranked continuing
candidate; preferences stop at a skipped rank or an overvote; a candidate with more than half
the votes held by continuing candidates is elected; otherwise the lowest is excluded (equal
lowest: fewer votes at the most recent earlier round where they differed, else by lot) and
their papers move on, or are exhausted.  Majority needed = continuing // 2 + 1.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellers.errors import ConfigurationError
from tellers.methods import count, get
from tellers.methods.av import count as av
from tellers.model import Ballot, Candidate, Election, Outcome, Result, TieMethod

A, B, C, D, E = range(5)


def ints(result: Result) -> list[list[int]]:
    """Return every round's tallies as whole numbers."""
    return [[int(v) for v in r.tallies] for r in result.rounds]


def test_majority_at_round_one() -> None:
    """A has 6 of 11 first preferences.

    First preferences: A 6, B 3, C 2; 11 continuing, majority 11 // 2 + 1 = 6.
    A: 2 x 6 = 12 > 11, so A is elected at round 1 and the count stops.
    """
    e = Election.from_orders(["A", "B", "C"], [((A, B), 6), ((B,), 3), ((C, B), 2)])
    r = av(e)
    assert r.method == "av"
    assert r.seats == 1
    assert r.quota is None
    assert r.places == 0
    assert r.valid == Decimal(11)
    assert len(r.rounds) == 1
    assert ints(r) == [[6, 3, 2]]
    assert r.rounds[0].transfers == (Decimal(0),) * 3
    assert r.rounds[0].exhausted == Decimal(0)
    assert r.elected_names == ("A",)
    assert r.rounds[0].decisions[0].outcome is Outcome.ELECTED
    assert r.rounds[0].note == "First preferences; majority 6 of 11 continuing"
    # Whole numbers shown as whole numbers.
    assert all(v.as_tuple().exponent == 0 for v in r.rounds[0].tallies)


EXCLUSIONS = [
    ((A,), 8),
    ((B, D, A), 3),
    ((B,), 2),
    ((C, B), 6),
    ((C,), 1),
    ((D, B, C), 2),
    ((D, C), 1),
    ((D,), 1),
]


def test_several_exclusions_with_transfers_and_exhaustion() -> None:
    """Two exclusions; papers pass over an excluded candidate and some exhaust.

    Round 1, first preferences: A 8, B 3+2 = 5, C 6+1 = 7, D 2+1+1 = 4; total 24,
    majority 24 // 2 + 1 = 13.  Nobody has 13.  D lowest (4): excluded.

    Round 2, D's papers: D>B>C x2 -> B +2; D>C x1 -> C +1; D x1 -> exhausted 1.
    Transfers A 0, B +2, C +1, D -4.  Totals A 8, B 7, C 8, D 0; exhausted 1.
    Continuing 23, majority 12.  Nobody.  B lowest (7): excluded.

    Round 3, B's papers: B>D>A x3 -> D is excluded, so A +3; B x2 -> exhausted 2;
    D>B>C x2 (now at B) -> C +2.  Transfers A +3, B -7, C +2, D 0; exhausted 1 + 2 = 3.
    Totals A 11, B 0, C 10, D 0.  Continuing 21, majority 11: A has 11 (2 x 11 = 22 > 21).
    A elected at round 3.  Check: 11 + 10 + 3 = 24.
    """
    e = Election.from_orders(["A", "B", "C", "D"], EXCLUSIONS)
    r = av(e)
    assert ints(r) == [[8, 5, 7, 4], [8, 7, 8, 0], [11, 0, 10, 0]]
    assert [[int(v) for v in x.transfers] for x in r.rounds] == [
        [0, 0, 0, 0],
        [0, 2, 1, -4],
        [3, -7, 2, 0],
    ]
    assert [int(x.exhausted) for x in r.rounds] == [0, 1, 3]
    assert [int(x.exhausted_transfer) for x in r.rounds] == [0, 1, 2]
    assert [x.note for x in r.rounds] == [
        "First preferences; majority 13 of 24 continuing",
        "Exclusion of D; majority 12 of 23 continuing",
        "Exclusion of B; majority 11 of 21 continuing",
    ]
    # Exclusions are recorded in the round that shows their transfer.
    assert r.rounds[0].decisions == ()
    assert r.rounds[1].excluded == (D,)
    assert r.rounds[2].excluded == (B,)
    assert r.rounds[2].elected == (A,)
    assert r.excluded == (D, B)
    assert r.elected_names == ("A",)
    assert r.tiebreaks == ()
    assert r.valid == Decimal(24)


def test_tie_for_last_broken_by_most_recent_earlier_round() -> None:
    """B and C tie for last at round 3; round 2 (B 7, C 6) decides, not round 1 (B 5, C 6).

    Round 1: A 12, B 5, C 4+2 = 6, D 1+3 = 4, E 2+1 = 3; total 30, majority 16.  E lowest.
    Round 2, E's papers: E>B x2 -> B +2; E x1 -> exhausted.  A 12, B 7, C 6, D 4, E 0;
    exhausted 1; continuing 29, majority 15.  D lowest.
    Round 3, D's papers: D>C x1 -> C +1; D x3 -> exhausted.  A 12, B 7, C 7; exhausted 4;
    continuing 26, majority 14.  B and C tie for lowest at 7.  Most recent earlier round at
    which they differ: round 2, B 7 > C 6, so C is excluded.  (Looking at round 1 first, as
    the never-commenced 2011 statutory rule would, B 5 < C 6 would exclude B instead.)
    Round 4, C's papers: C>B x4 -> B +4; C x2 -> exhausted; D>C x1 (at C) -> exhausted.
    A 12, B 11; exhausted 4 + 3 = 7; continuing 23, majority 12: A elected.
    Check: 12 + 11 + 7 = 30.
    """
    e = Election.from_orders(
        ["A", "B", "C", "D", "E"],
        [
            ((A,), 12),
            ((B,), 5),
            ((C, B), 4),
            ((C,), 2),
            ((D, C), 1),
            ((D,), 3),
            ((E, B), 2),
            ((E,), 1),
        ],
    )
    r = av(e)
    assert ints(r) == [
        [12, 5, 6, 4, 3],
        [12, 7, 6, 4, 0],
        [12, 7, 7, 0, 0],
        [12, 11, 0, 0, 0],
    ]
    assert [int(x.exhausted) for x in r.rounds] == [0, 1, 4, 7]
    assert r.excluded == (E, D, C)
    assert r.rounds[3].excluded == (C,)
    assert r.elected_names == ("A",)
    assert r.stage_of(A) == 4
    (tie,) = r.tiebreaks
    assert tie.tied == frozenset({B, C})
    assert tie.chosen == C
    assert tie.method is TieMethod.EARLIER_ROUND
    assert tie.round == 2
    assert tie.seed is None


LOT = Election.from_orders(["A", "B", "C"], [((A,), 4), ((B, C), 3), ((C, B), 3)])


@pytest.mark.parametrize("seed", [0, 1, 7, 12345])
def test_tie_at_first_round_broken_by_lot(seed: int) -> None:
    """B and C tie for last with no earlier round to look back to: drawn by lot.

    Round 1: A 4, B 3, C 3; total 10, majority 6.  B and C equal lowest at the only round,
    so one is excluded by lot.  Round 2: the loser's 3 papers all move to the survivor:
    A 4, survivor 6, loser 0; continuing 10, majority 6: the survivor is elected.
    """
    r = av(LOT, seed=seed)
    (tie,) = r.tiebreaks
    assert tie.method is TieMethod.LOT
    assert tie.seed == seed
    assert tie.tied == frozenset({B, C})
    loser = tie.chosen
    survivor = C if loser == B else B
    assert r.excluded == (loser,)
    assert r.elected == (survivor,)
    assert r.rounds[1].tallies[A] == 4
    assert r.rounds[1].tallies[survivor] == 6
    assert r.rounds[1].tallies[loser] == 0
    assert r.rounds[1].transfers[loser] == -3
    assert r.seed == seed
    # The same seed reproduces the same count exactly.
    assert av(LOT, seed=seed) == r


def test_lot_depends_on_the_seed() -> None:
    """Over many seeds both tied candidates are drawn at least once (the lot is not fixed)."""
    losers = {av(LOT, seed=s).tiebreaks[0].chosen for s in range(32)}
    assert losers == {B, C}


def test_skipped_ranks_and_overvotes_end_preferences() -> None:
    """A paper's preferences stop at a skipped rank or at a rank with several candidates.

    Papers: A x7; B x5; C,(skip),B x2; C,(A=B) x1; C,B x1; (skip),A x2; (A=B),C x1.
    The last two kinds have no usable first preference: 3 papers not counted, valid 16.
    Round 1: A 7, B 5, C 2+1+1 = 4; majority 16 // 2 + 1 = 9.  C lowest.
    Round 2, C's papers: C,(skip),B x2 -> exhausted (B lies past the skip);
    C,(A=B) x1 -> exhausted (overvote); C,B x1 -> B +1.  A 7, B 6; exhausted 3;
    continuing 13, majority 7: A elected.
    (Were the skip ignored, B would get 2 more, 8 of 15, and win instead.)
    """
    e = Election.from_rankings(
        ["A", "B", "C"],
        [
            (((A,),), 7),
            (((B,),), 5),
            (((C,), (), (B,)), 2),
            (((C,), (A, B)), 1),
            (((C,), (B,)), 1),
            (((), (A,)), 2),
            (((A, B), (C,)), 1),
        ],
    )
    r = av(e)
    assert r.valid == Decimal(16)
    assert ints(r) == [[7, 5, 4], [7, 6, 0]]
    assert [int(x.exhausted) for x in r.rounds] == [0, 3]
    assert r.rounds[0].note == (
        "First preferences; 3 papers with no usable first preference not counted; "
        "majority 9 of 16 continuing"
    )
    assert r.rounds[1].note == "Exclusion of C; majority 7 of 13 continuing"
    assert r.elected_names == ("A",)


def relabel(election: Election, perm: list[int], names: list[str]) -> Election:
    """Move candidate i to position perm[i] named names[i], and reverse the ballot order."""
    cands: list[Candidate | None] = [None] * len(perm)
    for i, c in enumerate(election.candidates):
        cands[perm[i]] = Candidate(names[i], withdrawn=c.withdrawn)
    ballots = tuple(
        Ballot(tuple(tuple(perm[c] for c in rank) for rank in b.ranking), b.weight)
        for b in reversed(election.ballots)
    )
    assert all(c is not None for c in cands)
    return Election(tuple(c for c in cands if c is not None), ballots)


def assert_same_but_labels(r1: Result, r2: Result, perm: list[int]) -> None:
    """Check two counts agree round by round once candidates are mapped through ``perm``."""
    assert len(r1.rounds) == len(r2.rounds)
    assert r1.valid == r2.valid
    for x, y in zip(r1.rounds, r2.rounds, strict=True):
        for i, j in enumerate(perm):
            assert y.tallies[j] == x.tallies[i]
            assert y.transfers[j] == x.transfers[i]
        assert y.exhausted == x.exhausted
        assert [(perm[d.candidate], d.outcome, d.reason) for d in x.decisions] == [
            (d.candidate, d.outcome, d.reason) for d in y.decisions
        ]
        for d in x.excluded:
            old, new = r1.candidates[d], r2.candidates[perm[d]]
            assert y.note == x.note.replace(f"Exclusion of {old}", f"Exclusion of {new}")
    assert [perm[c] for c in r1.elected] == list(r2.elected)


def test_renaming_and_reordering_change_only_labels() -> None:
    """The exclusions election with A..D renamed Wynn, Xu, Yates, Zola and listed in reverse.

    Expected by hand: the same rounds with names swapped (D->Zola, B->Xu excluded; A->Wynn
    elected at round 3).  The earlier-round tie election is checked the same way.
    """
    e = Election.from_orders(["A", "B", "C", "D"], EXCLUSIONS)
    perm = [3, 2, 1, 0]
    e2 = relabel(e, perm, ["Wynn", "Xu", "Yates", "Zola"])
    r1, r2 = av(e), av(e2)
    assert_same_but_labels(r1, r2, perm)
    assert r2.elected_names == ("Wynn",)
    assert [r2.candidates[c] for c in r2.excluded] == ["Zola", "Xu"]
    assert r2.rounds[1].note == "Exclusion of Zola; majority 12 of 23 continuing"


@st.composite
def relabelled(draw: st.DrawFn) -> tuple[Election, list[int]]:
    """Draw a small election with strict (possibly short) rankings, and a permutation."""
    n = draw(st.integers(2, 5))
    order = st.permutations(list(range(n))).flatmap(
        lambda p: st.integers(1, n).map(lambda k: tuple(p[:k]))
    )
    orders = draw(st.lists(st.tuples(order, st.integers(1, 40)), min_size=1, max_size=10))
    perm = draw(st.permutations(list(range(n))))
    return Election.from_orders([f"c{i}" for i in range(n)], orders), list(perm)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(relabelled())
def test_invariance_property(case: tuple[Election, list[int]]) -> None:
    """Relabelling and reordering change nothing but labels, whenever no lot was drawn.

    A lot draws from the tied candidates in index order, so a count that needed one may
    legitimately differ after reordering; such counts are only checked for bookkeeping.
    """
    e, perm = case
    r1 = av(e)
    r2 = av(relabel(e, perm, [f"new{i}" for i in range(len(perm))]))
    # Bookkeeping from the rules: every paper is with a candidate or exhausted, each
    # exclusion moves exactly the excluded total, and exactly one candidate is elected.
    for r in (r1, r2):
        for x in r.rounds:
            assert sum(x.tallies) + x.exhausted == r.valid
            assert sum(x.transfers) + x.exhausted_transfer == 0
        assert len(r.elected) == 1
    if any(t.method is TieMethod.LOT for t in r1.tiebreaks + r2.tiebreaks):
        return
    assert_same_but_labels(r1, r2, perm)


def test_seats() -> None:
    """AV fills one seat; a file saying two seats still counts for one unless asked for two."""
    e = Election.from_orders(["A", "B"], [((A,), 3), ((B,), 2)], seats=2)
    assert av(e).seats == 1
    assert av(e).elected_names == ("A",)
    with pytest.raises(ConfigurationError):
        av(e, seats=2)


def test_registry_names() -> None:
    """The method is registered under its name and aliases."""
    for name in ("av", "irv", "alternative-vote", "instant-runoff", "IRV"):
        assert get(name).name == "av"
    assert get("av").single_winner
    e = Election.from_orders(["A", "B"], [((A,), 3), ((B,), 2)])
    assert count(e, "irv").elected_names == ("A",)


def test_withdrawn_candidate_is_passed_over() -> None:
    """A withdrawn first choice is skipped: W>A x2 counts for A.

    Round 1: A 2 + 1 = 3, B 2; 5 continuing, majority 3: A elected.
    """
    e = Election.from_orders(
        [Candidate("W", withdrawn=True), "A", "B"], [((0, 1), 2), ((1,), 1), ((2,), 2)]
    )
    r = av(e)
    assert ints(r) == [[0, 3, 2]]
    assert r.elected_names == ("A",)


def test_last_continuing_candidate_without_votes() -> None:
    """No papers at all: A and B tie at 0 throughout, one goes by lot, the other is elected.

    Round 1: A 0, B 0; no votes with continuing candidates; tie by lot.
    Round 2: the survivor is the last continuing candidate and is elected.
    """
    e = Election.from_orders(["A", "B"], [])
    r = av(e, seed=3)
    assert len(r.rounds) == 2
    assert r.rounds[0].note == "First preferences; no votes with continuing candidates"
    (tie,) = r.tiebreaks
    assert tie.method is TieMethod.LOT
    assert r.elected == (({A, B} - {tie.chosen}).pop(),)
    assert r.rounds[1].decisions[-1].reason == "last continuing candidate"


def test_all_withdrawn() -> None:
    """A count with nobody standing is refused."""
    e = Election.from_orders([Candidate("A", withdrawn=True)], [((0,), 1)])
    with pytest.raises(ConfigurationError):
        av(e)
