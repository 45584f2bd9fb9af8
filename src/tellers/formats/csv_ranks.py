"""Plain CSV ballots: one row per ballot (or per group of identical ballots), one column per rank.

Layout::

    rank1,rank2,rank3,count     header: rank1..rankN in order, plus at most one 'count' or
    Alice,Bob,,3                'weight' column anywhere (case does not matter); without it
    Bob=Carol,,Alice,1          every row counts once

Each cell holds the candidate the voter put at that rank, an empty cell is a skipped rank and
``A=B`` puts several candidates at the same rank.  Names are trimmed of surrounding spaces and
may not contain ``=``; cells may be quoted the usual CSV way.  The candidates are the names in
the order they first appear (row by row, left to right).  Skipped ranks at the end of a row say
nothing and are dropped, so rows of different lengths read alike.  The format has no title,
seats, parties or withdrawals: the title is the file name without its suffix.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

from .._arrays import PAD, SKIP, ArrayElection, BallotArrays, index_dtype, merge_rows
from .._types import Rank, Ranking
from ..errors import FormatError, InputError
from ..model import Election
from . import _common
from ._arrow import to_numpy
from ._common import add_papers, check_file, csv_rows, parse_int, parse_weight, read_text

__all__ = ["dumps", "is_header", "load", "loads", "write"]

_RANK = re.compile(r"rank([0-9]{1,9})")
_WEIGHT = frozenset({"count", "weight"})


def is_header(cells: list[str]) -> bool:
    """Return whether a CSV header row belongs to this format (rank columns, maybe a count)."""
    keys = [c.strip().casefold() for c in cells]
    return any(_RANK.fullmatch(k) for k in keys) and all(
        _RANK.fullmatch(k) or k in _WEIGHT for k in keys
    )


def load(path: str | Path) -> Election:
    """Read a plain CSV ballot file (columnar where the file is plain, else row by row)."""
    check_file(path)
    try:
        data = Path(path).read_bytes()
    except OSError:
        data = b""  # read_text names the problem
    fast = _load_fast(data, path) if data else None
    return fast if fast is not None else loads(read_text(path), path=path)


def _load_fast(data: bytes, path: str | Path) -> Election | None:
    """Read a plain file with pyarrow, a column at a time; None for anything out of the way.

    Out of the way, and so left to :func:`loads`, which reads it or names the line at fault:
    quotes, equal rankings (``=``), a NUL byte, text that is not UTF-8, blank lines before
    the header, a row whose cell count differs from the header's, a count that is not a
    plain whole number, and a file naming no candidate.  Each column's distinct cells are
    interpreted once, in Python, exactly as :func:`loads` interprets a cell.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b'"' in data or b"=" in data or b"\x00" in data:
        return None
    first = data.split(b"\n", 1)[0].split(b"\r", 1)[0]
    try:
        header = first.decode("utf-8").split(",")
        rank_cols, weight_col = _columns(header, path=path, line=1)
    except (UnicodeDecodeError, FormatError):
        return None
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(
                column_names=names, skip_rows=1, use_threads=_common.library_threads
            ),
            parse_options=pcsv.ParseOptions(quote_char=False, newlines_in_values=False),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowKeyError):
        return None
    # Each column's distinct cells, stripped as loads strips them.
    columns = []
    for name in names:
        encoded = pc.dictionary_encode(table.column(name)).combine_chunks()
        cells = [v.strip() for v in encoded.dictionary.to_pylist()]
        if any("\r" in c or "\n" in c for c in cells):
            return None  # a line ending pyarrow did not split at, which csv_rows does
        columns.append((to_numpy(encoded.indices), cells))
    # A row with no text in any cell is not a ballot (csv_rows passes over it).
    filled = np.zeros(table.num_rows, dtype=bool)
    for indices, cells in columns:
        filled |= np.array([bool(c) for c in cells], dtype=bool)[indices]
    rows = np.flatnonzero(filled)
    weights = np.ones(rows.size, dtype=np.int64)
    if weight_col is not None:
        indices, cells = columns[weight_col]
        used = np.zeros(len(cells), dtype=bool)
        used[indices[rows]] = True
        try:
            values = [
                parse_int(c, "count", path=path, line=0) if u else 0
                for c, u in zip(cells, used.tolist(), strict=True)
            ]
            weights = np.array(values, dtype=np.int64)[indices[rows]]
        except (FormatError, OverflowError):
            return None
    # Candidates in order of first sight, row by row and left to right.
    seen: dict[str, tuple[int, int]] = {}
    for j, col in enumerate(rank_cols):
        indices, cells = columns[col]
        kept = indices[rows]
        firsts = np.full(len(cells), rows.size, dtype=np.int64)
        np.minimum.at(firsts, kept, np.arange(rows.size))
        for k, cell in enumerate(cells):
            if cell and firsts[k] < rows.size:
                where = (int(firsts[k]), j)
                if cell not in seen or where < seen[cell]:
                    seen[cell] = where
    if not seen:
        return None
    order = sorted(seen, key=seen.__getitem__)
    number = {n: i for i, n in enumerate(order)}
    width = len(rank_cols)
    marks = np.empty((rows.size, width), dtype=index_dtype(len(order)))
    for j, col in enumerate(rank_cols):
        indices, cells = columns[col]
        code = np.array([number[c] if c else SKIP for c in cells], dtype=np.int64)
        marks[:, j] = code[indices[rows]]
    # Skipped ranks after the last mark say nothing: they become the end of the ballot.
    marked = marks >= 0
    last = width - np.argmax(marked[:, ::-1], axis=1)
    last[~marked.any(axis=1)] = 0
    marks[np.arange(width) >= last[:, None]] = PAD
    # Election.from_rankings drops rankings of count zero before merging.
    keep = weights > 0
    marks, weights = merge_rows(marks[keep], weights[keep])
    title = Path(str(path)).stem
    return ArrayElection.create(order, BallotArrays(marks, weights), title=title, source=str(path))


def _columns(header: list[str], *, path: str | Path, line: int) -> tuple[list[int], int | None]:
    """Return the positions of the rank columns, in rank order, and of the count column."""
    ranks: list[int] = []
    weight: int | None = None
    for i, cell in enumerate(header):
        key = cell.strip().casefold()
        m = _RANK.fullmatch(key)
        if m:
            if int(m[1]) != len(ranks) + 1:
                raise FormatError(
                    f"column {i + 1} is {cell.strip()!r} but should be 'rank{len(ranks) + 1}'",
                    path=path,
                    line=line,
                )
            ranks.append(i)
        elif key in _WEIGHT:
            if weight is not None:
                raise FormatError("more than one count/weight column", path=path, line=line)
            weight = i
        else:
            raise FormatError(
                f"column {i + 1} header {cell.strip()!r} is not rankN, count or weight",
                path=path,
                line=line,
            )
    if not ranks:
        raise FormatError("header has no rank1 column", path=path, line=line)
    return ranks, weight


def loads(text: str, *, path: str | Path = "<string>") -> Election:
    """Parse plain CSV ballot text; errors name ``path`` and the line."""
    rows = csv_rows(text, path=path)
    if not rows:
        raise FormatError("file is empty", path=path, line=1)
    hline, header = rows[0]
    rank_cols, weight_col = _columns(header, path=path, line=hline)

    index: dict[str, int] = {}
    rankings: list[tuple[Ranking, int]] = []
    papers = 0
    for lineno, row in rows[1:]:
        if len(row) != len(header):
            raise FormatError(
                f"row has {len(row)} columns but the header has {len(header)}",
                path=path,
                line=lineno,
            )
        weight = 1
        if weight_col is not None:
            weight = parse_weight(row[weight_col].strip(), "count", path=path, line=lineno)
        papers = add_papers(papers, weight, path=path, line=lineno)
        ranks: list[Rank] = []
        for col in rank_cols:
            cell = row[col].strip()
            if not cell:
                ranks.append(())
                continue
            marked: set[int] = set()
            for part in cell.split("="):
                name = part.strip()
                if not name:
                    raise FormatError(
                        f"empty name in the equal ranking {cell!r}", path=path, line=lineno
                    )
                marked.add(index.setdefault(name, len(index)))
            ranks.append(tuple(sorted(marked)))
        while ranks and not ranks[-1]:
            ranks.pop()
        rankings.append((tuple(ranks), weight))
    if not index:
        raise FormatError("no ballot names any candidate", path=path, line=rows[-1][0])
    title = Path(str(path)).stem
    return Election.from_rankings(list(index), rankings, title=title, source=str(path))


def dumps(election: Election) -> str:
    """Render an election as plain CSV (candidates no ballot names are not kept)."""
    for name in election.names:
        if not name or name != name.strip() or "=" in name or "\n" in name or "\r" in name:
            raise InputError(f"candidate name {name!r} cannot be written as a CSV ballot cell")
    width = max((len(b.ranking) for b in election.ballots), default=0) or 1
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([*(f"rank{i}" for i in range(1, width + 1)), "count"])
    names = election.names
    for b in election.ballots:
        cells = ["=".join(names[c] for c in rank) for rank in b.ranking]
        w.writerow([*cells, *([""] * (width - len(cells))), b.weight])
    return out.getvalue()


def write(election: Election, path: str | Path) -> None:
    """Write an election as a plain CSV ballot file."""
    Path(path).write_text(dumps(election), encoding="utf-8")
