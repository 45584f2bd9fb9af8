"""What every counting method shares: its signature, its registry entry, and ballot reading."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from .._arrays import MULTI, PAD, SKIP, held_arrays
from .._types import Preferences
from ..errors import ConfigurationError, InputError
from ..limits import MAX_PAPERS
from ..model import Election, Result
from .options import OptionInfo, Options, describe_options, parse_options

__all__ = [
    "REJECTION_REASONS",
    "CountFunction",
    "MethodInfo",
    "RegisteredCount",
    "Registry",
    "check_countable",
    "check_papers",
    "rejected_papers",
    "resolve_seats",
    "strict_preferences",
]

#: Why a paper has no first preference a count can use, in the order reports list them.  These
#: are the statutory reading's (:meth:`tellers.Ballot.preferences`): preferences stop at a rank
#: left blank or marked for more than one candidate; withdrawn candidates are passed over.
NO_MARK = "no preference marked"
BLANK_FIRST = "first preference left blank"
MULTI_FIRST = "first preference marked for more than one candidate"
ONLY_WITHDRAWN = "only withdrawn candidates marked"
REJECTION_REASONS = (NO_MARK, BLANK_FIRST, MULTI_FIRST, ONLY_WITHDRAWN)
#: The reason given when a method reads papers otherwise (RCTab's overvote and skipped-rank
#: rules, first past the post's first rank only) and the statutory reasons do not add up.
OTHER = "no usable first preference under this method's rules"


class CountFunction(Protocol):
    """The signature every method's ``count`` has.

    A method that declares options (:mod:`tellers.methods.options`) also takes them, as
    ``options=`` an instance of its options class.
    """

    def __call__(self, election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
        """Count ``election`` for ``seats`` seats; lots are drawn from ``seed``."""
        ...


class RegisteredCount(Protocol):
    """A registered method's count: the method's own, its options read and checked first.

    ``options`` is a mapping of option names to values (text as the command line gives them,
    or typed) or the method's options dataclass; unknown names and bad values are refused
    with a :class:`~tellers.errors.ConfigurationError` naming the option, the values allowed
    and the method.
    """

    def __call__(
        self,
        election: Election,
        *,
        seats: int | None = None,
        seed: int = 0,
        options: Mapping[str, Any] | Options | None = None,
    ) -> Result:
        """Count ``election`` for ``seats`` seats with ``options``; lots are drawn from ``seed``."""
        ...


@dataclass(frozen=True)
class MethodInfo:
    """A registered method: its canonical name, aliases, one-line summary and count function.

    ``options`` is the method's options dataclass (see :mod:`tellers.methods.options` for how
    to declare one), or None for a method that takes none.  Once registered, ``count`` is a
    :class:`RegisteredCount`: it takes ``options=`` and passes the checked instance to the
    method's own count function (whose signature is then ``(election, *, seats, seed,
    options)``).
    """

    name: str
    summary: str
    count: CountFunction
    aliases: tuple[str, ...] = ()
    single_winner: bool = False
    options: type[Options] | None = None

    def describe_options(self) -> list[OptionInfo]:
        """Return the options this method takes, in declaration order."""
        return describe_options(self.options)

    def parse_options(self, given: Mapping[str, Any] | Options | None) -> Options | None:
        """Return the checked options instance for ``given`` (None for a method with none)."""
        return parse_options(self.options, given, self.name)

    def run(
        self,
        election: Election,
        *,
        seats: int | None = None,
        seed: int = 0,
        options: Mapping[str, Any] | Options | None = None,
    ) -> Result:
        """Count ``election`` by this method as registered, with ``options`` read and checked."""
        registered: RegisteredCount = self.count  # type: ignore[assignment]
        return registered(election, seats=seats, seed=seed, options=options)


@dataclass
class Registry:
    """Methods looked up by name or alias."""

    _by_name: dict[str, MethodInfo] = field(default_factory=dict)

    def add(self, info: MethodInfo) -> None:
        """Register a method under its name and aliases.

        The registered count refuses what no rule can count (see :func:`check_countable`) and
        adds the papers it did not count, by reason, to its result.
        """
        info = replace(info, count=_guarded(info, single=info.single_winner))
        for key in (info.name, *info.aliases):
            if key in self._by_name:
                raise ValueError(f"method name {key!r} registered twice")
            self._by_name[key] = info

    def get(self, name: str) -> MethodInfo:
        """Return the method called ``name`` (or one of its aliases)."""
        try:
            return self._by_name[name.lower()]
        except KeyError:
            raise ConfigurationError(
                f"unknown method {name!r}; choose from {', '.join(self.names())}"
            ) from None

    def names(self) -> list[str]:
        """Return the canonical method names, sorted."""
        return sorted({m.name for m in self._by_name.values()})

    def all(self) -> list[MethodInfo]:
        """Return each registered method once, sorted by name."""
        seen = {m.name: m for m in self._by_name.values()}
        return [seen[k] for k in sorted(seen)]


def _guarded(info: MethodInfo, *, single: bool) -> RegisteredCount:
    count = info.count

    @functools.wraps(count)
    def guarded(
        election: Election,
        *,
        seats: int | None = None,
        seed: int = 0,
        options: Mapping[str, Any] | Options | None = None,
    ) -> Result:
        # Options are checked before the election, so a bad option is reported as such even
        # for an election no rule could count.
        parsed = info.parse_options(options)
        contested = check_countable(election, seats, single=single)
        if parsed is None:
            result = count(election, seats=seats, seed=seed)
        else:
            taking: Any = count  # the method's count takes options=, as MethodInfo says
            result = taking(election, seats=seats, seed=seed, options=parsed)
        if not contested:
            return _uncontested(result, election)
        if not result.valid:
            raise InputError(_nothing_valid(election))
        unused = election.total_weight - result.valid
        if unused > 0:
            result = replace(result, rejected=rejected_papers(election, unused))
        return result

    return guarded


def check_countable(election: Election, seats: int | None, *, single: bool = False) -> bool:
    """Refuse an election no rule can count; return whether it is contested.

    Refused: no seats, nobody standing, more papers than a count holds, and a contested
    election with no papers (a returning officer does not fill a seat by lot from an empty
    box).  Not contested -- no more candidates standing than seats -- is what the statutes call
    an uncontested election: those standing are declared elected without a poll, and seats
    beyond them stay vacant (e.g. Shetland's North Isles ward in 2022: two candidates, three
    seats).  The count then elects them all, papers or none, and the result says so.
    """
    n = seats if seats is not None else (1 if single else election.seats or 1)
    if n < 1:
        raise ConfigurationError(f"seats must be at least 1, not {n}")
    standing = len(election.candidates) - len(election.withdrawn)
    if standing == 0:
        raise ConfigurationError("no candidates to count: all are withdrawn")
    papers = election.total_weight
    check_papers(papers)
    if standing <= n:
        return False
    if papers == 0:
        raise InputError("no valid ballot papers: the election has no papers to count")
    return True


def _uncontested(result: Result, election: Election) -> Result:
    """Say in the first stage's note that the election was uncontested, and any vacancy."""
    standing = len(election.candidates) - len(election.withdrawn)
    seats = result.seats
    said = (
        f"Uncontested: {standing} candidate{'s' if standing != 1 else ''} standing for "
        f"{seats} seat{'s' if seats != 1 else ''}, elected without a poll"
    )
    if seats > standing:
        vacant = seats - standing
        said += f"; {vacant} seat{'s' if vacant != 1 else ''} left vacant"
    first = result.rounds[0]
    note = f"{said}. {first.note}" if first.note else said
    rejected = result.rejected
    unused = election.total_weight - result.valid
    if unused > 0:
        rejected = rejected_papers(election, unused)
    return replace(
        result, rounds=(replace(first, note=note), *result.rounds[1:]), rejected=rejected
    )


def check_papers(papers: int) -> None:
    """Refuse more papers than a count holds exactly (:data:`tellers.limits.MAX_PAPERS`)."""
    if papers > MAX_PAPERS:
        raise InputError(
            f"{papers:,} ballot papers: more than the {MAX_PAPERS:,} (2**63 - 1) "
            "a count holds exactly"
        )


def _nothing_valid(election: Election) -> str:
    reasons = rejected_papers(election, election.total_weight)
    said = "; ".join(f"{why}: {papers:,}" for why, papers in reasons)
    total = election.total_weight
    return f"no valid ballot papers: none of the {total:,} papers can be counted ({said})"


def rejected_papers(election: Election, unused: int | Decimal) -> tuple[tuple[str, Decimal], ...]:
    """Return the papers with no usable first preference, by reason, adding up to ``unused``.

    The reasons are the statutory reading's; where the method read papers otherwise and they
    do not add up to what it left uncounted, the difference is given as :data:`OTHER`.
    """
    arrays = held_arrays(election)
    withdrawn = election.withdrawn
    counts = dict.fromkeys(REJECTION_REASONS, 0)
    if arrays is not None:
        _classify_arrays(arrays.marks, arrays.weights, withdrawn, counts)
    else:
        for b in election.ballots:
            if b.weight:
                why = _why_rejected(b.ranking, withdrawn)
                if why is not None:
                    counts[why] += b.weight
    out = [(why, Decimal(n)) for why, n in counts.items() if n]
    found = sum(counts.values())
    if found != unused:
        out = [(OTHER, Decimal(unused))]
    return tuple(out)


def _why_rejected(ranking: tuple[tuple[int, ...], ...], withdrawn: frozenset[int]) -> str | None:
    """Return why a paper has no usable first preference, or None if it has one."""
    if not any(ranking):
        return NO_MARK
    for rank in ranking:
        if not rank:
            return BLANK_FIRST
        if len(rank) > 1:
            return MULTI_FIRST
        if rank[0] not in withdrawn:
            return None
    return ONLY_WITHDRAWN


def _classify_arrays(
    marks: np.ndarray, weights: np.ndarray, withdrawn: frozenset[int], counts: dict[str, int]
) -> None:
    """:func:`_why_rejected` over ballot arrays, row by row in numpy."""
    if not marks.shape[0]:
        return
    if marks.shape[1] == 0:
        counts[NO_MARK] += int(weights.sum(dtype=object))
        return
    passed = np.isin(marks, list(withdrawn)) if withdrawn else np.zeros(marks.shape, bool)
    # The first column that is not a withdrawn candidate decides; PAD if there is none.
    padded = np.concatenate([marks, np.full((marks.shape[0], 1), PAD, marks.dtype)], axis=1)
    passed = np.concatenate([passed, np.zeros((marks.shape[0], 1), bool)], axis=1)
    first = padded[np.arange(marks.shape[0]), np.argmax(~passed, axis=1)]
    marked = ((marks >= 0) | (marks == MULTI)).any(axis=1)
    for why, rows in (
        (NO_MARK, ~marked),
        (BLANK_FIRST, marked & (first == SKIP)),
        (MULTI_FIRST, marked & (first == MULTI)),
        (ONLY_WITHDRAWN, marked & (first == PAD)),
    ):
        if rows.any():
            counts[why] += int(weights[rows].sum(dtype=object))


def resolve_seats(election: Election, seats: int | None, *, single: bool = False) -> int:
    """Return the number of seats to fill: the argument, else the file's, else one."""
    n = seats if seats is not None else (1 if single else election.seats or 1)
    if n < 1:
        raise ConfigurationError(f"seats must be at least 1, not {n}")
    if single and n != 1:
        raise ConfigurationError("this method elects one candidate; use an STV method for more")
    return n


def strict_preferences(election: Election) -> list[tuple[Preferences, int]]:
    """Read every ballot as a strict order, withdrawn candidates passed over.

    A paper's preferences stop at a skipped rank or at a rank marked for more than one
    candidate (no "next available preference" can be read past them); ballots with no usable
    preference are dropped here and counted as invalid by the caller.
    """
    skip = election.withdrawn
    out: list[tuple[Preferences, int]] = []
    for b in election.ballots:
        prefs = b.preferences(skip=skip)
        if prefs and b.weight:
            out.append((prefs, b.weight))
    return out
