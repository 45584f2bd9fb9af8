"""Ballots as numpy arrays: the representation the fast readers build and the fast counts use.

A :class:`BallotArrays` holds merged ballots as a matrix of marks, one row per distinct ranking
and one column per rank, with a weight vector.  A cell holds the candidate marked at that rank,
or one of three codes: :data:`PAD` after the last rank, :data:`SKIP` for a rank left empty, and
:data:`MULTI` for a rank marked for several candidates (their indices are kept in ``multi``), so
the arrays keep exactly what :class:`~tellers.model.Ballot` keeps and a reader's output does
not depend on which representation built it.

:class:`ArrayElection` is an :class:`~tellers.model.Election` whose ballots live in such arrays;
its ``ballots`` tuple is made only when something asks for it, because building a million
:class:`~tellers.model.Ballot` objects costs more than counting them.

All sums over ballots here are exact integer sums: int64 accumulators (``numpy.add.at``) while
the sum is bounded below 2**63, Python integers above it; callers pass a bound on the sum.  No
float enters a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from itertools import chain
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from ._types import CandidateIndex, Rank, Ranking
from .errors import InputError
from .model import Ballot, Candidate, Election

__all__ = [
    "MULTI",
    "PAD",
    "SKIP",
    "ArrayElection",
    "BallotArrays",
    "StrictArrays",
    "arrays_of",
    "group_sum",
    "has_repeats",
    "held_arrays",
    "index_dtype",
    "merge_rows",
    "strict_arrays",
    "total",
]

#: After the last rank of a ballot.
PAD = -1
#: A rank left empty before a later mark.
SKIP = -2
#: A rank marked for several candidates (an equal ranking or an overvote).
MULTI = -3

#: int64 sums are exact while every partial sum stays below this.
INT64_LIMIT = 2**63

IntArray = npt.NDArray[np.int64]
Marks = npt.NDArray[np.signedinteger[Any]]


def index_dtype(ncand: int) -> type[np.signedinteger[Any]]:
    """Return the smallest signed integer type that holds every candidate index and code."""
    if ncand <= 127:
        return np.int8
    if ncand <= 32767:
        return np.int16
    return np.int32


class BallotArrays:
    """Merged ballots: ``marks`` (ballots x ranks, codes as above) and ``weights``."""

    __slots__ = ("distinct", "marks", "multi", "weights")

    def __init__(
        self,
        marks: Marks,
        weights: IntArray,
        multi: Mapping[tuple[int, int], Rank] | None = None,
        *,
        distinct: bool = False,
    ) -> None:
        self.marks = marks
        self.weights = weights
        self.multi: Mapping[tuple[int, int], Rank] = MappingProxyType(dict(multi or {}))
        #: True when the reader guarantees no candidate is marked twice in a row.
        self.distinct = distinct

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def from_rankings(
        cls, rankings: Sequence[Ranking], weights: Sequence[int], ncand: int
    ) -> BallotArrays:
        """Build arrays holding exactly these rankings, in this order, with these weights."""
        return _from_rankings(rankings, weights, ncand)

    def rankings(self) -> list[Ranking]:
        """Return each row as a :data:`~tellers._types.Ranking`."""
        out: list[Ranking] = []
        multi = self.multi
        for r, row in enumerate(self.marks.tolist()):
            ranks: list[Rank] = []
            for j, c in enumerate(row):
                if c >= 0:
                    ranks.append((c,))
                elif c == PAD:
                    break
                elif c == SKIP:
                    ranks.append(())
                else:
                    ranks.append(multi[(r, j)])
            out.append(tuple(ranks))
        return out

    def ballots(self) -> tuple[Ballot, ...]:
        """Return the rows as :class:`~tellers.model.Ballot` objects, in row order."""
        return tuple(
            Ballot(r, w) for r, w in zip(self.rankings(), self.weights.tolist(), strict=True)
        )


class _RankCodes(dict[Rank, int]):
    """Each rank's cell code, made the first time the rank is met (one hash per rank)."""

    __slots__ = ()

    def __missing__(self, r: Rank) -> int:
        v = self[r] = r[0] if len(r) == 1 else SKIP if not r else MULTI
        return v


def _from_rankings(rankings: Sequence[Ranking], weights: Sequence[int], ncand: int) -> BallotArrays:
    """Build arrays from rankings and their weights."""
    n = len(rankings)
    lengths = np.fromiter(map(len, rankings), dtype=np.intp, count=n)
    m = int(lengths.sum())
    # Few distinct ranks occur, so each is coded once and the rest is a C-level lookup.
    code = _RankCodes()
    flat = np.fromiter(
        map(code.__getitem__, chain.from_iterable(rankings)), dtype=np.int64, count=m
    )
    width = int(lengths.max()) if n else 0
    marks = np.full((n, width), PAD, dtype=index_dtype(ncand))
    multi: dict[tuple[int, int], Rank] = {}
    if m:
        # Each rank's cell in the flattened matrix: its row's first cell plus its place in the row.
        starts = np.cumsum(lengths) - lengths
        cell = np.arange(m) + np.repeat(np.arange(n) * width - starts, lengths)
        marks.reshape(-1)[cell] = flat
        for k in np.flatnonzero(flat == MULTI).tolist():
            r, j = divmod(int(cell[k]), width)
            multi[(r, j)] = rankings[r][j]
    return BallotArrays(marks, np.asarray(weights, dtype=np.int64).reshape(n), multi)


class ArrayElection(Election):
    """An election whose ballots are held as :class:`BallotArrays`.

    Build one with :meth:`create`; ``ballots`` is made from the arrays on first use and equals
    what :meth:`Election.from_rankings` would hold for the same rows.
    """

    arrays: BallotArrays

    @classmethod
    def create(
        cls,
        candidates: Sequence[Candidate | str],
        arrays: BallotArrays,
        *,
        seats: int | None = None,
        title: str = "",
        source: str = "",
        options: Mapping[str, str] | None = None,
        tie_order: tuple[CandidateIndex, ...] = (),
    ) -> ArrayElection:
        """Check the arrays as :class:`Election` checks its ballots, and wrap them."""
        self = object.__new__(cls)
        cands = tuple(c if isinstance(c, Candidate) else Candidate(c) for c in candidates)
        # Frozen dataclass fields are set the way the generated __init__ sets them.
        for name, value in (
            ("candidates", cands),
            ("seats", seats),
            ("title", title),
            ("source", source),
            ("options", MappingProxyType(dict(options or {}))),
            ("tie_order", tie_order),
            ("arrays", arrays),
        ):
            object.__setattr__(self, name, value)
        self._check()
        return self

    def _check(self) -> None:
        """Raise the errors :meth:`Election.__post_init__` raises, without making ballots."""
        names = [c.name for c in self.candidates]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise InputError(f"candidate name {dup!r} appears twice")
        n = len(self.candidates)
        a = self.arrays
        if a.weights.size and int(a.weights.min()) < 0:
            raise InputError(f"negative ballot weight {int(a.weights.min())}")
        marks = a.marks
        if marks.size:
            bad = (marks >= n) | (marks < MULTI)
            if bad.any():
                raise InputError(f"candidate index {int(marks[bad][0]) + 1} out of range 1..{n}")
        for rank in a.multi.values():
            for c in rank:
                if not 0 <= c < n:
                    raise InputError(f"candidate index {c + 1} out of range 1..{n}")
        if sorted(self.tie_order) != list(range(n)) and self.tie_order:
            raise InputError("a tie-breaking order must name every candidate once")
        if self.seats is not None and self.seats < 1:
            raise InputError(f"seats must be at least 1, not {self.seats}")

    def __post_init__(self) -> None:
        # Reached only through dataclasses.replace, which passes materialised ballots.
        Election.__post_init__(self)

    @cached_property
    def ballots(self) -> tuple[Ballot, ...]:
        """The ballots, made from the arrays the first time they are asked for."""
        return self.arrays.ballots()

    @property
    def total_weight(self) -> int:
        """Number of ballot papers."""
        return total(self.arrays.weights)


def held_arrays(election: Election) -> BallotArrays | None:
    """Return the arrays the election already holds (read so, or made before), else None.

    For counts that are one pass over the ballots: making arrays only for them would cost
    more than reading the ballots.
    """
    for arrays in (getattr(election, "arrays", None), election.__dict__.get("_tellers_arrays")):
        if isinstance(arrays, BallotArrays):
            return arrays
    return None


def arrays_of(election: Election) -> BallotArrays:
    """Return the election's ballots as arrays (made from its ballots if it has none).

    Arrays made for a plain :class:`~tellers.model.Election` are kept on it, so counting it
    again, or by another method, does not convert it again; the ballots are immutable.
    """
    held = held_arrays(election)
    if held is not None:
        return held
    ballots = election.ballots
    made = _from_rankings(
        [b.ranking for b in ballots], [b.weight for b in ballots], len(election.names)
    )
    # Election is a frozen dataclass: bypass its __setattr__ for this private cache only.
    object.__setattr__(election, "_tellers_arrays", made)
    return made


def total(weights: IntArray) -> int:
    """Return the exact sum of non-negative int64 weights."""
    if weights.size == 0:
        return 0
    if int(weights.max()) * weights.size < 2**63:
        return int(weights.sum())
    return int(weights.sum(dtype=object))


class StrictArrays:
    """Ballots read as strict orders: ``prefs`` rows end in at least one PAD column.

    Rows with no usable preference (or no weight) are left out; ``valid`` is the number of
    papers kept.
    """

    __slots__ = ("prefs", "valid", "weights")

    def __init__(self, prefs: Marks, weights: IntArray) -> None:
        self.prefs = prefs
        self.weights = weights
        self.valid = total(weights)


def strict_arrays(
    arrays: BallotArrays, ncand: int, withdrawn: frozenset[CandidateIndex]
) -> StrictArrays:
    """Read every row as :meth:`Ballot.preferences` does, vectorised.

    Preferences stop at a skipped rank or a rank marked for several candidates; withdrawn
    candidates and repeated marks are passed over; rows left with nothing are dropped.
    """
    marks = arrays.marks
    n, width = marks.shape
    dtype = marks.dtype
    if width == 0 or n == 0:
        empty = np.full((0, 1), PAD, dtype=dtype)
        return StrictArrays(empty, np.zeros(0, dtype=np.int64))
    weights = arrays.weights
    if arrays.distinct and not withdrawn and int(marks.min()) >= PAD:
        # Only PAD after the last rank: every row is already its own strict order.
        rows = (marks[:, 0] >= 0) & (weights > 0)
        if not rows.all():
            marks, weights = marks[rows], weights[rows]
        out = np.full((marks.shape[0], width + 1), PAD, dtype=dtype)
        out[:, :width] = marks
        return StrictArrays(out, np.ascontiguousarray(weights, dtype=np.int64))
    if ncand <= 63 and width <= _COLUMN_WIDTH:
        return _strict_by_column(marks, weights, ncand, withdrawn, check=not arrays.distinct)
    neg = marks < 0
    # The first code (PAD, SKIP or MULTI) ends the usable preferences.
    stop = np.where(neg.any(axis=1), neg.argmax(axis=1), width)
    keep = np.arange(width) < stop[:, None]
    if withdrawn:
        out = np.zeros(ncand + 1, dtype=bool)
        out[list(withdrawn)] = True
        # Codes look up the spare last slot, which is never withdrawn.
        keep &= ~out[np.where(marks >= 0, marks, ncand)]
    if not arrays.distinct and has_repeats(np.where(keep, marks, PAD), ncand):
        keep &= ~_repeated(marks, keep, ncand)
    prefix = bool((keep[:, 1:] <= keep[:, :-1]).all())
    if prefix:
        prefs = np.where(keep, marks, PAD).astype(dtype, copy=False)
    else:
        # Shift the kept marks left, keeping their order.
        order = np.argsort(~keep, axis=1, kind="stable")
        prefs = np.take_along_axis(marks, order, axis=1)
        kept = np.take_along_axis(keep, order, axis=1)
        prefs = np.where(kept, prefs, PAD).astype(dtype, copy=False)
    rows = (prefs[:, 0] >= 0) & (weights > 0)
    if not rows.all():
        prefs = prefs[rows]
        weights = weights[rows]
    used = int((prefs >= 0).sum(axis=1).max()) if prefs.shape[0] else 0
    # One PAD column at the end, so a pointer moving past the last preference reads PAD.
    out_prefs = np.full((prefs.shape[0], used + 1), PAD, dtype=dtype)
    out_prefs[:, :used] = prefs[:, :used]
    return StrictArrays(out_prefs, np.ascontiguousarray(weights, dtype=np.int64))


#: Up to this many ranks :func:`strict_arrays` reads the marks a rank at a time.
_COLUMN_WIDTH = 16


def _strict_by_column(
    marks: Marks,
    weights: IntArray,
    ncand: int,
    withdrawn: frozenset[CandidateIndex],
    *,
    check: bool,
) -> StrictArrays:
    """Read the marks as :func:`strict_arrays` does, one rank for every row at a time.

    With few ranks a pass per rank over whole columns costs far fewer and cheaper numpy calls
    than the row-wise reductions over the matrix.  Each row keeps a bit per candidate already
    kept (so ``ncand`` is at most 63) to pass over repeated marks when ``check`` says a
    candidate may be marked twice.
    """
    n, width = marks.shape
    dtype = marks.dtype
    out = np.full((n, width + 1), PAD, dtype=dtype)
    flat = out.reshape(-1)
    # Each row's next free cell in ``flat``; a row writes there at every rank, PAD when it
    # keeps nothing, so the cell stays PAD until the row keeps a mark.
    free = np.arange(n, dtype=np.intp) * (width + 1)
    reading = np.ones(n, dtype=bool)
    # Codes look up the spare last slots (index -1, -2, -3 from the end), which are never set.
    bits = np.zeros(ncand + 3, dtype=np.uint64)
    bits[:ncand] = np.left_shift(np.uint64(1), np.arange(ncand, dtype=np.uint64))
    skip = np.zeros(ncand + 3, dtype=bool)
    if withdrawn:
        skip[list(withdrawn)] = True
    seen = np.zeros(n, dtype=np.uint64)
    for col in np.ascontiguousarray(marks.T):
        # The first code (PAD, SKIP or MULTI) ends the row's usable preferences.
        reading &= col >= 0
        if not reading.any():
            break
        take = reading & ~skip[col] if withdrawn else reading.copy()
        if check:
            b = bits[col]
            take &= (seen & b) == 0
            seen |= np.where(take, b, np.uint64(0))
        flat[free] = np.where(take, col, PAD)
        free += take
    kept = free - np.arange(n, dtype=np.intp) * (width + 1)
    used = int(kept.max())
    rows_kept = (kept > 0) & (weights > 0)
    if not rows_kept.all():
        out, weights = out[rows_kept], weights[rows_kept]
    # One PAD column at the end, so a pointer moving past the last preference reads PAD.
    return StrictArrays(
        np.ascontiguousarray(out[:, : used + 1]), np.ascontiguousarray(weights, dtype=np.int64)
    )


def has_repeats(marks: Marks, ncand: int, live: IntArray | None = None) -> bool:
    """Return whether any row marks a candidate twice (codes and PAD ignored).

    ``live``, if given, is the number of marks in each row, saving a pass.
    """
    if ncand > 63:
        return bool(_repeated(marks, marks >= 0, ncand).any())
    # One bit per candidate; the spare last slot (read by every code) has none.
    table = np.zeros(ncand + 4, dtype=np.uint64)
    table[:ncand] = np.left_shift(np.uint64(1), np.arange(ncand, dtype=np.uint64))
    bits = table[marks]
    union = np.bitwise_or.reduce(bits, axis=1)
    if live is None:
        live = (marks >= 0).sum(axis=1)
    return bool((np.bitwise_count(union) != live).any())


def _repeated(marks: Marks, keep: npt.NDArray[np.bool_], ncand: int) -> npt.NDArray[np.bool_]:
    """Mark each kept cell whose candidate was already kept earlier in its row."""
    n, width = marks.shape
    words = ncand // 64 + 1
    seen = np.zeros((n, words), dtype=np.uint64)
    rep = np.zeros((n, width), dtype=bool)
    rows = np.arange(n)
    for j in range(width):
        col = marks[:, j].astype(np.int64)
        live = keep[:, j]
        c = np.where(live, col, 0)
        word = c >> 6
        bit = np.left_shift(np.uint64(1), (c & 63).astype(np.uint64))
        cur = seen[rows, word]
        hit = live & ((cur & bit) != 0)
        rep[:, j] = hit
        seen[rows, word] = np.where(live, cur | bit, cur)
    return rep


def group_sum(keys: npt.NDArray[Any], values: IntArray, n: int, bound: int) -> list[int]:
    """Sum ``values`` by ``keys`` (0..n-1) exactly; ``bound`` is at least the sum of them all."""
    if bound < INT64_LIMIT:
        acc = np.zeros(n, dtype=np.int64)
        np.add.at(acc, keys, values)
        return acc.tolist()
    out = [0] * n
    for k, v in zip(keys.tolist(), values.tolist(), strict=True):
        out[k] += v
    return out


def exact_sum(values: IntArray, bound: int) -> int:
    """Sum int64 ``values`` exactly; ``bound`` is at least their sum."""
    if bound < INT64_LIMIT:
        return int(values.sum())
    return sum(values.tolist())


def merge_rows(marks: Marks, weights: IntArray) -> tuple[Marks, IntArray]:
    """Merge identical rows, adding weights; rows keep the order of their first appearance."""
    n, width = marks.shape
    if n == 0:
        return marks, weights
    m = np.ascontiguousarray(marks)
    low = int(m.min())
    base = int(m.max()) - low + 1
    if base**width < 2**63:
        # Each row as one number in base ``base``: sorting int64 beats sorting raw bytes.
        keys = np.zeros(n, dtype=np.int64)
        for j in range(width):
            keys = keys * base + (m[:, j].astype(np.int64) - low)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    else:
        row_view = m.view(np.dtype((np.void, m.dtype.itemsize * width))).ravel()
        _, first, inverse = np.unique(row_view, return_index=True, return_inverse=True)
    if first.size == n:
        return m, weights
    # Weights are paper counts, far below 2**63: an int64 accumulator is exact.
    merged = np.zeros(first.size, dtype=np.int64)
    np.add.at(merged, inverse, weights)
    order = np.argsort(first, kind="stable")
    return m[first[order]], merged[order]
