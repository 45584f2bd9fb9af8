"""Exhaustive ballots: a body (e.g. MPs) votes in rounds, candidates dropping out each round.

The rounds' votes are inputs (each round is its own first-past-the-post vote of the body);
the rules decide who is eliminated after each: below the round's threshold, or, if nobody is
below it (or the round has none), the candidate with fewest votes.  :func:`run` applies the
rules to published round totals and checks that each round lists exactly the candidates still
in the contest, so a replay shows whether the published eliminations follow from the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import InputError
from .schema import ExhaustiveBallot

__all__ = ["ExhaustiveResult", "RoundResult", "run"]


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One round: the votes, the threshold in force, who was eliminated and why."""

    number: int
    votes: Mapping[str, int]
    threshold: int | None
    eliminated: tuple[str, ...]
    reason: str
    withdrew_after: tuple[str, ...] = ()
    tied: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExhaustiveResult:
    """Every round, and the candidates left at the end."""

    rounds: tuple[RoundResult, ...]
    remaining: tuple[str, ...]
    complete: bool


def run(
    rules: ExhaustiveBallot,
    rounds: Sequence[Mapping[str, int]],
    *,
    withdrawals: Mapping[int, Sequence[str]] | None = None,
) -> ExhaustiveResult:
    """Apply the elimination rules to each round's votes, in order.

    ``withdrawals`` maps a round number to the candidates who withdrew after it.  A tie for
    fewest votes eliminates nobody and is reported: the rules' tie provision is for the
    returning officers to apply.
    """
    withdrawals = withdrawals or {}
    continuing: list[str] | None = None
    out: list[RoundResult] = []
    for number, votes in enumerate(rounds, start=1):
        names = list(votes)
        if continuing is not None and set(names) != set(continuing):
            extra = sorted(set(names) - set(continuing))
            missing = sorted(set(continuing) - set(names))
            parts = []
            if extra:
                parts.append(f"lists {', '.join(extra)}, no longer in the contest")
            if missing:
                parts.append(f"omits {', '.join(missing)}, still in the contest")
            raise InputError(f"round {number} {' and '.join(parts)}")
        for name, v in votes.items():
            if v < 0:
                raise InputError(f"round {number}: {name} has negative votes {v}")
        threshold = rules.threshold(number)
        below = [n for n in names if threshold is not None and votes[n] < threshold]
        tied: tuple[str, ...] = ()
        if below:
            eliminated = tuple(sorted(below, key=lambda n: -votes[n]))
            reason = f"fewer than the {threshold} votes needed in round {number}"
        else:
            low = min(votes.values())
            lowest = [n for n in names if votes[n] == low]
            if len(lowest) > 1:
                eliminated, tied = (), tuple(lowest)
                reason = f"tie for fewest votes ({low}) between {', '.join(lowest)}: not decided"
            else:
                eliminated = (lowest[0],)
                reason = "fewest votes" + (
                    f" (every candidate reached the threshold of {threshold})"
                    if threshold is not None
                    else ""
                )
        gone = tuple(withdrawals.get(number, ()))
        for g in gone:
            if g not in names or g in eliminated:
                raise InputError(f"round {number}: {g} cannot withdraw after it")
        out.append(RoundResult(number, dict(votes), threshold, eliminated, reason, gone, tied))
        continuing = [n for n in names if n not in eliminated and n not in gone]
        if len(continuing) <= rules.until_remaining or tied:
            break
    remaining = tuple(continuing or ())
    return ExhaustiveResult(tuple(out), remaining, len(remaining) <= rules.until_remaining)
