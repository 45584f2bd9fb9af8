"""Meek, Warren and the PRF rule give the same Result with papers grouped as walked one by one.

The grouped distribution (``methods/_meek_fast.py``) is an optimisation: the reference is the
walk of every ballot in ``_MeekCount._walk``.  Random elections with small weights make ties,
batch defeats and candidates elected together common; withdrawn candidates, repeated marks,
skipped ranks and (for the PRF rule, which stops there) equal rankings are drawn too.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellers.arithmetic import Arithmetic, FixedArithmetic, GuardedArithmetic, RationalArithmetic
from tellers.methods import _meek_fast, meek
from tellers.model import Candidate, Election, Result

RULES = {"meek": meek.MEEK, "warren": meek.WARREN, "meek-prf": meek.PRF}
ARITHMETICS: dict[str, Arithmetic] = {
    "guarded": GuardedArithmetic(18, 9),
    "fixed6": FixedArithmetic(6),
    "rational": RationalArithmetic(),
}


@st.composite
def elections(draw: st.DrawFn, *, equal: bool) -> Election:
    """Draw a small election; ``equal`` allows ranks marked for several candidates."""
    n = draw(st.integers(2, 7))
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=1))
    cands = [Candidate(f"C{i}", withdrawn=i in withdrawn) for i in range(n)]
    rank = st.one_of(st.tuples(st.integers(0, n - 1)), st.just(()))
    if equal:
        pair = st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)
        rank = st.one_of(rank, pair.map(lambda cs: tuple(sorted(cs))))
    ranking = st.lists(rank, min_size=1, max_size=n + 1).map(tuple)
    ballots = draw(st.lists(st.tuples(ranking, st.integers(1, 9)), min_size=1, max_size=30))
    return Election.from_rankings(cands, ballots, seats=draw(st.integers(1, max(1, n - 2))))


def both(election: Election, rule: str, arithmetic: str) -> tuple[Result, Result, bool]:
    """Count grouped and walked; also say whether the grouped path ran to the end."""
    a, r = ARITHMETICS[arithmetic], RULES[rule]
    k = meek.default_omega(a) if rule != "meek-prf" else 6
    grouped = meek._MeekCount(election, r, a, omega=k, seats=None, seed=3)
    walked = meek._MeekCount(election, r, a, omega=k, seats=None, seed=3, arrays=False)
    out = grouped.run()
    return out, walked.run(), grouped.arrays is not None


def assert_same(grouped: Result, walked: Result) -> None:
    """Equal results, and every shown figure printed alike (0 and 0E-9 differ as text)."""
    assert grouped == walked
    for g, w in zip(grouped.rounds, walked.rounds, strict=True):
        shown = [str(v) for v in (*g.tallies, g.exhausted, g.loss)]
        assert shown == [str(v) for v in (*w.tallies, w.exhausted, w.loss)]


# Rational values can grow without bound over many iterations (meek.py says so), so random
# elections are counted in the fixed-point arithmetics; the rational one is in the worked case.
@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    elections(equal=False),
    st.sampled_from(sorted(RULES)),
    st.sampled_from(["fixed6", "guarded"]),
)
def test_grouped_equals_walked(election: Election, rule: str, arithmetic: str) -> None:
    grouped, walked, _ = both(election, rule, arithmetic)
    assert_same(grouped, walked)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(elections(equal=True), st.sampled_from(sorted(RULES)))
def test_grouped_equals_walked_with_equal_ranks(election: Election, rule: str) -> None:
    """The PRF rule reads a paper up to an equal ranking; the generic rules are walked."""
    grouped, walked, _ = both(election, rule, "guarded")
    assert_same(grouped, walked)


def test_grouped_path_is_taken_and_followed_to_the_end() -> None:
    """Three seats, five candidates: elections, a defeat and surpluses all move papers."""
    cands = [Candidate(x) for x in "ABCDE"]
    ballots = [
        ((("A",), ("B",), ("C",)), 40),
        ((("A",), ("C",)), 15),
        ((("B",), ("A",), ("D",)), 20),
        ((("C",), ("E",)), 12),
        ((("D",), ("E",), ("B",)), 9),
        ((("E",), ("D",)), 8),
    ]
    index = {c.name: i for i, c in enumerate(cands)}
    election = Election.from_rankings(
        cands,
        [(tuple(tuple(index[x] for x in r) for r in rk), w) for rk, w in ballots],
        seats=3,
    )
    assert _meek_fast.MeekArrays.build(election, equal_ranks=True) is not None
    for rule, arithmetic in itertools.product(RULES, ARITHMETICS):
        grouped, walked, stayed = both(election, rule, arithmetic)
        assert stayed, (rule, arithmetic)
        assert_same(grouped, walked)
        assert grouped.elected_names == walked.elected_names
