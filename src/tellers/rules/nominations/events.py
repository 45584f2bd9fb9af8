"""The events a nominations book records, in the order they happen, and a rejection of one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "Attestation",
    "Declaration",
    "Event",
    "Nomination",
    "Rejection",
    "Retraction",
    "Withdrawal",
    "name_key",
]


def name_key(name: str) -> str:
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
