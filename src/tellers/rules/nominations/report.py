"""What a nominations book reports: each candidate's standing, stage by stage and route by route.

Counts are bounds (at least / at most) and a condition is met, not met or unknown (``None``),
because a published tally need not say which of its nominators are of which kind.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .events import Rejection, name_key

__all__ = [
    "CandidateReport",
    "ConditionReport",
    "Report",
    "RouteReport",
    "StageReport",
    "Status",
    "have_text",
]


class Status(enum.StrEnum):
    """Where a candidate stands."""

    ON_BALLOT = "on the ballot"
    IN_PROGRESS = "not yet qualified"
    OUT = "out"
    WITHDRAWN = "withdrawn"
    UNDECIDED = "cannot be decided from the nominations given"


@dataclass(frozen=True, slots=True)
class ConditionReport:
    """One condition: what it asks, what the candidate has, and whether it holds."""

    text: str
    have: int | None
    have_at_most: int | None
    need: int | Fraction | None
    met: bool | None
    detail: str = ""

    @property
    def short_by(self) -> int | None:
        """How many more are needed (for counts), if the condition is not met."""
        if self.met is not False or self.have_at_most is None or self.need is None:
            return None
        gap = self.need - self.have_at_most
        return max(1, -((-gap.numerator) // gap.denominator) if isinstance(gap, Fraction) else gap)


@dataclass(frozen=True, slots=True)
class RouteReport:
    """One route of a stage: its conditions, whether they all hold, and when they first did."""

    id: str
    name: str
    conditions: tuple[ConditionReport, ...]
    met: bool | None
    met_on: dt.date | None = None
    attested_by: str = ""


@dataclass(frozen=True, slots=True)
class StageReport:
    """One stage for one candidate."""

    id: str
    name: str
    opens: dt.date | None
    closes: dt.date | None
    closed: bool
    routes: tuple[RouteReport, ...]
    met: bool | None
    by: tuple[str, ...]
    exempt: bool = False

    @property
    def needs(self) -> str:
        """Say what is still needed, route by route (empty when the stage is met)."""
        if self.met:
            return ""
        parts = []
        for r in self.routes:
            missing = [c for c in r.conditions if c.met is not True]
            bits = [f"{c.text}: {have_text(c)}" for c in missing]
            parts.append(f"{r.name} ({'; '.join(bits)})")
        return " or ".join(parts)


@dataclass(frozen=True, slots=True)
class CandidateReport:
    """A candidate's standing for one office."""

    name: str
    office: str
    status: Status
    stages: tuple[StageReport, ...]
    withdrawn_on: dt.date | None = None
    incumbent: bool = False
    explanation: str = ""


@dataclass(frozen=True)
class Report:
    """The standing of every candidate, and every rejected event."""

    rulebook: str
    title: str
    occasion: str
    as_of: dt.date | None
    final: bool
    candidates: tuple[CandidateReport, ...]
    rejections: tuple[Rejection, ...]
    accepted: int
    offices: Mapping[str, str] = field(default_factory=dict)

    def candidate(self, name: str, office: str | None = None) -> CandidateReport:
        """Return the report for the candidate called ``name`` (for ``office``, if given)."""
        for c in self.candidates:
            if name_key(c.name) == name_key(name) and (office is None or c.office == office):
                return c
        raise KeyError(name)

    def on_ballot(self, office: str) -> tuple[str, ...]:
        """Return the candidates on the ballot for ``office``, in report order."""
        return tuple(
            c.name for c in self.candidates if c.office == office and c.status is Status.ON_BALLOT
        )


def have_text(c: ConditionReport) -> str:
    """Say what a condition has against what it needs, in words."""
    if c.met is None and c.detail:
        return c.detail
    if c.have is None:
        return c.detail or "unknown"
    have = str(c.have) if c.have == c.have_at_most else f"{c.have} to {c.have_at_most}"
    if c.have_at_most is None:
        have = f"at least {c.have}"
    need = "?" if c.need is None else _num(c.need)
    text = f"{have} of {need}"
    if c.short_by:
        text += f", {c.short_by} more needed"
    return text + (f" ({c.detail})" if c.detail else "")


def _num(x: int | Fraction) -> str:
    if isinstance(x, int) or x.denominator == 1:
        return f"{int(x):,}"
    return f"{float(x):,.2f}"
