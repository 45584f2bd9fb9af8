"""Papers as numpy array rows for the AV and Gregory loops, with results identical to parcels'.

The loops (``av.count_with`` and the Gregory loop in ``gregory.py``) are the same whichever
store holds the papers; with parcels they walk every parcel in Python.  Here the ballots are
rows of a matrix of strict preferences (see :func:`tellers._arrays.strict_arrays`), a pointer
per row says which preference holds it, and each candidate's pile is a list of row-index
arrays.  A stage touches only the rows on the pile
that moves: their pointers advance, vectorised, past candidates no longer continuing, and the
rows are appended to their new holders' piles.  Small elections (a few thousand rows) keep only
each row's holder instead: every numpy call costs microseconds whatever its size, so scanning
all rows for a stage's pile and reading each moved row's whole order at once (:class:`_Holders`)
takes far fewer calls than the piles' bookkeeping.  The stores hand the loops Python integers
(totals, transfers, non-transferable values), so the :class:`~tellers.model.Result` is equal
field by field to the one parcels give; ``tests/methods/test_fast.py`` checks that on random
elections.

Exactness: per-row products (papers x value) are int64; sums by candidate go through
:func:`tellers._arrays.group_sum`, int64 accumulators exact below 2**63.  :func:`supports`
refuses elections whose papers, times the arithmetic's unit, could reach that bound, and the
callers then use the reference loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._arrays import (
    INT64_LIMIT,
    StrictArrays,
    arrays_of,
    exact_sum,
    group_sum,
    strict_arrays,
    total,
)
from .._types import CandidateIndex
from ..model import Election

__all__ = ["AvArrayPiles", "GregoryArrays", "supports"]

Index = npt.NDArray[np.intp]


def supports(election: Election, unit: int = 1) -> bool:
    """Return whether the array count is exact for this election at scale ``unit``."""
    return total(arrays_of(election).weights) * unit < INT64_LIMIT


class _Piles:
    """Each candidate's papers as a list of row-index arrays, and each row's pointer."""

    def __init__(self, strict: StrictArrays, ncand: int) -> None:
        self.prefs = strict.prefs
        self.flat = np.ascontiguousarray(strict.prefs).reshape(-1)
        self.weights = strict.weights
        self.ncand = ncand
        n = strict.weights.shape[0]
        self.pos = np.zeros(n, dtype=np.intp)
        first = strict.prefs[:, 0].astype(np.intp)
        self.piles: list[list[Index]] = [[] for _ in range(ncand)]
        self.file(np.arange(n, dtype=np.intp), first)
        self.first = first

    def file(self, rows: Index, to: Index) -> None:
        """Append ``rows`` to the piles of ``to``, one array per receiving candidate."""
        if rows.size == 0:
            return
        order = np.argsort(to, kind="stable")
        counts = np.bincount(to, minlength=self.ncand)
        ends = np.cumsum(counts)
        sorted_rows = rows[order]
        # Only the candidates that receive anything: a stage usually feeds a few.
        for c in np.flatnonzero(counts).tolist():
            end = int(ends[c])
            self.piles[c].append(sorted_rows[end - int(counts[c]) : end])

    def take(self, c: CandidateIndex) -> Index:
        """Remove and return every row on ``c``'s pile."""
        chunks = self.piles[c]
        self.piles[c] = []
        if not chunks:
            return np.zeros(0, dtype=np.intp)
        return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)

    def advance(self, rows: Index, continuing: npt.NDArray[np.bool_]) -> tuple[Index, Index, Index]:
        """Move each row's pointer to its next continuing preference.

        Returns, as positions within ``rows``: the rows that moved, the candidates they moved
        to (aligned), and the rows with no further preference.  ``continuing`` has one spare
        False slot at the end, which PAD reads.
        """
        width = self.prefs.shape[1]
        flat = self.flat
        local = np.arange(rows.size, dtype=np.intp)
        # Each row's next cell in the flattened matrix: one index per row, not two.
        cell = rows * width + self.pos[rows] + 1
        moved: list[Index] = []
        moved_cell: list[Index] = []
        moved_to: list[npt.NDArray[np.signedinteger[Any]]] = []
        gone: list[Index] = []
        while local.size:
            c = flat[cell]
            ok = continuing[c]
            end = c < 0
            if ok.any():
                moved.append(local[ok])
                moved_cell.append(cell[ok])
                moved_to.append(c[ok])
            if end.any():
                gone.append(local[end])
            rest = ~(ok | end)
            local = local[rest]
            cell = cell[rest] + 1
        empty = np.zeros(0, dtype=np.intp)
        m = np.concatenate(moved) if moved else empty
        if m.size:
            mrows = rows[m]
            self.pos[mrows] = np.concatenate(moved_cell) - mrows * width
        to = np.concatenate(moved_to).astype(np.intp) if moved_to else empty
        return m, to, (np.concatenate(gone) if gone else empty)

    def pass_on(self, rows: Index, continuing: npt.NDArray[np.bool_]) -> Index:
        """Advance ``rows`` (taken from a pile) and file them; return their new holders.

        A row with no further preference gets ``ncand``: no candidate, one past the last.
        """
        moved, to, _ = self.advance(rows, continuing)
        self.file(rows[moved], to)
        key = np.full(rows.size, self.ncand, dtype=np.intp)
        key[moved] = to
        return key


class _Holders:
    """Each row's holder, for small elections: :class:`_Piles`' answers in fewer numpy calls.

    Every preference ahead of a row's holder is a candidate no longer continuing (it was
    passed over for that reason, and nobody continues again), and so is the holder whose rows
    a stage passes on; so a row's next continuing preference is the first continuing one
    anywhere in its order, found for all the stage's rows by one lookup of their whole orders.
    """

    def __init__(self, strict: StrictArrays, ncand: int) -> None:
        self.prefs = strict.prefs
        self.ncand = ncand
        self.ids = np.arange(ncand + 1, dtype=np.intp)
        self.first = strict.prefs[:, 0].astype(np.intp)
        self.holder = self.first.copy()

    def take(self, c: CandidateIndex) -> Index:
        """Return every row ``c`` holds (they leave ``c`` when passed on)."""
        rows: Index = (self.holder == c).nonzero()[0]
        return rows

    def pass_on(self, rows: Index, continuing: npt.NDArray[np.bool_]) -> Index:
        """Move ``rows`` to their next continuing preferences; return as :meth:`_Piles.pass_on`."""
        order = self.prefs[rows]
        # PAD reads the spare False slot, so a row with none left finds nothing.
        first = continuing[order].argmax(axis=1)
        # Each candidate, or ncand for one not continuing: with no continuing preference
        # argmax gives column 0, a candidate not continuing.
        dest = np.where(continuing, self.ids, self.ncand)
        key: Index = dest[order[np.arange(rows.size), first]]
        self.holder[rows] = key
        return key


#: Up to this many cells of preferences a count keeps holders and scans; above, piles.
SCAN_CELLS = 1 << 19


def _store(strict: StrictArrays, ncand: int) -> _Piles | _Holders:
    """Return the row store that suits the election's size."""
    if strict.prefs.size <= SCAN_CELLS:
        return _Holders(strict, ncand)
    return _Piles(strict, ncand)


def _mask(continuing: set[CandidateIndex], ncand: int) -> npt.NDArray[np.bool_]:
    """Return a boolean mask of continuing candidates with a spare False slot for PAD."""
    m = np.zeros(ncand + 1, dtype=bool)
    if continuing:
        m[list(continuing)] = True
    return m


class AvArrayPiles:
    """AV's papers as array rows (``methods.av.Piles``): a stage moves only the rows it must."""

    def __init__(self, election: Election) -> None:
        n = len(election.candidates)
        self.n = n
        arrays = arrays_of(election)
        self.papers = total(arrays.weights)
        self.strict = strict_arrays(arrays, n, election.withdrawn)
        self.weights = self.strict.weights
        self.bound = self.strict.valid
        self.piles = _store(self.strict, n)
        self.mask = _mask(set(range(n)) - election.withdrawn, n)

    def first(self) -> tuple[list[int], int]:
        """Return the first-preference totals and the valid papers."""
        return group_sum(self.piles.first, self.weights, self.n, self.bound), self.strict.valid

    # av.Piles's signature; the rows keep their own mask of who continues.
    def exclude(
        self,
        out: CandidateIndex,
        continuing: set[CandidateIndex],  # noqa: ARG002
    ) -> tuple[list[int], int]:
        """Move ``out``'s rows to their next continuing preferences."""
        self.mask[out] = False
        rows = self.piles.take(out)
        key = self.piles.pass_on(rows, self.mask)
        # The spare last sum holds the papers that went nowhere.
        transfers = group_sum(key, self.weights[rows], self.n + 1, self.bound)
        return transfers, transfers.pop()


@dataclass
class _Rows:
    """A batch of rows for :class:`GregoryArrays`: each taken candidate's rows, and all."""

    parts: list[tuple[CandidateIndex, Index]]
    rows: Index
    #: The paper values present, once asked for (the loop asks more than once).
    present: set[Any] | None = None


class GregoryArrays:
    """A Gregory count's papers as array rows (``gregory.PaperStore``), values scaled ints.

    Serves rules that keep the default hooks: a surplus or an exclusion moves a candidate's
    whole pile, so :meth:`pile` takes the rows at once.  Each row's paper value is an int64 of
    ``one`` or less; the caller checks with :func:`supports` that papers x one stays below
    2**63, so every sum here is exact.
    """

    def __init__(self, election: Election, one: int) -> None:
        n = len(election.candidates)
        self.ncand = n
        self.one = one
        strict = strict_arrays(arrays_of(election), n, election.withdrawn)
        self.weights = strict.weights
        self.valid = strict.valid
        self.piles = _store(strict, n)
        self.paper_values = np.full(strict.weights.shape[0], one, dtype=np.int64)
        # Sums of papers x value never exceed every paper at value one.
        self.bound = self.valid * one

    def first(self) -> tuple[list[Any], int]:
        """Place every row on its first preference; return the totals and the valid papers."""
        # SSI 2007/42 [45(2)(b)] "one vote for each ballot paper", as gregory.ParcelStore.first
        totals = group_sum(self.piles.first, self.weights * self.one, self.ncand, self.bound)
        return list(totals), self.valid

    def pile(self, c: CandidateIndex) -> _Rows:
        """Take ``c``'s rows (the whole pile moves: see the class note)."""
        return self.take([c])

    def remove(self, c: CandidateIndex, batch: _Rows) -> None:
        """Nothing to do: :meth:`pile` took the rows already."""

    def take(self, cs: Sequence[CandidateIndex]) -> _Rows:
        """Take every row the candidates ``cs`` hold."""
        parts = [(c, self.piles.take(c)) for c in cs]
        rows = parts[0][1] if len(parts) == 1 else np.concatenate([r for _, r in parts])
        return _Rows(parts, rows)

    def values(self, batch: _Rows) -> set[Any]:
        """Return the paper values present."""
        if batch.present is None:
            vals = self.paper_values[batch.rows]
            if vals.size == 0:
                batch.present = set()
            else:
                low, high = int(vals.min()), int(vals.max())
                # Often every paper carries one value (all first preferences, say): no unique.
                batch.present = {low} if low == high else set(np.unique(vals).tolist())
        return set(batch.present)

    def held(self, batch: _Rows) -> list[tuple[CandidateIndex, Any]]:
        """Return what each taken candidate held in the batch."""
        return [
            (c, exact_sum(self.weights[r] * self.paper_values[r], self.bound))
            for c, r in batch.parts
        ]

    def move(
        self,
        batch: _Rows,
        value_of: Mapping[Any, Any] | None,
        continuing: set[CandidateIndex],
        # PaperStore's signature: rows keep no stage, as no rule counted on rows reads one.
        stage: int,  # noqa: ARG002
    ) -> tuple[list[Any], Any, Any]:
        """Pass rows on to their next continuing preferences at new values (None: unchanged)."""
        rows = batch.rows
        if value_of is not None and rows.size:
            if len(value_of) == 1:
                (new,) = value_of.values()
                new_values = np.full(rows.size, new, dtype=np.int64)
            else:
                # Distinct values by hashing, then a search: return_inverse would sort every row.
                present = sorted(value_of)
                new_of = np.asarray([value_of[v] for v in present], dtype=np.int64)
                new_values = new_of[np.searchsorted(np.asarray(present), self.paper_values[rows])]
            # Rows that go nowhere keep no value that matters: no candidate holds them again.
            # [48(2)-(3)] each transferred paper now carries its transfer value (from the hook).
            self.paper_values[rows] = new_values
        papers = self.weights[rows] * self.paper_values[rows]
        key = self.piles.pass_on(rows, _mask(continuing, self.ncand))
        # The spare last sum holds the value that went nowhere: [48(1)(b), 50(2)(b)] "a parcel
        # of non-transferable papers"; the rest go to [48(2), 50(3)] "the continuing candidate
        # for whom the next available preference is given on those papers".
        transfers = group_sum(key, papers, self.ncand + 1, self.bound)
        nontransferable = transfers.pop()
        return transfers, nontransferable, sum(transfers)
