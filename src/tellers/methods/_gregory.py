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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar

from .._types import CandidateIndex, Preferences
from ..arithmetic import Arithmetic, Rounding, Value
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak
from ._ties import Lot, break_by_history
from .base import resolve_seats, strict_preferences

__all__ = ["GregoryCount", "Parcel"]


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


class GregoryCount:
    """One count under a Gregory-family rule; subclasses set the rule by overriding hooks."""

    #: The registered method name, written into the result.
    method: ClassVar[str] = "gregory"
    #: Reasons recorded with decisions; rules cite their clauses here.
    quota_reason: ClassVar[str] = "reached the quota"
    exclusion_reason: ClassVar[str] = "fewest votes"
    deemed_reason: ClassVar[str] = "deemed elected: as many continuing candidates as vacancies"

    def __init__(
        self, election: Election, *, seats: int | None, seed: int, arithmetic: Arithmetic
    ) -> None:
        self.election = election
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
        self.piles: list[list[Parcel]] = [[] for _ in range(n)]
        self.history: list[list[Value]] = []
        self.exhausted: Value = zero
        self.loss: Value = zero
        self.rounds: list[Round] = []
        self.valid = 0
        self.quota_value: Value = zero
        #: Sentences a hook adds to the note of the stage being closed; ``record`` empties it.
        self.stage_notes: list[str] = []

    # -- hooks ------------------------------------------------------------------------------

    def quota(self, valid: int) -> Value:
        """Return the quota for ``valid`` papers (Droop: floor(valid / (seats + 1)) + 1)."""
        return self.arith.of(valid // (self.seats + 1) + 1)

    def has_quota(self, total: Value) -> bool:
        """Return whether a total reaches the quota (at or over it)."""
        return self.arith.compare(total, self.quota_value) >= 0

    def surplus_parcels(self, c: CandidateIndex) -> list[Parcel]:
        """Return the parcels that carry ``c``'s surplus: all of them (inclusive Gregory)."""
        return self.piles[c]

    def transfer_value(self, surplus: Value, value: Value, total: Value) -> Value:
        """Return a paper's new value: surplus x value / total, truncated once."""
        return self.arith.muldiv(surplus, value, total, rounding=Rounding.DOWN)

    def surplus_values(
        self, c: CandidateIndex, surplus: Value, total: Value, parcels: Sequence[Parcel]
    ) -> dict[Value, Value]:
        """Map each present paper value among ``parcels`` to the value it carries on.

        By default every value is passed through ``transfer_value``; a rule whose transfer value
        depends on the papers themselves (ERS97 divides by the number of transferable papers)
        overrides this.
        """
        return {v: self.transfer_value(surplus, v, total) for v in {p.value for p in parcels}}

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

    def exclusion_batches(self, parcels: list[Parcel]) -> list[list[Parcel]]:
        """Split an excluded candidate's parcels into the transfers made: here, one."""
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
        a = self.arith
        one = a.of(1)
        for prefs, weight in strict_preferences(self.election):
            first = prefs[0]
            self.piles[first].append(Parcel(prefs, weight, one))
            self.totals[first] += weight * one
            self.valid += weight
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
        prefs = parcel.prefs
        for i in range(parcel.pos + 1, len(prefs)):
            if prefs[i] in self.continuing:
                return i
        return None

    def move(
        self, parcels: Sequence[Parcel], value_of: dict[Value, Value]
    ) -> tuple[list[Value], Value, Value]:
        """Pass parcels to their next preferences at their new values.

        Returns the transfers to each candidate, the value that became non-transferable, and
        the total moved.  ``value_of`` maps each current paper value to the value it carries
        on, so papers of equal value are valued once.
        """
        stage = len(self.rounds) + 1
        transfers: list[Value] = [self.zero] * self.ncand
        nontransferable: Value = self.zero
        for p in parcels:
            value = value_of[p.value]
            nxt = self.next_position(p)
            if nxt is None:
                nontransferable += p.weight * value
                continue
            p.pos = nxt
            p.value = value
            p.stage = stage
            to = p.prefs[nxt]
            self.piles[to].append(p)
            transfers[to] += p.weight * value
        moved: Value = sum(transfers, self.zero)
        for c, t in enumerate(transfers):
            self.totals[c] += t
        return transfers, nontransferable, moved

    def transfer_surplus(self, c: CandidateIndex, tie: TieBreak | None) -> None:
        """Pass on ``c``'s surplus as one stage."""
        self.pending.remove(c)
        total = self.totals[c]
        surplus = total - self.quota_value
        parcels = self.surplus_parcels(c)
        moving = set(map(id, parcels))
        self.piles[c] = [p for p in self.piles[c] if id(p) not in moving]
        values = {p.value for p in parcels}
        value_of = self.surplus_values(c, surplus, total, parcels)
        transfers, nontr, moved = self.move(parcels, value_of)
        self.totals[c] = self.quota_value
        transfers[c] = -surplus
        nontr, loss = self.surplus_remainder(surplus, moved, nontr)
        self.exhausted += nontr
        self.loss += loss
        name = self.election.candidates[c].name
        a = self.arith
        shown = ", ".join(str(a.decimal(value_of[v])) for v in sorted(values, reverse=True))
        note = f"Surplus of {name} ({a.decimal(surplus)}); transfer value {shown}"
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
        parcels = [p for c in cs for p in self.piles[c]]
        for c in cs:
            self.piles[c] = []
        batches = self.exclusion_batches(parcels)
        for i, batch in enumerate(batches):
            before = {c: self.totals[c] for c in cs}
            for p in batch:
                self.totals[p.prefs[p.pos]] -= p.weight * p.value
            transfers, nontr, _ = self.move(batch, {p.value: p.value for p in batch})
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
                    f" ({i + 1} of {len(batches)}{_batch_value(batch, self.arith)})"
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
        a = self.arith
        self.history.append(list(self.totals))
        decisions = decisions + self.elect_reached(action)
        if self.stage_notes:
            note = "; ".join([note, *self.stage_notes])
            self.stage_notes.clear()
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=tuple(a.decimal(v) for v in self.totals),
                transfers=tuple(a.decimal(v) for v in transfers),
                exhausted=a.decimal(self.exhausted),
                decisions=tuple(decisions),
                note=note,
                loss=a.decimal(self.loss),
                exhausted_transfer=a.decimal(nontransferable or self.zero),
                loss_transfer=a.decimal(loss or self.zero),
                action=action,
                subjects=subjects,
                ties=() if tie is None else (tie,),
            )
        )

    def result(self) -> Result:
        """Return the finished count."""
        return Result(
            method=self.method,
            seats=self.seats,
            candidates=self.election.names,
            valid=Decimal(self.valid),
            quota=self.arith.decimal(self.quota_value),
            rounds=tuple(self.rounds),
            title=self.election.title,
            seed=self.seed,
            places=self.arith.places,
        )


def _batch_value(batch: Sequence[Parcel], arith: Arithmetic) -> str:
    """Return ", papers at V" when every paper of an exclusion batch has the one value V."""
    values = {p.value for p in batch}
    return f", papers at {arith.decimal(values.pop())}" if len(values) == 1 else ""
