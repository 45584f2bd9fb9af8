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
  B.2. Defeat sure losers (optional). Find the largest set of hopeful candidates that meets
       all of the following conditions. [a.-c., quoted where they are implemented] If the
       resulting set is not empty, defeat each candidate in the set and test count complete
       (D.3), transfer each ballot assigned to a defeated candidate (D.2), and continue at
       step B.1.
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
one drawn by lot from the count's seed before the count (option ``ties=lot``, the default), or
the order the candidates are listed in (``ties=listed``, as Droop does).  The optional B.2
"defeat sure losers" batch is the option ``defeat_batch=safe`` (Droop's ``wigm-prf-batch``).
Both rules run on the Gregory loop of ``gregory.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

from .._types import CandidateIndex
from ..arithmetic import Arithmetic, FixedArithmetic, Rounding, Value
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, TieBreak, TieMethod
from ._ties import break_by_order
from .gregory import GregoryCount
from .options import DEFEAT_BATCH, TIES, ArithmeticOptions, DecimalOptions, listed_order, option

__all__ = ["WigmCount", "WigmOptions", "WigmPrfCount", "WigmPrfOptions", "count", "count_prf"]


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

    #: ``ties=listed``: the file's order, else the listing order, not one drawn by lot.
    listed: bool = False

    @cached_property
    def tie_order(self) -> tuple[CandidateIndex, ...]:
        """The predetermined order [D.1]: the file's, else random from the seed or listed."""
        if self.election.tie_order or self.listed:
            return listed_order(self.election)
        # "a predetermined random tiebreaking order" [D.1]: drawn once, before any tie.
        order = list(range(self.ncand))
        random.Random(self.seed).shuffle(order)
        return tuple(order)

    # The hook's signature; [D.1] has one order, whether electing or defeating.
    def break_tie(
        self,
        tied: Sequence[CandidateIndex],
        *,
        lowest: bool,  # noqa: ARG002
        purpose: str,
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Take the tied candidate earliest in the predetermined order [D.1]."""
        chosen, tie = break_by_order(tied, self.tie_order, purpose=purpose)
        if tie is not None and not (self.election.tie_order or self.listed):
            # The order was drawn by lot from the seed: say so, so the count can be repeated.
            tie = replace(tie, method=TieMethod.LOT, seed=self.seed)
        return chosen, tie

    def defeat_in_place(
        self, cs: Sequence[CandidateIndex], tie: TieBreak | None, reason: str, note: str
    ) -> None:
        """Defeat ``cs`` as one stage whose votes stay where they are (the count is over).

        For rules that declare the count complete before a defeat's transfer (CfER 10059(i),
        Minneapolis 167.70(c)(1)e, the PRF rule's B.2 with D.3).
        """
        for c in cs:
            self.continuing.discard(c)
            self.excluded.append(c)
        if tie is not None:
            reason += f"; tie decided by {tie.method}"
        self.record(
            [self.zero] * self.ncand,
            note,
            [Decision(c, Outcome.EXCLUDED, reason, tie) for c in cs],
            Action.EXCLUSION,
            tuple(cs),
        )

    def relabel_defeats(
        self, cs: Collection[CandidateIndex], reason_of: Callable[[CandidateIndex], str]
    ) -> None:
        """Give the defeats of ``cs`` in the last stage their own reasons (a batch's clause)."""
        last = self.rounds[-1]
        decisions = tuple(
            replace(d, reason=reason_of(d.candidate))
            if d.outcome is Outcome.EXCLUDED and d.candidate in cs
            else d
            for d in last.decisions
        )
        self.rounds[-1] = replace(last, decisions=decisions)


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

    #: ``defeat_batch=safe``: B.2's optional defeat of sure losers, before any surplus.
    defeat_batch: bool = False
    #: The sure losers found before the next surplus, defeated instead [B.2].
    sure_losers: tuple[CandidateIndex, ...] = ()
    sure_loser_reason: ClassVar[str] = "sure loser: defeated [B.2]"

    def find_sure_losers(self) -> tuple[CandidateIndex, ...]:
        """Return the largest set of sure losers B.2 allows, in listing order (may be none)."""
        # B.1: "Set the surplus of each pending candidate to that candidate's vote minus the
        # quota."
        surplus = sum((self.totals[c] - self.quota_value for c in self.pending), self.zero)
        ranked = sorted(self.continuing, key=lambda c: (self.totals[c], c))
        # B.2.a: "The number of hopeful candidates not in the set is greater than or equal to
        # the number seats to be filled minus pending and elected candidates."
        most = len(ranked) - (self.seats - len(self.elected))
        votes = self.zero
        size = 0
        for k in range(min(most, len(ranked) - 1)):
            votes += self.totals[ranked[k]]
            # B.2.c: "The sum of the votes of the candidates in the set plus the sum of all the
            # current surpluses (B.1) is less than the lowest vote of the hopeful candidates
            # not in the set."  Strictly less, so B.2.b holds: "For each candidate in the set,
            # each hopeful candidate with the same vote or lower is also in the set."
            if self.arith.compare(votes + surplus, self.totals[ranked[k + 1]]) < 0:
                size = k + 1
        return tuple(sorted(ranked[:size]))

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return the next surplus [B.3], unless sure losers are defeated first [B.2]."""
        self.sure_losers = self.find_sure_losers() if self.defeat_batch else ()
        if self.sure_losers:
            return None
        return super().choose_surplus()

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return the sure losers [B.2], else the hopeful with the lowest vote [B.4]."""
        if self.sure_losers:
            return list(self.sure_losers), None
        return super().choose_exclusion()

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Defeat ``cs``; sure losers' ballots move only if the count goes on [B.2, D.3]."""
        if not self.sure_losers:
            super().exclude(cs, tie)
            return
        # B.2: "defeat each candidate in the set and test count complete (D.3), transfer each
        # ballot assigned to a defeated candidate (D.2)"; D.3: "... or the number of elected
        # plus pending plus hopeful candidates is equal to or less than the number of seats to
        # be filled, the count is complete; finish at step C."
        if len(self.continuing) - len(cs) + len(self.elected) <= self.seats:
            names = ", ".join(self.election.candidates[c].name for c in cs)
            note = f"Defeat of sure losers {names}; the count is complete [D.3]"
            self.defeat_in_place(cs, tie, self.sure_loser_reason, note)
            return
        super().exclude(cs, tie)
        self.relabel_defeats(cs, lambda _: self.sure_loser_reason)


_LUNDELL = "Droop (J. Lundell), droop/rules/wigm.py"
_PRF = "PR Foundation, Reference WIGM Rule"
_WIGM_TIES = (
    "lot: the file's [tie] order where it gives one, else an order drawn by lot from the seed "
    "before the count ('a predetermined random tiebreaking order', PRF D.1); listed: the [tie] "
    "order, else the listing order (Droop's way)"
)


@dataclass(frozen=True)
class WigmOptions(ArithmeticOptions):
    """The options of Droop's generic WIGM rule."""

    defeat_batch: str = option(
        "none",
        "one defeat at a time (batch defeats are not offered for generic WIGM)",
        source=_LUNDELL + ": 'defeat_batch'",
        choices=("none",),
    )
    integer_quota: bool = option(
        False,
        "a whole-number quota (not offered)",
        source=_LUNDELL + ": 'integer_quota'",
        choices=(False,),
    )
    ties: str = option("lot", _WIGM_TIES, source=_LUNDELL + " (predetermined order)", choices=TIES)


@dataclass(frozen=True)
class WigmPrfOptions(DecimalOptions):
    """The options of the PR Foundation's reference WIGM rule: all but the tie policy fixed."""

    arithmetic: str = option(
        "fixed",
        "fixed point",
        source=_PRF + " D.4",
        choices=("fixed",),
        fixed='[D.4] "Truncate, with no rounding, the result of each multiplication or '
        'division to four decimal places."',
    )
    precision: int | None = option(
        4,
        "four decimal places",
        source=_PRF + " D.4",
        fixed='[D.4] "... to four decimal places."',
    )
    defeat_batch: str = option(
        "none",
        "none: one defeat at a time [B.4]; safe: first defeat every sure loser [B.2] "
        "(Droop's wigm-prf-batch)",
        source=_PRF + " B.2 (optional), B.4",
        choices=DEFEAT_BATCH,
    )
    ties: str = option("lot", _WIGM_TIES, source=_PRF + " D.1", choices=TIES)


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    arithmetic: Arithmetic | None = None,
    options: WigmOptions | None = None,
) -> Result:
    """Count by generic WIGM (default arithmetic: guarded, 18 places + 9 guard, as Droop)."""
    if options is not None and arithmetic is not None:
        raise ConfigurationError("give the arithmetic either as options= or as arithmetic=")
    opts = options or WigmOptions()
    arith = arithmetic or opts.make_arithmetic()
    counting = WigmCount(election, seats=seats, seed=seed, arithmetic=arith)
    counting.listed = opts.ties == "listed"
    return counting.run()


def count_prf(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: WigmPrfOptions | None = None,
) -> Result:
    """Count by the PR Foundation's reference WIGM rule (fixed point, four places)."""
    counting = WigmPrfCount(election, seats=seats, seed=seed, arithmetic=FixedArithmetic(4))
    counting.listed = options is not None and options.ties == "listed"
    counting.defeat_batch = options is not None and options.defeat_batch == "safe"
    return counting.run()
