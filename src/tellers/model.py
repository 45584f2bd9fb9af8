"""The ballot model and the result model every method shares.

An :class:`Election` holds candidates and merged ballots exactly as a file gave them: rankings
keep skipped ranks, equal ranks and overvotes, because whether such a mark counts is a rule of
the method, not of the file.  A count produces a :class:`Result`: one immutable :class:`Round`
per stage, each with every candidate's total, the transfers into it, the non-transferable
votes, and the decisions (elected / excluded) taken at that stage with their reasons and any
tie-break.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from ._types import CandidateIndex, Preferences, Ranking
from .errors import InputError

__all__ = [
    "Action",
    "Ballot",
    "Candidate",
    "Decision",
    "Election",
    "Outcome",
    "Result",
    "Round",
    "TieBreak",
    "TieMethod",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate as the ballot file names them."""

    name: str
    party: str = ""
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class Ballot:
    """Identical ballot papers, merged: a ranking and how many papers carry it."""

    ranking: Ranking
    weight: int = 1

    def preferences(
        self, *, skip: frozenset[CandidateIndex] = frozenset(), stop_at_skip: bool = True
    ) -> Preferences:
        """Read the ranking as a strict order of distinct candidates.

        This is the reading the UK statutes give a paper: preferences run 1, 2, 3, ... and
        stop at the first rank that is missing (``stop_at_skip``) or marked for more than one
        candidate, because no "next available preference" can be read beyond it.  A candidate
        marked again later is ignored there; candidates in ``skip`` (withdrawn) are passed over.
        """
        out: list[CandidateIndex] = []
        seen: set[CandidateIndex] = set()
        for rank in self.ranking:
            if not rank:
                if stop_at_skip:
                    break
                continue
            if len(rank) > 1:
                break
            c = rank[0]
            if c in seen or c in skip:
                continue
            seen.add(c)
            out.append(c)
        return tuple(out)


@dataclass(frozen=True)
class Election:
    """Candidates, merged ballots and what the file said about seats and title."""

    candidates: tuple[Candidate, ...]
    ballots: tuple[Ballot, ...]
    seats: int | None = None
    title: str = ""
    source: str = ""
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: A predetermined tie-breaking order (earliest first) where the file gives one, e.g.
    #: Droop's ``[tie ...]`` line; rules that break ties by such an order use it.
    tie_order: tuple[CandidateIndex, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.candidates]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise InputError(f"candidate name {dup!r} appears twice")
        n = len(self.candidates)
        for b in self.ballots:
            if b.weight < 0:
                raise InputError(f"negative ballot weight {b.weight}")
            for rank in b.ranking:
                for c in rank:
                    if not 0 <= c < n:
                        raise InputError(f"candidate index {c + 1} out of range 1..{n}")
        if sorted(self.tie_order) != list(range(n)) and self.tie_order:
            raise InputError("a tie-breaking order must name every candidate once")
        if self.seats is not None and self.seats < 1:
            raise InputError(f"seats must be at least 1, not {self.seats}")

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[Candidate | str],
        rankings: Iterable[tuple[Ranking, int]],
        **kwargs: Any,
    ) -> Election:
        """Build an election, merging identical rankings and dropping zero weights."""
        merged: dict[Ranking, int] = {}
        for ranking, weight in rankings:
            if weight:
                merged[ranking] = merged.get(ranking, 0) + weight
        cands = tuple(c if isinstance(c, Candidate) else Candidate(c) for c in candidates)
        ballots = tuple(Ballot(r, w) for r, w in merged.items())
        return cls(cands, ballots, **kwargs)

    @classmethod
    def from_orders(
        cls,
        candidates: Sequence[Candidate | str],
        orders: Iterable[tuple[Sequence[CandidateIndex], int]],
        **kwargs: Any,
    ) -> Election:
        """Build an election from strict orders (one candidate per rank)."""
        return cls.from_rankings(
            candidates, (((tuple((c,) for c in o)), w) for o, w in orders), **kwargs
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Candidate names in file order."""
        return tuple(c.name for c in self.candidates)

    @property
    def withdrawn(self) -> frozenset[CandidateIndex]:
        """Indices of withdrawn candidates."""
        return frozenset(i for i, c in enumerate(self.candidates) if c.withdrawn)

    @property
    def total_weight(self) -> int:
        """Number of ballot papers."""
        return sum(b.weight for b in self.ballots)

    def index(self, name: str) -> CandidateIndex:
        """Return the index of the candidate called ``name``."""
        try:
            return self.names.index(name)
        except ValueError:
            raise InputError(f"no candidate called {name!r}") from None


class Outcome(enum.StrEnum):
    """What happened to a candidate at a stage."""

    ELECTED = "elected"
    EXCLUDED = "excluded"


class Action(enum.StrEnum):
    """What a stage did."""

    FIRST = "first preferences"
    SURPLUS = "surplus"
    EXCLUSION = "exclusion"
    RECOUNT = "recount"


class TieMethod(enum.StrEnum):
    """How a tie was broken."""

    EARLIER_ROUND = "earlier round"
    LOT = "lot"
    ORDER = "predetermined order"


@dataclass(frozen=True, slots=True)
class TieBreak:
    """A tie and how it was broken: the tied set, the one chosen, the method and its data."""

    tied: frozenset[CandidateIndex]
    chosen: CandidateIndex
    purpose: str
    method: TieMethod
    round: int | None = None
    seed: int | None = None

    def __reduce__(self) -> tuple[type[TieBreak], tuple[Any, ...]]:
        return TieBreak, _TIEBREAK_FIELDS(self)


@dataclass(frozen=True, slots=True)
class Decision:
    """One candidate elected or excluded, and why."""

    candidate: CandidateIndex
    outcome: Outcome
    reason: str
    tie: TieBreak | None = None

    def __reduce__(self) -> tuple[type[Decision], tuple[Any, ...]]:
        return Decision, _DECISION_FIELDS(self)


@dataclass(frozen=True, slots=True)
class Round:
    """The state after one stage of the count.

    ``action`` says what the stage did (first preferences, a surplus, an exclusion) and
    ``subjects`` whose votes it transferred.  ``tallies`` and ``transfers`` are indexed like the
    election's candidates; ``exhausted`` is the running total of non-transferable votes,
    ``loss`` the running total lost to rounding.  ``ties`` holds ties broken to choose what the
    stage did (e.g. which of two equal surpluses moved); ties over who is elected or excluded
    sit with those decisions.
    """

    number: int
    tallies: tuple[Decimal, ...]
    transfers: tuple[Decimal, ...]
    exhausted: Decimal
    decisions: tuple[Decision, ...] = ()
    note: str = ""
    loss: Decimal = Decimal(0)
    exhausted_transfer: Decimal = Decimal(0)
    loss_transfer: Decimal = Decimal(0)
    action: Action = Action.FIRST
    subjects: tuple[CandidateIndex, ...] = ()
    ties: tuple[TieBreak, ...] = ()

    def __reduce__(self) -> tuple[type[Round], tuple[Any, ...]]:
        return Round, _ROUND_FIELDS(self)

    @property
    def elected(self) -> tuple[CandidateIndex, ...]:
        """Candidates elected at this stage, in order of election."""
        return tuple(d.candidate for d in self.decisions if d.outcome is Outcome.ELECTED)

    @property
    def excluded(self) -> tuple[CandidateIndex, ...]:
        """Candidates excluded at this stage."""
        return tuple(d.candidate for d in self.decisions if d.outcome is Outcome.EXCLUDED)


@dataclass(frozen=True)
class Result:
    """A whole count: the method, the stages and who was elected, in order."""

    method: str
    seats: int
    candidates: tuple[str, ...]
    valid: Decimal
    quota: Decimal | None
    rounds: tuple[Round, ...]
    title: str = ""
    seed: int | None = None
    places: int = 0
    #: Papers in the election that were not counted, by reason (``(reason, papers)`` pairs in
    #: a fixed order); empty when every paper counted.  ``valid`` plus these is every paper.
    rejected: tuple[tuple[str, Decimal], ...] = ()

    @property
    def elected(self) -> tuple[CandidateIndex, ...]:
        """Elected candidates in order of election."""
        return tuple(c for r in self.rounds for c in r.elected)

    @property
    def elected_names(self) -> tuple[str, ...]:
        """Names of the elected candidates, in order of election."""
        return tuple(self.candidates[c] for c in self.elected)

    @property
    def excluded(self) -> tuple[CandidateIndex, ...]:
        """Excluded candidates in order of exclusion."""
        return tuple(c for r in self.rounds for c in r.excluded)

    @property
    def tiebreaks(self) -> tuple[TieBreak, ...]:
        """Every tie broken during the count, in order."""
        out: list[TieBreak] = []
        for r in self.rounds:
            out.extend(r.ties)
            out.extend(d.tie for d in r.decisions if d.tie is not None)
        return tuple(out)

    def stage_of(self, candidate: CandidateIndex) -> int | None:
        """Return the stage number (1-based) at which the candidate was elected or excluded."""
        for r in self.rounds:
            if any(d.candidate == candidate for d in r.decisions):
                return r.number
        return None

    def outcome_of(self, candidate: CandidateIndex) -> Outcome | None:
        """Return whether the candidate was elected, excluded, or neither."""
        for r in self.rounds:
            for d in r.decisions:
                if d.candidate == candidate:
                    return d.outcome
        return None


# Pickling (results come back from batch worker processes) rebuilds these by their constructor
# from one C-level read of every field, instead of dataclasses' slot-state functions, which
# look the fields up again for every object.
_TIEBREAK_FIELDS = attrgetter("tied", "chosen", "purpose", "method", "round", "seed")
_DECISION_FIELDS = attrgetter("candidate", "outcome", "reason", "tie")
_ROUND_FIELDS = attrgetter(
    "number",
    "tallies",
    "transfers",
    "exhausted",
    "decisions",
    "note",
    "loss",
    "exhausted_transfer",
    "loss_transfer",
    "action",
    "subjects",
    "ties",
)
