"""The result as CSV, one row per candidate, laid out like the Scottish official results file.

Columns: ``candidate, first_prefs, transfers02, total_votes02, ..., status, stage``; then rows
for non-transferable papers and for the fraction lost to truncation, and one row per reason
papers were rejected (``Rejected: <reason>``, the papers under ``first_prefs``).  A name that
begins ``=``, ``+``, ``-`` or ``@`` is written after a ``'`` so that no spreadsheet runs it as a
formula (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv as _csv
import io
from decimal import Decimal

from ..model import Result

__all__ = ["to_csv"]


def _num(d: Decimal) -> str:
    return f"{d:f}"


#: A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """Return text safe in a spreadsheet: a leading formula character is quoted with ``'``."""
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(result: Result) -> str:
    """Return the result as CSV text."""
    out = io.StringIO()
    w = _csv.writer(out, lineterminator="\n")
    stages = range(2, len(result.rounds) + 1)
    head = ["candidate", "first_prefs"]
    for s in stages:
        head += [f"transfers{s:02d}", f"total_votes{s:02d}"]
    w.writerow([*head, "status", "stage"])
    for i, name in enumerate(result.candidates):
        row = [cell(name), _num(result.rounds[0].tallies[i])]
        for r in result.rounds[1:]:
            row += [_num(r.transfers[i]), _num(r.tallies[i])]
        outcome = result.outcome_of(i)
        row += [str(outcome or "continuing").capitalize(), str(result.stage_of(i) or "")]
        w.writerow(row)
    for label, total, delta in (
        ("Non-transferable", "exhausted", "exhausted_transfer"),
        ("Loss from fractions", "loss", "loss_transfer"),
    ):
        row = [label, "0"]
        for r in result.rounds[1:]:
            row += [_num(getattr(r, delta)), _num(getattr(r, total))]
        w.writerow([*row, "", ""])
    # Papers the count did not use, by reason: the figures under first preferences, since a
    # paper is rejected before the first stage.
    blank = [""] * (2 * (len(result.rounds) - 1) + 2)
    for why, papers in result.rejected:
        w.writerow([cell(f"Rejected: {why}"), _num(papers), *blank])
    return out.getvalue()
