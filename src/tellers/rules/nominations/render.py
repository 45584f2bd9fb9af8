"""A nominations report as plain text or JSON."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import Any

from .events import Declaration, Event, Nomination, Retraction, Withdrawal
from .report import Report, Status, have_text

__all__ = ["render_text", "to_json", "to_json_dict"]


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
                        out.append(f"      {cond.text}: {have_text(cond)} [{_mark(cond.met)}]")
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
