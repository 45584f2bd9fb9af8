"""Alternative vote (instant run-off) for one seat, as UK parties count leadership ballots.

Sources.  The Labour Party elects its leader and deputy leader under Chapter 4, Clause II of its
Rule Book ("Procedural rules for elections for national officers of the Party").  The rule-book
wording of the count could NOT be retrieved, so none is quoted here.  What was confirmed, from
stored copies of public pages:

- LabourList, "How Labour's leadership elections work: party rules in full" (January 2020): the
  electorate votes "by preferential ballot"; if nobody has more than 50% on first preferences, the
  candidate with the fewest votes has their votes redistributed, repeated until a winner reaches
  the threshold.
- The Guardian, Pass notes No 2,839 (31 August 2010), quoting Labour's website: a "transferable
  eliminating ballot" in which each round is published as 100%, votes not transferred being
  eliminated from the calculations.  So the majority is of the votes still held by continuing
  candidates, not of all valid papers.

The clauses cited in brackets below are from the one statutory text found that spells out this
count: rule 45A of the parliamentary elections rules (RPA 1983 Sch. 1) as the Parliamentary
Voting System and Constituencies Act 2011 s.9(2) would have inserted it.  It was never brought
into force (the 2011 referendum rejected AV and s.8(2) required its repeal); it is cited for its
wording, which describes the same count:

45A(2) Votes are allocated by first preferences and "if one candidate has more votes than the
       other candidates put together, that candidate is elected."
45A(3) If not, "the candidate with the fewest votes is eliminated"; each of their votes whose
       voter "also ranked one or more of the remaining candidates shall be reallocated to ... the
       one that the voter ranked highest"; "(b) any votes not reallocated shall play no further
       part in the counting."
45A(4)-(5) This repeats until one candidate "has more votes than the other remaining candidates
       put together".

Ties for exclusion [tie] follow this project's rule, NOT the 2011 text: the candidate with fewer
votes at the most recent earlier round at which the tied candidates' totals differed is excluded
(as SSI 2007/42 r.51 does for STV); if they were equal at every round, by lot from the count's
seeded source.  The 2011 rule 49(2) instead looks first at first preferences, then at "the next
stage of counting ... and so on" (earliest stage first), then by lot (49(3)).  Labour's own tie
rule could not be confirmed.

Readings:

- A paper's preferences stop at a skipped rank or at a rank marked for several candidates (see
  :func:`~tellers.methods.base.strict_preferences`); withdrawn candidates are passed over; papers
  with no usable first preference are not counted, and the first round's note says how many.
- One candidate is excluded per round.  The exclusion is recorded in the round that shows the
  transfer of their papers; the election in the round whose totals give the majority.
- If one continuing candidate remains without a majority (possible only when no votes remain
  with continuing candidates), they are elected as the last continuing candidate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import add
from typing import Protocol

from .._types import CandidateIndex, Preferences
from ..arithmetic import DecimalCache
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round
from . import _fast
from ._ties import ListedOrder, Lot, break_by_history
from .base import resolve_seats, strict_preferences
from .options import TIES, Options, listed_order, option

__all__ = ["AvOptions", "ParcelPiles", "Piles", "count", "count_reference", "count_with"]


@dataclass(slots=True)
class _Parcel:
    """Identical papers that travel together: their preferences, number and current position."""

    prefs: Preferences
    weight: int
    pos: int = 0


class Piles(Protocol):
    """Where the papers lie: the count's loop asks it only these things."""

    #: Every paper in the election, whether or not it has a usable first preference.
    papers: int

    def first(self) -> tuple[list[int], int]:
        """Place every paper on its first preference; return the totals and the valid papers."""
        ...

    def exclude(
        self, out: CandidateIndex, continuing: set[CandidateIndex]
    ) -> tuple[list[int], int]:
        """Pass ``out``'s papers on; return the votes each candidate gains and those exhausted."""
        ...


class ParcelPiles:
    """Papers as parcels in Python lists: the reference the array piles are checked against."""

    def __init__(self, election: Election) -> None:
        self.election = election
        self.n = len(election.candidates)
        self.papers = election.total_weight
        self.piles: list[list[_Parcel]] = [[] for _ in range(self.n)]

    def first(self) -> tuple[list[int], int]:
        """Place every paper on its first preference [45A(2)]."""
        totals = [0] * self.n
        valid = 0
        for prefs, weight in strict_preferences(self.election):
            self.piles[prefs[0]].append(_Parcel(prefs, weight))
            totals[prefs[0]] += weight
            valid += weight
        return totals, valid

    def exclude(
        self, out: CandidateIndex, continuing: set[CandidateIndex]
    ) -> tuple[list[int], int]:
        """Pass each parcel to its highest-ranked continuing candidate [45A(3)(a)]."""
        transfers = [0] * self.n
        exhausted = 0
        for parcel in self.piles[out]:
            prefs = parcel.prefs
            nxt = next(
                (i for i in range(parcel.pos + 1, len(prefs)) if prefs[i] in continuing), None
            )
            if nxt is None:
                exhausted += parcel.weight  # [45A(3)(b)] no further part in the count
                continue
            parcel.pos = nxt
            to = prefs[nxt]
            self.piles[to].append(parcel)
            transfers[to] += parcel.weight
        self.piles[out] = []
        return transfers, exhausted


def _majority_note(active: int) -> str:
    """Describe the majority needed of the votes held by continuing candidates."""
    if active == 0:
        return "no votes with continuing candidates"
    # More than half of ``active`` whole votes is ``active // 2 + 1``.
    return f"majority {active // 2 + 1:,} of {active:,} continuing"


@dataclass(frozen=True)
class AvOptions(Options):
    """The options of the alternative vote: the tie policy."""

    ties: str = option(
        "lot",
        "lot: the most recent round at which the tied differed, then lot from the seed; listed: "
        "those rounds, then the BLT's [tie] order, else the listing order (not the rules', "
        "which say lot)",
        source="SSI 2007/42 r.51 as the UK parties' AV rules read it (see tellers.methods.av)",
        choices=TIES,
    )


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: AvOptions | None = None,
) -> Result:
    """Count ``election`` by the alternative vote."""
    ties = options.ties if options is not None else "lot"
    # The array piles give the identical Result (tests/methods/test_fast.py) wherever their
    # integer sums are exact; the parcel piles are the reference they are checked against.
    if _fast.supports(election):
        return count_with(election, _fast.AvArrayPiles, seats=seats, seed=seed, ties=ties)
    return count_with(election, ParcelPiles, seats=seats, seed=seed, ties=ties)


def count_reference(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` by the alternative vote, parcel by parcel (the reference)."""
    return count_with(election, ParcelPiles, seats=seats, seed=seed)


def count_with(
    election: Election,
    piles_for: Callable[[Election], Piles],
    *,
    seats: int | None = None,
    seed: int = 0,
    ties: str = "lot",
) -> Result:
    """Count ``election`` by the alternative vote, its papers held in ``piles_for(election)``.

    ``ties="listed"`` puts the file's tie order, else the listing order, where the lot is.
    """
    # A BLT file may say two seats; AV fills one, so only an explicit argument can object.
    resolve_seats(election, seats, single=True)
    n = len(election.candidates)
    continuing: set[CandidateIndex] = set(range(n)) - election.withdrawn
    if not continuing:
        raise ConfigurationError("no candidates to count: all are withdrawn")
    lot = ListedOrder(listed_order(election)) if ties == "listed" else Lot(seed)
    names = election.names

    # [45A(2)] allocate each paper to its first preference.
    piles = piles_for(election)
    totals, valid = piles.first()
    unused = piles.papers - valid

    rounds: list[Round] = []
    history: list[list[int]] = []
    dec = DecimalCache().__getitem__
    exhausted = 0
    transfers = [0] * n
    newly_exhausted = 0
    decisions: list[Decision] = []
    action = Action.FIRST
    subjects: tuple[CandidateIndex, ...] = ()
    note = "First preferences"
    if unused:
        paper = "paper" if unused == 1 else "papers"
        note += f"; {unused:,} {paper} with no usable first preference not counted"

    while True:
        # Each stage's totals are a new list (see below), so the history may keep it as it is.
        history.append(totals)
        held = [totals[c] for c in continuing]
        active = sum(held)
        # [45A(2), (4)] elected with more votes than the other continuing candidates together;
        # at most one can be, and only the highest.
        winner: CandidateIndex | None = None
        if 2 * max(held) > active:
            winner = next(c for c in continuing if 2 * totals[c] > active)
        if winner is not None:
            clause = "[45A(2)]" if not rounds else "[45A(4)]"
            decisions.append(
                Decision(winner, Outcome.ELECTED, f"majority of continuing votes {clause}")
            )
        elif len(continuing) == 1:
            winner = next(iter(continuing))
            decisions.append(Decision(winner, Outcome.ELECTED, "last continuing candidate"))
        rounds.append(
            Round(
                number=len(rounds) + 1,
                tallies=tuple(map(dec, totals)),
                transfers=tuple(map(dec, transfers)),
                exhausted=dec(exhausted),
                decisions=tuple(decisions),
                note=f"{note}; {_majority_note(active)}",
                exhausted_transfer=dec(newly_exhausted),
                action=action,
                subjects=subjects,
            )
        )
        if winner is not None:
            break

        # [45A(3)] exclude the continuing candidate with the fewest votes; [tie] equal lowest.
        low = min(held)
        tied = [c for c in continuing if totals[c] == low]
        out, tie = break_by_history(tied, history, lowest=True, purpose="exclusion", lot=lot)
        continuing.discard(out)
        transfers, newly_exhausted = piles.exclude(out, continuing)
        totals = list(map(add, totals, transfers))
        transfers[out] = -totals[out]
        totals[out] = 0
        exhausted += newly_exhausted
        reason = "fewest votes [45A(3)]"
        if tie is not None:
            reason = f"fewest votes, equal lowest decided by {tie.method} [tie]"
        decisions = [Decision(out, Outcome.EXCLUDED, reason, tie)]
        action, subjects = Action.EXCLUSION, (out,)
        note = f"Exclusion of {names[out]}"

    return Result(
        method="av",
        seats=1,
        candidates=names,
        valid=Decimal(valid),
        quota=None,
        rounds=tuple(rounds),
        title=election.title,
        seed=seed,
        places=0,
    )
