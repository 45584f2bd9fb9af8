"""CfER STV: the WIGM rule of Californians for Electoral Reform's model ranked-voting statute.

Source: CfER's draft Chapter 2 of Part 1 of Division 10 of the California Elections Code
("Ranked voting", v4c for technical review), section 10059 ("choice voting", elections for two
or more offices), as quoted in Droop (J. Lundell, droop/rules/cfer.py).  Each clause of 10059 is
quoted below at the lines that implement it.  Subdivision (f) makes the batch defeat of
subdivision (k) optional: ``defeat_batch=safe`` takes it (Droop's ``cfer-batch``), ``none``
(the default) does not (Droop's ``cfer``).

Where the draft leaves a reading open this count reads it as Droop does, so that the two
programs can be checked against each other (docs/verification/droop.md):

- The threshold is the ballots divided by one more than the offices, truncated to five places,
  plus 0.00001 (the smallest value the five-place arithmetic holds): Droop's reading of "adding
  one vote, and then disregarding any fraction" [10059(a)(2)], which for 6 ballots and 2 offices
  gives 2.00001, where a whole vote added would give 3.
- "Chosen by lot" [10057(b), 10059(h)(2)] is in person under 15651(a); the count takes the
  election's predetermined tie-breaking order or one drawn from the seed (the option ``ties``).
- The surpluses of all the elected candidates are transferred in one round [10059(g)], in the
  order the candidates are listed; as papers go only to continuing candidates the order changes
  no figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._types import CandidateIndex
from ..arithmetic import Arithmetic, FixedArithmetic, Rounding, Value
from ..model import Action, Election, Result, TieBreak
from .options import DEFEAT_BATCH, TIES, DecimalOptions, option
from .wigm import WigmCount

__all__ = ["CferCount", "CferOptions", "count"]

PLACES = 5  # 10059(g)(2): "truncated to five decimal places"


class CferCount(WigmCount):
    """A count under CfER's 10059 (choice voting)."""

    method: ClassVar[str] = "cfer"
    quota_reason: ClassVar[str] = "elected: votes at or over the threshold [10059(d)]"
    exclusion_reason: ClassVar[str] = "fewest votes: defeated [10059(h)]"
    batch_reason: ClassVar[str] = "in the largest defeat set: defeated [10059(f), (k)]"
    deemed_reason: ClassVar[str] = (
        "elected: continuing and elected candidates as many as offices [10059(c), (i)(1)]"
    )

    def __init__(
        self,
        election: Election,
        *,
        seats: int | None,
        seed: int,
        arithmetic: Arithmetic,
        defeat_batch: bool = False,
    ) -> None:
        """Set up a count; ``defeat_batch`` takes the optional defeats of 10059(f) and (k)."""
        super().__init__(election, seats=seats, seed=seed, arithmetic=arithmetic)
        self.defeat_batch = defeat_batch
        #: The defeat set found when the count looked for surpluses, defeated next [(f)].
        self.defeat_set: list[CandidateIndex] = []

    def quota(self, valid: int) -> Value:
        """Return the threshold [10059(a)(2)], read as Droop reads it (see the module)."""
        # 10059(a)(2): "the total number of ballots cast for that office, excluding undervotes
        # ..., divided by the sum of one plus the number of offices to be filled, plus one,
        # disregarding any fraction, equals the threshold."
        a = self.arith
        return a.div(a.of(valid), a.of(self.seats + 1), rounding=Rounding.DOWN) + a.epsilon

    def has_quota(self, total: Value) -> bool:
        """10059(d): "each continuing candidate with votes greater than or equal to the
        threshold" is elected."""
        return self.arith.compare(total, self.quota_value) >= 0

    def transfer_value(self, surplus: Value, value: Value, total: Value) -> Value:
        """Return a paper's new transfer value [10059(g)(2)]."""
        # 10059(g)(2): "The previous transfer value, multiplied by the elected candidate's
        # surplus, divided by the votes for the elected candidate, truncated to five decimal
        # places is the new transfer value."  One truncation, of the quotient; Droop also
        # truncates the product, and on its reference counts the two agree.
        a = self.arith
        return a.muldiv(value, surplus, total, rounding=Rounding.DOWN)

    def largest_defeat_set(self) -> list[CandidateIndex]:
        """Return the largest defeat set 10059(k) allows, in listing order (may be empty)."""
        # 10053(i): "'Defeat set' is a group of continuing candidates consisting of a
        # continuing candidate and all other continuing candidates with fewer or equal votes."
        # (k): "The 'total surplus' is the sum of the surpluses of each elected candidate with
        # a surplus."
        a = self.arith
        surplus = sum((self.totals[c] - self.quota_value for c in self.pending), self.zero)
        ranked = sorted(self.continuing, key=lambda c: (self.totals[c], c))
        elected = len(self.elected)
        best = 0
        votes = self.zero
        for t in range(len(ranked) - 1):
            votes += self.totals[ranked[t]]
            size = t + 1
            # (k)(1): "The number of continuing candidates not in the defeat set, plus the
            # number of elected candidates is greater than or equal to the number of offices
            # to be filled."
            if len(ranked) - size + elected < self.seats:
                break
            # (k)(2): "The sum of the votes for all candidates in the defeat set, plus the
            # total surplus, is less than the fewest votes for any continuing candidate not in
            # the defeat set."  (Which also keeps candidates with equal votes together.)
            if a.compare(votes + surplus, self.totals[ranked[size]]) >= 0:
                continue
            margin = self.quota_value - self.totals[ranked[-1]]
            # (k)(3): "One of the following conditions is satisfied:
            if (
                # (A) The number of elected candidates is one less than the number of offices
                # to be filled.
                elected + 1 == self.seats
                # (B) The number of continuing candidates not in the defeat set, plus the
                # number of elected candidates is equal to the number of offices to be filled.
                or len(ranked) - size + elected == self.seats
                # (C) The sum of the votes for all candidates in the defeat set, plus the total
                # surplus is less than the difference between the threshold and the most
                # votes for any continuing candidate.
                or a.compare(votes + surplus, margin) < 0
                # (D) The total surplus is zero and the sum of the votes for all candidates in
                # the defeat set, minus the most votes for any one candidate in the defeat
                # set, is less than the difference between the threshold and the most votes
                # for any continuing candidate."
                or (surplus == 0 and a.compare(votes - self.totals[ranked[t]], margin) < 0)
            ):
                # (k): "All of the candidates in the largest defeat set, if any exists, that
                # satisfies all three of the following conditions may be declared defeated."
                best = size
        return sorted(ranked[:best])

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return a candidate whose surplus is due, unless a defeat set goes first [(f), (g)]."""
        # (f): "Optionally, defeat candidates pursuant to subdivision (k)."
        self.defeat_set = self.largest_defeat_set() if self.defeat_batch else []
        if self.defeat_set:
            return None
        # (g): "If no candidates were declared defeated in this round pursuant to subdivision
        # (f) and there are one or more elected candidates with surplus, the surplus of each
        # of those elected candidates shall be transferred"
        if not self.pending:
            return None
        return min(self.pending), None

    # The loop's signature; choose_surplus breaks no tie here, as every surplus moves at once.
    def transfer_surplus(self, c: CandidateIndex, tie: TieBreak | None) -> None:  # noqa: ARG002
        """Transfer every elected candidate's surplus, as one round [10059(g)]."""
        movers = sorted(self.pending)
        total_transfers = [self.zero] * self.ncand
        nontransferable = loss = self.zero
        notes: list[str] = []
        for c in movers:
            # (d), (g)(1) and (g)(3), quoted where GregoryCount.move_surplus does them.
            m = self.move_surplus(c)
            nontransferable += m.nontransferable
            loss += m.loss
            total_transfers = [x + y for x, y in zip(total_transfers, m.transfers, strict=True)]
            name = self.election.candidates[c].name
            notes.append(f"{name} ({self.dec(m.surplus)}; transfer value {m.shown})")
        self.exhausted += nontransferable
        self.loss += loss
        self.record(
            total_transfers,
            "Surplus of " + ", ".join(notes),
            [],
            Action.SURPLUS,
            tuple(movers),
            nontransferable,
            loss,
        )

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return the defeat set [(f)], else the one candidate with the fewest votes [(h)]."""
        if self.defeat_set:
            return self.defeat_set, None
        # (h): "If no candidates were declared defeated in this round pursuant to subdivision
        # (f) and no surplus was transferred in this round pursuant to subdivision (g), one
        # continuing candidate is defeated as follows: (1) The continuing candidate with the
        # fewest votes shall be declared defeated.  (2) If two or more continuing candidates
        # are tied for having the fewest votes, one of those candidates shall be chosen by lot
        # and declared defeated."
        return super().choose_exclusion()

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Defeat ``cs``, transferring their ballots unless the count is then complete [(i)]."""
        batch = bool(self.defeat_set)
        # (i)(1): "If the number of continuing candidates plus the number of elected
        # candidates is equal to the number of offices to be filled, all continuing candidates
        # shall be declared elected and the tabulation is complete."  (Before (i)(2)'s
        # transfer, which is then not made.)
        if len(self.continuing) - len(cs) + len(self.elected) <= self.seats:
            names = ", ".join(self.election.candidates[c].name for c in cs)
            note = f"Defeat of {names}; the count is complete, so no ballot is transferred"
            reason = self.batch_reason if batch else self.exclusion_reason
            self.defeat_in_place(cs, tie, reason, note)
            return
        # (i)(2): "For each candidate declared defeated in this round, each ballot assigned to
        # that candidate shall be transferred to and counted for the highest ranked continuing
        # candidate on that ballot using the previous transfer value."
        super().exclude(cs, tie)
        if batch:
            self.relabel_defeats(cs, lambda _: self.batch_reason)


_CFER = "CfER draft Elections Code 10059"
_CFER_TIES = (
    "lot: the file's [tie] order where it gives one, else an order drawn by lot from the seed "
    "(10059(h)(2): 'chosen by lot'); listed: the [tie] order, else the listing order (Droop's "
    "stand-in for the lot; not the draft's)"
)


@dataclass(frozen=True)
class CferOptions(DecimalOptions):
    """The options of CfER STV: the arithmetic is the draft's; batch defeats and ties vary."""

    arithmetic: str = option(
        "fixed",
        "fixed point, truncated",
        source=_CFER + "(g)(2)",
        choices=("fixed",),
        fixed='[10059(g)(2)] "truncated to five decimal places"',
    )
    precision: int | None = option(
        PLACES,
        "five decimal places",
        source=_CFER + "(g)(2)",
        fixed='[10059(g)(2)] "truncated to five decimal places"',
    )
    defeat_batch: str = option(
        "none",
        "none: one defeat a round [10059(h)]; safe: first the largest defeat set [10059(f), (k)] "
        "(Droop's cfer-batch)",
        source=_CFER + "(f): 'Optionally, defeat candidates pursuant to subdivision (k)'",
        choices=DEFEAT_BATCH,
    )
    ties: str = option("lot", _CFER_TIES, source=_CFER + "(h)(2), 10057(b)", choices=TIES)


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: CferOptions | None = None,
) -> Result:
    """Count by CfER STV: fixed point, five places [10059(g)(2)]; batch defeats optional."""
    opts = options or CferOptions()
    counting = CferCount(
        election,
        seats=seats,
        seed=seed,
        arithmetic=FixedArithmetic(PLACES),
        defeat_batch=opts.defeat_batch == "safe",
    )
    counting.listed = opts.ties == "listed"
    return counting.run()
