"""Meek's method of STV and Warren's variant: generic (as Droop counts them) and the PRF rule.

Sources.

- I. D. Hill, B. A. Wichmann and D. R. Woodall, "Algorithm 123 - Single Transferable Vote by
  Meek's Method", The Computer Journal 30(3) (1987) 277-281.  Every candidate has a keep
  value, 1 while hopeful and 0 once excluded.  A ballot's whole value passes down its
  preferences: each continuing candidate keeps the part given by their keep value and passes
  the rest on.  The quota is recalculated from the votes that reach candidates (votes lost off
  exhausted papers lower it), an elected candidate's keep value is multiplied by quota / votes,
  and the cycle is repeated until the surpluses are negligibly small; only then is the lowest
  candidate excluded.  Meek also considered equal preferences; Algorithm 123 does not.
- Warren's variant (H. Warren, Voting matters 1, March 1994, paper 4; I. D. Hill, "Meek or
  Warren counting", ibid., paper 5): the fractions kept are "multiplicative under Meek" but
  "additive under Warren": a candidate keeps their keep value as an amount of each ballot that
  reaches them, and where "not enough vote remains ... all that remains is taken".
- The Proportional Representation Foundation's "Reference Meek Rule"
  (prfound.org/resources/reference/reference-meek-rule/; the same text is quoted clause by
  clause in Droop's droop/rules/meek_prf.py).  Clauses cited in brackets below:

  A.   Set each hopeful candidate's keep factor kf to 1, each withdrawn candidate's to 0;
       "Set omega to 0.000001 (1/10^6)."
  B.1. "Proceed to step C if all seats are filled, or if the number of elected plus hopeful
       candidates is less than or equal to the number of seats."
  B.2.a. For each ballot set weight w to 1; for each candidate in rank order "add w multiplied
       by the keep factor kf of the candidate (to 9 decimal places, rounded up) to that
       candidate's vote v, and reduce w by the same amount, until no further candidate remains
       on the ballot or until the ballot's weight w is 0."
  B.2.b. Quota q = total vote / (seats + 1), "truncated to 9 decimal places, plus 0.000000001".
  B.2.c. "Elect each hopeful candidate with a vote v greater than or equal to the quota."
  B.2.d. Total surplus s = sum of (v - q) over elected candidates, "but not less than 0".
  B.2.e. If B.2.c elected anyone, continue at B.1; otherwise, if s is less than omega, or
       (after the first iteration) s is not less than the previous iteration's, go to B.3.
  B.2.f. kf = kf x q "(to 9 decimal places, rounded up)", then / v "(to 9 decimal places,
       rounded up)"; continue at B.2.a.
  B.3. Defeat the hopeful candidate with the lowest vote, "breaking any tie per procedure T,
       where each candidate c' is tied with c if vote v' for c' is less than or equal to v plus
       total surplus s"; set their kf to 0.
  C.1. If seats are unfilled, elect the remaining hopeful candidates; C.2. otherwise defeat them.
  T.   Ties "use the defined tiebreaking procedure".

- The generic rules are J. Lundell's parameterisation in Droop (droop/rules/meek.py, Droop
  0.11, 2010-2020), whose reference counts ``verify.droop`` reproduces.  They follow the PRF
  steps with these differences: the arithmetic is a parameter (default guarded fixed point,
  18 places + 9 guard digits; omega 10^-(precision/2) for guarded, 10^-10 for rational,
  10^-(2/3 precision) for fixed); with (quasi-)exact arithmetic the quota is not rounded up
  and a candidate is elected only *over* it; Meek's keep is w x kf and the weight passed on
  w x (1 - kf), both truncated; iteration stops when s is *at or below* omega; the surplus is
  not floored at 0; after each iteration with no election, a batch of "sure losers" is defeated
  at once where one exists (defeat_batch=safe: the lowest candidates whose votes together, plus
  s, are below the next candidate's, leaving enough hopefuls for the seats and never splitting
  candidates within s of each other); equal rankings share a ballot's weight equally.

Readings:

- One round is one iteration to convergence (B.2), ending in elections [B.2.c] or a defeat
  [B.3]; ``tallies`` are every candidate's vote at the end of it.  Round 1 is first
  preferences.  An exclusion is recorded in the following round, whose iteration moves the
  excluded candidate's papers; the last exclusion, after which the count is complete, and
  C.1/C.2 sit in the last round, since no further distribution is made.
- ``exhausted`` is the value left on ballots after their last continuing preference; ``loss``
  is the value truncation dropped (Droop's "residual" is their sum).
- Values are shown as computed, to the arithmetic's places (``Result.places``): fixed point
  exactly (9 places for the PRF rule); guarded fixed point exactly, guard digits included
  (27 places by default; Droop prints 18, rounded half up); rational values, which have no
  finite decimal, rounded to the arithmetic's places (12 by default) by
  :meth:`RationalArithmetic.decimal`, with transfers the differences of the shown tallies.
- Ties [B.3, T] are broken by the election's predetermined order where the file gives one
  (Droop's ``[tie ...]``), otherwise by lot from the count's seeded source.  Droop always uses a
  predetermined order (the listing order unless the file gives one).
- Exact rational counts are exact but can be slow: fractions grow at every iteration (Droop
  has no rational Warren count of SC-Vm-12.blt, perhaps for that reason).
- Ballots: a skipped rank ends a paper; withdrawn and repeated marks are passed over.  The
  generic rules share a ballot's weight equally among equal-ranked continuing candidates (as
  Droop does, except that a rank whose candidates have all been defeated is passed over where
  Droop drops the rest of the ballot); the PRF rule, which knows no equal rankings, reads a
  paper only up to the first rank marked for several candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Context, Decimal
from functools import cached_property

from .._types import CandidateIndex, Rank
from ..arithmetic import (
    Arithmetic,
    FixedArithmetic,
    GuardedArithmetic,
    RationalArithmetic,
    Rounding,
    Value,
)
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak, TieMethod
from ._meek_fast import MeekArrays
from ._meek_keep import KeepRule
from ._ties import Lot, break_by_order
from .base import resolve_seats
from .options import DEFEAT_BATCH, TIES, ArithmeticOptions, DecimalOptions, listed_order, option

__all__ = [
    "MEEK",
    "PRF",
    "WARREN",
    "KeepRule",
    "MeekOptions",
    "MeekPrfOptions",
    "MeekRule",
    "count",
    "count_prf",
    "count_warren",
    "default_omega",
    "distribute",
    "meek_keep",
    "prf_keep",
    "warren_keep",
]

DOWN = Rounding.DOWN
UP = Rounding.UP
# Differences of shown values are taken exactly: guarded values carry 27 places, more digits
# than Decimal's default 28-digit context keeps.
_EXACT = Context(prec=1000)


def meek_keep(a: Arithmetic, kf: Value, weight: Value) -> tuple[Value, Value]:
    """Keep ``weight x kf`` and pass ``weight x (1 - kf)``, each truncated (Droop's Meek)."""
    return a.mul(weight, kf, rounding=DOWN), a.mul(weight, a.of(1) - kf, rounding=DOWN)


def prf_keep(a: Arithmetic, kf: Value, weight: Value) -> tuple[Value, Value]:
    """Keep ``weight x kf`` rounded up and pass on the rest [B.2.a]."""
    keep = a.mul(weight, kf, rounding=UP)
    return keep, weight - keep


def warren_keep(a: Arithmetic, kf: Value, weight: Value) -> tuple[Value, Value]:
    """Keep ``kf`` of the ballot's value, or all that is left if that is less (Warren)."""
    keep = kf if a.compare(kf, weight) < 0 else weight
    return keep, weight - keep


@dataclass(frozen=True)
class MeekRule:
    """The choices that tell one Meek-family rule from another."""

    name: str
    keep: KeepRule
    omega_strict: bool  # stop when s < omega [B.2.e]; else when s <= omega (Droop's generic)
    clamp_surplus: bool  # "but not less than 0" [B.2.d]
    batch_defeat: bool  # Droop's defeat_batch=safe
    equal_ranks: bool  # share a ballot among equal-ranked candidates


MEEK = MeekRule("meek", meek_keep, False, False, True, True)
WARREN = MeekRule("warren", warren_keep, False, False, True, True)
PRF = MeekRule("meek-prf", prf_keep, True, True, False, False)

#: Why an iteration stopped, as the round's note says it.
_WHY = {
    "elected": "a candidate reached the quota",
    "omega": "surplus below omega",
    "stable": "surplus no longer falling",
    "batch": "sure losers found",
}


def default_omega(a: Arithmetic) -> int:
    """Return Droop's default omega exponent for an arithmetic (omega = 10**-k)."""
    if isinstance(a, GuardedArithmetic):
        return a.precision // 2
    if isinstance(a, FixedArithmetic):
        return a.places * 2 // 3
    if isinstance(a, RationalArithmetic):
        return 10
    raise ConfigurationError(f"give omega for {a.name} arithmetic")


def _shown(a: Arithmetic, v: Value) -> Decimal:
    """Return ``v`` as a Decimal: exact for scaled integers, else the arithmetic's rendering.

    tellers' fixed and guarded arithmetics hold values as integers scaled by 10**places.
    """
    if isinstance(v, int):
        # Built from text: Decimal.scaleb would round to 28 significant digits, and guarded
        # values carry 27 places.
        return Decimal(f"{v}E-{a.places}")
    return a.decimal(v)


def _fmt(a: Arithmetic, v: Value) -> str:
    """Return ``v`` as plain decimal text for a note."""
    return f"{_shown(a, v):f}"


def _describe(a: Arithmetic) -> str:
    """Describe an arithmetic for the first round's note."""
    if isinstance(a, GuardedArithmetic):
        return f"guarded fixed point, {a.precision} places + {a.guard} guard digits"
    if isinstance(a, FixedArithmetic):
        return f"fixed point, {a.places} places"
    if isinstance(a, RationalArithmetic):
        return f"exact rational arithmetic, shown to {a.places} places"
    return f"{a.name} arithmetic"


def _read_ballots(election: Election, *, equal_ranks: bool) -> list[tuple[tuple[Rank, ...], int]]:
    """Read each ballot as its ranks of candidates, withdrawn and repeated marks passed over.

    A skipped rank ends the paper; a rank marked for several candidates is an equal ranking
    if the rule allows them, else it ends the paper too (no next preference can be read).
    """
    skip = election.withdrawn
    out: list[tuple[tuple[Rank, ...], int]] = []
    for b in election.ballots:
        seen: set[CandidateIndex] = set()
        ranks: list[Rank] = []
        for rank in b.ranking:
            if not rank or (len(rank) > 1 and not equal_ranks):
                break
            group = tuple(c for c in rank if c not in skip and c not in seen)
            seen.update(rank)
            if group:
                ranks.append(group)
        if ranks and b.weight:
            out.append((tuple(ranks), b.weight))
    return out


class _MeekCount:
    """One count by a Meek-family rule."""

    def __init__(
        self,
        election: Election,
        rule: MeekRule,
        arithmetic: Arithmetic,
        *,
        omega: int,
        seats: int | None,
        seed: int,
        arrays: bool = True,
    ) -> None:
        self.election = election
        self.rule = rule
        self.a = arithmetic
        self.seats = resolve_seats(election, seats)
        self.seed = seed
        self.lot = Lot(seed)
        self.omega10 = omega
        a = arithmetic
        self.zero: Value = a.of(0)
        self.one: Value = a.of(1)
        self.omega: Value = a.div(self.one, a.of(10**omega), rounding=DOWN)
        # (Quasi-)exact arithmetic needs no rounding up of the quota (Droop's V.exact).
        self.exact = a.epsilon == 0
        n = len(election.candidates)
        self.n = n
        self.hopeful: set[CandidateIndex] = set(range(n)) - election.withdrawn
        if not self.hopeful:
            raise ConfigurationError("no candidates to count: all are withdrawn")
        self.elected: list[CandidateIndex] = []
        self.defeated: list[CandidateIndex] = []
        # [A] keep factors: 1 for hopeful candidates, 0 for withdrawn ones.
        self.kf: list[Value] = [self.one if c in self.hopeful else self.zero for c in range(n)]
        # Papers grouped by what a distribution does with them (``_meek_fast``), where that
        # applies; otherwise every ballot is walked at every iteration.
        self.arrays = MeekArrays.build(election, equal_ranks=rule.equal_ranks) if arrays else None
        self.valid = self.arrays.valid if self.arrays else sum(w for _, w in self.ballots)
        self.votes: list[Value] = [self.zero] * n
        self.exhausted: Value = self.zero
        self.loss: Value = self.zero
        self.surplus: Value = self.zero
        self.quota: Value = self.quota_of(a.of(self.valid))
        self.rounds: list[Round] = []

    # -- arithmetic of the rule -------------------------------------------------------------

    def quota_of(self, total: Value) -> Value:
        """Return total / (seats + 1) truncated, plus one unit unless exact [B.2.b]."""
        return self.a.div_int(total, self.seats + 1, rounding=DOWN) + self.a.epsilon

    def has_quota(self, vote: Value) -> bool:
        """Return whether a vote elects: at or over the quota [B.2.c]; over it when exact."""
        cmp = self.a.compare(vote, self.quota)
        return cmp > 0 if self.exact else cmp >= 0

    @cached_property
    def ballots(self) -> list[tuple[tuple[Rank, ...], int]]:
        """Every ballot as its ranks, read only when ballots are walked one by one."""
        return _read_ballots(self.election, equal_ranks=self.rule.equal_ranks)

    # -- B.2.a: distribute every ballot -----------------------------------------------------

    def distribute(self) -> None:
        """Pass every ballot down its preferences at the current keep factors [B.2.a]."""
        if self.arrays is not None:
            out = self.arrays.distribute(self.a, self.kf, self.rule.keep)
            if out is not None:
                self.votes, self.exhausted, self.loss = out
                return
            # A keep factor changed in a way the groups do not follow: walk every ballot.
            self.arrays = None
        votes = [self.zero] * self.n
        exhausted = loss = self.zero
        for ranks, weight in self.ballots:
            kept, left = self._walk(ranks, 0, self.one, weight, votes)
            exhausted += left * weight
            loss += (self.one - kept - left) * weight
        self.votes, self.exhausted, self.loss = votes, exhausted, loss

    def _walk(
        self, ranks: tuple[Rank, ...], i: int, w: Value, weight: int, votes: list[Value]
    ) -> tuple[Value, Value]:
        """Pass weight ``w`` down ``ranks[i:]``; return what was kept and what is left over."""
        a, kf, keep_rule, zero = self.a, self.kf, self.rule.keep, self.zero
        kept = zero
        while i < len(ranks):
            live = [c for c in ranks[i] if kf[c] != zero]  # defeated candidates keep nothing
            if not live:
                i += 1
                continue
            if len(live) == 1:
                c = live[0]
                keep, w = keep_rule(a, kf[c], w)
                votes[c] += keep * weight
                kept += keep
                # "until the ballot's weight w is 0" [B.2.a]; Droop tests strict ballots with
                # its guarded comparison, so a weight within the guard digits of 0 stops too.
                if a.compare(w, zero) <= 0:
                    return kept, w
                i += 1
                continue
            # Equal ranking: each continuing candidate gets an equal share (truncated), and
            # what each passes on continues down the ballot separately, as Droop does.
            share = a.div_int(w, len(live), rounding=DOWN)
            left = zero
            for c in live:
                keep, rest = keep_rule(a, kf[c], share)
                votes[c] += keep * weight
                kept += keep
                if rest == zero:
                    continue
                k, lft = self._walk(ranks, i + 1, rest, weight, votes)
                kept += k
                left += lft
            return kept, left
        return kept, w

    # -- B.2: iterate -----------------------------------------------------------------------

    def iterate(self) -> tuple[str, int, list[CandidateIndex], list[CandidateIndex]]:
        """Iterate to convergence [B.2]: return why it stopped, iterations, elected, batch."""
        a = self.a
        last: Value = a.of(self.valid)  # "except for the first iteration" [B.2.e]
        iterations = 0
        while True:
            iterations += 1
            self.distribute()
            total = sum((self.votes[c] for c in (*self.hopeful, *self.elected)), self.zero)
            self.quota = self.quota_of(total)  # [B.2.b]
            newly = sorted(
                (c for c in self.hopeful if self.has_quota(self.votes[c])),
                key=lambda c: (-self.votes[c], c),
            )
            for c in newly:  # [B.2.c]
                self.hopeful.discard(c)
                self.elected.append(c)
            surplus = sum((self.votes[c] - self.quota for c in self.elected), self.zero)
            if self.rule.clamp_surplus and a.compare(surplus, self.zero) < 0:
                surplus = self.zero  # [B.2.d] "but not less than 0"
            self.surplus = surplus
            if newly:  # [B.2.e]
                return "elected", iterations, newly, []
            cmp = a.compare(surplus, self.omega)
            if cmp < 0 or (cmp == 0 and not self.rule.omega_strict):
                return "omega", iterations, [], []
            if a.compare(surplus, last) >= 0:
                return "stable", iterations, [], []
            if self.rule.batch_defeat:
                batch = self.sure_losers(surplus)
                if batch:
                    return "batch", iterations, [], batch
            last = surplus
            for c in self.elected:  # [B.2.f]
                kf_q = a.mul(self.kf[c], self.quota, rounding=UP)
                self.kf[c] = a.div(kf_q, self.votes[c], rounding=UP)

    def sure_losers(self, surplus: Value) -> list[CandidateIndex]:
        """Return the lowest candidates who cannot win even with the whole surplus (Droop).

        Hopeful candidates, lowest first, are grouped so that candidates within ``surplus`` of
        a group's first stay together; the largest run of groups from the bottom whose votes
        plus the surplus fall short of the next group's first candidate, and that leaves at
        least as many hopefuls as seats to fill, is returned.
        """
        a, votes = self.a, self.votes
        groups: list[list[CandidateIndex]] = []
        group: list[CandidateIndex] = []
        base = self.zero
        for c in sorted(self.hopeful, key=lambda c: (votes[c], c)):
            if a.compare(base + surplus, votes[c]) >= 0:
                group.append(c)
            else:
                if group:
                    groups.append(group)
                group, base = [c], votes[c]
        if group:
            groups.append(group)
        most = len(self.hopeful) - (self.seats - len(self.elected))
        total = self.zero
        taken = 0
        upto: int | None = None
        for g in range(len(groups) - 1):
            taken += len(groups[g])
            if taken > most:
                break
            total += sum((votes[c] for c in groups[g]), self.zero)
            if a.compare(total + surplus, votes[groups[g + 1][0]]) < 0:
                upto = g
        if upto is None:
            return []
        return sorted(c for g in groups[: upto + 1] for c in g)

    # -- B.3 and T: the lowest candidate ----------------------------------------------------

    def lowest(self) -> tuple[CandidateIndex, TieBreak | None]:
        """Return the hopeful candidate to defeat, ties within the surplus broken [B.3, T]."""
        low = min(self.votes[c] for c in self.hopeful)
        tied = sorted(
            c for c in self.hopeful if self.a.compare(low + self.surplus, self.votes[c]) >= 0
        )
        if len(tied) == 1:
            return tied[0], None
        if self.election.tie_order:
            chosen, tie = break_by_order(tied, self.election.tie_order, purpose="exclusion")
            return chosen, tie
        chosen = self.lot.draw(tied)
        return chosen, TieBreak(frozenset(tied), chosen, "exclusion", TieMethod.LOT, seed=self.seed)

    # -- recording --------------------------------------------------------------------------

    def name(self, c: CandidateIndex) -> str:
        """Return a candidate's name."""
        return self.election.candidates[c].name

    def record(
        self, note: str, decisions: Sequence[Decision], action: Action, subjects: Sequence[int]
    ) -> None:
        """Store the current votes as a round."""
        a = self.a
        tallies = tuple(_shown(a, v) for v in self.votes)
        exhausted, loss = _shown(a, self.exhausted), _shown(a, self.loss)
        if self.rounds:
            prev = self.rounds[-1]
            sub = _EXACT.subtract
            transfers = tuple(sub(t, p) for t, p in zip(tallies, prev.tallies, strict=True))
            ex_moved, loss_moved = sub(exhausted, prev.exhausted), sub(loss, prev.loss)
        else:
            nil = _shown(a, self.zero)
            transfers = tuple(nil for _ in tallies)
            ex_moved = loss_moved = nil
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=tallies,
                transfers=transfers,
                exhausted=exhausted,
                decisions=tuple(decisions),
                note=note,
                loss=loss,
                exhausted_transfer=ex_moved,
                loss_transfer=loss_moved,
                action=action,
                subjects=tuple(subjects),
            )
        )

    def keep_note(self) -> str:
        """Describe the elected candidates' keep factors."""
        if not self.elected:
            return ""
        kfs = ", ".join(f"{self.name(c)} {_fmt(self.a, self.kf[c])}" for c in self.elected)
        return f"; keep factors {kfs}"

    # -- the count --------------------------------------------------------------------------

    def run(self) -> Result:
        """Count the election and return the result."""
        a = self.a
        # First preferences: every ballot's whole weight to its first choice (all kf are 1).
        self.distribute()
        first_note = (
            f"First preferences; quota {_fmt(a, self.quota)}; {_describe(a)}, "
            f"omega 10^-{self.omega10}"
        )
        self.record(first_note, [], Action.FIRST, ())

        moving: list[Decision] = []  # exclusions whose papers the next round moves
        while self.hopeful and len(self.hopeful) > self.seats - len(self.elected) > 0:  # [B.1]
            why, iterations, newly, batch = self.iterate()
            decisions = list(moving)
            decisions += [Decision(c, Outcome.ELECTED, self.quota_reason()) for c in newly]
            # What the round moved: an excluded candidate's papers, else surpluses (elected
            # candidates now keeping less than all), else nothing yet (a first recount).
            surpluses = tuple(c for c in self.elected if self.kf[c] != self.one)
            if moving:
                action, subjects = Action.EXCLUSION, tuple(d.candidate for d in moving)
            elif surpluses:
                action, subjects = Action.SURPLUS, surpluses
            else:
                action, subjects = Action.RECOUNT, ()
            note = (
                f"{iterations} iteration{'s' if iterations > 1 else ''} ({_WHY[why]}): quota "
                f"{_fmt(a, self.quota)}, total surplus {_fmt(a, self.surplus)}" + self.keep_note()
            )
            moving = []
            if why == "batch":
                for c in batch:
                    moving.append(Decision(c, Outcome.EXCLUDED, self.batch_reason()))
            elif why != "elected":
                c, tie = self.lowest()
                moving.append(Decision(c, Outcome.EXCLUDED, self.lowest_reason(why, tie), tie))
            for d in moving:  # [B.3] defeated: keep factor 0
                self.hopeful.discard(d.candidate)
                self.defeated.append(d.candidate)
                self.kf[d.candidate] = self.zero
            self.record(note, decisions, action, subjects)

        # [C] count complete: fill the seats left with the hopefuls, or defeat them.
        final = list(moving)
        remaining = sorted(self.hopeful, key=lambda c: (-self.votes[c], c))
        if len(self.elected) < self.seats:
            final += [Decision(c, Outcome.ELECTED, self.remaining_reason(True)) for c in remaining]
            self.elected.extend(remaining)
        else:
            final += [
                Decision(c, Outcome.EXCLUDED, self.remaining_reason(False)) for c in remaining
            ]
            self.defeated.extend(remaining)
        self.hopeful.clear()
        if final:
            last = self.rounds[-1]
            self.rounds[-1] = replace(last, decisions=last.decisions + tuple(final))
        return Result(
            method=self.rule.name,
            seats=self.seats,
            candidates=self.election.names,
            valid=Decimal(self.valid),
            quota=_shown(a, self.quota),
            rounds=tuple(self.rounds),
            title=self.election.title,
            seed=self.seed,
            places=a.places,
        )

    # -- reasons ----------------------------------------------------------------------------

    def quota_reason(self) -> str:
        """Why a candidate was elected in an iteration."""
        if self.exact:
            return "vote over the quota [B.2.c; exact arithmetic: over, not at]"
        return "vote at or over the quota [B.2.c]"

    def lowest_reason(self, why: str, tie: TieBreak | None) -> str:
        """Why the lowest candidate was defeated."""
        reason = (
            "lowest vote once the surplus was below omega [B.3]"
            if why == "omega"
            else "lowest vote once the surplus stopped falling [B.3]"
        )
        if tie is not None:
            reason += f"; tied within the surplus, decided by {tie.method} [T]"
        return reason

    def batch_reason(self) -> str:
        """Why a sure loser was defeated."""
        return (
            "sure loser: with all lower candidates' votes and the whole surplus, still below the "
            "next candidate (Droop's defeat_batch=safe)"
        )

    def remaining_reason(self, elected: bool) -> str:
        """Why the remaining hopefuls were elected or defeated at the end [C.1, C.2]."""
        if elected:
            return "elected: no more hopeful candidates than seats left [C.1]"
        return "defeated: all seats filled [C.2]"


_LUNDELL = "Droop (J. Lundell), droop/rules/meek.py"
_PRF = "PR Foundation, Reference Meek Rule"
_MEEK_TIES = (
    "lot: the file's [tie] order where it gives one (a predetermined order), else lot drawn "
    "from the seed; listed: the [tie] order, else the listing order (Droop's way; Algorithm "
    "123 and the PRF rule leave the procedure to the user)"
)


@dataclass(frozen=True)
class MeekOptions(ArithmeticOptions):
    """The options of Droop's generic Meek and Warren rules (``meek``, ``warren``)."""

    omega: int | None = option(
        None,
        "iterate until the surplus is at or below 10^-omega (default: half the guarded "
        "precision, two thirds of the fixed precision, 10 for rational)",
        source=_LUNDELL + ": 'omega'",
        minimum=1,
    )
    defeat_batch: str = option(
        "safe",
        "none: one defeat at a time; safe: every sure loser at once",
        source=_LUNDELL + ": 'defeat_batch'",
        choices=DEFEAT_BATCH,
    )
    ties: str = option(
        "lot",
        _MEEK_TIES,
        source="Algorithm 123; " + _LUNDELL + " (predetermined order)",
        choices=TIES,
    )


@dataclass(frozen=True)
class MeekPrfOptions(DecimalOptions):
    """The options of the PR Foundation's Reference Meek Rule: all but the tie policy fixed."""

    arithmetic: str = option(
        "fixed",
        "fixed point",
        source=_PRF + " B.2.a",
        choices=("fixed",),
        fixed='[B.2.a] "(to 9 decimal places, rounded up)"',
    )
    precision: int | None = option(
        9,
        "nine decimal places",
        source=_PRF + " B.2.a, B.2.b, B.2.f",
        fixed='[B.2.b] "truncated to 9 decimal places, plus 0.000000001"',
    )
    omega: int | None = option(
        6,
        "omega = 10^-6",
        source=_PRF + " A",
        fixed='[A] "Set omega to 0.000001 (1/10^6)."',
    )
    defeat_batch: str = option(
        "none",
        "one defeat at a time",
        source=_PRF + " B.3",
        choices=("none",),
        fixed='[B.3] "Defeat the hopeful candidate with the lowest vote"',
    )
    ties: str = option("lot", _MEEK_TIES, source=_PRF + " T", choices=TIES)


def _tie_policy(election: Election, ties: str) -> Election:
    """Return the election with the order ``ties=listed`` breaks ties by, if it was chosen."""
    if ties == "listed":
        return replace(election, tie_order=listed_order(election))
    return election


def _checked_omega(a: Arithmetic, omega: int | None) -> int:
    """Return the omega exponent to use."""
    k = default_omega(a) if omega is None else omega
    if k < 1:
        raise ConfigurationError(f"omega must be 10^-k for k >= 1, not k = {k}")
    return k


def _count_generic(
    rule: MeekRule,
    election: Election,
    *,
    seats: int | None,
    seed: int,
    arithmetic: Arithmetic | None,
    omega: int | None,
    batch_defeat: bool,
    options: MeekOptions | None,
) -> Result:
    """Count by a generic keep-factor rule at Droop's defaults unless told otherwise."""
    if options is not None:
        if arithmetic is not None or omega is not None or not batch_defeat:
            raise ConfigurationError("give the options either as options= or as keywords")
        arithmetic, omega = options.make_arithmetic(), options.omega
        batch_defeat = options.defeat_batch == "safe"
        election = _tie_policy(election, options.ties)
    a = arithmetic or GuardedArithmetic(18, 9)
    k = _checked_omega(a, omega)
    rule = replace(rule, batch_defeat=batch_defeat)
    return _MeekCount(election, rule, a, omega=k, seats=seats, seed=seed).run()


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    arithmetic: Arithmetic | None = None,
    omega: int | None = None,
    batch_defeat: bool = True,
    options: MeekOptions | None = None,
) -> Result:
    """Count by Meek's method (Droop's generic rule; default guarded 18+9 places, omega 10^-9)."""
    return _count_generic(
        MEEK,
        election,
        seats=seats,
        seed=seed,
        arithmetic=arithmetic,
        omega=omega,
        batch_defeat=batch_defeat,
        options=options,
    )


def count_warren(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    arithmetic: Arithmetic | None = None,
    omega: int | None = None,
    batch_defeat: bool = True,
    options: MeekOptions | None = None,
) -> Result:
    """Count by Warren's method (Droop's generic rule; defaults as :func:`count`)."""
    return _count_generic(
        WARREN,
        election,
        seats=seats,
        seed=seed,
        arithmetic=arithmetic,
        omega=omega,
        batch_defeat=batch_defeat,
        options=options,
    )


def count_prf(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: MeekPrfOptions | None = None,
) -> Result:
    """Count by the PR Foundation's Reference Meek Rule: 9 places, omega 10^-6 [A, B.2]."""
    if options is not None:
        # Only the tie policy can differ; the rest is fixed (MeekPrfOptions refuses others).
        election = _tie_policy(election, options.ties)
    return _MeekCount(election, PRF, FixedArithmetic(9), omega=6, seats=seats, seed=seed).run()


def distribute(
    election: Election,
    keep_factors: Sequence[Value],
    *,
    rule: MeekRule = MEEK,
    arithmetic: Arithmetic | None = None,
) -> tuple[list[Value], Value, Value]:
    """Pass every ballot once down its preferences at the given keep factors [B.2.a].

    Returns each candidate's vote, the value left on exhausted ballots and the value lost to
    truncation.  Keep factors are values of ``arithmetic`` (default: as :func:`count`); a
    withdrawn candidate's is taken as 0.
    """
    a = arithmetic or GuardedArithmetic(18, 9)
    counting = _MeekCount(election, rule, a, omega=1, seats=None, seed=0)
    if len(keep_factors) != counting.n:
        raise ConfigurationError(f"give {counting.n} keep factors, not {len(keep_factors)}")
    counting.kf = [
        counting.zero if c in election.withdrawn else kf for c, kf in enumerate(keep_factors)
    ]
    counting.distribute()
    return counting.votes, counting.exhausted, counting.loss
