"""Check nominations against a rulebook as they arrive, and say who is on course and why.

A :class:`NominationBook` records events in the order they happen: candidates declaring,
nominations (one nominator, or a published tally of several), withdrawals, retractions, and
attestations that a route was met where the evidence is held by the party rather than by us
(e.g. the affiliated membership behind a set of union nominations).  Each nomination is
accepted or rejected with a reason.  :meth:`NominationBook.report` then gives, per candidate
and stage, every route's counts against its threshold, whether it is met, by which route and
on what date, and what is still needed.

Some conditions cannot always be decided: a tally of "7 affiliates" does not say how many are
trade unions, and a union's affiliated membership may not be given.  Counts are therefore kept
as bounds (at least / at most), and a condition is met, not met, or *unknown*, with the reason.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import FormatError, InputError
from ..formats._common import csv_rows, parse_int, read_text
from .schema import Body, Condition, Route, Rulebook, Stage, whole

__all__ = [
    "Attestation",
    "CandidateReport",
    "ConditionReport",
    "Declaration",
    "Event",
    "Nomination",
    "NominationBook",
    "Rejection",
    "Report",
    "Retraction",
    "RouteReport",
    "StageReport",
    "Status",
    "Withdrawal",
    "read_csv",
    "render_text",
    "to_json",
    "to_json_dict",
]


def _key(name: str) -> str:
    """Normalise a name for comparison: case and runs of spaces do not distinguish people."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Declaration:
    """A candidate declares for an office (``incumbent`` if they hold it)."""

    candidate: str
    office: str | None = None
    date: dt.date | None = None
    incumbent: bool = False
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Nomination:
    """A nomination of ``candidate`` by ``nominator`` from ``body``.

    ``count`` above one makes it a published tally: ``count`` nominations from the body whose
    individual nominators are not known (``nominator`` then describes the source), so no
    duplicate can be detected among them.  ``category`` (e.g. trade_union), ``group`` (e.g.
    the local party) and ``membership`` feed the conditions that need them.
    """

    candidate: str
    nominator: str
    body: str
    office: str | None = None
    date: dt.date | None = None
    category: str | None = None
    group: str | None = None
    membership: int | None = None
    route: str | None = None
    count: int = 1
    tally: bool = False
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A candidate withdraws from the contest for an office."""

    candidate: str
    office: str | None = None
    date: dt.date | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Retraction:
    """A nominator withdraws their nomination for an office."""

    nominator: str
    body: str
    office: str | None = None
    date: dt.date | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Attestation:
    """Someone with the evidence (the party, the returning officer) certifies a route met."""

    candidate: str
    route: str
    by: str
    office: str | None = None
    date: dt.date | None = None
    line: int | None = None


Event = Declaration | Nomination | Withdrawal | Retraction | Attestation


@dataclass(frozen=True, slots=True)
class Rejection:
    """An event that does not count, and why."""

    event: Event
    reason: str


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
            bits = [f"{c.text}: {_have_text(c)}" for c in missing]
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
            if _key(c.name) == _key(name) and (office is None or c.office == office):
                return c
        raise KeyError(name)

    def on_ballot(self, office: str) -> tuple[str, ...]:
        """Return the candidates on the ballot for ``office``, in report order."""
        return tuple(
            c.name for c in self.candidates if c.office == office and c.status is Status.ON_BALLOT
        )


@dataclass(slots=True)
class _Candidate:
    name: str
    incumbent: bool = False
    declared: bool = False
    withdrawn_on: dt.date | None = None
    withdrawn_seq: int | None = None


@dataclass(slots=True)
class _Accepted:
    nomination: Nomination
    office: str
    candidate: str
    seq: int
    active: bool = True


def _have_text(c: ConditionReport) -> str:
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


class NominationBook:
    """The nominations of one contest under one rulebook, checked as they are recorded."""

    def __init__(
        self,
        rulebook: Rulebook,
        *,
        occasion: str | None = None,
        sizes: Mapping[str, int] | None = None,
        membership_totals: Mapping[str, int] | None = None,
    ) -> None:
        self.rulebook = rulebook
        self.occasion = occasion or rulebook.occasions[0]
        if self.occasion not in rulebook.occasions:
            raise InputError(
                f"unknown occasion {self.occasion!r}; the rulebook has "
                f"{', '.join(rulebook.occasions)}"
            )
        for name in (*(sizes or {}), *(membership_totals or {})):
            if name not in rulebook.bodies:
                raise InputError(
                    f"unknown body {name!r}; the rulebook has {', '.join(rulebook.bodies)}"
                )
        for name, size in (sizes or {}).items():
            if size < 1:
                raise InputError(f"the size of {name!r} must be at least 1, not {size}")
        self.sizes = {k: b.size for k, b in rulebook.bodies.items()} | dict(sizes or {})
        self.totals = {k: b.membership_total for k, b in rulebook.bodies.items()} | dict(
            membership_totals or {}
        )
        self._candidates: dict[tuple[str, str], _Candidate] = {}
        self._declared: set[str] = set()
        self._accepted: list[_Accepted] = []
        self._by_nominator: dict[tuple[str, str, str], _Accepted] = {}
        self._attested: dict[tuple[str, str, str, str], Attestation] = {}
        self.rejections: list[Rejection] = []
        self._seq = 0

    # Recording -------------------------------------------------------------------------

    def apply(self, events: Iterable[Event]) -> None:
        """Record events in order."""
        for e in events:
            self.record(e)

    def record(self, event: Event) -> Rejection | None:
        """Record one event; return its rejection, if it is rejected."""
        self._seq += 1
        try:
            if isinstance(event, Declaration):
                self._declare(event)
            elif isinstance(event, Nomination):
                self._nominate(event)
            elif isinstance(event, Withdrawal):
                self._withdraw(event)
            elif isinstance(event, Retraction):
                self._retract(event)
            else:
                self._attest(event)
        except _Reject as r:
            rejection = Rejection(event, str(r))
            self.rejections.append(rejection)
            return rejection
        return None

    def _office(self, office: str | None) -> str:
        offices = list(self.rulebook.offices)
        if office is None:
            if len(offices) == 1:
                return offices[0]
            raise _Reject(f"no office given; this rulebook elects {', '.join(offices)}")
        key = _key(office)
        for o in offices:
            if o == key or _key(self.rulebook.offices[o].name) == key:
                return o
        raise _Reject(f"unknown office {office!r}; this rulebook elects {', '.join(offices)}")

    def _candidate(self, office: str, name: str, *, create: bool) -> _Candidate:
        k = (office, _key(name))
        if k not in self._candidates:
            if not create and office in self._declared:
                known = sorted(c.name for (o, _), c in self._candidates.items() if o == office)
                raise _Reject(
                    f"unknown candidate {name!r} for {office} (declared: {', '.join(known)})"
                )
            self._candidates[k] = _Candidate(name)
        return self._candidates[k]

    def _declare(self, e: Declaration) -> None:
        office = self._office(e.office)
        if (office, _key(e.candidate)) in self._candidates and office in self._declared:
            raise _Reject(f"{e.candidate} has already declared for {office}")
        self._declared.add(office)
        c = self._candidate(office, e.candidate, create=True)
        c.declared = True
        c.incumbent = e.incumbent

    def _withdraw(self, e: Withdrawal) -> None:
        office = self._office(e.office)
        if not self.rulebook.withdrawal.candidate_may_withdraw:
            raise _Reject("the rules do not provide for a candidate to withdraw")
        c = self._candidate(office, e.candidate, create=False)
        if c.withdrawn_seq is not None:
            raise _Reject(f"{c.name} had already withdrawn on {c.withdrawn_on}")
        c.withdrawn_on = e.date
        c.withdrawn_seq = self._seq
        if self.rulebook.withdrawal.nominators_freed:
            # The rules free the nominators of a withdrawn candidate to nominate again.
            for a in self._accepted:
                if a.office == office and _key(a.candidate) == _key(c.name):
                    a.active = False

    def _retract(self, e: Retraction) -> None:
        office = self._office(e.office)
        rule = self.rulebook.withdrawal.nominator_may_retract
        if not rule:
            why = "do not allow" if rule is False else "do not say whether they may"
            raise _Reject(f"the rules {why} a nominator to retract a nomination")
        k = (office, e.body, _key(e.nominator))
        a = self._by_nominator.get(k)
        if a is None or not a.active:
            raise _Reject(f"{e.nominator} has no standing nomination for {office} to retract")
        a.active = False
        del self._by_nominator[k]

    def _attest(self, e: Attestation) -> None:
        office = self._office(e.office)
        c = self._candidate(office, e.candidate, create=False)
        stage, route = self._find_route(office, e.route)
        self._attested[(office, _key(c.name), stage.id, route.id)] = e

    def _find_route(self, office: str, ref: str) -> tuple[Stage, Route]:
        stage_id, _, route_id = ref.rpartition(":")
        found = [
            (s, r)
            for s in self.rulebook.stages_for(office, self.occasion)
            for r in s.routes
            if r.id == route_id and (not stage_id or s.id == stage_id)
        ]
        if not found:
            raise _Reject(f"unknown route {ref!r} for {office}")
        if len(found) > 1:
            names = ", ".join(f"{s.id}:{r.id}" for s, r in found)
            raise _Reject(f"route {ref!r} is ambiguous; name the stage: {names}")
        return found[0]

    def _stage_of(self, office: str, body: str, route: str | None) -> Stage:
        stages = self.rulebook.stages_for(office, self.occasion)
        if route is not None:
            stage, r = self._find_route(office, route)
            if body not in {c.body for c in r.conditions}:
                raise _Reject(
                    f"wrong body type: route {r.id!r} takes nominations from "
                    f"{', '.join(sorted({c.body for c in r.conditions}))}, not {body!r}"
                )
            return stage
        for s in stages:
            if body in s.bodies():
                return s
        takes = sorted({b for s in stages for b in s.bodies()})
        what = "unknown body" if body not in self.rulebook.bodies else "wrong body type:"
        raise _Reject(
            f"{what} {body!r} does not nominate for {office} "
            f"(nominating bodies: {', '.join(takes) or 'none'})"
        )

    def _nominate(self, e: Nomination) -> None:
        office = self._office(e.office)
        body = self.rulebook.bodies.get(e.body)
        stage = self._stage_of(office, e.body, e.route)
        assert body is not None
        c = self._candidate(office, e.candidate, create=False)
        if e.count < 1:
            raise _Reject("a nomination must count at least once")
        size = self.sizes.get(e.body)
        if size is not None and e.count > size:
            raise _Reject(
                f"a tally of {e.count:,} is more than the {size:,} {body.plural} {e.body} has"
            )
        if e.category is not None and e.category not in body.categories:
            known = ", ".join(body.categories) or "none"
            raise _Reject(f"unknown category {e.category!r} for {e.body} (known: {known})")
        if e.membership is not None and e.membership < 0:
            raise _Reject("membership cannot be negative")
        if e.date is not None and stage.opens is not None and e.date < stage.opens:
            raise _Reject(f"before nominations opened for {stage.name} on {stage.opens}")
        if e.date is not None and stage.closes is not None and e.date > stage.closes:
            raise _Reject(f"after nominations closed for {stage.name} on {stage.closes}")
        if c.withdrawn_seq is not None and (
            e.date is None or c.withdrawn_on is None or e.date >= c.withdrawn_on
        ):
            raise _Reject(f"{c.name} had withdrawn{_on(c.withdrawn_on)}")
        self._check_earlier_stages(office, c, stage, e.date)
        if not e.tally:
            if self.rulebook.nominations.self_nomination is False and _key(e.nominator) == _key(
                c.name
            ):
                raise _Reject("a candidate may not nominate themselves")
            k = (office, e.body, _key(e.nominator))
            prior = self._by_nominator.get(k)
            if prior is not None and prior.active:
                where = f" (line {prior.nomination.line})" if prior.nomination.line else ""
                if _key(prior.candidate) == _key(c.name):
                    raise _Reject(f"duplicate: {e.nominator} already nominated {c.name}{where}")
                if self.rulebook.nominations.one_per_nominator_per_office:
                    raise _Reject(
                        f"duplicate nominator: {e.nominator} already nominated "
                        f"{prior.candidate} for {office}{where}; one nomination per office"
                    )
        a = _Accepted(e, office, c.name, self._seq)
        self._accepted.append(a)
        if not e.tally:
            self._by_nominator[(office, e.body, _key(e.nominator))] = a

    def _check_earlier_stages(
        self, office: str, c: _Candidate, stage: Stage, date: dt.date | None
    ) -> None:
        """Reject a nomination for a candidate who has failed a stage this one requires."""
        for req in stage.requires:
            earlier = next(s for s in self.rulebook.stages if s.id == req)
            if earlier.incumbent_exempt and c.incumbent:
                continue
            if earlier.closes is None or date is None or date <= earlier.closes:
                continue
            rep = self._stage(office, c, earlier, as_of=None, final=True)
            if rep.met is False:
                raise _Reject(f"{c.name} did not pass {earlier.name} (closed {earlier.closes})")

    # Reporting -------------------------------------------------------------------------

    def report(self, *, as_of: dt.date | None = None, final: bool = False) -> Report:
        """Report every candidate's standing as at the end of ``as_of`` (default: now).

        ``final`` treats every stage as closed, as after the last nominations are in.
        """
        out: list[CandidateReport] = []
        for (office, _), c in self._candidates.items():
            out.append(self._candidate_report(office, c, as_of=as_of, final=final))
        order = list(self.rulebook.offices)
        out.sort(key=lambda r: order.index(r.office))
        return Report(
            rulebook=self.rulebook.id,
            title=self.rulebook.title,
            occasion=self.occasion,
            as_of=as_of,
            final=final,
            candidates=tuple(out),
            rejections=tuple(self.rejections),
            accepted=len(self._accepted),
            offices={k: o.name for k, o in self.rulebook.offices.items()},
        )

    def _candidate_report(
        self, office: str, c: _Candidate, *, as_of: dt.date | None, final: bool
    ) -> CandidateReport:
        stages = tuple(
            self._stage(office, c, s, as_of=as_of, final=final)
            for s in self.rulebook.stages_for(office, self.occasion)
        )
        withdrawn = c.withdrawn_seq is not None and (
            as_of is None or c.withdrawn_on is None or c.withdrawn_on <= as_of
        )
        if withdrawn:
            status, why = Status.WITHDRAWN, f"withdrew{_on(c.withdrawn_on)}"
        else:
            status, why = Status.ON_BALLOT, ""
            for s in stages:
                if s.met:
                    continue
                if s.met is False and s.closed:
                    status, why = Status.OUT, f"did not reach {s.name}: {s.needs}"
                elif s.met is None and s.closed:
                    status, why = Status.UNDECIDED, f"{s.name}: {s.needs}"
                else:
                    status, why = Status.IN_PROGRESS, f"{s.name} needs {s.needs}"
                break
        return CandidateReport(
            name=c.name,
            office=office,
            status=status,
            stages=stages,
            withdrawn_on=c.withdrawn_on if withdrawn else None,
            incumbent=c.incumbent,
            explanation=why,
        )

    def _stage(
        self, office: str, c: _Candidate, stage: Stage, *, as_of: dt.date | None, final: bool
    ) -> StageReport:
        closed = final or (as_of is not None and stage.closes is not None and as_of > stage.closes)
        if stage.incumbent_exempt and c.incumbent:
            return StageReport(
                stage.id,
                stage.name,
                stage.opens,
                stage.closes,
                closed,
                (),
                True,
                ("incumbent",),
                exempt=True,
            )
        noms = [
            a
            for a in self._accepted
            if a.active
            and a.office == office
            and _key(a.candidate) == _key(c.name)
            and (as_of is None or a.nomination.date is None or a.nomination.date <= as_of)
        ]
        routes = tuple(self._route(office, c, stage, r, noms, as_of) for r in stage.routes)
        met: bool | None
        if any(r.met for r in routes):
            met = True
        elif all(r.met is False for r in routes):
            met = False
        else:
            met = None
        first = sorted(
            (r for r in routes if r.met),
            key=lambda r: (r.met_on or dt.date.max, stage.routes.index(_route(stage, r.id))),
        )
        return StageReport(
            stage.id,
            stage.name,
            stage.opens,
            stage.closes,
            closed,
            routes,
            met,
            tuple(r.id for r in first),
        )

    def _route(
        self,
        office: str,
        c: _Candidate,
        stage: Stage,
        route: Route,
        noms: Sequence[_Accepted],
        as_of: dt.date | None,
    ) -> RouteReport:
        conds = tuple(self._condition(cond, noms) for cond in route.conditions)
        met = _all(c.met for c in conds)
        att = self._attested.get((office, _key(c.name), stage.id, route.id))
        if (
            att is not None
            and (as_of is None or att.date is None or att.date <= as_of)
            and met is not True
        ):
            return RouteReport(route.id, route.name, conds, True, att.date, att.by)
        met_on = None
        bodies = {cond.body for cond in route.conditions}
        relevant = [a for a in noms if a.nomination.body in bodies]
        if met and all(a.nomination.date is not None for a in relevant):
            # The first date on which the nominations then in met every condition; with any
            # undated nomination among them that date cannot be known.
            dates = sorted({a.nomination.date for a in relevant if a.nomination.date})
            for d in dates:
                upto = [a for a in noms if a.nomination.date is None or a.nomination.date <= d]
                if _all(self._condition(cond, upto).met for cond in route.conditions):
                    met_on = d
                    break
        return RouteReport(route.id, route.name, conds, met, met_on)

    def _condition(self, cond: Condition, noms: Sequence[_Accepted]) -> ConditionReport:
        body = self.rulebook.bodies[cond.body]
        mine = [a.nomination for a in noms if a.nomination.body == cond.body]
        text = _condition_text(cond, body, self.sizes.get(cond.body))
        if cond.membership_share is not None:
            total = self.totals.get(cond.body)
            known = sum(n.membership for n in mine if n.membership is not None)
            missing = [n.nominator for n in mine if n.membership is None]
            if total is None:
                return ConditionReport(
                    text,
                    known,
                    None,
                    None,
                    None,
                    f"the total membership of {body.name.lower()} is not given",
                )
            need = cond.membership_share * total
            if known >= need:
                return ConditionReport(text, known, known, need, True)
            if missing:
                return ConditionReport(
                    text,
                    known,
                    None,
                    need,
                    None,
                    f"membership not given for {', '.join(missing)}",
                )
            return ConditionReport(text, known, known, need, False)
        if cond.distinct_groups is not None:
            groups = {_key(n.group) for n in mine if n.group}
            unknown = sum(n.count for n in mine if not n.group or n.tally)
            low = len(groups)
            return _bounded(text, low, low + unknown, cond.distinct_groups)
        if cond.category is None:
            low = high = sum(n.count for n in mine)
        else:
            low = sum(n.count for n in mine if n.category == cond.category)
            high = low + sum(n.count for n in mine if n.category is None)
        if cond.at_least is not None:
            return _bounded(text, low, high, cond.at_least)
        assert cond.share is not None
        size = self.sizes.get(cond.body)
        if size is None:
            return ConditionReport(
                text, low, high, None, None, f"the size of {body.name.lower()} is not given"
            )
        base = size - 1 if cond.exclude_candidate else size
        return _bounded(text, low, high, whole(cond.share, base, cond.rounding))


class _Reject(Exception):
    """Raised inside the book to reject the event being recorded."""


def _on(date: dt.date | None) -> str:
    return f" on {date}" if date else ""


def _all(values: Iterable[bool | None]) -> bool | None:
    vals = list(values)
    if all(v is True for v in vals):
        return True
    if any(v is False for v in vals):
        return False
    return None


def _route(stage: Stage, route_id: str) -> Route:
    return next(r for r in stage.routes if r.id == route_id)


def _bounded(text: str, low: int, high: int, need: int) -> ConditionReport:
    if low >= need:
        return ConditionReport(text, low, high, need, True)
    if high < need:
        return ConditionReport(text, low, high, need, False)
    return ConditionReport(
        text, low, high, need, None, "the nominations given do not say which are which"
    )


def _condition_text(cond: Condition, body: Body, size: int | None) -> str:
    """Describe a condition in words, with its threshold worked out where the size is known."""
    what = body.plural
    if cond.category:
        what = f"{cond.category.replace('_', ' ')}s"
    if cond.at_least is not None:
        return f"at least {cond.at_least} {what}"
    if cond.distinct_groups is not None:
        return f"from at least {cond.distinct_groups} different {body.group or 'groups'}"
    if cond.membership_share is not None:
        return f"{_pct(cond.membership_share)} of the membership of {body.name.lower()}"
    assert cond.share is not None
    other = " other" if cond.exclude_candidate else ""
    text = f"{_pct(cond.share)} of the{other} {what}"
    if size is not None:
        base = size - 1 if cond.exclude_candidate else size
        text += f" ({whole(cond.share, base, cond.rounding)} of {base}, rounded {cond.rounding})"
    return text


def _pct(share: Fraction) -> str:
    pct = share * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    if share.numerator == 1:
        return f"one {_ORDINAL.get(share.denominator, f'1/{share.denominator}')}"
    return f"{share.numerator}/{share.denominator}"


_ORDINAL = {2: "half", 3: "third", 4: "quarter", 5: "fifth"}


# The CSV reader -------------------------------------------------------------------------

_COLUMNS = (
    "kind",
    "date",
    "office",
    "candidate",
    "nominator",
    "body",
    "category",
    "group",
    "membership",
    "route",
    "count",
    "incumbent",
    "note",
)
_KINDS = ("nomination", "candidate", "withdrawal", "retraction", "route-met")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}


def read_csv(path: str | Path) -> list[Event]:
    """Read a nominations file: one event per row, errors naming file and line.

    Columns (a header row is required; only ``candidate`` must be present, order is free):
    ``kind`` (nomination, candidate, withdrawal, retraction, route-met; default nomination),
    ``date`` (YYYY-MM-DD), ``office``, ``candidate``, ``nominator``, ``body``, ``category``,
    ``group``, ``membership``, ``route``, ``count`` (a published tally of that many
    nominations), ``incumbent`` (yes/no, on candidate rows) and ``note`` (ignored).
    """
    text = read_text(path)
    rows = csv_rows(text, path=path)
    rows = [(n, r) for n, r in rows if not r[0].lstrip().startswith("#")]
    if not rows:
        raise FormatError("no header row", path=path, line=1)
    hline, header = rows[0]
    cols = [h.strip().lower() for h in header]
    for h in cols:
        if h not in _COLUMNS:
            raise FormatError(
                f"unknown column {h!r} (known: {', '.join(_COLUMNS)})", path=path, line=hline
            )
    dup = next((h for h in cols if cols.count(h) > 1), None)
    if dup:
        raise FormatError(f"column {dup!r} appears twice", path=path, line=hline)
    if "candidate" not in cols and "nominator" not in cols:
        raise FormatError("the header needs a 'candidate' column", path=path, line=hline)
    events: list[Event] = []
    for line, row in rows[1:]:
        if len(row) > len(cols):
            raise FormatError(
                f"{len(row)} cells but the header has {len(cols)} columns", path=path, line=line
            )
        cell = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(cols)}
        events.append(_event(cell, path=path, line=line))
    return events


def _event(cell: Mapping[str, str], *, path: str | Path, line: int) -> Event:
    kind = cell.get("kind", "").lower() or "nomination"
    if kind not in _KINDS:
        raise FormatError(
            f"unknown kind {kind!r} (known: {', '.join(_KINDS)})", path=path, line=line
        )

    def need(col: str) -> str:
        value = cell.get(col, "")
        if not value:
            raise FormatError(f"a {kind} row needs a {col}", path=path, line=line)
        return value

    date = _date(cell.get("date", ""), path=path, line=line)
    office = cell.get("office") or None
    if kind == "candidate":
        flag = cell.get("incumbent", "").lower()
        if flag not in _TRUE | _FALSE:
            raise FormatError(f"incumbent must be yes or no, not {flag!r}", path=path, line=line)
        return Declaration(need("candidate"), office, date, flag in _TRUE, line)
    if kind == "withdrawal":
        return Withdrawal(need("candidate"), office, date, line)
    if kind == "retraction":
        return Retraction(need("nominator"), need("body"), office, date, line)
    if kind == "route-met":
        return Attestation(need("candidate"), need("route"), need("nominator"), office, date, line)
    count_text = cell.get("count", "")
    count = parse_int(count_text, "count", path=path, line=line, minimum=1) if count_text else 1
    tally = bool(count_text)
    membership_text = cell.get("membership", "")
    membership = (
        parse_int(membership_text.replace(",", ""), "membership", path=path, line=line)
        if membership_text
        else None
    )
    nominator = cell.get("nominator", "") or ("published tally" if tally else need("nominator"))
    return Nomination(
        candidate=need("candidate"),
        nominator=nominator,
        body=need("body"),
        office=office,
        date=date,
        category=cell.get("category") or None,
        group=cell.get("group") or None,
        membership=membership,
        route=cell.get("route") or None,
        count=count,
        tally=tally,
        line=line,
    )


def _date(text: str, *, path: str | Path, line: int) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FormatError(
            f"{text!r} is not a date (write YYYY-MM-DD)", path=path, line=line
        ) from None


# Rendering -------------------------------------------------------------------------------


def _event_text(e: Event) -> str:
    where = f"line {e.line}: " if e.line else ""
    if isinstance(e, Nomination):
        if e.tally:
            return f"{where}{e.count} {e.body} nominations for {e.candidate} ({e.nominator})"
        return f"{where}{e.nominator} ({e.body}) nominating {e.candidate}"
    if isinstance(e, Declaration):
        return f"{where}{e.candidate} declaring"
    if isinstance(e, Withdrawal):
        return f"{where}{e.candidate} withdrawing"
    if isinstance(e, Retraction):
        return f"{where}{e.nominator} retracting"
    return f"{where}{e.by} attesting {e.candidate} met {e.route}"


def _mark(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "cannot be checked"}[met]


def render_text(report: Report) -> str:
    """Render a report as plain text: each candidate, stage and route, then rejections."""
    when = f"as at {report.as_of}" if report.as_of else "with every nomination recorded"
    if report.final:
        when += " (all stages closed)"
    out = [f"{report.title}", f"Nominations ({report.occasion}), {when}", ""]
    for office, office_name in report.offices.items():
        cands = [c for c in report.candidates if c.office == office]
        if not cands:
            continue
        out.append(f"{office_name}")
        out.append("=" * len(office_name))
        for c in cands:
            head = f"{c.name}: {c.status.upper()}"
            if c.explanation and c.status is not Status.ON_BALLOT:
                head += f" - {c.explanation}"
            out.append(head)
            for s in c.stages:
                window = ""
                if s.opens or s.closes:
                    window = f" ({s.opens or '...'} to {s.closes or '...'})"
                if s.exempt:
                    out.append(f"  {s.name}{window}: exempt as the incumbent")
                    continue
                out.append(f"  {s.name}{window}: {_mark(s.met)}")
                for r in s.routes:
                    tag = _mark(r.met)
                    if r.met and r.met_on:
                        tag += f" on {r.met_on}"
                    if r.attested_by:
                        tag += f" (attested by {r.attested_by})"
                    first = " <- qualified by this route" if s.by and r.id == s.by[0] else ""
                    out.append(f"    {r.name}: {tag}{first}")
                    for cond in r.conditions:
                        out.append(f"      {cond.text}: {_have_text(cond)} [{_mark(cond.met)}]")
            out.append("")
    if report.rejections:
        out.append(f"Rejected ({len(report.rejections)})")
        for rj in report.rejections:
            out.append(f"  {_event_text(rj.event)}: {rj.reason}")
    else:
        out.append("Rejected: none")
    out.append(f"Accepted nominations: {report.accepted}")
    return "\n".join(out) + "\n"


def _jnum(x: int | Fraction | None) -> Any:
    if x is None or isinstance(x, int):
        return x
    return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def to_json_dict(report: Report) -> dict[str, Any]:
    """Return the report as plain JSON-ready data."""

    def d(x: dt.date | None) -> str | None:
        return x.isoformat() if x else None

    return {
        "rulebook": report.rulebook,
        "title": report.title,
        "occasion": report.occasion,
        "as_of": d(report.as_of),
        "final": report.final,
        "accepted": report.accepted,
        "candidates": [
            {
                "name": c.name,
                "office": c.office,
                "status": str(c.status),
                "explanation": c.explanation,
                "incumbent": c.incumbent,
                "withdrawn_on": d(c.withdrawn_on),
                "stages": [
                    {
                        "id": s.id,
                        "name": s.name,
                        "opens": d(s.opens),
                        "closes": d(s.closes),
                        "closed": s.closed,
                        "met": s.met,
                        "by": list(s.by),
                        "exempt": s.exempt,
                        "needs": s.needs,
                        "routes": [
                            {
                                "id": r.id,
                                "name": r.name,
                                "met": r.met,
                                "met_on": d(r.met_on),
                                "attested_by": r.attested_by or None,
                                "conditions": [
                                    {
                                        "text": k.text,
                                        "have": k.have,
                                        "have_at_most": k.have_at_most,
                                        "need": _jnum(k.need),
                                        "met": k.met,
                                        "short_by": k.short_by,
                                        "detail": k.detail or None,
                                    }
                                    for k in r.conditions
                                ],
                            }
                            for r in s.routes
                        ],
                    }
                    for s in c.stages
                ],
            }
            for c in report.candidates
        ],
        "rejected": [
            {"line": rj.event.line, "event": _event_text(rj.event), "reason": rj.reason}
            for rj in report.rejections
        ],
    }


def to_json(report: Report) -> str:
    """Return the report as indented JSON text."""
    return json.dumps(to_json_dict(report), indent=2, ensure_ascii=False) + "\n"
