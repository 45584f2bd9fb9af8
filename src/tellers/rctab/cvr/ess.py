"""ES&S cast vote records: an Excel workbook, one row per ballot, one column per rank.

The config says where the first ranking column and the first ballot row are (1-based), and
optionally which columns hold a record id, a precinct and a batch.  A ranking cell holds a
candidate, the source's ``skippedRankLabel`` (usually ``undervote``), its ``overvoteLabel``,
its ``undeclaredWriteInLabel``, or with an ``overvoteDelimiter`` several candidates.  Cells are
trimmed; a missing cell is a skipped rank (a write-in with ``treatBlankAsUndeclaredWriteIn``).
Only the first ``maxRankingsAllowed`` ranking columns are read (ES&S exports put a COUNT column
after them).  The first sheet is read, as RCTab does.

The workbook is read with calamine, which does not report ``<row>`` elements that have no
cells; RCTab (Apache POI) counts each such row as a ballot with no rankings, so the sheet's XML
is scanned for them and they are added in place.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from python_calamine import CalamineWorkbook

from ...errors import FormatError
from ...methods.rctab import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from ..config import ContestConfig
from . import Collector, max_rank

__all__ = ["Sheet", "cell_text", "java_split", "load_sheet", "read_ess", "sanitize"]

_EMPTY_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>\s*</(?:\w+:)?row>)')
_REL_TARGET = re.compile(r'<Relationship\b[^>]*\bId="([^"]+)"[^>]*\bTarget="([^"]+)"')
_FIRST_SHEET = re.compile(r'<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"')
_UNSAFE = re.compile(r"[^a-zA-Z0-9_\-.]")

MISSING_PRECINCT = "missing_precinct_id"
MISSING_BATCH = "missing_batch_id"


def sanitize(text: str) -> str:
    """Return ``text`` with characters unsafe in file names replaced by ``_`` (as RCTab)."""
    return _UNSAFE.sub("_", text)


def cell_text(value: object) -> str:
    """Render a cell value the way Excel shows it: whole numbers without ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return str(value)
    return "" if value is None else str(value)


def java_split(text: str, delimiter: str) -> list[str]:
    """Split like Java's ``String.split(Pattern.quote(d))``: trailing empty parts dropped."""
    parts = text.split(delimiter)
    if len(parts) == 1:
        return parts
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _empty_rows(path: Path, rows_with_cells: int) -> set[int]:
    """Return the 0-based numbers of the first sheet's rows that exist but have no cells."""
    try:
        with zipfile.ZipFile(path) as z:
            workbook = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            first = _FIRST_SHEET.search(workbook)
            targets = dict(_REL_TARGET.findall(rels))
            if first is None or first[1] not in targets:
                return set()
            target = targets[first[1]].lstrip("/")
            name = target if target.startswith("xl/") else str(PurePosixPath("xl") / target)
            data = z.read(name)
    except (OSError, KeyError, zipfile.BadZipFile):
        # calamine has already read the file; without the XML the check is skipped.
        return set()
    # Counting row elements is fast; only when there are more than rows with cells is there
    # an empty one to find.
    if data.count(b"<row ") + data.count(b"<row>") <= rows_with_cells:
        return set()
    return {int(m[1]) - 1 for m in _EMPTY_ROW.finditer(data)}


def _tokens(
    raw: str, *, delimiter: str, skipped: str, overvote: str, uwi: str, where: str, path: Path
) -> tuple[str, ...]:
    """Return the marks one ranking cell holds, labels applied."""
    text = raw.strip()
    parts = java_split(text, delimiter) if delimiter else [text]
    out: list[str] = []
    for part in parts:
        token = part.strip()
        if len(parts) > 1 and (token == "" or token == skipped):
            raise FormatError(
                f"{where}: a cell split by the overvote delimiter {delimiter!r} may not "
                f"contain a blank or a skipped-rank label: {raw!r}",
                path=path,
            )
        if skipped and token == skipped:
            continue
        if overvote and token == overvote:
            token = EXPLICIT_OVERVOTE
        elif uwi and token == uwi:
            token = UNDECLARED_WRITE_IN
        out.append(token)
    return tuple(out)


@dataclass(frozen=True)
class Sheet:
    """The first sheet of a workbook: its ballot-bearing rows by number, from column ``col0``."""

    rows: dict[int, Sequence[object]]
    col0: int


def load_sheet(path: Path) -> Sheet:
    """Read a workbook's first sheet: every row that exists, empty ones included."""
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=True)
    except Exception as e:  # calamine raises its own error types for every unreadable file
        raise FormatError(f"cannot read the ES&S workbook: {e}", path=path) from None
    row0, col0 = (sheet.start or (0, 0)) if grid else (0, 0)
    # calamine pads missing rows inside the sheet's range with empty cells; a row with a cell
    # exists in the file, and so does any <row> element found empty in the XML.
    rows: dict[int, Sequence[object]] = {
        row0 + i: row for i, row in enumerate(grid) if row.count("") != len(row)
    }
    for r in _empty_rows(path, len(rows)):
        rows.setdefault(r, [])
    return Sheet(dict(sorted(rows.items())) if len(rows) != len(grid) else rows, col0)


def read_ess(config: ContestConfig, index: int, out: Collector) -> None:
    """Read an ES&S xlsx source into ``out``."""
    source = config.sources[index]
    path = config.source_path(source)
    sheet = load_sheet(path)
    col0 = sheet.col0
    first_row = (source.first_vote_row_index or 1) - 1
    rows = [(r, cells) for r, cells in sheet.rows.items() if r >= first_row]
    first_col = (source.first_vote_column_index or 1) - 1 - col0
    ranks = max_rank(config)
    labels = {
        "delimiter": source.overvote_delimiter,
        "skipped": source.skipped_rank_label,
        "overvote": source.overvote_label,
        "uwi": source.undeclared_write_in_label,
    }
    # Sources read the same way share their decoded rows (a contest split over 13 files).
    reading = ("ess", first_col, ranks, source.treat_blank_as_undeclared_write_in, *labels.values())
    layout = _Layout(
        first_col=first_col,
        ranks=ranks,
        id_col=_col(source.id_column_index, col0),
        precinct_col=_col(source.precinct_column_index, col0),
        batch_col=_col(source.batch_column_index, col0),
        blank_uwi=source.treat_blank_as_undeclared_write_in,
        labels=labels,
        path=path,
        decoded=out.cache.setdefault(reading, {}),
    )
    if layout.id_col is not None:
        for r, cells in rows:
            if layout.cell(cells, layout.id_col) == "":
                raise FormatError(
                    f"row {r + 1}: the record id column ({source.id_column_index}) is empty",
                    path=path,
                )
    name = sanitize(path.name)
    if out.keep_records:
        for n, (r, cells) in enumerate(rows, start=1):
            out.add(
                layout.marks(cells, r),
                source=index,
                path=path,
                record_id=f"{name}-{n}",
                vendor_id=layout.cell(cells, layout.id_col),
                precinct=layout.precinct(cells),
                batch=layout.batch(cells),
            )
        return

    # Merged: count identical (ranking cells, precinct, batch) first, then decode each distinct
    # row once.  A contest's million rows are a few tens of thousands of distinct ballots.
    lo, hi = max(layout.first_col, 0), max(layout.first_col + layout.ranks, 0)
    ranking = [tuple(cells[lo:hi]) for _, cells in rows]
    precincts = (
        [layout.precinct(c) for _, c in rows] if "precinct" in out.slice_kinds else [""] * len(rows)
    )
    batches = [layout.batch(c) for _, c in rows] if "batch" in out.slice_kinds else [""] * len(rows)
    keys = list(zip(ranking, precincts, batches, strict=True))
    counts = Counter(keys)
    # The first row of each distinct ballot names it in messages.
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
    for key, weight in counts.items():
        i = first[key]
        r, cells = rows[i]
        supplied = layout.cell(cells, layout.id_col)
        out.add(
            layout.marks(cells, r),
            source=index,
            path=path,
            record_id=supplied or f"{name}-{i + 1}",
            precinct=key[1],
            batch=key[2],
            weight=weight,
        )


def _col(index: int | None, col0: int) -> int | None:
    """Convert a 1-based config column to a 0-based one within the sheet's range."""
    return None if index is None else index - 1 - col0


@dataclass
class _Layout:
    """Where a source's ballots are in its rows, and how to read a ranking cell."""

    first_col: int
    ranks: int
    id_col: int | None
    precinct_col: int | None
    batch_col: int | None
    blank_uwi: bool
    labels: dict[str, str]
    path: Path
    decoded: dict[tuple[object, ...], tuple[tuple[int, str], ...]] = field(default_factory=dict)

    @staticmethod
    def cell(cells: Sequence[object], col: int | None) -> str:
        """Return a cell's text ('' for a missing cell or column)."""
        if col is None or not 0 <= col < len(cells):
            return ""
        return cell_text(cells[col])

    def precinct(self, cells: Sequence[object]) -> str:
        """Return the row's precinct ('' without a precinct column)."""
        if self.precinct_col is None:
            return ""
        return self.cell(cells, self.precinct_col) or MISSING_PRECINCT

    def batch(self, cells: Sequence[object]) -> str:
        """Return the row's batch ('' without a batch column)."""
        if self.batch_col is None:
            return ""
        return self.cell(cells, self.batch_col) or MISSING_BATCH

    def marks(self, cells: Sequence[object], row: int) -> tuple[tuple[int, str], ...]:
        """Return the (rank, token) marks of a row's ranking cells (decoded once per content)."""
        lo, hi = max(self.first_col, 0), max(self.first_col + self.ranks, 0)
        key = tuple(cells[lo:hi])
        found = self.decoded.get(key)
        if found is not None:
            return found
        marks: list[tuple[int, str]] = []
        for k in range(self.ranks):
            raw = self.cell(cells, self.first_col + k)
            if raw == "":
                if self.blank_uwi:
                    marks.append((k + 1, UNDECLARED_WRITE_IN))
                continue
            where = f"row {row + 1}, rank {k + 1}"
            for token in _tokens(raw, where=where, path=self.path, **self.labels):
                marks.append((k + 1, token))
        result = self.decoded[key] = tuple(marks)
        return result
