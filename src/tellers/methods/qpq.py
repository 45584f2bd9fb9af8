"""QPQ: Woodall's Quota Preferential by Quotient.

Source: D. R. Woodall, "QPQ, a quota-preferential STV-like election rule", Voting matters 17
(2003), section 2, as quoted in Droop (J. Lundell, droop/rules/qpq.py).  The paragraphs are
quoted below at the lines that implement them.

QPQ is not a Gregory count: no votes are moved.  Each ballot "elects" a fraction of a
candidate; a candidate's quotient is the ballots whose topmost hopeful they are, divided by one
plus the fractions those ballots have elected; the highest quotient over the quota is elected,
else the lowest is excluded.  After an exclusion the count starts again from the beginning
without the excluded candidate, so elections made before it are provisional: this count records
each as the stage's subject (its note says "provisionally"), and only those that stand at the end
as decisions.

Each stage's tallies are the quotients of the candidates hopeful at it (the others show 0), and
its note gives the quota.  Droop counts QPQ in guarded fixed point, 9 places and 9 guard digits;
that is the default here (``arithmetic``, ``precision``, ``guard``), and exact rationals may be
asked for.  Ties: the rule gives none; they are broken by lot from the seed (``ties=lot``), or by
the file's ``[tie]`` order, else the listing order (``ties=listed``, Droop's way).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from .._types import CandidateIndex, Preferences
from ..arithmetic import Arithmetic, GuardedArithmetic, Rounding, Value
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak, TieMethod
from ._ties import Lot
from .base import resolve_seats, strict_preferences
from .options import TIES, ArithmeticOptions, listed_order, option

__all__ = ["QpqCount", "QpqOptions", "count"]

PLACES = 9  # Droop's precision and guard digits for QPQ
_WOODALL = "Woodall, 'QPQ', Voting matters 17 (2003)"
_DROOP = "Droop (J. Lundell), droop/rules/qpq.py"


@dataclass
class _Papers:
    """Identical ballots: their ranking, how many, where they stand and what they elected."""

    prefs: Preferences
    weight: int
    pos: int | None = 0
    #: The fractional number of candidates each of these ballots has elected [2.2].
    elected: Value = 0


class QpqCount:
    """One count under QPQ."""

    method = "qpq"

    def __init__(
        self,
        election: Election,
        *,
        seats: int | None,
        seed: int,
        arithmetic: Arithmetic,
        listed: bool = False,
    ) -> None:
        """Set up a count; ``listed`` breaks ties by the predetermined order, not by lot."""
        self.election = election
        self.seats = resolve_seats(election, seats)
        self.arith = arithmetic
        self.seed = seed
        self.lot = Lot(seed)
        self.order = listed_order(election) if listed else None
        n = len(election.candidates)
        self.ncand = n
        # 2.1: "Set each candidate to hopeful"
        self.hopeful: set[CandidateIndex] = set(range(n)) - election.withdrawn
        if not self.hopeful:
            raise ConfigurationError("no candidates to count: all are withdrawn")
        self.zero = arithmetic.of(0)
        self.one = arithmetic.of(1)
        self.papers = [_Papers(p, w, elected=self.zero) for p, w in strict_preferences(election)]
        self.valid = sum(p.weight for p in self.papers)
        self.elected: list[CandidateIndex] = []
        self.excluded: list[CandidateIndex] = []
        self.rounds: list[Round] = []
        self.previous: list[Decimal] = [Decimal(0)] * n
        #: Stages whose elections a restart has cancelled are rewritten; the current pass's
        #: first stage is where rewriting would start.
        self.pass_start = 0
        self.first_quota: Value | None = None

    # -- ballots -----------------------------------------------------------------------------

    def advance(self, p: _Papers) -> None:
        """Move ballots on to their topmost hopeful candidate (None: inactive)."""
        pos = p.pos
        while pos is not None and pos < len(p.prefs) and p.prefs[pos] not in self.hopeful:
            pos += 1
        p.pos = pos if pos is not None and pos < len(p.prefs) else None

    def restart(self) -> None:
        """Start the count again from the beginning, without the excluded candidates."""
        # 2.2: "Each ballot has elected 0 candidates"
        for c in self.elected:
            self.hopeful.add(c)
        self.elected.clear()
        for p in self.papers:
            p.pos = 0
            p.elected = self.zero
            self.advance(p)

    # -- the count ---------------------------------------------------------------------------

    def run(self) -> Result:
        """Count the election and return its result."""
        restart = True
        while not self.complete():
            if restart:
                restart = False
                self.cancel_provisional()
                self.restart()
            if self.stage():
                restart = True
        # 2.5b: "If all but s candidates are now excluded, then all remaining hopeful
        # candidates are declared elected and the count ends"
        if self.hopeful and len(self.hopeful) <= self.seats - len(self.elected):
            remaining = sorted(self.hopeful)
            self.elected += remaining
            self.hopeful.clear()
            if not self.rounds:
                # No stage was needed; the first preferences' quotients are the one stage.
                self.restart()
                quotient, quota = self.quotients()
                note = f"First preferences; quota {self.shown(quota)}"
                self.record(quotient, note, None, Action.FIRST, None, None)
            last = self.rounds[-1]
            deemed = tuple(
                Decision(c, Outcome.ELECTED, "elected: hopeful, with all but s excluded [2.5b]")
                for c in remaining
            )
            self.rounds[-1] = replace(last, decisions=last.decisions + deemed)
        return self.result()

    def complete(self) -> bool:
        """Return whether the count has ended: every seat filled, or no more hopefuls."""
        left = self.seats - len(self.elected)
        return left <= 0 or len(self.hopeful) <= left

    def quotients(self) -> tuple[dict[CandidateIndex, Value], Value]:
        """Return each hopeful candidate's quotient [2.3] and the quota [2.4]."""
        a = self.arith
        # 2.3: "The ballots contributing to a particular hopeful candidate c are those ballots
        # on which c is the topmost hopeful candidate. The quotient assigned to c is defined to
        # be qc = vc/(1+tc), where vc is the number of ballots contributing to c, and tc is the
        # sum of all the fractional numbers of candidates that those ballots have so far
        # elected."
        # 2.4: "A ballot is active if it includes the name of a hopeful candidate (and is a
        # valid ballot), and inactive otherwise. The quota is defined to be va/(1 + s - tx),
        # where va is the number of active ballots, s is the total number of seats to be
        # filled, and tx is the sum of the fractional numbers of candidates that are deemed to
        # have been elected by all the inactive ballots."
        votes = dict.fromkeys(self.hopeful, 0)
        elected_by = dict.fromkeys(self.hopeful, self.zero)
        active = 0
        inactive_elected = self.zero
        for p in self.papers:
            if p.pos is None:
                inactive_elected += p.elected * p.weight
                continue
            c = p.prefs[p.pos]
            active += p.weight
            votes[c] += p.weight
            elected_by[c] += p.elected * p.weight
        quotient = {
            c: a.div(a.of(votes[c]), self.one + elected_by[c], rounding=Rounding.DOWN)
            for c in self.hopeful
        }
        quota = a.div(a.of(active), a.of(1 + self.seats) - inactive_elected, rounding=Rounding.DOWN)
        if self.first_quota is None:
            self.first_quota = quota
        return quotient, quota

    def stage(self) -> bool:
        """Count one stage; return whether it excluded a candidate (so the count restarts)."""
        a = self.arith
        quotient, quota = self.quotients()
        top = max(quotient.values())
        note_quota = f"quota {self.shown(quota)}"
        # 2.5a: "If c is the candidate with the highest quotient, and that quotient is greater
        # than the quota, then c is declared elected."
        if a.compare(top, quota) > 0:
            tied = [c for c in self.hopeful if a.compare(quotient[c], top) == 0]
            c, tie = self.break_tie(tied, purpose="largest quotient")
            self.hopeful.discard(c)
            self.elected.append(c)
            # "In this case each of the vc ballots contributing to c is now deemed to have
            # elected 1/qc candidates in total (regardless of how many candidates it had
            # elected before c's election); no change is made to the number of candidates
            # elected by other ballots."
            share = a.div(self.one, quotient[c], rounding=Rounding.DOWN)
            for p in self.papers:
                if p.pos is not None and p.prefs[p.pos] == c:
                    p.elected = share
                    self.advance(p)
            name = self.election.candidates[c].name
            decision = Decision(c, Outcome.ELECTED, "highest quotient, over the quota [2.5a]")
            action = Action.FIRST if not self.rounds else Action.SURPLUS
            self.record(quotient, f"Election of {name}; {note_quota}", decision, action, c, tie)
            return False
        # 2.5b: "If no candidate has a quotient greater than the quota, then the candidate with
        # the smallest quotient is declared excluded. No change is made to the number of
        # candidates elected by any ballot."
        low = min(quotient.values())
        tied = [c for c in self.hopeful if a.compare(quotient[c], low) == 0]
        c, tie = self.break_tie(tied, purpose="exclusion")
        self.hopeful.discard(c)
        self.excluded.append(c)
        reason = "smallest quotient, none over the quota [2.5b]"
        if tie is not None:
            reason += f"; tie decided by {tie.method}"
        decision = Decision(c, Outcome.EXCLUDED, reason, tie)
        name = self.election.candidates[c].name
        note = f"Exclusion of {name}; {note_quota}"
        if not self.complete():
            note += "; the count starts again without them"
        self.record(quotient, note, decision, Action.EXCLUSION, c, None)
        return True

    def shown(self, v: Value) -> Decimal:
        """Return a value for a note: guarded values without their guard digits, rounded."""
        d = self.arith.decimal(v)
        if isinstance(self.arith, GuardedArithmetic):
            return d.quantize(Decimal(1).scaleb(-self.arith.precision), rounding=ROUND_HALF_UP)
        return d

    def cancel_provisional(self) -> None:
        """Keep the elections of the pass now ended only as provisional (in their notes)."""
        for i in range(self.pass_start, len(self.rounds)):
            r = self.rounds[i]
            kept = tuple(d for d in r.decisions if d.outcome is not Outcome.ELECTED)
            if kept != r.decisions:
                note = r.note.replace("Election of", "Provisional election of", 1)
                self.rounds[i] = replace(
                    r, decisions=kept, note=note + " (cancelled when the count started again)"
                )
        self.pass_start = len(self.rounds)

    def break_tie(
        self, tied: list[CandidateIndex], *, purpose: str
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Break a tie by lot, or by the predetermined order under ``ties=listed``."""
        if len(tied) == 1:
            return tied[0], None
        if self.order is not None:
            rank = {c: i for i, c in enumerate(self.order)}
            chosen = min(tied, key=rank.__getitem__)
            return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.ORDER)
        chosen = self.lot.draw(tied)
        return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.LOT, seed=self.seed)

    def record(
        self,
        quotient: dict[CandidateIndex, Value],
        note: str,
        decision: Decision | None,
        action: Action,
        subject: CandidateIndex | None,
        tie: TieBreak | None,
    ) -> None:
        """Store a stage: the hopefuls' quotients, its decision and any tie."""
        tallies = [
            self.arith.decimal(quotient[c]) if c in quotient else Decimal(0)
            for c in range(self.ncand)
        ]
        transfers = [t - p for t, p in zip(tallies, self.previous, strict=True)]
        self.previous = tallies
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=tuple(tallies),
                transfers=tuple(transfers),
                exhausted=Decimal(0),
                decisions=() if decision is None else (decision,),
                note=note,
                action=action,
                subjects=() if subject is None else (subject,),
                ties=() if tie is None or tie is getattr(decision, "tie", None) else (tie,),
            )
        )

    def result(self) -> Result:
        """Return the finished count."""
        quota = self.first_quota if self.first_quota is not None else self.zero
        return Result(
            method=self.method,
            seats=self.seats,
            candidates=self.election.names,
            valid=Decimal(self.valid),
            quota=self.arith.decimal(quota),
            rounds=tuple(self.rounds),
            title=self.election.title,
            seed=self.seed,
            places=self.arith.places,
        )


@dataclass(frozen=True)
class QpqOptions(ArithmeticOptions):
    """The options of QPQ: Droop's arithmetic for it by default, and the tie policy."""

    arithmetic: str = option(
        "guarded",
        "guarded fixed point (Droop's for QPQ), or exact rationals",
        source=_DROOP,
        choices=("guarded", "fixed", "rational"),
    )
    precision: int | None = option(
        None, "decimal places (9 unless given, as Droop)", source=_DROOP, minimum=1
    )
    guard: int | None = option(
        None, "guard digits, guarded only (9 unless given, as Droop)", source=_DROOP, minimum=0
    )
    ties: str = option(
        "lot",
        "lot: drawn from the seed (the paper sets no tie rule); listed: the file's [tie] order, "
        "else the listing order (Droop's way)",
        source=_WOODALL + "; " + _DROOP,
        choices=TIES,
    )

    @property
    def places(self) -> int:
        """Droop's nine places unless ``precision`` says otherwise."""
        if self.arithmetic == "rational":
            return super().places
        return self.precision if self.precision is not None else PLACES

    def make_arithmetic(self) -> Arithmetic:
        """Return the arithmetic: guarded with nine guard digits unless told otherwise."""
        if self.arithmetic == "guarded":
            guard = self.guard if self.guard is not None else PLACES
            return GuardedArithmetic(self.places, guard)
        return super().make_arithmetic()


def count(
    election: Election,
    *,
    seats: int | None = None,
    seed: int = 0,
    options: QpqOptions | None = None,
) -> Result:
    """Count by QPQ (default: guarded fixed point, 9 places + 9 guard digits, as Droop)."""
    opts = options or QpqOptions()
    return QpqCount(
        election,
        seats=seats,
        seed=seed,
        arithmetic=opts.make_arithmetic(),
        listed=opts.ties == "listed",
    ).run()
