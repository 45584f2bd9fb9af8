"""First past the post: small elections whose results were worked by hand from the rules.

Rules applied by hand (see ``tellers.methods.fptp``): only the first rank of a paper is read;
a paper whose first rank is skipped or marks several candidates, or names a withdrawn
candidate, is not counted; the ``seats`` candidates with most votes are elected; equal votes at
the boundary of the elected set are decided by lot.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellers._arrays import ArrayElection, arrays_of
from tellers.errors import ConfigurationError
from tellers.methods import count, get
from tellers.methods.fptp import count as fptp
from tellers.model import Ballot, Candidate, Election, Outcome, Result, TieMethod

A, B, C, D, E = range(5)


def ints(result: Result) -> list[int]:
    """Return the one round's tallies as whole numbers."""
    (r,) = result.rounds
    return [int(v) for v in r.tallies]


def test_single_seat_with_papers_not_counted() -> None:
    """Only first ranks count; skipped or doubly marked first ranks count for nobody.

    Papers: A>B x5, B x7, C>A x3, A,(skip),B x1, (skip),A x2, (A=B) x1.
    A: 5 + 1 = 6 (the skip after A's first rank does not matter); B 7; C 3.
    Not counted: 2 with no first preference + 1 with two marked first = 3.  Valid 16.
    B has the most votes: elected.
    """
    e = Election.from_rankings(
        ["A", "B", "C"],
        [
            (((A,), (B,)), 5),
            (((B,),), 7),
            (((C,), (A,)), 3),
            (((A,), (), (B,)), 1),
            (((), (A,)), 2),
            (((A, B),), 1),
        ],
    )
    r = fptp(e)
    assert r.method == "fptp"
    assert r.seats == 1
    assert r.quota is None
    assert r.places == 0
    assert ints(r) == [6, 7, 3]
    assert r.valid == Decimal(16)
    assert r.elected_names == ("B",)
    (rnd,) = r.rounds
    assert rnd.number == 1
    assert rnd.transfers == (Decimal(0),) * 3
    assert rnd.exhausted == Decimal(0)
    assert rnd.note == (
        "First preferences; 3 papers not counted "
        "(2 with no first preference, 1 with several candidates marked first)"
    )
    assert [d.outcome for d in rnd.decisions] == [Outcome.ELECTED]
    assert r.tiebreaks == ()
    assert all(v.as_tuple().exponent == 0 for v in rnd.tallies)


def test_no_papers_set_aside() -> None:
    """A 2, B 1: A elected; the note has nothing to report."""
    r = fptp(Election.from_orders(["A", "B"], [((A, B), 2), ((B,), 1)]))
    assert r.rounds[0].note == "First preferences"
    assert r.elected_names == ("A",)


def test_multi_seat_from_file() -> None:
    """Three seats (from the file): A 10, B 8, C 8, D 6, E 2.

    Third-highest total is 8; A (10) is above it; B and C (8) are tied at it and both fit in
    the two remaining seats, so no lot is needed.  Elected A, B, C; D and E not.
    """
    e = Election.from_orders(
        ["A", "B", "C", "D", "E"],
        [((A,), 10), ((B,), 8), ((C,), 8), ((D,), 6), ((E,), 2)],
        seats=3,
    )
    r = fptp(e)
    assert r.seats == 3
    assert ints(r) == [10, 8, 8, 6, 2]
    assert r.elected == (A, B, C)
    assert r.outcome_of(D) is None
    assert r.tiebreaks == ()


def test_boundary_tie_one_seat_by_lot() -> None:
    """Two seats (argument overrides the file's 3): A 9, B 5, C 5, D 5, E 1.

    A is elected outright; B, C and D tie at 5 for the one remaining seat: one draw by lot.
    """
    e = Election.from_orders(
        ["A", "B", "C", "D", "E"],
        [((A,), 9), ((B,), 5), ((C,), 5), ((D,), 5), ((E,), 1)],
        seats=3,
    )
    r = fptp(e, seats=2, seed=11)
    assert r.seats == 2
    (tie,) = r.tiebreaks
    assert tie.method is TieMethod.LOT
    assert tie.seed == 11
    assert tie.tied == frozenset({B, C, D})
    assert r.elected == (A, tie.chosen)
    assert r.seed == 11
    assert fptp(e, seats=2, seed=11) == r
    # Over many seeds each tied candidate wins sometimes: the draw is not fixed.
    assert {fptp(e, seats=2, seed=s).elected[1] for s in range(40)} == {B, C, D}


def test_boundary_tie_two_seats_by_lot() -> None:
    """Three seats: A 9, B 5, C 5, D 5.  A elected; two of B, C, D by two successive draws.

    The first draw is from {B, C, D}; the second from the two left.  Exactly one of B, C, D
    is not elected.
    """
    e = Election.from_orders(["A", "B", "C", "D"], [((A,), 9), ((B,), 5), ((C,), 5), ((D,), 5)])
    r = fptp(e, seats=3, seed=5)
    first, second = r.tiebreaks
    assert first.tied == frozenset({B, C, D})
    assert second.tied == frozenset({B, C, D}) - {first.chosen}
    assert all(t.method is TieMethod.LOT and t.seed == 5 for t in (first, second))
    assert r.elected == (A, first.chosen, second.chosen)
    assert len(set(r.elected)) == 3
    assert fptp(e, seats=3, seed=5) == r


def test_no_more_candidates_than_seats() -> None:
    """Three seats, two candidates (A 2, B 1): both elected, no contest to decide."""
    r = fptp(Election.from_orders(["A", "B"], [((A,), 2), ((B,), 1)]), seats=3)
    assert r.elected == (A, B)
    assert r.rounds[0].decisions[0].reason == "no more candidates than seats [18]"


def test_withdrawn_first_choice_not_counted() -> None:
    """W is withdrawn.  W>A x2 is not counted for A: FPTP reads only the first rank.

    A 3, B 4, W 0; 2 papers not counted.  B elected.
    """
    e = Election.from_orders(
        [Candidate("W", withdrawn=True), "A", "B"], [((0, 1), 2), ((1,), 3), ((2,), 4)]
    )
    r = fptp(e)
    assert ints(r) == [0, 3, 4]
    assert r.valid == Decimal(7)
    assert r.elected_names == ("B",)
    assert (
        r.rounds[0].note == "First preferences; 2 papers not counted (2 for a withdrawn candidate)"
    )


def test_renaming_and_reordering_change_only_labels() -> None:
    """Reverse the candidate list, rename, and reverse the ballots: same tallies and winners.

    Two seats: A 4, B 6, C 5, D 1 -> B and C elected; after relabelling the same two people.
    """
    orders = [((A, B), 4), ((B,), 6), ((C, D), 5), ((D,), 1)]
    e1 = Election.from_orders(["A", "B", "C", "D"], orders, seats=2)
    perm = [3, 2, 1, 0]
    new = ["Wynn", "Xu", "Yates", "Zola"]
    cands = [Candidate("")] * 4
    for i, name in enumerate(new):
        cands[perm[i]] = Candidate(name)
    ballots = tuple(
        Ballot(tuple(tuple(perm[c] for c in rank) for rank in b.ranking), b.weight)
        for b in reversed(e1.ballots)
    )
    e2 = Election(tuple(cands), ballots, seats=2)
    r1, r2 = fptp(e1), fptp(e2)
    assert ints(r1) == [4, 6, 5, 1]
    for i, j in enumerate(perm):
        assert r2.rounds[0].tallies[j] == r1.rounds[0].tallies[i]
    assert r1.elected_names == ("B", "C")
    assert r2.elected_names == ("Xu", "Yates")


def test_seats_validation() -> None:
    """Seats must be at least one; with no seats given anywhere, one seat is filled."""
    e = Election.from_orders(["A", "B"], [((A,), 2), ((B,), 1)])
    assert fptp(e).seats == 1
    with pytest.raises(ConfigurationError):
        fptp(e, seats=0)


def test_all_withdrawn() -> None:
    """A count with nobody standing is refused."""
    e = Election.from_orders([Candidate("A", withdrawn=True)], [((0,), 1)])
    with pytest.raises(ConfigurationError):
        fptp(e)


def test_registry_names() -> None:
    """The method is registered under its name and aliases."""
    for name in ("fptp", "plurality", "first-past-the-post", "FPTP"):
        assert get(name).name == "fptp"
    e = Election.from_orders(["A", "B"], [((A,), 2), ((B,), 1)])
    assert count(e, "plurality").elected_names == ("A",)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.data())
def test_ballot_arrays_count_as_ballots_do(data: st.DataObject) -> None:
    """The same election read from its arrays and from its ballots gives the same result."""
    n = data.draw(st.integers(1, 5))
    withdrawn = data.draw(st.sets(st.integers(0, n - 1), max_size=n - 1))
    cands = [Candidate(f"C{i}", withdrawn=i in withdrawn) for i in range(n)]
    rank = st.lists(st.integers(0, n - 1), max_size=3).map(tuple)
    ballots = data.draw(
        st.lists(st.tuples(st.lists(rank, max_size=3).map(tuple), st.integers(1, 5)), max_size=12)
    )
    seats = data.draw(st.integers(1, n))
    plain = Election.from_rankings(cands, ballots, seats=seats)
    # Counted before arrays_of caches arrays on it, so that its ballots are what is read.
    expected = fptp(plain, seed=1)
    arrays = ArrayElection.create(plain.candidates, arrays_of(plain), seats=seats)
    assert fptp(arrays, seed=1) == expected
