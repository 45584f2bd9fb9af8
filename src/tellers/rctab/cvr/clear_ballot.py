"""Clear Ballot cast vote records: a CSV with one 0/1 column per (candidate, rank) pair.

After ten fixed columns (``RowNumber``, ``BoxID``, ``BoxPosition``, ``BallotID``,
``PrecinctID``, ``BallotStyleID``, ``PrecinctStyleName``, ``ScanComputerName``, ``Status``,
``Remade``) every column is a choice, headed ``Choice_<n>_<m>:<contest>:<rank>:<vote rule>:
<candidate>:<party>`` (Clear Ballot 2.1 RCV format); a 1 in it marks that candidate at that
rank.  Only columns of the source's ``contestId`` are read; the candidate named by
``undeclaredWriteInLabel`` is the write-in.  Fields are parsed as CSV, so a contest or
candidate name may contain a comma inside quotes.
"""

from __future__ import annotations

import csv

from ...errors import FormatError
from ..config import ContestConfig
from ..options import UNDECLARED_WRITE_IN
from .collector import Collector, max_rank

__all__ = ["read_clear_ballot"]

_FIXED = (
    "RowNumber",
    "BoxID",
    "BoxPosition",
    "BallotID",
    "PrecinctID",
    "BallotStyleID",
    "PrecinctStyleName",
    "ScanComputerName",
    "Status",
    "Remade",
)


def read_clear_ballot(config: ContestConfig, index: int, out: Collector) -> None:
    """Read a Clear Ballot CSV source into ``out``."""
    source = config.sources[index]
    path = config.source_path(source)
    limit = max_rank(config)
    try:
        f = path.open(encoding="utf-8-sig", newline="")
    except OSError as e:
        raise FormatError(f"cannot read: {e.strerror}", path=path) from None
    with f:
        reader = csv.reader(f, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise FormatError("no header row", path=path, line=1)
            if len(header) <= len(_FIXED):
                raise FormatError(
                    "no choice columns after the ten fixed columns", path=path, line=1
                )
            choices: list[tuple[int, int, str]] = []
            for col in range(len(_FIXED), len(header)):
                fields = header[col].split(":")
                if len(fields) != 6:
                    raise FormatError(
                        f"column {col + 1}: choice header {header[col]!r} does not have the six "
                        "fields Choice:contest:rank:rule:candidate:party",
                        path=path,
                        line=1,
                    )
                if fields[1] != source.contest_id:
                    continue
                try:
                    rank = int(fields[2])
                except ValueError:
                    raise FormatError(
                        f"column {col + 1}: rank {fields[2]!r} is not a number", path=path, line=1
                    ) from None
                if rank > limit:
                    raise FormatError(
                        f"column {col + 1}: rank {rank} exceeds maxRankingsAllowed ({limit})",
                        path=path,
                        line=1,
                    )
                name = fields[4]
                if source.undeclared_write_in_label and name == source.undeclared_write_in_label:
                    name = UNDECLARED_WRITE_IN
                choices.append((col, rank, name))
            if not choices:
                raise FormatError(
                    f"no choice column is for contest {source.contest_id!r}", path=path, line=1
                )
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise FormatError(
                        f"row has {len(row)} fields but the header has {len(header)}",
                        path=path,
                        line=line,
                    )
                marks: list[tuple[int, str]] = []
                for col, rank, name in choices:
                    cell = row[col].strip()
                    if cell == "1":
                        marks.append((rank, name))
                    elif cell not in ("0", ""):
                        raise FormatError(
                            f"ballot {row[3]!r}: column {col + 1} holds {cell!r}, not 0 or 1",
                            path=path,
                            line=line,
                        )
                marks.sort(key=lambda m: m[0])
                out.add(
                    tuple(marks),
                    source=index,
                    path=path,
                    record_id=row[3],
                    vendor_id=row[3],
                    precinct=row[4],
                    contest_id=source.contest_id,
                    tabulator_id=row[7],
                )
        except csv.Error as e:
            raise FormatError(f"cannot read CSV: {e}", path=path, line=reader.line_num) from None
