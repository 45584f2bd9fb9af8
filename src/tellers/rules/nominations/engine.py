"""The nominations engine: a :class:`NominationBook` checks each event against the rulebook as
it is recorded (accepted, or rejected with a reason) and reports every candidate's standing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ...errors import InputError
from ..schema import Body, Condition, Route, Rulebook, Stage, whole
from .events import (
    Attestation,
    Declaration,
    Event,
    Nomination,
    Rejection,
    Retraction,
    Withdrawal,
    name_key,
)
from .report import (
    CandidateReport,
    ConditionReport,
    Report,
    RouteReport,
    StageReport,
    Status,
)

__all__ = ["NominationBook"]


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
        key = name_key(office)
        for o in offices:
            if o == key or name_key(self.rulebook.offices[o].name) == key:
                return o
        raise _Reject(f"unknown office {office!r}; this rulebook elects {', '.join(offices)}")

    def _candidate(self, office: str, name: str, *, create: bool) -> _Candidate:
        k = (office, name_key(name))
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
        if (office, name_key(e.candidate)) in self._candidates and office in self._declared:
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
                if a.office == office and name_key(a.candidate) == name_key(c.name):
                    a.active = False

    def _retract(self, e: Retraction) -> None:
        office = self._office(e.office)
        rule = self.rulebook.withdrawal.nominator_may_retract
        if not rule:
            why = "do not allow" if rule is False else "do not say whether they may"
            raise _Reject(f"the rules {why} a nominator to retract a nomination")
        k = (office, e.body, name_key(e.nominator))
        a = self._by_nominator.get(k)
        if a is None or not a.active:
            raise _Reject(f"{e.nominator} has no standing nomination for {office} to retract")
        a.active = False
        del self._by_nominator[k]

    def _attest(self, e: Attestation) -> None:
        office = self._office(e.office)
        c = self._candidate(office, e.candidate, create=False)
        stage, route = self._find_route(office, e.route)
        self._attested[(office, name_key(c.name), stage.id, route.id)] = e

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
            if self.rulebook.nominations.self_nomination is False and name_key(
                e.nominator
            ) == name_key(c.name):
                raise _Reject("a candidate may not nominate themselves")
            k = (office, e.body, name_key(e.nominator))
            prior = self._by_nominator.get(k)
            if prior is not None and prior.active:
                where = f" (line {prior.nomination.line})" if prior.nomination.line else ""
                if name_key(prior.candidate) == name_key(c.name):
                    raise _Reject(f"duplicate: {e.nominator} already nominated {c.name}{where}")
                if self.rulebook.nominations.one_per_nominator_per_office:
                    raise _Reject(
                        f"duplicate nominator: {e.nominator} already nominated "
                        f"{prior.candidate} for {office}{where}; one nomination per office"
                    )
        a = _Accepted(e, office, c.name, self._seq)
        self._accepted.append(a)
        if not e.tally:
            self._by_nominator[(office, e.body, name_key(e.nominator))] = a

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
            and name_key(a.candidate) == name_key(c.name)
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
        att = self._attested.get((office, name_key(c.name), stage.id, route.id))
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
            groups = {name_key(n.group) for n in mine if n.group}
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
