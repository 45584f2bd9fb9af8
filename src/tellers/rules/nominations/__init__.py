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

The package is split by responsibility: :mod:`.events` (what is recorded), :mod:`.engine` (the
book that checks them), :mod:`.report` (what it reports), :mod:`.reader` (the CSV reader) and
:mod:`.render` (text and JSON).  The names below are re-exported so ``tellers.rules.nominations``
stays the one import path.
"""

from __future__ import annotations

from .engine import NominationBook
from .events import (
    Attestation,
    Declaration,
    Event,
    Nomination,
    Rejection,
    Retraction,
    Withdrawal,
)
from .reader import read_csv
from .render import render_text, to_json, to_json_dict
from .report import (
    CandidateReport,
    ConditionReport,
    Report,
    RouteReport,
    StageReport,
    Status,
)

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
