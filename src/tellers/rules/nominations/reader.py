"""The nominations CSV reader: one event per row, errors naming file and line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from ...errors import FormatError
from ...formats._common import csv_rows, parse_int, read_text
from .events import Attestation, Declaration, Event, Nomination, Retraction, Withdrawal

__all__ = ["read_csv"]

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
