"""Minneapolis STV: the City of Minneapolis's multiple-seat single transferable vote.

Source: Minneapolis Code of Ordinances, Title 8.5, Chapter 167 (as amended to 2013), sections
167.20 (definitions) and 167.70 (multiple-seat elections), as quoted in Droop (J. Lundell,
droop/rules/mpls.py).  The clauses are quoted below at the lines that implement them; the
definitions this count rests on:

  Threshold = ((Total votes cast)/(Seats to be elected + 1)) +1, with any fractions
  disregarded.  [167.20]

  Surplus fraction of a vote = (Surplus of an elected candidate)/(Total votes cast for elected
  candidate), calculated to four (4) decimal places, ignoring any remainder.  [167.20]

  Mathematically impossible to be elected means either: (1) The candidate could never win
  because his or her current vote total plus all votes that could possibly be transferred to
  him or her in future rounds (from candidates with fewer votes, tied candidates, surplus
  votes, and from undeclared write-in candidates) would not be enough to equal or surpass the
  candidate with the next higher current vote total; or (2) The candidate has a lower current
  vote total than a candidate who is described by (1).  [167.20]

Where the ordinance leaves a reading open, this count reads it as Droop does, so that the two
programs can be checked against each other (docs/verification/droop.md):

- "Lot" (167.70(c)(1)d, e, f) is drawn by the chief election official; the count draws it from
  its seed as a random order fixed before the count (``ties=lot``, the default; a BLT ``[tie]``
  line is that order where the file gives one), or takes the listing order (``ties=listed``, as
  Droop does; not the ordinance's).
- A batch of certain losers is transferred even when it leaves as many continuing candidates as
  seats; only the single lowest candidate's votes stay put in the final round [167.70(c)(1)e].
- When as many candidates continue as seats are left, a candidate at the threshold is still
  elected and their surplus transferred before the rest are declared elected [167.70(c)(1)f].

Undeclared write-in candidates are those a BLT ``[undeclared ...]`` line names (Droop's
option); they are defeated at the beginning of the second round [167.70(c)(1)c].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._types import CandidateIndex
from ..arithmetic import Arithmetic, FixedArithmetic, Rounding, Value
from ..errors import InputError
from ..model import Action, Decision, Election, Outcome, Result, TieBreak
from .options import TIES, DecimalOptions, option
from .wigm import WigmCount

__all__ = ["MplsCount", "MplsOptions", "count", "undeclared_write_ins"]

PLACES = 4  # 167.20: "calculated to four (4) decimal places, ignoring any remainder"


def undeclared_write_ins(election: Election) -> frozenset[CandidateIndex]:
    """Return the candidates the file's ``[undeclared ...]`` line names (1-based numbers)."""
    spec = election.options.get("undeclared", "")
    out: set[CandidateIndex] = set()
    for word in spec.split():
        if not word.isdigit() or not 1 <= int(word) <= len(election.candidates):
            raise InputError(
                f"{election.source or 'ballot file'}: [undeclared {spec}]: {word!r} is not a "
                f"candidate number 1..{len(election.candidates)}"
            )
        out.add(int(word) - 1)
    return frozenset(out)


class MplsCount(WigmCount):
    """A count under Minneapolis Code 167.70 (multiple-seat single transferable vote)."""

    method: ClassVar[str] = "mpls"
    quota_reason: ClassVar[str] = "elected: at or over the threshold [167.70(c)(1)a]"
    surplus_reason: ClassVar[str] = "elected: largest surplus [167.70(c)(1)d]"
    exclusion_reason: ClassVar[str] = "fewest votes: defeated [167.70(c)(1)e]"
    loser_reason: ClassVar[str] = "mathematically impossible to be elected [167.70(c)(1)c]"
    undeclared_reason: ClassVar[str] = "undeclared write-in: defeated [167.70(c)(1)c]"
    deemed_reason: ClassVar[str] = (
        "elected: as many continuing candidates as seats yet to be filled [167.70(c)(1)f]"
    )

    def __init__(
        self, election: Election, *, seats: int | None, seed: int, arithmetic: Arithmetic
    ) -> None:
        """Set up the count; the undeclared write-ins are read from the election's options."""
        super().__init__(election, seats=seats, seed=seed, arithmetic=arithmetic)
        self.undeclared = undeclared_write_ins(election)
        #: The election made by a surplus stage, recorded when that stage closes.
        self.queued: list[Decision] = []
        #: Certain losers found when the count looked for a surplus, defeated next.
        self.losers: list[CandidateIndex] = []
        #: Whether the last round defeated the lowest candidate without transferring [e].
        self.final_defeat = False

    def quota(self, valid: int) -> Value:
        """Threshold = ((Total votes cast)/(Seats to be elected + 1)) +1, with any fractions
        disregarded [167.20]."""
        return self.arith.of(valid // (self.seats + 1) + 1)

    def has_quota(self, total: Value) -> bool:
        """Return whether a vote total is "equal to or greater than the threshold"."""
        return self.arith.compare(total, self.quota_value) >= 0

    def transfer_value(self, surplus: Value, value: Value, total: Value) -> Value:
        """Return a paper's new value: the surplus fraction times its value [167.20].

        Droop multiplies the value by the surplus before dividing by the total (truncating
        each); on its reference counts the two readings agree.
        """
        a = self.arith
        # 167.20 Surplus fraction of a vote: "(Surplus of an elected candidate)/(Total votes
        # cast for elected candidate), calculated to four (4) decimal places, ignoring any
        # remainder."
        fraction = a.div(surplus, total, rounding=Rounding.DOWN)
        # 167.20 Transfer value: "calculated by multiplying the surplus fraction by its current
        # value, calculated to four (4) decimal places, ignoring any remainder."
        return a.mul(fraction, value, rounding=Rounding.DOWN)

    def surplus_of(self, c: CandidateIndex) -> Value:
        """Return a candidate's votes "in excess of the threshold" [167.20 Surplus], or zero."""
        s = self.totals[c] - self.quota_value
        return s if s > 0 else self.zero

    # The hook's signature: the round closes the same whatever it did.
    def elect_reached(self, action: Action) -> list[Decision]:  # noqa: ARG002
        """Close a round: elect as [167.70(c)(1)a] says, or the surplus's candidate [d]."""
        decisions, self.queued = self.queued, []
        # 167.70(c)(1)a: "If the number of candidates, other than any undeclared write-in
        # candidate, whose vote total is equal to or greater than the threshold is equal to the
        # number of seats to be filled, those candidates who are continuing candidates are
        # elected and the tabulation is complete."  Elected candidates stand at the threshold.
        reached = [
            c
            for c in self.continuing
            if c not in self.undeclared and self.has_quota(self.totals[c])
        ]
        if reached and len(self.elected) + len(reached) >= self.seats:
            for c in sorted(reached, key=lambda c: (-self.totals[c], c)):
                self.continuing.discard(c)
                self.elected.append(c)
                decisions.append(Decision(c, Outcome.ELECTED, self.quota_reason))
        return decisions

    def deem_remaining(self) -> bool:
        """Return whether the remaining continuing candidates are declared elected.

        167.70(c)(1)f: "If the number of continuing candidates is equal to the number of seats
        yet to be filled, any remaining continuing candidates must be declared elected."  A
        candidate at the threshold has their surplus transferred first [d].
        """
        left = self.seats - len(self.elected)
        return len(self.continuing) <= left and not any(
            self.has_quota(self.totals[c]) for c in self.continuing
        )

    def certain_losers(self) -> list[CandidateIndex]:
        """Return the candidates to defeat under 167.70(c)(1)c, in listing order."""
        # 167.70(c)(1)c: "At the beginning of the second round only, after any surplus votes
        # are calculated but not yet transferred, all undeclared write-in candidates and all
        # candidates for whom it is mathematically impossible to be elected must be defeated
        # simultaneously."  "For rounds subsequent to the second round, ... all candidates for
        # whom it is mathematically impossible to be elected must be defeated simultaneously."
        second = len(self.rounds) == 1
        # 167.70(c)(1)b: "Surplus votes for any candidates whose vote total is equal to or
        # greater than the threshold must be calculated."
        surplus = sum(
            (self.surplus_of(c) for c in self.continuing if c not in self.undeclared), self.zero
        )
        defeat: set[CandidateIndex] = set()
        if second:
            defeat = {c for c in self.continuing if c in self.undeclared}
            # "...all votes that could possibly be transferred to him or her in future rounds
            # (from ... undeclared write-in candidates)" [167.20]
            surplus += sum((self.totals[c] for c in defeat), self.zero)
        ranked = sorted(self.continuing, key=lambda c: (self.totals[c], c))
        # Never so many that fewer candidates continue than seats are left to fill.
        most = len(ranked) - (self.seats - len(self.elected))
        # 167.20 (1): the candidate's votes plus all that could reach them (from those below
        # them and the surpluses) would not "equal or surpass the candidate with the next
        # higher current vote total"; (2): everyone below such a candidate.  So the largest
        # group of lowest candidates whose votes and the surpluses fall short of the next.
        below = self.zero
        chosen = 0
        for k in range(min(most, len(ranked) - 1)):
            below += self.totals[ranked[k]]
            if self.arith.compare(below + surplus, self.totals[ranked[k + 1]]) < 0:
                chosen = k + 1
        defeat.update(ranked[:chosen])
        return sorted(defeat)

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Defeat certain losers first [c]; else elect the largest surplus [d]."""
        self.losers = self.certain_losers()
        if self.losers:
            return None
        # 167.70(c)(1)d: "The candidate with the largest surplus is declared elected and that
        # candidate's surplus is transferred."  "If no candidate has a surplus, the tabulation
        # must continue as described in clause e."
        reached = [c for c in self.continuing if self.has_quota(self.totals[c])]
        if not reached:
            return None
        top = max(self.totals[c] for c in reached)
        tied = [c for c in reached if self.arith.compare(self.totals[c], top) == 0]
        # "A tie between two (2) or more candidates must be resolved by lot by the chief
        # election official."  (Here: the predetermined order; see the module's note.)
        return self.break_tie(tied, lowest=False, purpose="order of surpluses")

    def transfer_surplus(self, c: CandidateIndex, tie: TieBreak | None) -> None:
        """Elect ``c`` and transfer their surplus as one round [167.70(c)(1)d]."""
        self.continuing.discard(c)
        self.elected.append(c)
        self.pending.append(c)
        self.queued.append(Decision(c, Outcome.ELECTED, self.surplus_reason))
        super().transfer_surplus(c, tie)

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return the certain losers [c], else the candidate with the fewest votes [e]."""
        if self.losers:
            return self.losers, None
        # 167.70(c)(1)e: "If there are no transferable surplus votes, the candidate with the
        # fewest votes is defeated."  "Ties between candidates with the fewest votes must be
        # resolved by lot by the chief election official" (here: the predetermined order).
        return super().choose_exclusion()

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Defeat ``cs``; the lowest candidate's votes stay put in the final round [e]."""
        left = self.seats - len(self.elected)
        if self.losers or len(self.continuing) - len(cs) > left:
            batch = bool(self.losers)
            super().exclude(cs, tie)
            if batch:
                # The batch's decisions say which limb of 167.70(c)(1)c defeated each.
                self.relabel_defeats(cs, self.batch_reason)
            return
        # 167.70(c)(1)e: "Votes for a defeated candidate are transferred at their transfer
        # value to each ballot's next-ranked continuing candidate, except votes for candidates
        # defeated in the final round are not transferred if, by their defeat, the number of
        # continuing candidates is reduced to the number of seats yet to be filled."
        # 167.70(c)(1)f: "Candidates defeated under this clause in the final round will
        # retain their votes."
        self.final_defeat = True
        names = ", ".join(self.election.candidates[c].name for c in cs)
        note = f"Defeat of {names} in the final round: votes not transferred"
        self.defeat_in_place(cs, tie, self.exclusion_reason, note)

    def finish(self) -> None:
        """Declare the continuing candidates elected [167.70(c)(1)f].

        After the final round's defeat, in that round; otherwise the tabulation has begun a new
        round [a] in which nothing is left to transfer, and the election is that round's.
        """
        if len(self.elected) >= self.seats or not self.continuing:
            return
        if not self.final_defeat:
            self.record(
                [self.zero] * self.ncand,
                "Continuing candidates as many as seats yet to be filled",
                [],
                Action.RECOUNT,
                (),
            )
        self.deem_elected(self.deemed_reason)

    def batch_reason(self, c: CandidateIndex) -> str:
        """Return why ``c`` is defeated in a batch under 167.70(c)(1)c."""
        return self.undeclared_reason if c in self.undeclared else self.loser_reason


_MPLS = "Minneapolis Code of Ordinances, 167.20"
_MPLS_TIES = (
    "lot: the file's [tie] order where it gives one, else an order drawn by lot from the seed "
    "(the chief election official's lot, 167.70(c)(1)d, e, f); listed: the [tie] order, else "
    "the listing order (Droop's stand-in for the lot; not the ordinance's)"
)


@dataclass(frozen=True)
class MplsOptions(DecimalOptions):
    """The options of Minneapolis STV: the arithmetic is the ordinance's; only ties vary."""

    arithmetic: str = option(
        "fixed",
        "fixed point, remainders ignored",
        source=_MPLS + " (Surplus fraction of a vote, Transfer value)",
        choices=("fixed",),
        fixed='[167.20] "calculated to four (4) decimal places, ignoring any remainder"',
    )
    precision: int | None = option(
        PLACES,
        "four decimal places",
        source=_MPLS + " (Surplus fraction of a vote, Transfer value)",
        fixed='[167.20] "calculated to four (4) decimal places, ignoring any remainder"',
    )
    ties: str = option("lot", _MPLS_TIES, source="Minneapolis 167.70(c)(1)d, e, f", choices=TIES)


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: MplsOptions | None = None,
) -> Result:
    """Count by Minneapolis STV: fixed point, four places, truncated [167.20]."""
    counting = MplsCount(election, seats=seats, seed=seed, arithmetic=FixedArithmetic(PLACES))
    counting.listed = options is not None and options.ties == "listed"
    return counting.run()
