"""The bridge to :mod:`tellers.rules`: stored events in, the engine's book and report out.

Nothing here decides a rule.  :func:`book` replays an election's accepted events through a
fresh :class:`~tellers.rules.nominations.NominationBook`; :func:`try_record` asks the engine
whether one more event is accepted, and :func:`report` gives the engine's report as at today.
"""

from __future__ import annotations

import functools

import tellers.rules
from tellers.rules.nominations import (
    Attestation,
    Declaration,
    Nomination,
    NominationBook,
    Rejection,
    Report,
    Withdrawal,
)
from tellers.rules.nominations import (
    Event as EngineEvent,
)
from tellers.rules.schema import Rulebook

from ..elections.models import Election
from . import clock
from .models import Contest, Event, Kind

__all__ = ["book", "engine_event", "report", "rulebook", "surname_order", "try_record"]


@functools.lru_cache(maxsize=64)
def _parse(text: str, label: str) -> Rulebook:
    # The text itself is the cache key: an edited rulebook is parsed afresh.
    return tellers.rules.loads(text, path=label)


def rulebook(election: Election) -> Rulebook:
    """Return the rulebook the election was set up with (parsed once per process)."""
    return _parse(election.rulebook_toml, election.rulebook_id)


def engine_event(e: Event, office: str) -> EngineEvent:
    """Turn a stored event into the engine's."""
    if e.kind == Kind.DECLARATION:
        return Declaration(e.candidate, office, e.date)
    if e.kind == Kind.WITHDRAWAL:
        return Withdrawal(e.candidate, office, e.date)
    if e.kind == Kind.ATTESTATION:
        return Attestation(e.candidate, e.route, e.source, office, e.date)
    if e.kind == Kind.TALLY:
        return Nomination(e.candidate, e.source, e.body, office, e.date, count=e.count, tally=True)
    unit = e.unit
    assert unit is not None
    return Nomination(
        e.candidate,
        unit.name,
        unit.body,
        office,
        e.date,
        category=unit.category or None,
        group=unit.group or None,
        membership=unit.membership,
        route=e.route or None,
    )


def book(contest: Contest) -> NominationBook:
    """Return the election's book with every accepted event recorded, in order."""
    election = contest.election
    nb = NominationBook(
        rulebook(election),
        occasion=contest.occasion,
        sizes={k: int(v) for k, v in contest.sizes.items()},
        membership_totals={k: int(v) for k, v in contest.membership_totals.items()},
    )
    events = Event.objects.filter(election=election).select_related("unit").order_by("pk")
    nb.apply(engine_event(e, election.office) for e in events)
    return nb


def try_record(contest: Contest, event: Event) -> Rejection | None:
    """Return the engine's rejection of ``event`` after the recorded ones, or None."""
    return book(contest).record(engine_event(event, contest.election.office))


def report(contest: Contest) -> Report:
    """Return the engine's report as at today (final once nominations are closed)."""
    return book(contest).report(as_of=clock.today(), final=contest.closed_at is not None)


def surname_order(name: str) -> tuple[str, str]:
    """Sort key for the ballot paper: surname (the last word), then the whole name."""
    words = name.split()
    return ((words[-1] if words else "").casefold(), name.casefold())
