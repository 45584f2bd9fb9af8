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

Parsing the XML is most of the time a large contest takes; when a contest has several large
workbooks they are parsed in parallel by forked worker processes (:func:`read_ahead`), and
the ballots are still added in source order.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import re
import zipfile
from bisect import bisect_left
from collections.abc import Hashable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import count, repeat
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from python_calamine import CalamineWorkbook

from ..._workers import forking, keep_freed_memory
from ...errors import FormatError
from ..config import ContestConfig, Provider
from ..options import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from .collector import Collector, Marks, max_rank

__all__ = [
    "Sheet",
    "Tally",
    "cell_text",
    "java_split",
    "load_sheet",
    "read_ahead",
    "read_ess",
    "sanitize",
    "tally_source",
]

_EMPTY_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?(?:/>|>\s*</(?:\w+:)?row>)')
_REL_TARGET = re.compile(r'<Relationship\b[^>]*\bId="([^"]+)"[^>]*\bTarget="([^"]+)"')
_FIRST_SHEET = re.compile(r'<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"')
_UNSAFE = re.compile(r"[^a-zA-Z0-9_\-.]")

MISSING_PRECINCT = "missing_precinct_id"
MISSING_BATCH = "missing_batch_id"

#: Below this many bytes of workbooks in all, starting worker processes costs more than it saves.
READ_AHEAD_MIN_BYTES = 4_000_000
#: Collector cache key (with the source index) of a source being read ahead.
_AHEAD = "ess-ahead"


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
    # an empty one to find.  One count of "<row" also counts a <rowBreaks> element, which costs
    # only the scan that finds no empty row.
    if data.count(b"<row") <= rows_with_cells:
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
    """The first sheet of a workbook: the rows that exist, by number, from column ``col0``.

    ``numbers`` holds the rows' 0-based numbers, ascending, and ``cells`` their cells.
    """

    numbers: Sequence[int]
    cells: Sequence[Sequence[object]]
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
    # exists in the file, and so does any <row> element found empty in the XML.  The rows are
    # checked in bulk: a million rows one by one in Python would cost more than parsing them.
    n = len(grid)
    padded: list[int] = []
    # A row with a truthy cell has a cell; only when some row has none are they counted.
    if not all(map(any, grid)):
        blanks = np.fromiter(map(list.count, grid, repeat("")), np.int64, n)
        padded = np.flatnonzero(blanks == np.fromiter(map(len, grid), np.int64, n)).tolist()
    empty = _empty_rows(path, n - len(padded))
    if not padded and not empty:
        return Sheet(range(row0, row0 + n), grid, col0)
    rows: dict[int, Sequence[object]] = {row0 + i: row for i, row in enumerate(grid)}
    for i in padded:
        del rows[row0 + i]
    for r in empty:
        rows.setdefault(r, [])
    ordered = sorted(rows.items())
    return Sheet([r for r, _ in ordered], [cells for _, cells in ordered], col0)


def read_ess(config: ContestConfig, index: int, out: Collector) -> None:
    """Read an ES&S xlsx source into ``out`` (its merged rows may have been read ahead)."""
    source = config.sources[index]
    path = config.source_path(source)
    if out.keep_records:
        name = sanitize(path.name)
        sheet = load_sheet(path)
        layout = _layout(config, index, sheet.col0, out.cache)
        numbers, rows = _ballot_rows(sheet, source.first_vote_row_index, layout)
        for n, (r, cells) in enumerate(zip(numbers, rows, strict=True), start=1):
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

    tally = None
    ahead = out.cache.pop((_AHEAD, index), None)
    if isinstance(ahead, Future):
        # If a worker died (e.g. out of memory), this source is read here instead.
        with suppress(BrokenProcessPool):
            tally = ahead.result()
    if tally is None:
        tally = tally_source(config, index, out.slice_kinds, out.cache)
    add = out.add
    for marks, record_id, precinct, batch, weight in tally:
        add(
            marks,
            source=index,
            path=path,
            record_id=record_id,
            precinct=precinct,
            batch=batch,
            weight=weight,
        )


#: A source's distinct ballots in first-seen order: (marks, record id of the first row with
#: them, precinct, batch, number of rows).  Plain values only: a worker process sends it back.
Tally = list[tuple[Marks, str, str, str, int]]


def tally_source(
    config: ContestConfig, index: int, slice_kinds: tuple[str, ...], cache: dict[object, Any]
) -> Tally:
    """Read a source's workbook, merge its identical ballot rows and decode each one once."""
    source = config.sources[index]
    path = config.source_path(source)
    sheet = load_sheet(path)
    layout = _layout(config, index, sheet.col0, cache)
    numbers, rows = _ballot_rows(sheet, source.first_vote_row_index, layout)
    # Identical (ranking cells, precinct, batch) are found first, so each distinct row is
    # decoded once: a contest's million rows are a few tens of thousands of distinct ballots.
    lo, hi = max(layout.first_col, 0), max(layout.first_col + layout.ranks, 0)
    ranking: list[Hashable] = []
    if hi - lo >= 2:
        # A tuple of the cells at once; a short row (IndexError) needs the slices below.
        with suppress(IndexError):
            ranking = list(map(itemgetter(*range(lo, hi)), rows))
    if len(ranking) != len(rows):
        ranking = [tuple(cells[lo:hi]) for cells in rows]
    blank = [""] * len(rows)
    precincts = [layout.precinct(c) for c in rows] if "precinct" in slice_kinds else blank
    batches = [layout.batch(c) for c in rows] if "batch" in slice_kinds else blank
    keys = (
        ranking
        if precincts is blank and batches is blank
        else list(zip(ranking, precincts, batches, strict=True))
    )
    # Each distinct key maps to its first row, in first-seen order; each row's entry in
    # ``firsts`` is the first row of its key, so counting those gives the weights.
    first: dict[Hashable, int] = {}
    firsts = np.fromiter(map(first.setdefault, keys, count()), np.int64, len(keys))
    weights = np.bincount(firsts, minlength=len(keys))
    name = sanitize(path.name)
    tally: Tally = []
    for i, weight in zip(first.values(), weights[list(first.values())].tolist(), strict=True):
        cells = rows[i]
        tally.append(
            (
                layout.marks(cells, numbers[i]),
                layout.cell(cells, layout.id_col) or f"{name}-{i + 1}",
                precincts[i],
                batches[i],
                weight,
            )
        )
    return tally


def _ballot_rows(
    sheet: Sheet, first_vote_row: int | None, layout: _Layout
) -> tuple[Sequence[int], Sequence[Sequence[object]]]:
    """Return the rows that hold ballots, checking each has a record id if a column is set."""
    _check_first_column(sheet, layout)
    start = bisect_left(sheet.numbers, (first_vote_row or 1) - 1)
    numbers, rows = sheet.numbers[start:], sheet.cells[start:]
    if layout.id_col is not None:
        for r, cells in zip(numbers, rows, strict=True):
            if layout.cell(cells, layout.id_col) == "":
                raise FormatError(
                    f"row {r + 1}: the record id column ({layout.id_col + 1 + layout.col0}) "
                    "is empty",
                    path=layout.path,
                )
    return numbers, rows


def _column_name(number: int) -> str:
    """Return a spreadsheet's name for 1-based column ``number`` (1: A, 27: AA)."""
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _check_first_column(sheet: Sheet, layout: _Layout) -> None:
    """Refuse a ``firstVoteColumnIndex`` past the sheet's last column.

    Every ranking cell would be missing, so every ballot would be read as blank and the
    winner drawn by lot: a config that names the wrong column, not an election.
    """
    width = max(map(len, sheet.cells), default=0)
    if width and layout.first_col >= width:
        last = layout.col0 + width
        raise FormatError(
            f"the config's firstVoteColumnIndex {layout.first_col + 1 + layout.col0} "
            f"({_column_name(layout.first_col + 1 + layout.col0)}) is past the sheet's last "
            f"column, {last} ({_column_name(last)}): no ranking would be read and every "
            "ballot would be blank",
            path=layout.path,
        )


def _layout(config: ContestConfig, index: int, col0: int, cache: dict[object, Any]) -> _Layout:
    """Return how a source's rows are read; sources read alike share decoded rows in ``cache``."""
    source = config.sources[index]
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
    return _Layout(
        first_col=first_col,
        ranks=ranks,
        col0=col0,
        id_col=_col(source.id_column_index, col0),
        precinct_col=_col(source.precinct_column_index, col0),
        batch_col=_col(source.batch_column_index, col0),
        blank_uwi=source.treat_blank_as_undeclared_write_in,
        labels=labels,
        path=config.source_path(source),
        decoded=cache.setdefault(reading, {}),
    )


@contextmanager
def read_ahead(config: ContestConfig, out: Collector, *, jobs: int | None = None) -> Iterator[None]:
    """Read a contest's ES&S workbooks in worker processes, ahead of :func:`read_ess`.

    Parsing the workbooks is most of the time a large contest takes, and the files are
    independent, so with several cores and enough data each is read, merged and decoded by
    one of ``jobs`` forked workers (one per core by default), as
    :func:`tellers.batch.count_files` does.  :func:`read_ess` then adds each source's result
    in source order, while later files are still being read, so the ballots, their order and
    every message are those of reading one file after another.  Nothing is read ahead when
    every record is kept, inside a worker process, where fork is missing or for small files.
    A source whose worker failed is read again by :func:`read_ess`, which raises the error
    with its full context.  Leaving the block stops the workers.
    """
    indices = [i for i, s in enumerate(config.sources) if s.provider is Provider.ESS]
    workers = min(jobs or _cores(), len(indices))
    sizes = _sizes(config, indices)
    # Inside a worker process the parent already spreads the work over the cores.
    if (
        out.keep_records
        or workers < 2
        or mp.parent_process() is not None
        or "fork" not in mp.get_all_start_methods()
        or sum(sizes) < READ_AHEAD_MIN_BYTES
    ):
        yield
        return
    # Fork, not spawn: the workers start with calamine and the config already loaded.
    pool = ProcessPoolExecutor(
        workers, mp_context=mp.get_context("fork"), initializer=keep_freed_memory
    )
    try:
        try:
            # Largest first, so that the work left when the first worker runs out is small.
            # The first submission forks the workers.
            with forking():
                for _, i in sorted(zip(sizes, indices, strict=True), key=lambda s: -s[0]):
                    out.cache[(_AHEAD, i)] = pool.submit(_try_tally, config, i, out.slice_kinds)
        except (OSError, RuntimeError):
            # No processes or threads to be had (the pool may never run what it was given):
            # every source is read here.
            for i in indices:
                out.cache.pop((_AHEAD, i), None)
        yield
    finally:
        for i in indices:
            out.cache.pop((_AHEAD, i), None)
        pool.shutdown(wait=True, cancel_futures=True)


#: Decoded rows a worker process keeps between the sources it reads.
_WORKER_CACHE: dict[object, Any] = {}


def _try_tally(config: ContestConfig, index: int, slice_kinds: tuple[str, ...]) -> Tally | None:
    """Tally one source in a worker; None if that fails (read_ess then raises the error)."""
    try:
        return tally_source(config, index, slice_kinds, _WORKER_CACHE)
    except Exception:  # any failure is met again, with its full context, when read in order
        return None


def _sizes(config: ContestConfig, indices: list[int]) -> list[int]:
    """Return the sizes of some sources' files (none if one is missing)."""
    try:
        return [config.source_path(config.sources[i]).stat().st_size for i in indices]
    except OSError:
        return []  # read_ess reports the missing file


def _cores() -> int:
    """Return how many cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _col(index: int | None, col0: int) -> int | None:
    """Convert a 1-based config column to a 0-based one within the sheet's range."""
    return None if index is None else index - 1 - col0


@dataclass
class _Layout:
    """Where a source's ballots are in its rows, and how to read a ranking cell."""

    first_col: int
    ranks: int
    col0: int
    id_col: int | None
    precinct_col: int | None
    batch_col: int | None
    blank_uwi: bool
    labels: dict[str, str]
    path: Path
    decoded: dict[tuple[object, ...], Marks] = field(default_factory=dict)

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

    def marks(self, cells: Sequence[object], row: int) -> Marks:
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
