"""Scottish STV: the count of the Scottish Local Government Elections Order 2007.

Source: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules
45-52, as made (legislation.gov.uk/ssi/2007/42/schedule/1).  The same counting rules, renumbered
46-53, are in the Scottish Local Government Elections Order 2011 (SSI 2011/399) under which the
2012, 2017 and 2022 council elections were run; SSI 2021/437 changed only rule 53(2) so that an
electronic count may show a transfer after the last vacancies are filled.  Rule numbers cited
in brackets below are those of the 2007 Order.

45. First stage: sort the valid papers by first preference, credit one vote each.
46. Quota: valid papers / (councillors + 1), ignoring decimals, plus one.
47. A candidate whose votes equal or exceed the quota at any stage is deemed elected.
48. (1) Where a candidate's votes exceed the quota and vacancies remain, sort ALL the papers
    received by that candidate by next available preference; papers with none are
    non-transferable.  (3) Each transferred paper carries the transfer value
    (surplus x value of the paper when received) / (candidate's total votes), "calculated to
    five decimal places (any remainder being ignored)".  (4) A first-preference paper's value
    is one; any other paper's is its transfer value when received.
49. (1) With two or more surpluses, the highest is transferred first.  (2) Equal surpluses:
    first the candidate with more votes at the most recent preceding stage at which they were
    unequal; (3) equal at every stage: by lot.
50. When no surplus remains to transfer, exclude the continuing candidate with the fewest
    votes; transfer all their papers at the value each was received at (one for first
    preferences) to the next available preference.
51. Equal lowest: exclude the one with fewest votes at the most recent preceding stage at which
    they were unequal; equal at every stage: by lot.
52. (1) Where the continuing candidates are as many as the vacancies left, they are deemed
    elected; (2) then no further transfer is made.

Readings (confirmed against the 2022 official sheets, see docs/verification/scotland-2022.md):
each surplus or exclusion is one stage; values are integers scaled by 10**5, so totals are exact
sums of truncated per-paper values; the fraction lost to truncation is recorded separately from
non-transferable papers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from .._types import CandidateIndex, Preferences
from ..arithmetic import FixedPoint, Rounding
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round
from ._ties import Lot, break_by_history
from .base import resolve_seats, strict_preferences

__all__ = ["count"]

PLACES = 5  # [48(3)] "to five decimal places"


@dataclass(slots=True)
class _Parcel:
    """Identical papers that travel together: their preferences, number, value and holder."""

    prefs: Preferences
    weight: int
    value: int
    pos: int = 0


@dataclass
class _Count:
    """The state of one Scottish STV count between stages."""

    ncand: int
    seats: int
    fp: FixedPoint
    lot: Lot
    quota: int = 0
    totals: list[int] = field(default_factory=list)
    piles: list[list[_Parcel]] = field(default_factory=list)
    continuing: set[CandidateIndex] = field(default_factory=set)
    elected: list[CandidateIndex] = field(default_factory=list)
    pending: list[CandidateIndex] = field(default_factory=list)
    history: list[list[int]] = field(default_factory=list)
    exhausted: int = 0
    loss: int = 0

    def next_continuing(self, parcel: _Parcel) -> int | None:
        """Return the position of the parcel's next preference for a continuing candidate."""
        prefs = parcel.prefs
        for i in range(parcel.pos + 1, len(prefs)):
            if prefs[i] in self.continuing:
                return i
        return None

    def move(self, parcels: list[_Parcel], value_of: dict[int, int]) -> tuple[list[int], int, int]:
        """Transfer parcels to their next preferences; return transfers, non-transferable, moved.

        ``value_of`` maps a paper's current value to the value it carries on, so papers of
        equal value are valued once (values are all the same for an exclusion).
        """
        transfers = [0] * self.ncand
        nontransferable = 0
        for p in parcels:
            value = value_of[p.value]
            nxt = self.next_continuing(p)
            if nxt is None:
                nontransferable += p.weight * value
                continue
            p.pos = nxt
            p.value = value
            to = p.prefs[nxt]
            self.piles[to].append(p)
            transfers[to] += p.weight * value
        moved = sum(transfers)
        for c, t in enumerate(transfers):
            self.totals[c] += t
        return transfers, nontransferable, moved

    def elect_reached(self) -> list[Decision]:
        """Deem elected every continuing candidate at or over the quota [47], highest first."""
        reached = [c for c in self.continuing if self.totals[c] >= self.quota]
        decisions: list[Decision] = []
        while reached:
            top = max(self.totals[c] for c in reached)
            tied = [c for c in reached if self.totals[c] == top]
            c, tie = break_by_history(
                tied, self.history, lowest=False, purpose="order of election", lot=self.lot
            )
            reached.remove(c)
            self.continuing.discard(c)
            self.elected.append(c)
            if self.totals[c] > self.quota:
                self.pending.append(c)
            decisions.append(Decision(c, Outcome.ELECTED, "reached the quota [47]", tie))
        return decisions


def count(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` by SSI 2007/42 rules 45-52."""
    nseats = resolve_seats(election, seats)
    fp = FixedPoint(PLACES)
    one = fp.one
    n = len(election.candidates)
    state = _Count(ncand=n, seats=nseats, fp=fp, lot=Lot(seed))
    state.continuing = set(range(n)) - election.withdrawn
    if not state.continuing:
        raise ConfigurationError("no candidates to count: all are withdrawn")
    state.piles = [[] for _ in range(n)]
    state.totals = [0] * n

    # [45] first stage: each valid paper credited to its first preference at value one.
    valid = 0
    for prefs, weight in strict_preferences(election):
        parcel = _Parcel(prefs, weight, one)
        state.piles[prefs[0]].append(parcel)
        state.totals[prefs[0]] += weight * one
        valid += weight
    # [46] quota: valid papers / (seats + 1), decimals ignored, plus one.
    state.quota = fp.of(valid // (nseats + 1) + 1)

    rounds: list[Round] = []

    def record(
        transfers: list[int],
        note: str,
        decisions: list[Decision],
        nontr: int,
        loss: int,
        action: Action = Action.FIRST,
        subject: CandidateIndex | None = None,
    ) -> None:
        state.history.append(list(state.totals))
        decisions = decisions + state.elect_reached()
        rounds.append(
            Round(
                number=len(rounds) + 1,
                tallies=tuple(fp.decimal(v) for v in state.totals),
                transfers=tuple(fp.decimal(v) for v in transfers),
                exhausted=fp.decimal(state.exhausted),
                decisions=tuple(decisions),
                note=note,
                loss=fp.decimal(state.loss),
                exhausted_transfer=fp.decimal(nontr),
                loss_transfer=fp.decimal(loss),
                action=action,
                subjects=() if subject is None else (subject,),
            )
        )

    record([0] * n, "First preferences", [], 0, 0)

    while len(state.elected) < nseats:
        vacancies = nseats - len(state.elected)
        if len(state.continuing) <= vacancies:
            # [52] as many continuing candidates as vacancies: all deemed elected, and no
            # further transfer is made.  The decision belongs to the last stage.
            last = rounds[-1]
            order = sorted(state.continuing, key=lambda c: (-state.totals[c], c))
            deemed = tuple(
                Decision(c, Outcome.ELECTED, "deemed elected: as many continuing as vacancies [52]")
                for c in order
            )
            state.elected.extend(order)
            state.continuing.clear()
            rounds[-1] = replace(last, decisions=last.decisions + deemed)
            break
        if state.pending:
            # [49(1)] highest surplus first; [49(2)-(3)] ties by the most recent unequal stage.
            top = max(state.totals[c] for c in state.pending)
            tied = [c for c in state.pending if state.totals[c] == top]
            c, tie = break_by_history(
                tied, state.history, lowest=False, purpose="order of surpluses", lot=state.lot
            )
            state.pending.remove(c)
            total = state.totals[c]
            surplus = total - state.quota
            parcels, state.piles[c] = state.piles[c], []
            # [48(3)] transfer value = surplus x value when received / total, truncated.
            values = {p.value for p in parcels}
            value_of = {
                v: fp.muldiv(surplus, v, total, rounding=Rounding.DOWN) for v in values
            }
            transfers, nontr, moved = state.move(parcels, value_of)
            state.totals[c] = state.quota
            transfers[c] = -surplus
            loss = surplus - moved - nontr
            state.exhausted += nontr
            state.loss += loss
            tvs = ", ".join(str(fp.decimal(value_of[v])) for v in sorted(values, reverse=True))
            note = f"Surplus of {election.candidates[c].name} ({fp.decimal(surplus)}); "
            note += f"transfer value {tvs}"
            if tie is not None:
                note += f"; equal surpluses: {tie.method} [49]"
            record(transfers, note, [], nontr, loss, Action.SURPLUS, c)
            continue
        # [50(1)] exclude the continuing candidate with the fewest votes; [51] ties.
        low = min(state.totals[c] for c in state.continuing)
        tied = [c for c in state.continuing if state.totals[c] == low]
        c, tie = break_by_history(
            tied, state.history, lowest=True, purpose="exclusion", lot=state.lot
        )
        state.continuing.discard(c)
        parcels, state.piles[c] = state.piles[c], []
        # [50(4)] each paper keeps the value it was received at.
        transfers, nontr, moved = state.move(parcels, {p.value: p.value for p in parcels})
        transfers[c] = -state.totals[c]
        state.totals[c] = 0
        state.exhausted += nontr
        reason = "fewest votes [50]" if tie is None else f"fewest votes, tie broken by {tie.method} [51]"
        excl = Decision(c, Outcome.EXCLUDED, reason, tie)
        record(
            transfers,
            f"Exclusion of {election.candidates[c].name}",
            [excl],
            nontr,
            0,
            Action.EXCLUSION,
            c,
        )

    return Result(
        method="scottish-stv",
        seats=nseats,
        candidates=election.names,
        valid=Decimal(valid),
        quota=fp.decimal(state.quota),
        rounds=tuple(rounds),
        title=election.title,
        seed=seed,
        places=PLACES,
    )
