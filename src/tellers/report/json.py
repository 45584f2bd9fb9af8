"""The JSON result: the schema other tools (and our own checks) read.

The keys ``method, seats, quota, valid, candidates, elected, rounds`` and, per round,
``number, tallies, transfers, exhausted, elected, excluded, note`` are a contract; numbers are
decimal strings exactly as the count computed them.  Further keys may be added, never changed.
``rejected`` (present only when some papers were not counted) maps each reason to its papers;
``valid`` plus these is every paper in the file.
"""

from __future__ import annotations

import json as _json
from decimal import Decimal
from typing import Any

from ..model import Result, TieBreak

__all__ = ["to_json", "to_json_dict"]


def _num(d: Decimal) -> str:
    return f"{d:f}"


def _tie(result: Result, t: TieBreak) -> dict[str, Any]:
    names = result.candidates
    return {
        "tied": sorted(names[c] for c in t.tied),
        "chosen": names[t.chosen],
        "purpose": t.purpose,
        "method": str(t.method),
        "round": t.round,
        "seed": t.seed,
    }


def to_json_dict(result: Result) -> dict[str, Any]:
    """Return the result as plain JSON-ready data."""
    names = result.candidates
    rounds = []
    for r in result.rounds:
        rounds.append(
            {
                "number": r.number,
                "tallies": {names[i]: _num(v) for i, v in enumerate(r.tallies)},
                "transfers": {names[i]: _num(v) for i, v in enumerate(r.transfers)},
                "exhausted": _num(r.exhausted),
                "elected": [names[c] for c in r.elected],
                "excluded": [names[c] for c in r.excluded],
                "note": r.note,
                "loss": _num(r.loss),
                "decisions": [
                    {
                        "candidate": names[d.candidate],
                        "outcome": str(d.outcome),
                        "reason": d.reason,
                        "tie": None if d.tie is None else _tie(result, d.tie),
                    }
                    for d in r.decisions
                ],
            }
        )
    out: dict[str, Any] = {
        "method": result.method,
        "seats": result.seats,
        "quota": None if result.quota is None else _num(result.quota),
        "valid": _num(result.valid),
        "candidates": list(names),
        "elected": list(result.elected_names),
        "rounds": rounds,
        "title": result.title,
        "seed": result.seed,
        "tiebreaks": [_tie(result, t) for t in result.tiebreaks],
    }
    if result.rejected:
        out["rejected"] = {why: _num(papers) for why, papers in result.rejected}
    return out


def to_json(result: Result, *, indent: int | None = 2) -> str:
    """Return the result as JSON text."""
    return _json.dumps(to_json_dict(result), indent=indent, ensure_ascii=False)
