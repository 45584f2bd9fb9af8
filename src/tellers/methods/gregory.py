"""The Gregory family of STV counts: one loop, rules as hooks.

Scottish STV, the Weighted Inclusive Gregory Method (WIGM) and ERS97 all count the same way:
papers sit in parcels on candidates' piles; a candidate over the quota passes a surplus on at a
reduced value; when no surplus is left, the lowest candidate is excluded and their papers move
on at the value they carry.  They differ in the quota, in which papers carry a surplus and at
what value, in the arithmetic, in how ties are broken and in when the count may stop early.
:class:`GregoryCount` runs the loop; a rule subclasses it and overrides the hooks below.

Hooks (each documented where defined): ``quota``, ``has_quota``, ``surplus_parcels``,
``transfer_value``, ``surplus_values``, ``surplus_remainder``, ``choose_surplus``,
``choose_exclusion``, ``exclusion_batches``, ``stop_exclusion``, ``elect_reached``,
``deem_remaining`` and ``finish``.  Their defaults are Scottish STV's; a hook may add a sentence
to the note of the stage being closed through ``stage_notes``.

Where the papers lie is a :class:`PaperStore`: parcels in lists (:class:`ParcelStore`, what every
hook may read), or rows of numpy arrays (``_fast.GregoryArrays``) for a rule whose hooks read
no parcel and which counts in fixed point, chosen by :meth:`GregoryCount.make_store`.  The loop
is the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from operator import add
from typing import Any, ClassVar, Protocol, cast

from .._types import CandidateIndex, Preferences
from ..arithmetic import (
    Arithmetic,
    DecimalCache,
    FixedArithmetic,
    GuardedArithmetic,
    Rounding,
    Value,
)
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak
from . import _fast
from ._ties import Lot, break_by_history
from .base import resolve_seats, strict_preferences

__all__ = ["GregoryCount", "PaperStore", "Parcel", "ParcelStore"]


@dataclass(slots=True)
class Parcel:
    """Identical papers that travel together.

    ``prefs`` is the paper's reading as a strict order, ``pos`` the position of the candidate
    holding it, ``value`` the value of each paper, and ``stage`` the stage at which the current
    holder received it (ERS97 transfers a surplus from the last parcel received only).
    """

    prefs: Preferences
    weight: int
    value: Value
    pos: int = 0
    stage: int = 1


#: A store's handle on some papers: a list of parcels, or of array rows.
Batch = Any


class PaperStore(Protocol):
    """Where a Gregory count's papers lie: the loop asks it only these things."""

    def first(self) -> tuple[list[Value], int]:
        """Place every paper on its first preference; return the totals and the valid papers."""
        ...

    def pile(self, c: CandidateIndex) -> Batch:
        """Return the papers ``c`` holds (a surplus hook may pass on only some of them)."""
        ...

    def remove(self, c: CandidateIndex, batch: Batch) -> None:
        """Take ``batch``, got from :meth:`pile`, off ``c``'s pile."""
        ...

    def take(self, cs: Sequence[CandidateIndex]) -> Batch:
        """Take every paper the candidates ``cs`` hold off their piles."""
        ...

    def values(self, batch: Batch) -> set[Value]:
        """Return the paper values present in ``batch``."""
        ...

    def held(self, batch: Batch) -> Iterable[tuple[CandidateIndex, Value]]:
        """Return what each holder's total loses when ``batch`` leaves them."""
        ...

    def move(
        self,
        batch: Batch,
        value_of: Mapping[Value, Value] | None,
        continuing: set[CandidateIndex],
        stage: int,
    ) -> tuple[list[Value], Value, Value]:
        """Pass ``batch`` to the next continuing preferences at new values (None: unchanged).

        Returns the transfers to each candidate, the value that became non-transferable, and
        the total moved.
        """
        ...


class ParcelStore:
    """Papers as :class:`Parcel` lists on each candidate's pile."""

    def __init__(self, election: Election, one: Value, zero: Value) -> None:
        self.election = election
        self.one = one
        self.zero = zero
        self.ncand = len(election.candidates)
        self.piles: list[list[Parcel]] = [[] for _ in range(self.ncand)]

    def first(self) -> tuple[list[Value], int]:
        """Place every paper on its first preference; return the totals and the valid papers."""
        one = self.one
        totals: list[Value] = [self.zero] * self.ncand
        valid = 0
        for prefs, weight in strict_preferences(self.election):
            first = prefs[0]
            self.piles[first].append(Parcel(prefs, weight, one))
            totals[first] += weight * one
            valid += weight
        return totals, valid

    def pile(self, c: CandidateIndex) -> list[Parcel]:
        """Return ``c``'s parcels (still on the pile)."""
        return self.piles[c]

    def remove(self, c: CandidateIndex, batch: list[Parcel]) -> None:
        """Take ``batch`` off ``c``'s pile, the rest keeping their order."""
        moving = set(map(id, batch))
        self.piles[c] = [p for p in self.piles[c] if id(p) not in moving]

    def take(self, cs: Sequence[CandidateIndex]) -> list[Parcel]:
        """Take every parcel of ``cs`` off their piles."""
        parcels = [p for c in cs for p in self.piles[c]]
        for c in cs:
            self.piles[c] = []
        return parcels

    def values(self, batch: list[Parcel]) -> set[Value]:
        """Return the paper values present."""
        return {p.value for p in batch}

    def held(self, batch: list[Parcel]) -> Iterable[tuple[CandidateIndex, Value]]:
        """Return each parcel's holder and what it carries."""
        return ((p.prefs[p.pos], p.weight * p.value) for p in batch)

    @staticmethod
    def next_position(parcel: Parcel, continuing: set[CandidateIndex]) -> int | None:
        """Return the position of the parcel's next preference for a continuing candidate."""
        prefs = parcel.prefs
        for i in range(parcel.pos + 1, len(prefs)):
            if prefs[i] in continuing:
                return i
        return None

    def move(
        self,
        batch: list[Parcel],
        value_of: Mapping[Value, Value] | None,
        continuing: set[CandidateIndex],
        stage: int,
    ) -> tuple[list[Value], Value, Value]:
        """Pass parcels to their next preferences; papers of one value are valued once."""
        transfers: list[Value] = [self.zero] * self.ncand
        nontransferable: Value = self.zero
        for p in batch:
            value = p.value if value_of is None else value_of[p.value]
            nxt = self.next_position(p, continuing)
            if nxt is None:
                nontransferable += p.weight * value
                continue
            p.pos = nxt
            p.value = value
            p.stage = stage
            to = p.prefs[nxt]
            self.piles[to].append(p)
            transfers[to] += p.weight * value
        return transfers, nontransferable, sum(transfers, self.zero)


class GregoryCount:
    """One count under a Gregory-family rule; subclasses set the rule by overriding hooks."""

    #: The registered method name, written into the result.
    method: ClassVar[str] = "gregory"
    #: Reasons recorded with decisions; rules cite their clauses here.
    quota_reason: ClassVar[str] = "reached the quota"
    exclusion_reason: ClassVar[str] = "fewest votes"
    deemed_reason: ClassVar[str] = "deemed elected: as many continuing candidates as vacancies"
    #: Whether the rule's hooks read parcels' fields or move part of a pile (a surplus from the
    #: last parcel, an exclusion in batches): then the papers are always parcels.
    reads_parcels: ClassVar[bool] = False

    def __init__(
        self,
        election: Election,
        *,
        seats: int | None,
        seed: int,
        arithmetic: Arithmetic,
        arrays: bool | None = None,
    ) -> None:
        """Set up a count; ``arrays`` chooses the paper store (None: arrays where they apply)."""
        self.election = election
        self.arrays = arrays
        self.seats = resolve_seats(election, seats)
        self.arith = arithmetic
        self.lot = Lot(seed)
        self.seed = seed
        n = len(election.candidates)
        self.ncand = n
        self.continuing: set[CandidateIndex] = set(range(n)) - election.withdrawn
        if not self.continuing:
            raise ConfigurationError("no candidates to count: all are withdrawn")
        self.elected: list[CandidateIndex] = []
        self.pending: list[CandidateIndex] = []
        self.excluded: list[CandidateIndex] = []
        zero = arithmetic.of(0)
        self.zero = zero
        self.totals: list[Value] = [zero] * n
        self.papers: PaperStore = self.make_store()
        # Scaled integers repeat from stage to stage: each Decimal is made once.
        self.dec: Callable[[Value], Decimal] = arithmetic.decimal
        if isinstance(arithmetic, FixedArithmetic | GuardedArithmetic):
            # Their values are ints, which is all a cache is asked for.
            self.dec = cast(Callable[[Value], Decimal], DecimalCache(arithmetic.places).__getitem__)
        self.history: list[list[Value]] = []
        self.exhausted: Value = zero
        self.loss: Value = zero
        self.rounds: list[Round] = []
        self.valid = 0
        self.quota_value: Value = zero
        #: Sentences a hook adds to the note of the stage being closed; ``record`` empties it.
        self.stage_notes: list[str] = []

    # -- hooks ------------------------------------------------------------------------------

    def make_store(self) -> PaperStore:
        """Return where the papers will lie: array rows where they apply, else parcels.

        Array rows hold paper values as int64: they serve fixed-point arithmetic whose papers
        times its unit stay below 2**63, for rules whose hooks read no parcel.
        """
        a = self.arith
        fits = (
            not self.reads_parcels
            and isinstance(a, FixedArithmetic)
            and _fast.supports(self.election, 10**a.places)
        )
        if self.arrays and not fits:
            raise ConfigurationError(f"{self.method} cannot keep its papers as array rows here")
        if fits and self.arrays is not False:
            return _fast.GregoryArrays(self.election, 10**a.places)
        return ParcelStore(self.election, a.of(1), a.of(0))

    @property
    def piles(self) -> list[list[Parcel]]:
        """Each candidate's parcels, for hooks that read them (a :class:`ParcelStore` only)."""
        assert isinstance(self.papers, ParcelStore), "this rule's hooks read parcels"
        return self.papers.piles

    def quota(self, valid: int) -> Value:
        """Return the quota for ``valid`` papers (Droop: floor(valid / (seats + 1)) + 1)."""
        return self.arith.of(valid // (self.seats + 1) + 1)

    def has_quota(self, total: Value) -> bool:
        """Return whether a total reaches the quota (at or over it)."""
        return self.arith.compare(total, self.quota_value) >= 0

    def surplus_parcels(self, c: CandidateIndex) -> Batch:
        """Return the papers that carry ``c``'s surplus: all of them (inclusive Gregory)."""
        return self.papers.pile(c)

    def transfer_value(self, surplus: Value, value: Value, total: Value) -> Value:
        """Return a paper's new value: surplus x value / total, truncated once."""
        return self.arith.muldiv(surplus, value, total, rounding=Rounding.DOWN)

    def surplus_values(
        self, c: CandidateIndex, surplus: Value, total: Value, parcels: Batch
    ) -> dict[Value, Value]:
        """Map each present paper value among ``parcels`` to the value it carries on.

        By default every value is passed through ``transfer_value``; a rule whose transfer value
        depends on the papers themselves (ERS97 divides by the number of transferable papers)
        overrides this.
        """
        return {v: self.transfer_value(surplus, v, total) for v in self.papers.values(parcels)}

    def surplus_remainder(
        self, surplus: Value, moved: Value, nontransferable: Value
    ) -> tuple[Value, Value]:
        """Split what a surplus did not pass on into (non-transferable votes, rounding loss).

        ``moved`` went to continuing candidates and ``nontransferable`` is what the papers
        without a next preference carried at their new values; by default the rest is loss.
        """
        return nontransferable, surplus - moved - nontransferable

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return the pending candidate whose surplus moves next (largest first), or None."""
        if not self.pending:
            return None
        top = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if self.arith.compare(self.totals[c], top) == 0]
        return self.break_tie(tied, lowest=False, purpose="order of surpluses")

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return the candidates to exclude now (the lowest one) and any tie-break."""
        low = min(self.totals[c] for c in self.continuing)
        tied = [c for c in self.continuing if self.arith.compare(self.totals[c], low) == 0]
        c, tie = self.break_tie(tied, lowest=True, purpose="exclusion")
        return [c], tie

    def exclusion_batches(self, parcels: Batch) -> list[Batch]:
        """Split an excluded candidate's papers into the transfers made: here, one."""
        return [parcels]

    def stop_exclusion(self) -> bool:
        """Return whether an exclusion's remaining batches stay untransferred (default: never)."""
        return False

    def deem_remaining(self) -> bool:
        """Return whether the continuing candidates can now simply fill the vacancies."""
        return len(self.continuing) <= self.seats - len(self.elected)

    def break_tie(
        self, tied: Sequence[CandidateIndex], *, lowest: bool, purpose: str
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Break a tie by the most recent stage at which the tied differed, then by lot."""
        return break_by_history(tied, self.history, lowest=lowest, purpose=purpose, lot=self.lot)

    def finish(self) -> None:
        """Fill any seats left with the continuing candidates (or none, if seats are full)."""
        if len(self.elected) < self.seats and self.continuing:
            self.deem_elected(self.deemed_reason)

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> Result:
        """Count the election and return its result."""
        self.totals, self.valid = self.papers.first()
        self.quota_value = self.quota(self.valid)
        self.record([self.zero] * self.ncand, "First preferences", [], Action.FIRST, ())

        while len(self.elected) < self.seats:
            if self.deem_remaining():
                break
            chosen = self.choose_surplus()
            if chosen is not None:
                self.transfer_surplus(*chosen)
                continue
            cs, tie = self.choose_exclusion()
            self.exclude(cs, tie)
        self.finish()
        return self.result()

    def elect_reached(self, action: Action) -> list[Decision]:
        """Elect every continuing candidate who reached the quota, highest first.

        ``action`` is what the stage being closed did; the default rule does not need it.
        """
        reached = [c for c in self.continuing if self.has_quota(self.totals[c])]
        decisions: list[Decision] = []
        while reached:
            top = max(self.totals[c] for c in reached)
            tied = [c for c in reached if self.arith.compare(self.totals[c], top) == 0]
            # The order among candidates elected at one stage decides nothing (surpluses are
            # ordered by their own rule), so no lot is drawn for it: file order settles it.
            c, tie = break_by_history(
                tied, self.history, lowest=False, purpose="order of election", lot=None
            )
            reached.remove(c)
            self.continuing.discard(c)
            self.elected.append(c)
            if self.arith.compare(self.totals[c], self.quota_value) > 0:
                self.pending.append(c)
            decisions.append(Decision(c, Outcome.ELECTED, self.quota_reason, tie))
        return decisions

    def deem_elected(self, reason: str) -> None:
        """Elect all continuing candidates, highest first, in the last stage's decisions."""
        order = sorted(self.continuing, key=lambda c: (-self.totals[c], c))
        deemed = tuple(Decision(c, Outcome.ELECTED, reason) for c in order)
        self.elected.extend(order)
        self.continuing.clear()
        last = self.rounds[-1]
        self.rounds[-1] = replace(last, decisions=last.decisions + deemed)

    def next_position(self, parcel: Parcel) -> int | None:
        """Return the position of the parcel's next preference for a continuing candidate."""
        return ParcelStore.next_position(parcel, self.continuing)

    def move(
        self, batch: Batch, value_of: Mapping[Value, Value] | None
    ) -> tuple[list[Value], Value, Value]:
        """Pass papers to their next preferences at their new values (None: as they are).

        Returns the transfers to each candidate, the value that became non-transferable, and
        the total moved.  ``value_of`` maps each current paper value to the value it carries
        on, so papers of equal value are valued once.
        """
        stage = len(self.rounds) + 1
        transfers, nontransferable, moved = self.papers.move(
            batch, value_of, self.continuing, stage
        )
        self.totals = list(map(add, self.totals, transfers))
        return transfers, nontransferable, moved

    def transfer_surplus(self, c: CandidateIndex, tie: TieBreak | None) -> None:
        """Pass on ``c``'s surplus as one stage."""
        self.pending.remove(c)
        total = self.totals[c]
        surplus = total - self.quota_value
        parcels = self.surplus_parcels(c)
        self.papers.remove(c, parcels)
        values = self.papers.values(parcels)
        value_of = self.surplus_values(c, surplus, total, parcels)
        transfers, nontr, moved = self.move(parcels, value_of)
        self.totals[c] = self.quota_value
        transfers[c] = -surplus
        nontr, loss = self.surplus_remainder(surplus, moved, nontr)
        self.exhausted += nontr
        self.loss += loss
        name = self.election.candidates[c].name
        shown = ", ".join(str(self.dec(value_of[v])) for v in sorted(values, reverse=True))
        note = f"Surplus of {name} ({self.dec(surplus)}); transfer value {shown}"
        if tie is not None:
            note += f"; equal surpluses, decided by {tie.method}"
        self.record(transfers, note, [], Action.SURPLUS, (c,), nontr, loss, tie)

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Exclude ``cs`` and pass on their papers, one stage per batch of parcels."""
        for c in cs:
            self.continuing.discard(c)
            self.excluded.append(c)
        names = ", ".join(self.election.candidates[c].name for c in cs)
        decisions = [
            Decision(
                c,
                Outcome.EXCLUDED,
                self.exclusion_reason
                if tie is None
                else f"{self.exclusion_reason}; tie decided by {tie.method}",
                tie,
            )
            for c in cs
        ]
        batches = self.exclusion_batches(self.papers.take(cs))
        for i, batch in enumerate(batches):
            before = {c: self.totals[c] for c in cs}
            for holder, carried in self.papers.held(batch):
                self.totals[holder] -= carried
            transfers, nontr, _ = self.move(batch, None)
            for c in cs:
                transfers[c] = self.totals[c] - before[c]
            if i == len(batches) - 1:
                # Rounding can leave dust on an emptied pile; the candidate's votes are gone.
                for c in cs:
                    transfers[c] -= self.totals[c]
                    self.loss += self.totals[c]
                    self.totals[c] = self.zero
            self.exhausted += nontr
            self.record(
                transfers,
                f"Exclusion of {names}"
                + (
                    f" ({i + 1} of {len(batches)}{self.batch_value(batch)})"
                    if len(batches) > 1
                    else ""
                ),
                decisions if i == 0 else [],
                Action.EXCLUSION,
                tuple(cs),
                nontr,
            )
            if self.stop_exclusion():
                break

    def record(
        self,
        transfers: list[Value],
        note: str,
        decisions: list[Decision],
        action: Action,
        subjects: tuple[CandidateIndex, ...],
        nontransferable: Value | None = None,
        loss: Value | None = None,
        tie: TieBreak | None = None,
    ) -> None:
        """Close a stage: note the totals, elect who reached the quota, and store the round."""
        dec = self.dec
        self.history.append(list(self.totals))
        decisions = decisions + self.elect_reached(action)
        if self.stage_notes:
            note = "; ".join([note, *self.stage_notes])
            self.stage_notes.clear()
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=tuple(map(dec, self.totals)),
                transfers=tuple(map(dec, transfers)),
                exhausted=dec(self.exhausted),
                decisions=tuple(decisions),
                note=note,
                loss=dec(self.loss),
                exhausted_transfer=dec(nontransferable or self.zero),
                loss_transfer=dec(loss or self.zero),
                action=action,
                subjects=subjects,
                ties=() if tie is None else (tie,),
            )
        )

    def batch_value(self, batch: Batch) -> str:
        """Return ", papers at V" when every paper of an exclusion batch has the one value V."""
        values = self.papers.values(batch)
        return f", papers at {self.dec(values.pop())}" if len(values) == 1 else ""

    def result(self) -> Result:
        """Return the finished count."""
        return Result(
            method=self.method,
            seats=self.seats,
            candidates=self.election.names,
            valid=Decimal(self.valid),
            quota=self.dec(self.quota_value),
            rounds=tuple(self.rounds),
            title=self.election.title,
            seed=self.seed,
            places=self.arith.places,
        )
