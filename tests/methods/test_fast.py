"""The array counts give exactly the reference counts' results, field by field.

Random elections cover what a ballot file can hold: skipped ranks, ranks marked for several
candidates, a candidate marked twice, withdrawn candidates, zero weights, and small weights so
that ties (broken by earlier rounds or by lot) are common.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellers import _arrays
from tellers._arrays import ArrayElection, arrays_of
from tellers.arithmetic import FixedArithmetic
from tellers.methods import _fast, av, scottish, wigm
from tellers.model import Candidate, Election, Result

# Large generated elections counted both ways: seconds; not in scripts/test --fast.
pytestmark = pytest.mark.slow


@st.composite
def elections(draw: st.DrawFn) -> Election:
    """Draw a small election whose ballots may hold any mark a file can."""
    n = draw(st.integers(1, 7))
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=n - 1))
    cands = [Candidate(f"C{i}", withdrawn=i in withdrawn) for i in range(n)]
    marks = [st.tuples(st.integers(0, n - 1)), st.just(())]
    if n > 1:
        marks.append(
            st.lists(st.integers(0, n - 1), min_size=2, max_size=3, unique=True).map(
                lambda cs: tuple(sorted(cs))
            )
        )
    rank = st.one_of(marks)
    ranking = st.lists(rank, max_size=n + 2).map(tuple)
    ballots = draw(st.lists(st.tuples(ranking, st.integers(0, 6)), min_size=0, max_size=25))
    seats = draw(st.integers(1, max(1, n - 1)))
    return Election.from_rankings(cands, ballots, seats=seats)


def same(a: Result, b: Result) -> None:
    """Assert two results are equal field by field, rounds and decisions included."""
    for f in fields(Result):
        if f.name != "rounds":
            assert getattr(a, f.name) == getattr(b, f.name), f.name
    assert len(a.rounds) == len(b.rounds)
    for ra, rb in zip(a.rounds, b.rounds, strict=True):
        assert ra == rb
        # Equal Decimals can still print differently (0 against 0E-5): compare the text too.
        assert [str(v) for v in ra.tallies] == [str(v) for v in rb.tallies]
        assert [str(v) for v in ra.transfers] == [str(v) for v in rb.transfers]
        assert (str(ra.exhausted), str(ra.loss)) == (str(rb.exhausted), str(rb.loss))
    assert a == b


def outcome(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Return a count's result, or the error it raised (type and message)."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:
        return (type(e), str(e))


def as_arrays(e: Election) -> ArrayElection:
    """Return the same election held as arrays."""
    return ArrayElection.create(
        e.candidates, arrays_of(e), seats=e.seats, title=e.title, source=e.source
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 3))
def test_av_matches_reference(e: Election, seed: int) -> None:
    ref = outcome(av.count_reference, e, seed=seed)
    for election in (e, as_arrays(e)):
        got = outcome(av.count_with, election, _fast.AvArrayPiles, seed=seed)
        if isinstance(ref, Result):
            assert isinstance(got, Result)
            same(got, ref)
        else:
            assert got == ref


def scottish_on_arrays(election: Election, *, seed: int) -> Result:
    """Count by Scottish STV with the papers as array rows, whatever the election's size."""
    arith = FixedArithmetic(scottish.PLACES)
    return scottish.ScottishCount(
        election, seats=None, seed=seed, arithmetic=arith, arrays=True
    ).run()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 3))
def test_scottish_matches_reference(e: Election, seed: int) -> None:
    ref = outcome(scottish.count_reference, e, seed=seed)
    for election in (e, as_arrays(e)):
        got = outcome(scottish_on_arrays, election, seed=seed)
        if isinstance(ref, Result):
            assert isinstance(got, Result)
            same(got, ref)
        else:
            assert got == ref


def test_array_election_makes_the_same_ballots() -> None:
    e = Election.from_rankings(
        ["A", "B", "C"], [(((0,), (), (1, 2)), 3), (((2,), (2,)), 1), ((), 2)], seats=2
    )
    a = as_arrays(e)
    assert a.ballots == e.ballots
    assert a.total_weight == e.total_weight == 6
    assert (a.candidates, a.seats) == (e.candidates, e.seats)


def test_dispatch_uses_the_array_count() -> None:
    e = Election.from_orders(["A", "B", "C"], [((0, 1), 4), ((1,), 3), ((2, 1), 2)], seats=1)
    same(av.count(e), av.count_reference(e))
    same(scottish.count(e), scottish.count_reference(e))


@contextmanager
def large_paths() -> Iterator[None]:
    """Take the paths meant for large elections (row piles, row-wise strict reading)."""
    saved = (_fast.SCAN_CELLS, _arrays._COLUMN_WIDTH)
    _fast.SCAN_CELLS, _arrays._COLUMN_WIDTH = -1, -1
    try:
        yield
    finally:
        _fast.SCAN_CELLS, _arrays._COLUMN_WIDTH = saved


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 3))
def test_large_election_paths_match_reference(e: Election, seed: int) -> None:
    refs = [
        outcome(av.count_reference, e, seed=seed),
        outcome(scottish.count_reference, e, seed=seed),
    ]
    with large_paths():
        election = as_arrays(e)
        got = [
            outcome(av.count_with, election, _fast.AvArrayPiles, seed=seed),
            outcome(scottish_on_arrays, election, seed=seed),
        ]
    for g, ref in zip(got, refs, strict=True):
        if isinstance(ref, Result):
            assert isinstance(g, Result)
            same(g, ref)
        else:
            assert g == ref


@settings(max_examples=200, deadline=None)
@given(elections())
def test_strict_readings_agree(e: Election) -> None:
    arrays = arrays_of(e)
    n = len(e.candidates)
    by_column = _arrays.strict_arrays(arrays, n, e.withdrawn)
    with large_paths():
        by_row = _arrays.strict_arrays(arrays, n, e.withdrawn)
    assert by_column.prefs.tolist() == by_row.prefs.tolist()
    assert by_column.weights.tolist() == by_row.weights.tolist()
    assert by_column.valid == by_row.valid


@settings(max_examples=100, deadline=None)
@given(elections(), st.integers(0, 3))
def test_results_survive_pickling(e: Election, seed: int) -> None:
    # Batch workers send results back pickled; Round, Decision and TieBreak pickle themselves.
    for count in (av.count, scottish.count):
        result = outcome(count, e, seed=seed)
        if isinstance(result, Result):
            same(pickle.loads(pickle.dumps(result)), result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.integers(0, 3))
def test_wigm_prf_on_arrays_matches_parcels(e: Election, seed: int) -> None:
    """The PRF's WIGM (four places) keeps its papers as array rows too."""

    def count(arrays: bool) -> object:
        return wigm.WigmPrfCount(
            e, seats=None, seed=seed, arithmetic=FixedArithmetic(4), arrays=arrays
        ).run()

    ref, got = outcome(count, False), outcome(count, True)
    if isinstance(ref, Result):
        assert isinstance(got, Result)
        same(got, ref)
    else:
        assert got == ref
