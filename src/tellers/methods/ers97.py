"""ERS97 STV: the Electoral Reform Society's rules for counting by the single transferable vote.

Source: Electoral Reform Society, *How to conduct an election by the Single Transferable Vote*,
3rd edition, June 1997 (R. A. Newland and F. S. Britton; third edition by C. Rosenstiel and
J. Woodward-Nutt), sections 5 (detailed instructions for the count) and 6 (glossary).  Text as
reproduced at opavote.com/methods/ers97-stv-rules and in OpenSTV's ERS97 plugin (2010); the
model election of section 8 at rosenstiel.co.uk/stvrules/model.htm.  Clause numbers cited in
brackets below are the book's.

5.1.6 Calculate the quota by dividing the total valid vote by one more than the number of
      places to be filled.  Take the division to two decimal places.  If the result is exact
      that is the quota.  Otherwise ignore the remainder, and add 0.01.
5.1.7 Considering each candidate in turn in descending order of their votes, deem elected any
      candidate whose vote equals or exceeds (a) the quota, or (b) (on very rare occasions,
      where this is less than the quota), the total active vote, divided by one more than the
      number of places not yet filled, up to the number of places to be filled, subject to
      paragraph 5.6.2.  [Repeated after a surplus as 5.3.13 and after each batch of an
      exclusion as 5.4.9.]
5.2.2 If one or more candidates have surpluses, the largest of these should now be
      transferred.  However the transfer of a surplus or surpluses is deferred and reconsidered
      at the next stage, if the total of such surpluses does not exceed either: (a) The
      difference between the votes of the two candidates who have the fewest votes, or (b) The
      difference between the total of the votes of two or more candidates with the fewest votes
      who could be excluded under rule 5.2.5, and the vote of the candidate next above.
5.2.3 ... If the surpluses of two or more candidates are equal, and they have the largest
      surplus, transfer the surplus of the candidate who had the greatest vote at the first
      stage or at the earliest point in the count, after the transfer of a batch of papers,
      where they had unequal votes.  If the votes of such candidates have been equal at all
      such points, the Returning Officer shall decide which surplus to transfer by lot.
5.2.5 If, after all surpluses have been transferred or deferred, one or more places remain to
      be filled, the candidate or candidates with the fewest votes must be excluded.  Exclude
      as many candidates together as possible, provided that: (a) Sufficient candidates remain
      to fill all the remaining places (b) The total votes of these candidates, together with
      the total of any deferred surpluses, does not exceed the vote of the candidate next
      above.  If the votes of two or more candidates are equal, and those candidates have the
      fewest votes, exclude the candidate who had the fewest votes at the first stage or at the
      earliest point in the count, after the transfer of a batch of papers, where they had
      unequal votes. [Else] by lot.
5.3.1 If a surplus arises at the first stage, select for examination all the papers which the
      candidate has received.
5.3.2 If a surplus arises at a later stage, because of the transfer of another surplus or the
      exclusion of a candidate or candidates, select only the last received batch of papers,
      which gave rise to the surplus.
5.3.7 Calculate the total value of the transferable papers.  If this exceeds the surplus,
      determine the transfer value of each paper by dividing the surplus by the number of
      transferable papers, to two decimal places, ignoring any remainder.  If the total value
      does not exceed the surplus, the transfer value of each paper is its present value.
5.4.1 Take together all the bundles of papers which are currently credited to the candidate or
      candidates to be excluded, and arrange them in batches in descending order of transfer
      value.  [5.4.2 First, take the batch with the highest transfer value ...; 5.4.11 ... sort
      and transfer each batch of papers in turn in descending order of transfer value ... and
      deem candidates to be elected as appropriate.]
5.4.8 If any papers have become non-transferable before any candidate has been deemed elected,
      recalculate the quota as in paragraph 5.1.6, ignoring the non-transferable vote.
5.4.10 Ensure that no further papers are given to candidates who are no longer continuing
      candidates because they have been deemed to be elected after transferring a batch of
      papers.
5.5.1 If a proposed exclusion of one or more candidates would leave only the same number of
      continuing candidates as there are places remaining unfilled, all such continuing
      candidates shall be deemed to be elected.
5.5.2 If, at any point in the count, the number of candidates deemed to be elected is equal to
      the number of places to be filled, no further transfers of papers are made, and the
      remaining continuing candidate(s) are formally excluded.
5.6.1 [The Count Control Form gives the total active vote by] deducting the quotas (or actual
      votes if less) of the candidates deemed elected, and the total of non-transferable
      votes, from the total valid vote.
5.6.2 If, when candidates should be deemed elected under sections 5.1.7, 5.3.13 or 5.4.9, two
      or more have the same number of votes, and there are not sufficient places left for them
      all, then the one or more to be deemed elected shall be selected in descending order of
      votes at the first stage or at the earliest point in the count, after the transfer of a
      batch of papers, where they had unequal votes.  If, however, their votes have been equal
      at all such points, then none of them shall be deemed elected at that stage.
6.1   Batch: a bundle containing all the papers of one value in a transfer.
6.10  Next available preference: ... There is no next available preference where the next
      sequential preference for a continuing candidate is uncertain.
6.11  Non-transferable difference: the difference between the value of a surplus and the
      total new value of the papers transferred, which arises from ignoring the remainder when
      calculating the transfer values to two decimal places.
6.20  Total active vote: the sum of the votes credited to all continuing candidates, plus any
      votes awaiting transfer.

Readings where the text leaves a choice (each is marked where it is applied):

- [5.1.6] "exact" means exact at two places, so the quota is valid / (seats + 1) rounded *up*
  to two places; 0.01 is added only when there is a remainder (753 / 7 = 107.571... gives
  107.58, the model election's figure; 700 / 7 gives 100.00).
- [5.1.7(b)] is compared exactly, vote x (places not filled + 1) >= total active vote, which
  at two places is the same as the vote reaching the quotient rounded up; the total active vote
  is the 5.6.1 figure and is recomputed as each candidate is deemed elected "in turn".
- [5.2.2, 5.2.5] a group of lowest candidates is never cut between two equal votes: "the
  candidate next above" must have more votes than every member of the group.  A tie at the
  bottom therefore always goes to the tie rule, one candidate at a time.
- [5.3.2] the "last received batch" is the papers received at the latest stage at which the
  candidate received any; a candidate elected on a recalculated quota (5.4.8) without
  receiving papers at that stage passes on the last batch received before it (C. Rosenstiel,
  Voting matters 11).
- [5.3.7, 6.11] when the surplus is divided among the transferable papers the non-transferable
  papers carry nothing and the non-transferable difference is kept as rounding loss (ERS97's
  non-transferable column is ``exhausted + loss``); when the papers move at their present value,
  all that they do not carry is non-transferable.
- [5.4.1] each batch of an exclusion is a round of the result ("sub-stage"), so ties consult
  the totals after every batch, as "after the transfer of a batch of papers" asks.
- [5.5.2, 4.3] an exclusion stops between batches once every place is filled or the continuing
  candidates are no more than the places left.
- [5.5.1] the proposed exclusion is recorded on the last stage with the elections it causes;
  its papers are not transferred (5.5.2).
- Preferences stop at a skipped number or a number given to two candidates [6.10: uncertain];
  a paper without a first preference is invalid [6.9].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from .._types import CandidateIndex
from ..arithmetic import Arithmetic, FixedArithmetic, Rounding, Value
from ..model import Action, Decision, Election, Outcome, Result, TieBreak, TieMethod
from ._ties import ListedOrder, Lot, narrow_by_history
from .gregory import GregoryCount, Parcel
from .options import TIES, DecimalOptions, listed_order, option

__all__ = ["PLACES", "Ers97Count", "Ers97Options", "break_by_earliest", "count"]

PLACES = 2  # [5.1.6, 5.3.7] "to two decimal places"

#: The clause under which candidates are deemed elected, by what the stage did.
_ELECTION_CLAUSE = {
    Action.FIRST: "5.1.7",
    Action.SURPLUS: "5.3.13",
    Action.EXCLUSION: "5.4.9",
}


def break_by_earliest(
    tied: Sequence[CandidateIndex],
    history: Sequence[Sequence[Value]],
    *,
    lowest: bool,
    purpose: str,
    lot: Lot | None,
) -> tuple[CandidateIndex | None, TieBreak | None]:
    """Choose among ``tied`` by the earliest stage at which their votes were unequal.

    ``history`` holds the totals after the first stage and after every batch of papers, oldest
    first [5.2.3, 5.2.5, 5.6.2].  At the first point where the tied are not all equal, those
    with the fewest (or most) votes stay in contention; if several remain, later points are
    consulted in turn.  Equal throughout: drawn by lot, or with ``lot=None`` nobody is chosen.
    """
    if len(tied) == 1:
        return tied[0], None
    contenders, stage = narrow_by_history(tied, history, lowest=lowest, earliest=True)
    if stage is not None:
        chosen = contenders[0]
        return chosen, TieBreak(
            frozenset(tied), chosen, purpose, TieMethod.EARLIER_ROUND, round=stage
        )
    if lot is None:
        return None, None
    chosen = lot.draw(contenders)
    if isinstance(lot, ListedOrder):
        return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.ORDER)
    return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.LOT, seed=lot.seed)


class Ers97Count(GregoryCount):
    """ERS97 on the Gregory loop: last-batch surpluses, deferral, bulk and batched exclusion."""

    method: ClassVar[str] = "ers97"
    quota_reason: ClassVar[str] = "reached the quota"
    exclusion_reason: ClassVar[str] = "fewest votes [5.2.5]"
    deemed_reason: ClassVar[str] = "deemed elected: as many continuing candidates as places [4.3]"
    reads_parcels: ClassVar[bool] = True  # last-batch surpluses and batched exclusions

    def __init__(
        self, election: Election, *, seats: int | None, seed: int, arithmetic: Arithmetic
    ) -> None:
        super().__init__(election, seats=seats, seed=seed, arithmetic=arithmetic)
        # Whether the surplus now moving goes at the papers' present value [5.3.7].
        self._at_present_value = False

    # -- quota and election -------------------------------------------------------------------

    def quota(self, valid: int) -> Value:
        """Return the quota for the total valid vote [5.1.6]."""
        return self.quota_of(self.arith.of(valid))

    def quota_of(self, vote: Value) -> Value:
        """Return ``vote`` / (seats + 1) to two places, plus 0.01 if inexact [5.1.6]."""
        a = self.arith
        # "Take the division to two decimal places ... ignore the remainder"
        q = a.div_int(vote, self.seats + 1, rounding=Rounding.DOWN)
        if q * (self.seats + 1) != vote:
            q += a.epsilon  # "Otherwise ... add 0.01"; an exact result is the quota itself
        return q

    def total_active_vote(self) -> Value:
        """Return the total active vote [6.20] as the Count Control Form computes it [5.6.1]."""
        tav = self.arith.of(self.valid) - self.exhausted - self.loss
        for c in self.elected:
            tav -= min(self.totals[c], self.quota_value)
        return tav

    def reaches(self, c: CandidateIndex) -> str | None:
        """Return which limb of 5.1.7 the candidate's vote satisfies, or None."""
        a = self.arith
        vote = self.totals[c]
        if a.compare(vote, self.quota_value) >= 0:
            return "(a) the quota"
        unfilled = self.seats - len(self.elected)
        tav = self.total_active_vote()
        # (b) compared without rounding: vote x (unfilled + 1) >= total active vote.
        if a.compare(vote * (unfilled + 1), tav) >= 0:
            return (
                "(b) the total active vote / (places not filled + 1), "
                f"{a.decimal(tav)} / {unfilled + 1}"
            )
        return None

    def revise_quota(self) -> None:
        """Recalculate the quota without the non-transferable vote if nobody is elected [5.4.8]."""
        a = self.arith
        if self.elected or a.compare(self.exhausted + self.loss, self.zero) <= 0:
            return
        q = self.quota_of(a.of(self.valid) - self.exhausted - self.loss)
        if q != self.quota_value:
            self.quota_value = q
            self.stage_notes.append(f"quota recalculated to {a.decimal(q)} [5.4.8]")

    def elect_reached(self, action: Action) -> list[Decision]:
        """Deem elected, highest first, each candidate whose vote suffices [5.1.7, 5.6.2]."""
        a = self.arith
        if action is Action.EXCLUSION:
            # Papers become non-transferable before an election only by exclusion [5.4.8].
            self.revise_quota()
        clause = _ELECTION_CLAUSE.get(action, "5.4.9")
        decisions: list[Decision] = []
        while len(self.elected) < self.seats and self.continuing:
            top = max(self.totals[c] for c in self.continuing)
            group = [c for c in self.continuing if a.compare(self.totals[c], top) == 0]
            how = self.reaches(group[0])  # equal votes: the group reaches together or not at all
            if how is None:
                break
            unfilled = self.seats - len(self.elected)
            c, tie = self.election_tie(group)
            if len(group) <= unfilled:
                c = min(group) if c is None else c
                tie = None
            elif c is None:
                # [5.6.2] equal at every point: none of them is deemed elected at this stage.
                names = ", ".join(self.election.candidates[g].name for g in sorted(group))
                self.stage_notes.append(
                    f"{names} equal at every stage for {unfilled} place(s): "
                    "none deemed elected at this stage [5.6.2]"
                )
                break
            self.continuing.discard(c)
            self.elected.append(c)
            if a.compare(self.totals[c], self.quota_value) > 0:
                self.pending.append(c)
            reason = f"vote equals or exceeds {how} [{clause}]"
            if tie is not None:
                reason += "; equal votes decided by an earlier stage [5.6.2]"
            decisions.append(Decision(c, Outcome.ELECTED, reason, tie))
        return decisions

    def election_tie(
        self, group: Sequence[CandidateIndex]
    ) -> tuple[CandidateIndex | None, TieBreak | None]:
        """Order equal votes for election by the earliest point of inequality [5.6.2].

        No lot is drawn: with places for all the order decides nothing, and without them
        5.6.2 elects none of those equal throughout.
        """
        return break_by_earliest(
            group, self.history, lowest=False, purpose="deemed elected [5.6.2]", lot=None
        )

    # -- surpluses ----------------------------------------------------------------------------

    def total_surplus(self) -> Value:
        """Return the total of the surpluses not yet transferred."""
        return sum((self.totals[c] - self.quota_value for c in self.pending), self.zero)

    def lowest_groups(self, extra: Value) -> list[tuple[list[CandidateIndex], Value, Value]]:
        """Return every group of lowest candidates whose votes plus ``extra`` do not exceed the
        next above, with the group's total and that vote [5.2.2(a)-(b), 5.2.5(a)-(b)].

        A group is never cut between equal votes, and enough candidates must remain to fill
        the places left [5.2.5(a)].
        """
        a = self.arith
        order = sorted(self.continuing, key=lambda c: (self.totals[c], c))
        unfilled = self.seats - len(self.elected)
        groups: list[tuple[list[CandidateIndex], Value, Value]] = []
        running = self.zero
        for m in range(1, len(order)):
            if len(order) - m < unfilled:
                break
            running += self.totals[order[m - 1]]
            above = self.totals[order[m]]
            if a.compare(self.totals[order[m - 1]], above) < 0 and (
                a.compare(running + extra, above) <= 0
            ):
                groups.append((order[:m], running, above))
        return groups

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return the largest surplus unless all are deferred [5.2.2, 5.2.3]."""
        if not self.pending:
            return None
        a = self.arith
        total = self.total_surplus()
        if self.lowest_groups(total):
            return None  # [5.2.2] deferred: choose_exclusion says why
        order = sorted(self.continuing, key=lambda c: (self.totals[c], c))
        if len(order) >= 2:
            gap = self.totals[order[1]] - self.totals[order[0]]
            self.stage_notes.append(
                f"surpluses {a.decimal(total)} exceed {a.decimal(gap)}, the difference between "
                "the two lowest, and every excludable group's margin: not deferred [5.2.2]"
            )
        top = max(self.totals[c] for c in self.pending)
        tied = [c for c in self.pending if a.compare(self.totals[c], top) == 0]
        c, tie = self.break_tie(tied, lowest=False, purpose="order of surpluses [5.2.3]")
        return c, tie

    def surplus_parcels(self, c: CandidateIndex) -> list[Parcel]:
        """Return the last batch the candidate received [5.3.1-5.3.2]."""
        pile = self.piles[c]
        last = max(p.stage for p in pile)  # stage 1 for first preferences [5.3.1]
        return [p for p in pile if p.stage == last]

    # The hook contract's signature: [5.3.7] divides by the papers, not by the total.
    def surplus_values(
        self,
        c: CandidateIndex,  # noqa: ARG002
        surplus: Value,
        total: Value,  # noqa: ARG002
        parcels: Sequence[Parcel],
    ) -> dict[Value, Value]:
        """Return the transfer value: surplus / transferable papers, or present value [5.3.7]."""
        a = self.arith
        examined = sum(p.weight for p in parcels)
        movable = [p for p in parcels if self.next_position(p) is not None]
        papers = sum(p.weight for p in movable)
        value = sum((p.weight * p.value for p in movable), self.zero)
        values = {p.value for p in parcels}
        self.stage_notes.append(
            f"{examined} papers examined, {papers} transferable, worth {a.decimal(value)} [5.3.7]"
        )
        if a.compare(value, surplus) > 0:
            self._at_present_value = False
            # "dividing the surplus by the number of transferable papers, to two decimal
            # places, ignoring any remainder"
            tv = a.div_int(surplus, papers, rounding=Rounding.DOWN)
            return dict.fromkeys(values, tv)
        self._at_present_value = True
        return {v: v for v in values}

    # The hook contract's signature: either way the whole difference goes one place.
    def surplus_remainder(
        self,
        surplus: Value,
        moved: Value,
        nontransferable: Value,  # noqa: ARG002
    ) -> tuple[Value, Value]:
        """Keep the non-transferable difference as loss, or all of it as non-transferable."""
        if self._at_present_value:
            return surplus - moved, self.zero  # [5.3.7] what the papers do not carry
        return self.zero, surplus - moved  # [6.11] the neglected remainder

    # -- exclusion ----------------------------------------------------------------------------

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return as many lowest candidates as may go together, or the lowest one [5.2.5]."""
        a = self.arith
        deferred = self.total_surplus()
        groups = self.lowest_groups(deferred)
        names = self.election.candidates
        if self.pending:
            pend = ", ".join(
                f"{names[c].name} {a.decimal(self.totals[c] - self.quota_value)}"
                for c in self.pending
            )
            group, votes, above = groups[0]  # deferral needs a group [5.2.2]
            limb = "(a)" if len(group) == 1 else "(b)"
            self.stage_notes.append(
                f"surpluses deferred ({pend}): {a.decimal(deferred)} does not exceed "
                f"{a.decimal(above)} - {a.decimal(votes)} [5.2.2{limb}]"
            )
        if groups and len(groups[-1][0]) >= 2:
            group, votes, above = groups[-1]  # "as many candidates together as possible"
            plus = f" + deferred surpluses {a.decimal(deferred)}" if self.pending else ""
            self.stage_notes.append(
                f"{len(group)} excluded together: {a.decimal(votes)}{plus} does not exceed "
                f"{a.decimal(above)} [5.2.5(b)]"
            )
            return sorted(group, key=lambda c: (self.totals[c], c)), None
        low = min(self.totals[c] for c in self.continuing)
        tied = [c for c in self.continuing if a.compare(self.totals[c], low) == 0]
        c, tie = self.break_tie(tied, lowest=True, purpose="exclusion [5.2.5]")
        return [c], tie

    def exclusion_batches(self, parcels: list[Parcel]) -> list[list[Parcel]]:
        """Return the papers in batches of one value, highest value first [5.4.1, 6.1]."""
        by_value: dict[Value, list[Parcel]] = {}
        for p in parcels:
            by_value.setdefault(p.value, []).append(p)
        # A candidate with no papers is still excluded at a stage of its own.
        return [by_value[v] for v in sorted(by_value, reverse=True)] or [[]]

    def stop_exclusion(self) -> bool:
        """Leave the remaining batches once the places are settled [5.5.2, 4.3]."""
        return len(self.continuing) <= self.seats - len(self.elected)

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Exclude ``cs``; if that leaves as many continuing as places, elect them [5.5.1]."""
        if len(self.continuing) - len(cs) > self.seats - len(self.elected):
            super().exclude(cs, tie)
            return
        reason = "proposed exclusion leaves as many continuing candidates as places [5.5.1]"
        if tie is not None:
            reason += f"; tie decided by {tie.method}"
        for c in cs:
            self.continuing.discard(c)
            self.excluded.append(c)
        out = tuple(Decision(c, Outcome.EXCLUDED, reason, tie) for c in cs)
        last = self.rounds[-1]
        # No papers move, so no stage of its own: the last stage takes the decisions and notes.
        then = ["then " + ", ".join(self.stage_notes)] if self.stage_notes else []
        note = "; ".join([last.note, *then, reason])
        self.stage_notes.clear()
        self.rounds[-1] = replace(last, decisions=last.decisions + out, note=note)
        self.deem_elected("deemed elected: the rest excluded, as many as places [5.5.1]")

    def break_tie(
        self, tied: Sequence[CandidateIndex], *, lowest: bool, purpose: str
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Break a tie by the earliest point of inequality, then by lot [5.2.3, 5.2.5]."""
        c, tie = break_by_earliest(tied, self.history, lowest=lowest, purpose=purpose, lot=self.lot)
        assert c is not None  # a lot always chooses
        return c, tie


_ERS = "Electoral Reform Society, STV rules (1997)"


@dataclass(frozen=True)
class Ers97Options(DecimalOptions):
    """The options of the ERS97 rules: the arithmetic is the rules'; only the tie policy varies."""

    arithmetic: str = option(
        "fixed",
        "fixed point, remainders ignored",
        source=_ERS + " 5.1.6, 5.3.7",
        choices=("fixed",),
        fixed='[5.3.7] "to two decimal places, ignoring any remainder"',
    )
    precision: int | None = option(
        PLACES,
        "two decimal places",
        source=_ERS + " 5.1.6, 5.3.7",
        fixed='[5.1.6] "Take the division to two decimal places."',
    )
    ties: str = option(
        "lot",
        "lot: the earliest point at which the tied had unequal votes, then lot from the seed "
        "[5.2.3, 5.2.5]; listed: those points, then the BLT's [tie] order, else the listing "
        "order (not the rules': 5.2.3 says 'by lot')",
        source=_ERS + " 5.2.3, 5.2.5",
        choices=TIES,
    )


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: Ers97Options | None = None,
) -> Result:
    """Count ``election`` by the ERS97 rules (two decimal places throughout)."""
    counting = Ers97Count(election, seats=seats, seed=seed, arithmetic=FixedArithmetic(PLACES))
    if options is not None and options.ties == "listed":
        counting.lot = ListedOrder(listed_order(election))
    return counting.run()
