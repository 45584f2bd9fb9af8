"""RCTab's generic CSV cast vote records: one column per candidate, each cell the rank given.

The header row names the candidates (columns from ``firstVoteColumnIndex`` on); each later row
is a ballot whose cells hold the rank the voter gave that column's candidate, blank for none.
The column headed with the source's ``undeclaredWriteInLabel`` is the write-in column.
``idColumnIndex``, ``precinctColumnIndex`` and ``batchColumnIndex`` name optional columns.
A rank beyond ``maxRankingsAllowed`` is an error, as in RCTab.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ...errors import FormatError
from ..config import ContestConfig
from ..options import UNDECLARED_WRITE_IN
from .collector import Collector, max_rank

__all__ = ["read_generic_csv"]

MISSING_PRECINCT = "no precinct id"
MISSING_BATCH = "no batch id"


def _rows(path: Path) -> list[list[str]]:
    """Read every CSV row, naming the file and line on failure."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, strict=True)
            try:
                return list(reader)
            except csv.Error as e:
                raise FormatError(
                    f"cannot read CSV: {e}", path=path, line=reader.line_num
                ) from None
    except FileNotFoundError:
        raise FormatError("no such file", path=path) from None
    except UnicodeDecodeError as e:
        raise FormatError(f"not UTF-8 text (byte offset {e.start})", path=path) from None
    except OSError as e:
        raise FormatError(f"cannot read: {e.strerror}", path=path) from None


def read_generic_csv(config: ContestConfig, index: int, out: Collector) -> None:
    """Read a generic CSV source into ``out``."""
    source = config.sources[index]
    path = config.source_path(source)
    rows = _rows(path)
    if not rows:
        raise FormatError("file is empty: a header row of candidate names is required", path=path)
    header = rows[0]
    first_col = (source.first_vote_column_index or 1) - 1
    if first_col >= len(header):
        # Every ballot would be read as blank and the winner drawn by lot.
        raise FormatError(
            f"the config's firstVoteColumnIndex {first_col + 1} is past the header's last "
            f"column, {len(header)}: no ranking would be read and every ballot would be blank",
            path=path,
            line=1,
        )
    uwi = source.undeclared_write_in_label
    limit = max_rank(config)

    def col(n: int | None) -> int | None:
        return None if n is None else n - 1

    id_col = col(source.id_column_index)
    precinct_col = col(source.precinct_column_index)
    batch_col = col(source.batch_column_index)
    tokens = [UNDECLARED_WRITE_IN if uwi and name == uwi else name for name in header]
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = row[id_col] if id_col is not None and id_col < len(row) else ""
        where = f"record {record!r}" if record else f"row {line}"
        marks: list[tuple[int, str]] = []
        for c in range(first_col, len(row)):
            cell = row[c].strip()
            if not cell:
                continue
            if c >= len(tokens):
                raise FormatError(
                    f"{where}: a rank in column {c + 1}, which has no header", path=path, line=line
                )
            try:
                rank = int(cell)
            except ValueError:
                raise FormatError(
                    f"{where}: expected a rank number in column {c + 1} ({header[c]!r}), "
                    f"not {cell!r}",
                    path=path,
                    line=line,
                ) from None
            if rank < 1:
                raise FormatError(
                    f"{where}: rank {rank} in column {c + 1} is below 1", path=path, line=line
                )
            if rank > limit:
                raise FormatError(
                    f"{where} ranks {tokens[c]!r} at {rank}, beyond maxRankingsAllowed ({limit})",
                    path=path,
                    line=line,
                )
            marks.append((rank, tokens[c]))
        marks.sort(key=lambda m: m[0])
        precinct = batch = ""
        if precinct_col is not None:
            precinct = (
                row[precinct_col].strip() if precinct_col < len(row) else ""
            ) or MISSING_PRECINCT
        if batch_col is not None:
            batch = (row[batch_col].strip() if batch_col < len(row) else "") or MISSING_BATCH
        out.add(
            tuple(marks),
            source=index,
            path=path,
            record_id=f"{path.name}-{line - 1}",
            vendor_id=record,
            precinct=precinct,
            batch=batch,
        )
