"""WIGM: the Weighted Inclusive Gregory Method, generic and the PR Foundation's reference rule.

Sources:

- Generic WIGM, as counted by Droop (J. Lundell, droop/rules/wigm.py, 2010-2020): quota
  votes / (seats + 1) (exact arithmetic: elected when *over* it; fixed point: the quotient plus
  one unit, elected when at or over it); every paper of a candidate carries the surplus, its
  new weight being (weight x surplus) / total; the largest surplus first; otherwise the lowest
  candidate is defeated; ties by a predetermined order.  Droop's default arithmetic for it is
  guarded fixed point, 18 places with 9 guard digits.
- The Proportional Representation Foundation's "Reference WIGM Rule" (prfound.org, as quoted in
  droop/rules/wigm_prf.py):

  A.1. Set the quota to the total number of valid ballots, divided by one more than the
       number of seats to be filled, plus 0.0001.
  B.1. Elect winners. Set each hopeful candidate whose vote is greater than or equal to the
       quota to pending. ... Test count complete (D.3).
  B.3. Transfer high surplus. Select the pending candidate with the largest surplus, breaking
       ties per D.1. For each ballot assigned to that candidate, set its new weight to the
       ballot's current weight multiplied by the candidate's surplus, then divided by the
       candidate's total vote. Transfer the ballot (D.2).
  B.4. Defeat low candidate. Defeat the hopeful candidate with the lowest vote, breaking ties
       per D.1. ... Transfer each ballot assigned to the defeated candidate (D.2).
  D.1. Break ties ... choose the tied candidate who is earliest in a predetermined random
       tiebreaking order.
  D.3. Test count complete. If the number of elected plus pending candidates is equal to the
       number of seats to be filled, or the number of elected plus pending plus hopeful
       candidates is equal to or less than the number of seats to be filled, the count is
       complete.
  D.4. Arithmetic. Truncate, with no rounding, the result of each multiplication or division
       to four decimal places.

The predetermined order is the file's own (a BLT ``[tie ...]`` line) where it gives one, else
the order the candidates are listed in.  The optional B.2 "defeat sure losers" batch is not
offered.  Both rules run on the Gregory loop of ``gregory.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from .._types import CandidateIndex
from ..arithmetic import Arithmetic, FixedArithmetic, GuardedArithmetic, Rounding, Value
from ..model import Election, Result, TieBreak
from ._ties import break_by_order
from .gregory import GregoryCount

__all__ = ["WigmCount", "WigmPrfCount", "count", "count_prf"]


class WigmCount(GregoryCount):
    """Generic WIGM (Droop's ``wigm`` rule)."""

    method: ClassVar[str] = "wigm"
    exclusion_reason: ClassVar[str] = "lowest vote: defeated"

    def quota(self, valid: int) -> Value:
        """Return votes / (seats + 1), plus one unit where the arithmetic is not exact."""
        q = self.arith.div_int(self.arith.of(valid), self.seats + 1, rounding=Rounding.DOWN)
        return q + self.arith.epsilon

    def has_quota(self, total: Value) -> bool:
        """Exact arithmetic elects over the quota; rounded arithmetic at or over it."""
        cmp = self.arith.compare(total, self.quota_value)
        return cmp > 0 if self.arith.epsilon == 0 else cmp >= 0

    def transfer_value(self, surplus: Value, value: Value, total: Value) -> Value:
        """Return (weight x surplus) / total, each step truncated."""
        a = self.arith
        return a.div(a.mul(value, surplus, rounding=Rounding.DOWN), total, rounding=Rounding.DOWN)

    def break_tie(
        self, tied: Sequence[CandidateIndex], *, lowest: bool, purpose: str
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Take the tied candidate earliest in the predetermined order [D.1]."""
        order = self.election.tie_order or tuple(range(self.ncand))
        return break_by_order(tied, order, purpose=purpose)


class WigmPrfCount(WigmCount):
    """The PR Foundation's reference WIGM rule: four places, truncated [D.4]."""

    method: ClassVar[str] = "wigm-prf"
    quota_reason: ClassVar[str] = "vote at or over the quota [B.1]"
    exclusion_reason: ClassVar[str] = "lowest vote: defeated [B.4]"
    deemed_reason: ClassVar[str] = "elected: no more hopefuls than seats [D.3, C]"

    def quota(self, valid: int) -> Value:
        """Return valid / (seats + 1) truncated to four places, plus 0.0001 [A.1]."""
        a = self.arith
        return a.div(a.of(valid), a.of(self.seats + 1), rounding=Rounding.DOWN) + a.epsilon

    def has_quota(self, total: Value) -> bool:
        """Return whether the vote is greater than or equal to the quota [B.1]."""
        return self.arith.compare(total, self.quota_value) >= 0


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    arithmetic: Arithmetic | None = None,
) -> Result:
    """Count by generic WIGM (default arithmetic: guarded, 18 places + 9 guard, as Droop)."""
    arith = arithmetic or GuardedArithmetic(18, 9)
    return WigmCount(election, seats=seats, seed=seed, arithmetic=arith).run()


def count_prf(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count by the PR Foundation's reference WIGM rule (fixed point, four places)."""
    return WigmPrfCount(election, seats=seats, seed=seed, arithmetic=FixedArithmetic(4)).run()
