"""Array counts: AV and Scottish STV with numpy, giving results identical to the reference loops.

The reference counts (``av.py`` and the Gregory loop in ``_gregory.py``) walk every parcel in
Python.  Here the ballots are rows of a matrix of strict preferences (see
:func:`tellers._arrays.strict_arrays`), a pointer per row says which preference holds it, and
each candidate's pile is a list of row-index arrays.  A stage touches only the rows on the pile
that moves: their pointers advance, vectorised, past candidates no longer continuing, and the
rows are appended to their new holders' piles.  Small elections (a few thousand rows) keep only
each row's holder instead: every numpy call costs microseconds whatever its size, so scanning
all rows for a stage's pile and reading each moved row's whole order at once (:class:`_Holders`)
takes far fewer calls than the piles' bookkeeping.  Everything a stage records (totals, transfers,
notes, decisions, ties) is built exactly as the reference builds it, from Python integers, so
the :class:`~tellers.model.Result` is equal field by field; ``tests/methods/test_fast.py``
checks that on random elections.

Exactness: per-row products (papers x value) are int64; sums by candidate go through
:func:`tellers._arrays.group_sum`, int64 accumulators exact below 2**63.  :func:`supports`
refuses elections whose papers, times the arithmetic's unit, could reach that bound, and the
callers then use the reference loop.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from operator import add
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
from ..arithmetic import DecimalCache
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak
from ._ties import Lot, break_by_history
from .base import resolve_seats

__all__ = ["AvArrayPiles", "count_scottish", "supports"]

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

    def exclude(
        self, out: CandidateIndex, continuing: set[CandidateIndex]
    ) -> tuple[list[int], int]:
        """Move ``out``'s rows to their next continuing preferences."""
        self.mask[out] = False
        rows = self.piles.take(out)
        key = self.piles.pass_on(rows, self.mask)
        # The spare last sum holds the papers that went nowhere.
        transfers = group_sum(key, self.weights[rows], self.n + 1, self.bound)
        return transfers, transfers.pop()


class _ScottishArrays:
    """Scottish STV (SSI 2007/42 rules 45-52) on arrays; mirrors ``ScottishCount`` exactly."""

    method = "scottish-stv"
    quota_reason = "reached the quota [47]"
    exclusion_reason = "fewest votes [50]"
    deemed_reason = "deemed elected: as many continuing as vacancies [52]"

    def __init__(self, election: Election, *, seats: int | None, seed: int, places: int) -> None:
        self.election = election
        self.seats = resolve_seats(election, seats)
        self.places = places
        self.one = 10**places
        self.lot = Lot(seed)
        self.seed = seed
        n = len(election.candidates)
        self.ncand = n
        self.continuing: set[CandidateIndex] = set(range(n)) - election.withdrawn
        if not self.continuing:
            raise ConfigurationError("no candidates to count: all are withdrawn")
        self.elected: list[CandidateIndex] = []
        self.pending: list[CandidateIndex] = []
        self.totals: list[int] = [0] * n
        self.history: list[list[int]] = []
        self.exhausted = 0
        self.loss = 0
        self.rounds: list[Round] = []
        self.valid = 0
        self.quota_value = 0
        #: A scaled value as the fixed arithmetic shows it.
        self.dec = DecimalCache(places).__getitem__

    def run(self) -> Result:
        """Count the election and return its result."""
        n = self.ncand
        strict = strict_arrays(arrays_of(self.election), n, self.election.withdrawn)
        self.weights = strict.weights
        self.piles = _store(strict, n)
        self.mask = _mask(self.continuing, n)
        self.values = np.full(strict.weights.shape[0], self.one, dtype=np.int64)
        self.valid = strict.valid
        # Sums of papers x value never exceed every paper at value one.
        self.bound = self.valid * self.one
        self.totals = group_sum(self.piles.first, self.weights * self.one, n, self.bound)
        self.quota_value = (self.valid // (self.seats + 1) + 1) * self.one
        self.record([0] * n, "First preferences", [], Action.FIRST, ())

        while len(self.elected) < self.seats:
            if len(self.continuing) <= self.seats - len(self.elected):
                break
            chosen = self.choose_surplus()
            if chosen is not None:
                self.transfer_surplus(*chosen)
                continue
            low = min(self.totals[c] for c in self.continuing)
            tied = [c for c in self.continuing if self.totals[c] == low]
            c, tie = break_by_history(
                tied, self.history, lowest=True, purpose="exclusion", lot=self.lot
            )
            self.exclude(c, tie)
        if len(self.elected) < self.seats and self.continuing:
            self.deem_elected()
        return Result(
            method=self.method,
            seats=self.seats,
            candidates=self.election.names,
            valid=Decimal(self.valid),
            quota=self.dec(self.quota_value),
            rounds=tuple(self.rounds),
            title=self.election.title,
            seed=self.seed,
            places=self.places,
        )

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return the pending candidate whose surplus moves next (largest first), or None."""
        if not self.pending:
            return None
        top = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if self.totals[c] == top]
        return break_by_history(
            tied, self.history, lowest=False, purpose="order of surpluses", lot=self.lot
        )

    def elect_reached(self) -> list[Decision]:
        """Elect every continuing candidate at or over the quota, highest first."""
        reached = [c for c in self.continuing if self.totals[c] >= self.quota_value]
        decisions: list[Decision] = []
        while reached:
            top = max(self.totals[c] for c in reached)
            tied = [c for c in reached if self.totals[c] == top]
            c, tie = break_by_history(
                tied, self.history, lowest=False, purpose="order of election", lot=None
            )
            reached.remove(c)
            self.continuing.discard(c)
            self.mask[c] = False
            self.elected.append(c)
            if self.totals[c] > self.quota_value:
                self.pending.append(c)
            decisions.append(Decision(c, Outcome.ELECTED, self.quota_reason, tie))
        return decisions

    def deem_elected(self) -> None:
        """Elect all continuing candidates, highest first, in the last stage's decisions."""
        order = sorted(self.continuing, key=lambda c: (-self.totals[c], c))
        deemed = tuple(Decision(c, Outcome.ELECTED, self.deemed_reason) for c in order)
        self.elected.extend(order)
        self.continuing.clear()
        self.mask[:] = False
        last = self.rounds[-1]
        self.rounds[-1] = replace(last, decisions=last.decisions + deemed)

    def move(self, rows: Index, papers: npt.NDArray[np.int64]) -> tuple[list[int], int]:
        """Pass rows on to their next continuing preferences, each worth ``papers``.

        Returns the transfers to each candidate and the value that became non-transferable.
        """
        key = self.piles.pass_on(rows, self.mask)
        # The spare last sum holds the value that went nowhere.
        transfers = group_sum(key, papers, self.ncand + 1, self.bound)
        nontr = transfers.pop()
        self.totals = list(map(add, self.totals, transfers))
        return transfers, nontr

    def transfer_surplus(self, c: CandidateIndex, tie: TieBreak | None) -> None:
        """Pass on ``c``'s surplus as one stage [48]."""
        self.pending.remove(c)
        total = self.totals[c]
        surplus = total - self.quota_value
        rows = self.piles.take(c)
        vals = self.values[rows]
        # [48(3)] surplus x value / total, truncated: once per distinct value, in Python ints.
        low = int(vals.min()) if rows.size else None
        if low is not None and low == int(vals.max()):
            # Often every paper carries the same value (all first preferences, say).
            new_of = [surplus * low // total]
            new_values = np.full(rows.size, new_of[0], dtype=np.int64)
        else:
            # Distinct values by hashing, then a search: return_inverse would sort every row.
            present = np.unique(vals)
            new_of = [surplus * v // total for v in present.tolist()]
            new_values = np.asarray(new_of, dtype=np.int64)[np.searchsorted(present, vals)]
        # Rows that go nowhere keep no value that matters: no candidate holds them again.
        self.values[rows] = new_values
        transfers, nontr = self.move(rows, self.weights[rows] * new_values)
        moved = sum(transfers)
        self.totals[c] = self.quota_value
        transfers[c] = -surplus
        loss = surplus - moved - nontr
        self.exhausted += nontr
        self.loss += loss
        name = self.election.candidates[c].name
        shown = ", ".join(str(self.dec(v)) for v in reversed(new_of))
        note = f"Surplus of {name} ({self.dec(surplus)}); transfer value {shown}"
        if tie is not None:
            note += f"; equal surpluses, decided by {tie.method}"
        self.record(transfers, note, [], Action.SURPLUS, (c,), nontr, loss, tie)

    def exclude(self, c: CandidateIndex, tie: TieBreak | None) -> None:
        """Exclude ``c`` and pass on all their papers at the values received [50]."""
        self.continuing.discard(c)
        self.mask[c] = False
        reason = (
            self.exclusion_reason
            if tie is None
            else f"{self.exclusion_reason}; tie decided by {tie.method}"
        )
        decisions = [Decision(c, Outcome.EXCLUDED, reason, tie)]
        rows = self.piles.take(c)
        before = self.totals[c]
        papers = self.weights[rows] * self.values[rows]
        self.totals[c] -= exact_sum(papers, self.bound)
        transfers, nontr = self.move(rows, papers)
        transfers[c] = self.totals[c] - before
        # Rounding can leave dust on an emptied pile; the candidate's votes are gone.
        transfers[c] -= self.totals[c]
        self.loss += self.totals[c]
        self.totals[c] = 0
        self.exhausted += nontr
        name = self.election.candidates[c].name
        self.record(transfers, f"Exclusion of {name}", decisions, Action.EXCLUSION, (c,), nontr)

    def record(
        self,
        transfers: list[int],
        note: str,
        decisions: list[Decision],
        action: Action,
        subjects: tuple[CandidateIndex, ...],
        nontransferable: int | None = None,
        loss: int | None = None,
        tie: TieBreak | None = None,
    ) -> None:
        """Close a stage: note the totals, elect who reached the quota, and store the round."""
        self.history.append(list(self.totals))
        decisions = decisions + self.elect_reached()
        dec = self.dec
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=tuple(map(dec, self.totals)),
                transfers=tuple(map(dec, transfers)),
                exhausted=dec(self.exhausted),
                decisions=tuple(decisions),
                note=note,
                loss=dec(self.loss),
                exhausted_transfer=dec(nontransferable or 0),
                loss_transfer=dec(loss or 0),
                action=action,
                subjects=subjects,
                ties=() if tie is None else (tie,),
            )
        )


def count_scottish(
    election: Election, *, seats: int | None = None, seed: int = 0, places: int = 5
) -> Result:
    """Count ``election`` by Scottish STV, as ``ScottishCount`` does, on arrays."""
    return _ScottishArrays(election, seats=seats, seed=seed, places=places).run()
