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
from pathlib import Path, PurePosixPath

from python_calamine import CalamineWorkbook

from ...errors import FormatError
from ...methods.rctab import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from ..config import ContestConfig
from . import Collector, max_rank

__all__ = ["cell_text", "java_split", "read_ess", "sanitize"]

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


def _empty_rows(path: Path) -> set[int]:
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
    return {int(m[1]) - 1 for m in _EMPTY_ROW.finditer(data)}


def read_ess(config: ContestConfig, index: int, out: Collector) -> None:
    """Read an ES&S xlsx source into ``out``."""
    source = config.sources[index]
    path = config.source_path(source)
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=True)
    except Exception as e:  # calamine raises its own error types for every unreadable file
        raise FormatError(f"cannot read the ES&S workbook: {e}", path=path) from None
    row0, col0 = sheet.start if grid else (0, 0)
    first_row = (source.first_vote_row_index or 1) - 1
    first_col = (source.first_vote_column_index or 1) - 1
    ranks = max_rank(config)
    id_col = None if source.id_column_index is None else source.id_column_index - 1
    precinct_col = (
        None if source.precinct_column_index is None else source.precinct_column_index - 1
    )
    batch_col = None if source.batch_column_index is None else source.batch_column_index - 1
    skipped = source.skipped_rank_label
    overvote = source.overvote_label
    uwi = source.undeclared_write_in_label
    blank_uwi = source.treat_blank_as_undeclared_write_in
    delimiter = source.overvote_delimiter
    name = sanitize(path.name)

    present: dict[int, list[object]] = {}
    for i, row in enumerate(grid):
        if any(v != "" for v in row):
            present[row0 + i] = [""] * col0 + list(row)
    for r in _empty_rows(path):
        present.setdefault(r, [])

    cvr_index = 0
    for r in sorted(present):
        if r < first_row:
            continue
        cells = present[r]
        cvr_index += 1
        computed_id = f"{name}-{cvr_index}"

        def cell(col: int | None, cells: list[object] = cells) -> str:
            if col is None or col >= len(cells):
                return ""
            return cell_text(cells[col])

        marks: list[tuple[int, str]] = []
        for rank in range(1, ranks + 1):
            raw = cell(first_col + rank - 1)
            if raw == "":
                if blank_uwi:
                    marks.append((rank, UNDECLARED_WRITE_IN))
                continue
            text = raw.strip()
            parts = java_split(text, delimiter) if delimiter else [text]
            for part in parts:
                token = part.strip()
                if len(parts) > 1 and (token == "" or token == skipped):
                    raise FormatError(
                        f"row {r + 1}, rank {rank}: a cell split by the overvote delimiter "
                        f"{delimiter!r} may not contain a blank or a skipped-rank label: {raw!r}",
                        path=path,
                    )
                if skipped and token == skipped:
                    continue
                if overvote and token == overvote:
                    token = EXPLICIT_OVERVOTE
                elif uwi and token == uwi:
                    token = UNDECLARED_WRITE_IN
                marks.append((rank, token))
        supplied = cell(id_col) if id_col is not None else ""
        if id_col is not None and supplied == "":
            raise FormatError(
                f"row {r + 1}: the record id column ({id_col + 1}) is empty", path=path
            )
        precinct = ""
        if precinct_col is not None:
            precinct = cell(precinct_col) or MISSING_PRECINCT
        batch = ""
        if batch_col is not None:
            batch = cell(batch_col) or MISSING_BATCH
        out.add(
            tuple(marks),
            source=index,
            path=path,
            record_id=supplied or computed_id,
            precinct=precinct,
            batch=batch,
        )
