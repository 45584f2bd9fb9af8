"""The live tracker's content: the engine's report laid out for the page.

Every verdict here (met, not met, reaches the ballot, cannot reach it) is the engine's; this
module only arranges it and adds who nominated (where the contest makes that public) and how
long each stage has left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from tellers.rules.nominations import CandidateReport, ConditionReport, Report, Status

from . import clock, engine
from .models import Candidacy, Contest, Event, Kind

__all__ = ["STATUS_TEXT", "TrackerCandidate", "build"]

#: What the tracker says for each of the engine's statuses.
STATUS_TEXT = {
    Status.ON_BALLOT: "Reaches the ballot",
    Status.OUT: "Cannot reach the ballot",
    Status.IN_PROGRESS: "Not yet qualified",
    Status.UNDECIDED: "Cannot be decided from the nominations given",
    Status.WITHDRAWN: "Withdrawn",
}


@dataclass
class TrackerCondition:
    text: str
    have: str
    need: str
    met: bool | None
    detail: str


@dataclass
class TrackerRoute:
    name: str
    met: bool | None
    met_on: dt.date | None
    attested_by: str
    conditions: list[TrackerCondition]
    nominators: list[str] = field(default_factory=list)


@dataclass
class TrackerStage:
    name: str
    opens: dt.date | None
    closes: dt.date | None
    closed: bool
    time_left: str
    met: bool | None
    exempt: bool
    routes: list[TrackerRoute]


@dataclass
class TrackerCandidate:
    name: str
    status: str
    status_key: str
    explanation: str
    statement: str
    stages: list[TrackerStage]
    photo_id: int | None = None
    photo_alt: str = ""


def _num(x: int | Fraction | None) -> str:
    if x is None:
        return "?"
    if isinstance(x, int) or x.denominator == 1:
        return f"{int(x):,}"
    return f"{float(x):,.2f}"


def _have(c: ConditionReport) -> str:
    if c.have is None:
        return "unknown"
    if c.have_at_most is None:
        return f"at least {c.have:,}"
    if c.have_at_most != c.have:
        return f"{c.have:,} to {c.have_at_most:,}"
    return f"{c.have:,}"


def time_left(closes: dt.date | None, closed: bool, today: dt.date) -> str:
    """Say how long a stage has left, in days (it closes at the end of ``closes``)."""
    if closed:
        return "closed"
    if closes is None:
        return "no closing date"
    days = (closes - today).days
    if days < 0:
        return "closed"
    if days == 0:
        return "closes today"
    return f"{days} day{'s' if days != 1 else ''} left"


def _nominators(contest: Contest, name: str, bodies: set[str]) -> list[str]:
    out = []
    events = Event.objects.filter(
        election=contest.election, candidate=name, kind__in=[Kind.NOMINATION, Kind.TALLY]
    ).select_related("unit")
    for e in events:
        if e.body not in bodies:
            continue
        if e.kind == Kind.TALLY:
            out.append(f"{e.count:,} ({e.source})")
        elif e.unit is not None:
            out.append(e.unit.name)
    return out


def _candidate(
    contest: Contest, c: CandidateReport, about: tuple[str, int, str, str] | None
) -> TrackerCandidate:
    statement, pk, photo_type, alt = about or ("", 0, "", "")
    today = clock.today()
    book = engine.rulebook(contest.election)
    stages = []
    for s in c.stages:
        rule = next(st for st in book.stages if st.id == s.id)
        routes = []
        for r in s.routes:
            route_rule = next(rr for rr in rule.routes if rr.id == r.id)
            bodies = {cond.body for cond in route_rule.conditions}
            routes.append(
                TrackerRoute(
                    name=r.name,
                    met=r.met,
                    met_on=r.met_on,
                    attested_by=r.attested_by,
                    conditions=[
                        TrackerCondition(k.text, _have(k), _num(k.need), k.met, k.detail)
                        for k in r.conditions
                    ],
                    nominators=_nominators(contest, c.name, bodies)
                    if contest.nominators_public
                    else [],
                )
            )
        stages.append(
            TrackerStage(
                name=s.name,
                opens=s.opens,
                closes=s.closes,
                closed=s.closed,
                time_left=time_left(s.closes, s.closed, today),
                met=s.met,
                exempt=s.exempt,
                routes=routes,
            )
        )
    return TrackerCandidate(
        name=c.name,
        status=STATUS_TEXT[c.status],
        status_key=c.status.name.lower(),
        explanation=c.explanation,
        statement=statement,
        stages=stages,
        photo_id=pk if photo_type else None,
        photo_alt=alt,
    )


def build(contest: Contest) -> tuple[Report, list[TrackerCandidate], list[CandidateReport]]:
    """Return the engine's report, the standing candidates laid out, and those withdrawn."""
    rep = engine.report(contest)
    election = contest.election
    about = {
        name: (statement, pk, kind, alt)
        for name, statement, pk, kind, alt in Candidacy.objects.filter(
            election=election
        ).values_list("name", "statement", "pk", "photo_type", "photo_alt")
    }
    mine = [c for c in rep.candidates if c.office == election.office]
    standing = [
        _candidate(contest, c, about.get(c.name)) for c in mine if c.status is not Status.WITHDRAWN
    ]
    withdrawn = [c for c in mine if c.status is Status.WITHDRAWN]
    return rep, standing, withdrawn
