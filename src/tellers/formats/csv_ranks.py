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

from .._types import Rank, Ranking
from ..errors import FormatError, InputError
from ..model import Election
from ._common import csv_rows, parse_int, read_text

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
    """Read a plain CSV ballot file."""
    return loads(read_text(path), path=path)


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
    for lineno, row in rows[1:]:
        if len(row) != len(header):
            raise FormatError(
                f"row has {len(row)} columns but the header has {len(header)}",
                path=path,
                line=lineno,
            )
        weight = 1
        if weight_col is not None:
            weight = parse_int(row[weight_col].strip(), "count", path=path, line=lineno)
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
