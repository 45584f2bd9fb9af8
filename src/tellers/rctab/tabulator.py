"""RCTab's rules: the Universal RCV Tabulator's single- and multi-winner counts, option by option.

RCTab (the Ranked Choice Voting Resource Center's certified tabulator, github.com/BrightSpots/rcv)
counts in rounds.  Every round re-reads every ballot: a ballot counts for its current candidate
if that candidate continues; otherwise it moves down its ranks until it finds a continuing
candidate or becomes *inactive*, for one of five recorded reasons (no rankings, an overvote, too
many skipped ranks, a repeated candidate, no continuing candidate left).  After the tallies a
round either elects (everyone at the threshold; in multi-winner counts their surplus moves next
round, every ballot of a winner carrying ``surplus / total`` of its value on) or eliminates
(undeclared write-ins first, then anyone under the minimum vote threshold, then a batch of
candidates who cannot catch up, else the lowest, ties broken as configured).

Each option is a field of :class:`~tellers.rctab.options.RctabRules`; the clauses cited in
brackets are RCTab's ``Tabulator.java`` (``computeTalliesForRound``, ``identifyWinners``,
``runBatchElimination``, ``updateWinnerTallies``, ``shouldContinueTabulating``) and
``Tiebreak.java``, whose logic this module follows step for step so that its numbers match
RCTab's to the last digit:

- Arithmetic is Java ``BigDecimal``'s, which Python's :class:`~decimal.Decimal` shares: a sum
  keeps the larger number of decimal places, a product their total; a quotient is truncated to
  ``decimal_places`` [ContestConfig.divide].  A ballot's value is ``1`` until it helps elect
  someone; afterwards it carries the places of the transfer (so reports print ``9452.0000``).
- The threshold is ``floor(V / (S + 1)) + 1`` (or ``V / (S+1)`` truncated to ``d`` places plus
  ``10^-d`` with ``non_integer_threshold``, or ``ceil(V / S)`` with ``hare_quota``), V the
  active ballots of the round (first round only in multi-winner counts) [setWinningThreshold].
- Ties by lot draw ``java.util.Random(seed).nextDouble()`` over the tied names sorted
  alphabetically [Tiebreak.doRandom], or, when previous rounds' counts were compared first,
  over the names left in ``HashSet`` order [doPreviousRounds]; see :mod:`tellers.rctab._java`.

Where RCTab 2.0.0 (which wrote the regression suite's expected reports) differs from the
source read, the reports decided: a continue-until-two count keeps the threshold of the round
its winner was found; bottoms-up by percentage with ``cutoff_elimination`` eliminates everyone
under the threshold at once; elected and eliminated names are listed alphabetically and a
tie-break winner or loser is starred.  One RCTab quirk is not kept: RCTab checks for repeated
candidates (and continuing ones in an overvote) on the spelling the CVR used, so an alias and a
name of one candidate on one ballot are two candidates to it; here they are the same.

Ballots arrive as an :class:`~tellers.model.Election`: its candidates are the declared ones
(excluded candidates marked withdrawn), then ``"Undeclared Write-ins"`` if the contest has them,
then, if the CVRs mark overvotes explicitly, a withdrawn pseudo-candidate ``"overvote"`` standing
for that mark.  A ballot's ranks keep skipped ranks (``()``) and several marks at one rank.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

from .._types import CandidateIndex, Ranking
from ..errors import ConfigurationError, InputError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak, TieMethod
from ._java import JavaRandom, hashset_order, java_sorted, shuffle
from .options import (
    EXPLICIT_OVERVOTE,
    UNDECLARED_WRITE_IN,
    OvervoteRule,
    RctabRules,
    TiebreakMode,
    TieQuestion,
    WinnerMode,
)

__all__ = [
    "RctabCount",
    "RoundTally",
    "SliceCount",
    "Status",
    "Transfers",
    "percent",
    "slices_of",
    "tabulate",
    "tabulate_passes",
]

# Context wide enough that no sum or product of votes is ever rounded; quotients are
# truncated explicitly by _divide.
_EXACT = Context(prec=200)
# MathContext.DECIMAL32, which RCTab's percentage column divides with.
_DECIMAL32 = Context(prec=7, rounding=ROUND_HALF_EVEN)
_ZERO = Decimal(0)
_ONE = Decimal(1)


class Status(enum.StrEnum):
    """A ballot's state in a round: active, or why it is inactive."""

    ACTIVE = "active"
    DID_NOT_RANK = "didNotRankAnyCandidates"
    OVERVOTE = "overvotes"
    SKIPPED = "skippedRankings"
    REPEATED = "repeatedRankings"
    EXHAUSTED = "exhaustedChoices"
    FINAL_ROUND_SURPLUS = "finalRoundSurplus"


@dataclass
class RoundTally:
    """One round's totals: candidates' votes, ballots by status, the threshold."""

    number: int
    tallies: dict[str, Decimal]
    statuses: dict[Status, Decimal]
    threshold: Decimal = _ZERO
    residual_surplus: Decimal = _ZERO

    def inactive(self, status: Status) -> Decimal:
        """Return the value of ballots inactive for ``status`` this round."""
        return self.statuses.get(status, _ZERO)

    @property
    def active_ballots(self) -> Decimal:
        """Return the value of ballots counting for continuing candidates."""
        return self.statuses.get(Status.ACTIVE, _ZERO)

    @property
    def inactive_ballots(self) -> Decimal:
        """Return the value of inactive ballots (final-round surplus is not inactive)."""
        total = _ZERO
        for s, v in self.statuses.items():
            if s not in (Status.ACTIVE, Status.FINAL_ROUND_SURPLUS):
                total = _EXACT.add(total, v)
        return total

    @property
    def active_and_locked_in(self) -> Decimal:
        """Return votes held by candidates (winners included) plus any final-round surplus."""
        total = _ZERO
        for v in self.tallies.values():
            total = _EXACT.add(total, v)
        return _EXACT.add(total, self.inactive(Status.FINAL_ROUND_SURPLUS))


#: round -> source ("uncounted" in round 1) -> target ("exhausted", "residual surplus") -> value
Transfers = dict[int, dict[str, dict[str, Decimal]]]


@dataclass
class SliceCount:
    """The rounds of one precinct's or batch's ballots, under the whole contest's decisions."""

    rounds: list[RoundTally] = field(default_factory=list)
    transfers: Transfers = field(default_factory=dict)


@dataclass
class RctabCount:
    """A finished RCTab tabulation, with everything its reports show."""

    candidates: tuple[str, ...]
    rules: RctabRules
    rounds: list[RoundTally]
    transfers: Transfers
    #: name -> round elected, in order of election
    winners: dict[str, int]
    #: name -> round eliminated, in order of elimination
    eliminated: dict[str, int]
    #: names whose election or elimination was decided by a tie-break
    tie_broken: set[str]
    tiebreaks: list[TieBreak]
    #: slice kind ("precinct"/"batch") -> slice id -> that slice's rounds
    slices: dict[str, dict[str, SliceCount]]
    num_candidates: int
    seed: int | None
    #: seats this tabulation fills (one per pass in multi-pass IRV)
    rules_winners: int = 1
    #: per ballot of the election: round -> (candidate, value) pairs it counted for
    snapshots: list[dict[int, list[tuple[str, Decimal]]]] = field(default_factory=list)

    def round_winners(self, number: int) -> list[str]:
        """Return the candidates elected in a round, sorted by name as RCTab reports them."""
        return sorted(c for c, r in self.winners.items() if r == number)

    def round_eliminated(self, number: int) -> list[str]:
        """Return the candidates eliminated in a round, sorted by name."""
        return sorted(c for c, r in self.eliminated.items() if r == number)

    def to_result(self, title: str = "") -> Result:
        """Return the count in tellers' result model (rounds of totals and decisions).

        RCTab reports an elimination in the round where the candidate was lowest; tellers
        records it with the round that moves the candidate's ballots (the next one), and an
        election with the round in which the candidate reached the threshold.
        """
        index = {name: i for i, name in enumerate(self.candidates)}
        ties = {t.chosen: t for t in self.tiebreaks}
        zero_row = (_ZERO,) * len(self.candidates)

        def decision(name: str, outcome: Outcome, reason: str) -> Decision:
            tie = ties.get(index[name]) if name in self.tie_broken else None
            return Decision(index[name], outcome, reason, tie)

        rounds: list[Round] = []
        prev_tallies = zero_row
        prev_exhausted = _ZERO
        prev_loss = _ZERO
        for rt in self.rounds:
            n = rt.number
            tallies = tuple(rt.tallies.get(c, _ZERO) for c in self.candidates)
            exhausted = _EXACT.subtract(rt.inactive_ballots, rt.inactive(Status.DID_NOT_RANK))
            # The last round's surplus goes to no one: RCTab's reports call it exhausted.
            exhausted = _EXACT.add(exhausted, rt.inactive(Status.FINAL_ROUND_SURPLUS))
            decisions = [
                decision(c, Outcome.ELECTED, "reached the threshold") for c in self.round_winners(n)
            ]
            action = Action.FIRST
            subjects: tuple[int, ...] = ()
            if n > 1:
                out = self.round_eliminated(n - 1)
                decisions += [decision(c, Outcome.EXCLUDED, "fewest votes") for c in out]
                surplus = [w for w in self.round_winners(n - 1) if self.rules.uses_surpluses]
                if out:
                    action, subjects = Action.EXCLUSION, tuple(index[c] for c in out)
                elif surplus:
                    action, subjects = Action.SURPLUS, tuple(index[c] for c in surplus)
            if n == len(self.rounds):
                # Eliminated in the last round: no later round moves their ballots.
                decisions += [
                    decision(c, Outcome.EXCLUDED, "fewest votes") for c in self.round_eliminated(n)
                ]
            rounds.append(
                Round(
                    number=n,
                    tallies=tallies,
                    transfers=tuple(
                        _EXACT.subtract(a, b) if n > 1 else _ZERO
                        for a, b in zip(tallies, prev_tallies, strict=True)
                    ),
                    exhausted=exhausted,
                    decisions=tuple(decisions),
                    note=f"threshold {rt.threshold}",
                    # A winner's votes above the threshold that RCTab's truncation leaves
                    # behind ("residual surplus") are the count's rounding loss.
                    loss=rt.residual_surplus,
                    exhausted_transfer=_EXACT.subtract(exhausted, prev_exhausted)
                    if n > 1
                    else _ZERO,
                    loss_transfer=_EXACT.subtract(rt.residual_surplus, prev_loss)
                    if n > 1
                    else _ZERO,
                    action=action,
                    subjects=subjects,
                )
            )
            prev_tallies, prev_exhausted, prev_loss = tallies, exhausted, rt.residual_surplus
        first = self.rounds[0] if self.rounds else None
        return Result(
            method="rctab",
            seats=self.rules_winners,
            candidates=self.candidates,
            valid=first.active_ballots if first else _ZERO,
            quota=self.rounds[-1].threshold if self.rounds else None,
            rounds=tuple(rounds),
            title=title,
            seed=self.seed,
            places=self.rules.decimal_places,
        )


# --- arithmetic -------------------------------------------------------------------------------


def _scaled(value: Decimal) -> tuple[int, int]:
    """Return ``value`` as (unscaled integer, scale), as a BigDecimal holds it."""
    sign, digits, exp = value.as_tuple()
    n = int("".join(map(str, digits))) if digits else 0
    if sign:
        n = -n
    assert isinstance(exp, int), "votes are finite"
    return n, -exp


def _divide(a: Decimal, b: Decimal, places: int, *, up: bool = False) -> Decimal:
    """Return ``a / b`` to ``places`` decimals, truncated (or rounded away from zero)."""
    na, sa = _scaled(a)
    nb, sb = _scaled(b)
    # a / b = (na / 10^sa) / (nb / 10^sb); scale the quotient by 10^places.
    num = na * 10 ** (sb + places)
    den = nb * 10**sa
    q, r = divmod(abs(num), abs(den))
    if up and r:
        q += 1
    if (num < 0) != (den < 0):
        q = -q
    return Decimal(q).scaleb(-places)


def _multiply(a: Decimal, b: Decimal, places: int) -> Decimal:
    """Return ``a * b`` truncated to ``places`` decimals [ContestConfig.multiply]."""
    product = _EXACT.multiply(a, b)
    n, s = _scaled(product)
    if s <= places:
        return product.quantize(Decimal(1).scaleb(-places), context=_EXACT)
    q = abs(n) // 10 ** (s - places)
    return Decimal(-q if n < 0 else q).scaleb(-places)


def percent(part: Decimal, whole: Decimal) -> str:
    """Render ``part / whole`` as RCTab's percentage column does (two places, truncated)."""
    ratio = _DECIMAL32.divide(part, whole)
    # scaleByPowerOfTen(4).intValue() truncates toward zero; then a Java double / 100.0.
    hundredths = int(ratio.scaleb(4))
    return f"{hundredths / 100.0!r}%"


# --- ballots in play --------------------------------------------------------------------------


class _Group:
    """Identical ballots (same marks, same slices) travelling together through the count."""

    __slots__ = ("alloc", "ranks", "recipient", "slices", "snapshots", "status", "value", "weight")

    def __init__(
        self, ranks: list[tuple[int, tuple[int, ...]]], weight: int, slices: tuple[str, ...]
    ) -> None:
        self.ranks = ranks
        self.weight = weight
        self.slices = slices
        self.recipient: int | None = None
        self.status = Status.ACTIVE
        self.alloc: dict[int, Decimal] = {}
        self.value = _ONE
        #: round -> (candidate, value) pairs the ballot counts for, kept for CDF reports
        self.snapshots: dict[int, list[tuple[str, Decimal]]] = {}

    def refresh_value(self) -> None:
        """Recompute the value still free to count: 1 minus what winners kept."""
        v = _ONE
        for a in self.alloc.values():
            v = v - a
        self.value = v


def _ranks_of(ranking: Ranking) -> list[tuple[int, tuple[int, ...]]]:
    """Return the marked ranks of a ranking as (rank number, candidates), skipping blanks."""
    return [(i, rank) for i, rank in enumerate(ranking, start=1) if rank]


class _Tally:
    """A round's tallies while ballots are being read."""

    __slots__ = ("statuses", "tallies")

    def __init__(self, candidates: Sequence[str]) -> None:
        self.tallies: dict[str, Decimal] = dict.fromkeys(candidates, _ZERO)
        self.statuses: dict[Status, Decimal] = dict.fromkeys(Status, _ZERO)

    def add(self, name: str, value: Decimal) -> None:
        """Count ``value`` for a continuing candidate."""
        self.tallies[name] = self.tallies[name] + value
        self.statuses[Status.ACTIVE] = self.statuses[Status.ACTIVE] + value

    def inactive(self, status: Status, value: Decimal) -> None:
        """Count ``value`` as inactive for ``status``."""
        self.statuses[status] = self.statuses[status] + value

    def freeze(self, number: int) -> RoundTally:
        """Return the finished round."""
        return RoundTally(number, self.tallies, self.statuses)


def _add_transfer(
    transfers: Transfers, number: int, source: str | None, target: str | None, value: Decimal
) -> None:
    """Record ``value`` moving from ``source`` to ``target`` in round ``number``."""
    src = transfers.setdefault(number, {}).setdefault(source or "uncounted", {})
    key = target or "exhausted"
    src[key] = src.get(key, _ZERO) + value


# --- the count --------------------------------------------------------------------------------


class _Tabulation:
    """One RCTab tabulation (one pass of a multi-pass count)."""

    def __init__(
        self,
        election: Election,
        rules: RctabRules,
        slices: Sequence[tuple[str, ...]] | None,
        slice_kinds: tuple[str, ...],
        excluded: frozenset[int],
        number_of_winners: int,
        rnd: JavaRandom | None,
        permutation: list[str],
        snapshots: bool = False,
    ) -> None:
        self.rules = rules
        self.permutation = permutation
        self.snapshots = snapshots
        self.names = election.names
        self.places = rules.decimal_places
        self.winners_wanted = number_of_winners
        self.overvote = _index_of(election, EXPLICIT_OVERVOTE)
        self.uwi = UNDECLARED_WRITE_IN if UNDECLARED_WRITE_IN in self.names else None
        self.excluded = set(excluded) | {
            i for i, c in enumerate(election.candidates) if c.withdrawn
        }
        if self.overvote is not None:
            self.excluded.add(self.overvote)
        # The names RCTab's round tallies are built from: declared candidates (excluded ones
        # too, so that they can be filtered out like RCTab does) and undeclared write-ins.
        self.candidate_names = [n for i, n in enumerate(self.names) if i != self.overvote]
        self.num_candidates = sum(1 for i in range(len(self.names)) if i not in self.excluded)
        self.num_declared = self.num_candidates - (1 if self.uwi else 0)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.slice_kinds = slice_kinds
        self.groups = [
            _Group(_ranks_of(b.ranking), b.weight, slices[k] if slices is not None else ())
            for k, b in enumerate(election.ballots)
        ]
        self.rnd = rnd
        self.rounds: list[RoundTally] = []
        self.transfers: Transfers = {}
        self.winners: dict[str, int] = {}
        self.eliminated: dict[str, int] = {}
        self.tie_broken: set[str] = set()
        self.tiebreaks: list[TieBreak] = []
        self.current = 0
        self.slice_counts: dict[str, dict[str, SliceCount]] = {}
        for k, kind in enumerate(slice_kinds):
            ids = {g.slices[k] for g in self.groups if g.slices[k]}
            self.slice_counts[kind] = {i: SliceCount() for i in ids}

    # -- statuses ------------------------------------------------------------------------

    def continuing(self, name: str) -> bool:
        """Return whether a candidate can receive votes [isCandidateContinuing]."""
        i = self.index.get(name)
        if i is None or i in self.excluded:
            return False
        if name in self.winners:
            return self.rules.continue_until_two_candidates_remain
        return name not in self.eliminated

    def uses_surpluses(self) -> bool:
        """Return whether winners' surpluses move (multi-seat STV with more than one seat)."""
        return self.winners_wanted > 1 and self.rules.winner_mode in (
            WinnerMode.MULTI_WINNER_ONE_PER_ROUND,
            WinnerMode.MULTI_WINNER_MANY_PER_ROUND,
        )

    # -- one round -----------------------------------------------------------------------

    def new_tally(self) -> _Tally:
        """Return an empty tally of the continuing candidates [getNewTally]."""
        return _Tally([n for n in self.candidate_names if self.continuing(n)])

    def compute_round(self, number: int) -> tuple[RoundTally, dict[str, dict[str, _Tally]]]:
        """Read every ballot for this round [computeTalliesForRound]."""
        tally = self.new_tally()
        slice_tallies = {
            kind: {sid: self.new_tally() for sid in ids} for kind, ids in self.slice_counts.items()
        }
        surplus_stage = self.uses_surpluses() and len(self.winners) == self.winners_wanted
        # Who continues does not change while a round is read; most ballots stay where they
        # are, so that path is kept short.
        staying = {i for i, n in enumerate(self.names) if self.continuing(n)}
        names = self.names
        tallies = tally.tallies
        statuses = tally.statuses
        active = Status.ACTIVE
        sliced = bool(self.slice_kinds)
        for g in self.groups:
            value = g.value
            amount = value * g.weight if g.weight != 1 else value
            if g.status is not active:
                statuses[g.status] += amount
                if sliced:
                    self._slice_inactive(slice_tallies, g, g.status, amount)
                continue
            rec = g.recipient
            if rec is not None and rec in staying:
                name = names[rec]
                tallies[name] += amount
                statuses[active] += amount
                if sliced:
                    self._slice_add(slice_tallies, g, name, amount)
                continue
            if not g.ranks:
                self.record(number, g, tally, slice_tallies, None, Status.DID_NOT_RANK, amount)
            last_rank = 0
            seen: set[int] = set()
            max_rank = g.ranks[-1][0] if g.ranks else 0
            for rank, marks in g.ranks:
                if surplus_stage:
                    self.record(
                        number, g, tally, slice_tallies, None, Status.FINAL_ROUND_SURPLUS, amount
                    )
                    break
                skipped_ok = self.rules.max_skipped_ranks_allowed
                if skipped_ok is not None and rank - last_rank > skipped_ok + 1:
                    self.record(number, g, tally, slice_tallies, None, Status.SKIPPED, amount)
                    break
                last_rank = rank
                if self.rules.exhaust_on_duplicate_candidate:
                    duplicate = False
                    for c in marks:
                        if c in seen:
                            duplicate = True
                            break
                        seen.add(c)
                    if duplicate:
                        self.record(number, g, tally, slice_tallies, None, Status.REPEATED, amount)
                        break
                decision = self.overvote_decision(marks)
                if decision == "exhaust":
                    self.record(number, g, tally, slice_tallies, None, Status.OVERVOTE, amount)
                    break
                if decision == "skip":
                    if rank == max_rank:
                        self.record(number, g, tally, slice_tallies, None, Status.EXHAUSTED, amount)
                    continue
                selected = None
                for c in marks:
                    if self.continuing(self.names[c]):
                        selected = c
                        break
                if selected is not None:
                    name = self.names[selected]
                    self.record(number, g, tally, slice_tallies, name, Status.ACTIVE, amount)
                    tally.add(name, amount)
                    self._slice_add(slice_tallies, g, name, amount)
                    break
                if rank == max_rank:
                    self.record(number, g, tally, slice_tallies, None, Status.EXHAUSTED, amount)
        return tally.freeze(number), slice_tallies

    def overvote_decision(self, marks: tuple[int, ...]) -> str:
        """Decide what a rank's marks mean under the overvote rule [getOvervoteDecision]."""
        rule = self.rules.overvote_rule
        if self.overvote is not None and self.overvote in marks:
            if len(marks) != 1:
                raise InputError("a rank marks both an explicit overvote and a candidate")
            if rule is OvervoteRule.EXHAUST_IMMEDIATELY:
                return "exhaust"
            if rule is OvervoteRule.ALWAYS_SKIP:
                return "skip"
            raise ConfigurationError(
                f"overvoteRule {rule} cannot be used with an explicit overvote label"
            )
        if len(marks) <= 1:
            return "none"
        if rule is OvervoteRule.EXHAUST_IMMEDIATELY:
            return "exhaust"
        if rule is OvervoteRule.ALWAYS_SKIP:
            return "skip"
        found = 0
        for c in marks:
            if self.continuing(self.names[c]):
                found += 1
                if found > 1:
                    return "exhaust"
        return "none"

    def record(
        self,
        number: int,
        g: _Group,
        tally: _Tally,
        slice_tallies: dict[str, dict[str, _Tally]],
        selected: str | None,
        status: Status,
        amount: Decimal,
    ) -> None:
        """Move a ballot group to ``selected`` or make it inactive [recordSelection...]."""
        source = None if g.recipient is None else self.names[g.recipient]
        if g.value > 0:
            _add_transfer(self.transfers, number, source, selected, amount)
            for k, kind in enumerate(self.slice_kinds):
                sid = g.slices[k]
                if sid:
                    _add_transfer(
                        self.slice_counts[kind][sid].transfers, number, source, selected, amount
                    )
        g.recipient = None if selected is None else self.index[selected]
        if selected is None:
            g.status = status
        if status is not Status.ACTIVE:
            tally.inactive(status, amount)
            self._slice_inactive(slice_tallies, g, status, amount)
        if self.snapshots:
            # What the ballot counts for after this round: what winners kept, then its
            # current candidate at its remaining value [CastVoteRecord.logCdfSnapshotData].
            held = [(self.names[w], kept) for w, kept in g.alloc.items()]
            if selected is not None:
                held.append((selected, g.value))
            g.snapshots[number] = held

    def _slice_add(
        self, slice_tallies: dict[str, dict[str, _Tally]], g: _Group, name: str, amount: Decimal
    ) -> None:
        """Count a vote in each slice the ballot belongs to."""
        for k, kind in enumerate(self.slice_kinds):
            sid = g.slices[k]
            if sid:
                slice_tallies[kind][sid].add(name, amount)

    def _slice_inactive(
        self,
        slice_tallies: dict[str, dict[str, _Tally]],
        g: _Group,
        status: Status,
        amount: Decimal,
    ) -> None:
        """Count an inactive ballot in each slice the ballot belongs to."""
        for k, kind in enumerate(self.slice_kinds):
            sid = g.slices[k]
            if sid:
                slice_tallies[kind][sid].inactive(status, amount)

    # -- thresholds and decisions --------------------------------------------------------

    def threshold(self, tally: RoundTally) -> Decimal:
        """Return the winning threshold for a round's active ballots [setWinningThreshold]."""
        rules = self.rules
        votes = tally.active_ballots
        if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
            assert rules.bottoms_up_percentage is not None
            value = _EXACT.multiply(votes, rules.bottoms_up_percentage)
        else:
            seats = self.winners_wanted
            divisor = Decimal(seats if rules.hare_quota else seats + 1)
            decimals = self.places if rules.non_integer_winning_threshold else 0
            if rules.hare_quota:
                value = _divide(votes, divisor, decimals, up=True)
            else:
                value = _divide(votes, divisor, decimals) + _ONE.scaleb(-decimals)
        minimum = rules.minimum_vote_threshold
        if minimum > 0 and minimum > value:
            value = minimum
        return value

    def by_tally(self, tally: RoundTally) -> list[tuple[Decimal, list[str]]]:
        """Group the round's candidates by total, lowest first [buildTallyToCandidates]."""
        # Decimal hashes by value, so 3 and 3.0000 share a key as in Java's TreeMap.
        groups: dict[Decimal, list[str]] = {}
        for name, votes in tally.tallies.items():
            groups.setdefault(votes, []).append(name)
        return sorted(groups.items(), key=lambda kv: kv[0])

    def identify_winners(
        self, tally: RoundTally, ordered: list[tuple[Decimal, list[str]]]
    ) -> list[str]:
        """Return the candidates elected this round [identifyWinners]."""
        rules = self.rules
        uwi = tally.tallies.get(self.uwi) if self.uwi else None
        if uwi is not None and uwi != 0:
            return []
        active = len(tally.tallies)
        if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
            above = [c for c, v in tally.tallies.items() if v > tally.threshold]
            return list(tally.tallies) if len(above) == active else []
        selected: list[str] = []
        unfilled = self.winners_wanted - len(self.winners)
        if unfilled > 0:
            if active <= unfilled:
                selected = list(tally.tallies)
            elif rules.first_round_determines_threshold and active - 1 == self.winners_wanted:
                selected = list(ordered[-1][1])
            elif rules.winner_mode is not WinnerMode.BOTTOMS_UP:
                for votes, names in ordered:
                    if votes >= tally.threshold:
                        selected.extend(n for n in names if n != UNDECLARED_WRITE_IN)
        many = len(selected) > 1 and (
            rules.winner_mode is WinnerMode.MULTI_WINNER_ONE_PER_ROUND
            or rules.first_round_determines_threshold
        )
        none = (
            self.winners_wanted == 1
            and not selected
            and active == 2
            and unfilled == 1
            and all(v >= rules.minimum_vote_threshold for v, _ in ordered)
        )
        if many or none:
            top, names = ordered[-1]
            selected = list(names)
            if len(selected) > 1:
                winner = self.break_tie(selected, top, selecting_winner=True)
                selected = [winner]
        return selected

    def eliminate(self, tally: RoundTally, ordered: list[tuple[Decimal, list[str]]]) -> list[str]:
        """Choose who is eliminated this round (one of five ways, in order)."""
        rules = self.rules
        # 1. Undeclared write-ins go first, whenever they hold votes [dropUndeclaredWriteIns].
        if self.uwi is not None:
            v = tally.tallies.get(self.uwi)
            if v is not None and v > 0:
                return [self.uwi]
        # 2. Anyone under the minimum vote threshold [dropCandidatesBelowThreshold].
        minimum = rules.minimum_vote_threshold
        if minimum > 0 and ordered[0][0] < minimum:
            out = [n for votes, names in ordered if votes < minimum for n in names]
            if len(out) == self.num_declared:
                raise ConfigurationError(
                    "every declared candidate is below the minimum vote threshold"
                )
            return out
        # 3. Bottoms-up by percentage with cutoff: everyone under the threshold at once.
        if rules.cutoff_elimination and rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
            out = [n for votes, names in ordered if votes < tally.threshold for n in names]
            if out:
                return out
        # 4. Batch elimination of everyone who cannot catch the next candidate up.
        if rules.batch_elimination:
            batch = self.batch(ordered)
            if len(batch) > 1:
                return batch
        # 5. The lowest candidate, ties broken as configured.
        low, names = ordered[0]
        if len(names) > 1:
            return [self.break_tie(list(names), low, selecting_winner=False)]
        return [names[0]]

    def batch(self, ordered: list[tuple[Decimal, list[str]]]) -> list[str]:
        """Return the candidates batch elimination removes [runBatchElimination]."""
        running = _ZERO
        seen: list[str] = []
        done: set[str] = set()
        eliminations: list[str] = []
        previous: list[str] = []
        for votes, names in ordered:
            new = list(eliminations)
            if running < votes:
                for c in seen:
                    if c not in done:
                        done.add(c)
                        new.append(c)
            running = running + _multiply(votes, Decimal(len(names)), self.places)
            seen.extend(names)
            if len(new) > len(eliminations):
                previous, eliminations = eliminations, new
        if (
            self.rules.continue_until_two_candidates_remain
            and len(eliminations) + len(self.eliminated) == self.num_candidates - 1
        ):
            eliminations = previous
        return eliminations

    def break_tie(self, tied: list[str], votes: Decimal, *, selecting_winner: bool) -> str:
        """Break a tie as the tiebreak mode says [Tiebreak.selectCandidate].

        Selecting a winner differs from selecting a loser in two modes only: the permutation
        is searched from its start for a winner and from its end for a loser, and the previous
        rounds keep the most votes for a winner and the fewest for a loser.
        """
        # "sort tied candidates for reproducibility" [Tiebreak constructor]
        tied = java_sorted(tied)
        mode = self.rules.tiebreak_mode
        if mode is TiebreakMode.RANDOM:
            chosen, method = self.draw(tied), TieMethod.LOT
        elif mode is TiebreakMode.ASK:
            chosen, method = self.ask(tied, votes, selecting_winner), TieMethod.ORDER
        elif mode in (TiebreakMode.CANDIDATE_ORDER, TiebreakMode.GENERATE_PERMUTATION):
            order = self.permutation if selecting_winner else list(reversed(self.permutation))
            chosen = next(c for c in order if c in tied)
            method = TieMethod.ORDER
        else:
            chosen, method = self.previous_rounds(tied, votes, selecting_winner)
        self.tie_broken.add(chosen)
        self.tiebreaks.append(
            TieBreak(
                frozenset(self.index[c] for c in tied),
                self.index[chosen],
                "election" if selecting_winner else "elimination",
                method,
                round=self.current,
                seed=self.rules.random_seed if method is TieMethod.LOT else None,
            )
        )
        return chosen

    def draw(self, tied: list[str]) -> str:
        """Pick one of the (sorted) tied names with the seeded generator [doRandom]."""
        if self.rnd is None:
            raise ConfigurationError("a tie by lot needs a randomSeed")
        x = self.rnd.next_double()
        return tied[int(x * float(len(tied)))]

    def ask(self, tied: list[str], votes: Decimal, selecting_winner: bool) -> str:
        """Ask the operator to break a tie [doInteractive]."""
        question = TieQuestion(self.current, tuple(tied), votes, selecting_winner)
        if self.rules.ask is None:
            role = "win" if selecting_winner else "lose"
            raise ConfigurationError(
                f"round {self.current}: {', '.join(tied)} are tied at {votes} vote(s) and the "
                f"tiebreak mode asks the operator who should {role}; supply the answer"
            )
        answer = self.rules.ask(question)
        if answer not in tied:
            raise ConfigurationError(
                f"round {self.current}: the tie-break answer {answer!r} is not one of "
                f"{', '.join(tied)}"
            )
        return answer

    def previous_rounds(
        self, tied: list[str], votes: Decimal, selecting_winner: bool
    ) -> tuple[str, TieMethod]:
        """Decide by the most recent earlier round where the tied differed [doPreviousRounds].

        Each earlier round is read through ``buildTallyToCandidates(roundTally,
        new HashSet<>(candidatesInContention))``: the names left in contention come out in
        ``HashSet`` order, not sorted, and a tie that no earlier round breaks is drawn (or asked)
        over that order.  A tie for the win after round one always passes through here, so
        drawing over the sorted names elected the other candidate.
        """
        contention = list(tied)
        for earlier in range(self.current - 1, 0, -1):
            tallies = self.rounds[earlier - 1].tallies
            contention = hashset_order(contention)
            values = [tallies[c] for c in contention]
            # "isSelectingWinner ? tallyToCandidates.lastKey() : tallyToCandidates.firstKey()"
            pick = max(values) if selecting_winner else min(values)
            contention = [c for c in contention if tallies[c] == pick]
            if len(contention) == 1:
                return contention[0], TieMethod.EARLIER_ROUND
        if self.rules.tiebreak_mode is TiebreakMode.PREVIOUS_ROUND_THEN_ASK:
            return self.ask(contention, votes, selecting_winner), TieMethod.ORDER
        return self.draw(contention), TieMethod.LOT

    # -- winners' votes in multi-winner counts -------------------------------------------

    def record_winner_surplus(self, winner: str, tally: RoundTally) -> None:
        """Reduce the value of a new winner's ballots by the surplus fraction."""
        votes = tally.tallies[winner]
        extra = votes - tally.threshold
        fraction = _divide(extra, votes, self.places) if extra > 0 else _ZERO
        w = self.index[winner]
        for g in self.groups:
            if g.recipient == w:
                transfer = _multiply(g.value, fraction, self.places)
                g.alloc[w] = g.value - transfer
                g.refresh_value()

    def update_winner_tallies(
        self, tally: RoundTally, slices: dict[str, dict[str, RoundTally]]
    ) -> None:
        """Put earlier winners' votes (what their ballots kept) into this round's tallies."""
        number = self.current
        previous = self.rounds[-2] if len(self.rounds) > 1 else None
        to_process = [w for w, r in self.winners.items() if r != number]
        fresh = {w for w, r in self.winners.items() if r == number - 1}
        for w in to_process:
            prior = previous.tallies[w] if previous is not None and w not in fresh else _ZERO
            tally.tallies[w] = prior
        for kind, by_id in slices.items():
            for sid, st in by_id.items():
                before = self.slice_counts[kind][sid].rounds
                for w in to_process:
                    prior = _ZERO
                    if w not in fresh and len(before) > 1:
                        prior = before[-2].tallies[w]
                    st.tallies[w] = prior
        if not fresh:
            return
        fresh_idx = {self.index[w] for w in fresh}
        for g in self.groups:
            for wi, kept in g.alloc.items():
                if wi not in fresh_idx:
                    continue
                amount = kept * g.weight if g.weight != 1 else kept
                name = self.names[wi]
                tally.tallies[name] = tally.tallies[name] + amount
                for k, kind in enumerate(self.slice_kinds):
                    sid = g.slices[k]
                    if sid:
                        st = slices[kind][sid]
                        st.tallies[name] = st.tallies[name] + amount
        for w in sorted(fresh, key=lambda n: self.index[n]):
            residual = tally.tallies[w] - tally.threshold
            if residual > 0:
                tally.residual_surplus = tally.residual_surplus + residual
                tally.tallies[w] = tally.threshold
                _add_transfer(self.transfers, number, w, "residual surplus", residual)

    # -- the loop ------------------------------------------------------------------------

    def keep_going(self) -> bool:
        """Return whether another round is needed [shouldContinueTabulating]."""
        rules = self.rules
        stop = rules.stop_tabulation_early_after_round
        n_winners = len(self.winners)
        if stop is not None and self.current >= stop:
            return False
        if n_winners == self.num_declared and self.winners_wanted > self.num_candidates:
            return False
        if rules.continue_until_two_candidates_remain:
            return (
                len(self.eliminated) + n_winners + 1 < self.num_candidates
                or self.current in self.eliminated.values()
            )
        if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
            return n_winners == 0
        return n_winners < self.winners_wanted or (
            self.uses_surpluses() and self.current in self.winners.values()
        )

    def run(self) -> None:
        """Tabulate until the rules say stop [tabulate]."""
        rules = self.rules
        while self.keep_going():
            self.current += 1
            number = self.current
            tally, slice_tallies = self.compute_round(number)
            tally.residual_surplus = self.rounds[-1].residual_surplus if self.rounds else _ZERO
            self.rounds.append(tally)
            slice_rounds: dict[str, dict[str, RoundTally]] = {}
            for kind, by_id in slice_tallies.items():
                slice_rounds[kind] = {}
                for sid, st in by_id.items():
                    rt = st.freeze(number)
                    self.slice_counts[kind][sid].rounds.append(rt)
                    slice_rounds[kind][sid] = rt
            # Multi-winner counts fix the threshold in round one; single-winner counts
            # recompute it each round, unless the first round determines it or the winner is
            # already known (continuing until two remain only shows the remaining rounds).
            decided = (
                rules.continue_until_two_candidates_remain
                and len(self.winners) >= self.winners_wanted
            )
            recompute = (
                number == 1
                if self.winners_wanted > 1
                else number == 1 or not (rules.first_round_determines_threshold or decided)
            )
            tally.threshold = self.threshold(tally) if recompute else self.rounds[-2].threshold
            for rounds_by_id in slice_rounds.values():
                for rt in rounds_by_id.values():
                    rt.threshold = tally.threshold
            ordered = self.by_tally(tally)
            winners = self.identify_winners(tally, ordered)
            if winners:
                for w in winners:
                    self.winners[w] = number
                if self.uses_surpluses():
                    for w in winners:
                        self.record_winner_surplus(w, tally)
            elif (
                len(self.winners) < self.winners_wanted
                or (
                    rules.continue_until_two_candidates_remain
                    and len(self.eliminated) < self.num_candidates - 2
                )
                or rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE
            ):
                out = self.eliminate(tally, ordered)
                if not out:
                    raise ConfigurationError(f"round {number}: no candidate could be eliminated")
                for c in out:
                    self.eliminated[c] = number
            if self.winners_wanted > 1:
                self.update_winner_tallies(tally, slice_rounds)


def _index_of(election: Election, name: str) -> int | None:
    """Return the index of the candidate called ``name``, if there is one."""
    try:
        return election.names.index(name)
    except ValueError:
        return None


def tabulate(
    election: Election,
    rules: RctabRules,
    *,
    slices: Sequence[tuple[str, ...]] | None = None,
    slice_kinds: tuple[str, ...] = (),
    excluded: frozenset[CandidateIndex] = frozenset(),
    number_of_winners: int | None = None,
    rnd: JavaRandom | None = None,
    snapshots: bool = False,
) -> RctabCount:
    """Tabulate ``election`` under RCTab's ``rules``.

    ``slices`` gives, for each ballot of ``election.ballots`` in order, the id of its slice
    of each kind in ``slice_kinds`` ("" for none): tallies are then also kept per precinct or
    batch under the whole contest's decisions.  ``excluded`` and ``number_of_winners`` serve
    multi-pass IRV, whose later passes exclude earlier winners and fill one seat each.
    With ``snapshots`` each ballot's allocation after every round it moved in is kept (for
    the CDF cast-vote-record report), in :attr:`RctabCount.snapshots`.
    """
    if rules.winner_mode is WinnerMode.MULTI_PASS_IRV and number_of_winners is None:
        raise ConfigurationError("multi-pass IRV runs one pass per seat: use tabulate_passes")
    wanted = rules.number_of_winners if number_of_winners is None else number_of_winners
    if rnd is None and rules.random_seed is not None and rules.tiebreak_mode.needs_seed:
        rnd = JavaRandom(rules.random_seed)
    with localcontext(_EXACT):
        permutation = _permutation(election, rules, rnd)
        t = _Tabulation(
            election, rules, slices, slice_kinds, excluded, wanted, rnd, permutation, snapshots
        )
        t.run()
    return RctabCount(
        candidates=tuple(t.candidate_names),
        rules=rules,
        rounds=t.rounds,
        transfers=t.transfers,
        winners=t.winners,
        eliminated=t.eliminated,
        tie_broken=t.tie_broken,
        tiebreaks=t.tiebreaks,
        slices=t.slice_counts,
        num_candidates=t.num_candidates,
        seed=rules.random_seed,
        rules_winners=wanted,
        snapshots=[g.snapshots for g in t.groups] if snapshots else [],
    )


def _permutation(election: Election, rules: RctabRules, rnd: JavaRandom | None) -> list[str]:
    """Return the candidate order permutation tie-breaks use (config order, or shuffled)."""
    names = [
        c.name
        for c in election.candidates
        if c.name not in (EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN)
    ]
    if rules.tiebreak_mode is TiebreakMode.GENERATE_PERMUTATION:
        if rnd is None:
            raise ConfigurationError("generatePermutation needs a randomSeed")
        # Sorted first "for reproducibility", then Collections.shuffle with the seeded source.
        names = java_sorted(names)
        shuffle(names, rnd)
    return names


def tabulate_passes(
    election: Election,
    rules: RctabRules,
    *,
    slices: Sequence[tuple[str, ...]] | None = None,
    slice_kinds: tuple[str, ...] = (),
    snapshots: bool = False,
) -> list[RctabCount]:
    """Run multi-pass IRV: one single-seat pass per seat, earlier winners excluded."""
    passes: list[RctabCount] = []
    excluded: set[int] = set()
    for _ in range(rules.number_of_winners):
        rnd = (
            JavaRandom(rules.random_seed)
            if rules.random_seed is not None and rules.tiebreak_mode.needs_seed
            else None
        )
        one = tabulate(
            election,
            rules,
            slices=slices,
            slice_kinds=slice_kinds,
            excluded=frozenset(excluded),
            number_of_winners=1,
            rnd=rnd,
            snapshots=snapshots,
        )
        new = [w for w in one.winners if election.index(w) not in excluded]
        if len(new) != 1:
            raise ConfigurationError(
                f"multi-pass IRV pass {len(passes) + 1} found {len(new)} new winners, not one"
            )
        excluded.add(election.index(new[0]))
        passes.append(one)
    return passes


def slices_of(kinds: Sequence[str], values: Mapping[str, str]) -> tuple[str, ...]:
    """Return a ballot's slice ids in the order of ``kinds`` ("" where it has none)."""
    return tuple(values.get(k, "") for k in kinds)
