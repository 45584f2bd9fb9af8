"""Trigger ballots and shortlisting constraints, applied to the results a party reports.

A trigger ballot asks each local unit (party branch, affiliated branch) whether the sitting
representative should face an open selection; :func:`trigger` says whether the rulebook's
shares are reached.  :func:`check_list` checks a longlist or shortlist against the rulebook's
constraints (e.g. at least half women, a minority-ethnic candidate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..errors import InputError
from .schema import Rulebook

__all__ = ["ListCheck", "TriggerOutcome", "TriggerRouteOutcome", "check_list", "trigger"]


@dataclass(frozen=True, slots=True)
class TriggerRouteOutcome:
    """One route of a trigger ballot: the units for a selection, of how many, and the verdict."""

    id: str
    name: str
    for_selection: int
    base: int
    share: Fraction
    met: bool


@dataclass(frozen=True, slots=True)
class TriggerOutcome:
    """Whether an open selection is triggered, and by which routes."""

    triggered: bool
    routes: tuple[TriggerRouteOutcome, ...]
    consequence: str


def trigger(rulebook: Rulebook, results: Mapping[str, tuple[int, int]]) -> TriggerOutcome:
    """Decide a trigger ballot from ``{body: (units wanting a selection, units counted)}``.

    The units counted are those that voted or all units, as the route's ``of`` says; the
    caller passes the number that matches.
    """
    tb = rulebook.trigger_ballot
    if tb is None:
        raise InputError(f"rulebook {rulebook.id!r} has no trigger ballot")
    out = []
    for r in tb.routes:
        if r.body not in results:
            raise InputError(f"no result given for {r.body!r}")
        yes, base = results[r.body]
        if not 0 <= yes <= base:
            raise InputError(f"{r.body}: {yes} for a selection out of {base} is impossible")
        got = Fraction(yes, base) if base else Fraction(0)
        met = base > 0 and (got > r.share if r.more_than else got >= r.share)
        out.append(TriggerRouteOutcome(r.id, r.name, yes, base, r.share, met))
    hit = any(o.met for o in out) if tb.combine == "any" else all(o.met for o in out)
    return TriggerOutcome(hit, tuple(out), tb.if_triggered if hit else tb.otherwise)


@dataclass(frozen=True, slots=True)
class ListCheck:
    """One constraint applied to a list: what it asks, what the list has, and the verdict."""

    attribute: str
    required: str
    have: int
    size: int
    met: bool


def check_list(
    rulebook: Rulebook, list_name: str, people: Sequence[Mapping[str, bool]]
) -> tuple[ListCheck, ...]:
    """Check a list (e.g. ``longlist``) of people, each a map of attribute -> bool."""
    sel = rulebook.selection
    if sel is None:
        raise InputError(f"rulebook {rulebook.id!r} has no selection rules")
    out = []
    for c in sel.constraints:
        if c.applies_to != list_name:
            continue
        have = sum(1 for p in people if p.get(c.attribute, False))
        n = len(people)
        if c.all:
            required, met = "all", have == n
        elif c.at_least is not None:
            required, met = f"at least {c.at_least}", have >= c.at_least
        else:
            assert c.at_least_share is not None
            required = f"at least {c.at_least_share.numerator}/{c.at_least_share.denominator}"
            met = n > 0 and Fraction(have, n) >= c.at_least_share
        out.append(ListCheck(c.attribute, required, have, n, met))
    return tuple(out)
