"""The Irish 2002 e-voting pilot CSV (Dublin North, Dublin West, Meath): one row per ballot.

Layout::

    No.,FF,FG,NP,FF,...         header: an optional ballot-number column (empty or 'No.'),
                                then one column per candidate, labelled with a party code
    1,,,,3,2,,,,,1,,,,          one row per ballot: the preference number the voter gave each
    2,,2,,,3,,1,,,,,,4,         candidate, empty where the voter gave none

The header may start with a UTF-8 BOM.  The files label candidates only by party, so a label
that appears once is the candidate's name as it stands, and a label shared by several columns
becomes ``<label> (col <n>)`` for each of them, ``n`` being the 1-based spreadsheet column
(counting the ballot-number column), e.g. ``FF (col 5)``; the label itself is kept as the party.

Preference numbers are kept as the voter marked them: a number nobody got is an empty rank and
a number given to several candidates is one rank holding all of them, because whether such a
paper still counts is for the counting method to decide.  Numbers must lie in 1..candidates.
Identical ballots are merged.  The ballot-number column is not checked.  The title is the file
name without its suffix; the files carry no number of seats.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .._types import Ranking
from ..errors import FormatError
from ..model import Candidate, Election
from ._common import csv_rows, parse_int, read_text

__all__ = ["load", "loads"]

#: Header cells that mark the first column as a ballot number rather than a candidate.
ID_HEADERS = frozenset({"", "no.", "no", "id", "ballot"})


def load(path: str | Path) -> Election:
    """Read an Irish e-voting CSV file."""
    return loads(read_text(path), path=path)


def _candidates(
    labels: list[str], first_col: int, *, path: str | Path, line: int
) -> list[Candidate]:
    """Name candidates after their labels, adding the column where a label repeats."""
    for i, label in enumerate(labels):
        if not label:
            raise FormatError(
                f"column {first_col + i} has no candidate label", path=path, line=line
            )
    counts = Counter(labels)
    cands = [
        Candidate(label if counts[label] == 1 else f"{label} (col {first_col + i})", label)
        for i, label in enumerate(labels)
    ]
    names = [c.name for c in cands]
    if len(set(names)) != len(names):
        # Only possible if a header literally contains a label like 'FF (col 5)'.
        dup = next(n for n in names if names.count(n) > 1)
        raise FormatError(f"two columns would both be called {dup!r}", path=path, line=line)
    return cands


def loads(text: str, *, path: str | Path = "<string>") -> Election:
    """Parse Irish e-voting CSV text; errors name ``path`` and the line."""
    rows = [(n, [cell.strip() for cell in row]) for n, row in csv_rows(text, path=path)]
    if not rows:
        raise FormatError("file is empty", path=path, line=1)
    hline, header = rows[0]
    # A file whose first row is all numbers has lost its header: the candidates are unknown.
    if all(cell.isdigit() for cell in header if cell):
        raise FormatError(
            "first row must be the header of candidate labels, not a ballot",
            path=path,
            line=hline,
        )
    skip = 1 if header[0].casefold() in ID_HEADERS else 0
    labels = header[skip:]
    if not labels:
        raise FormatError("header names no candidates", path=path, line=hline)
    cands = _candidates(labels, skip + 1, path=path, line=hline)
    ncand = len(cands)
    width = len(header)

    rankings: list[tuple[Ranking, int]] = []
    for lineno, row in rows[1:]:
        if len(row) != width:
            raise FormatError(
                f"row has {len(row)} columns but the header has {width}", path=path, line=lineno
            )
        prefs = [
            parse_int(cell, "preference", path=path, line=lineno, minimum=1) if cell else 0
            for cell in row[skip:]
        ]
        top = max(prefs)
        if top > ncand:
            raise FormatError(
                f"preference {top} is more than the {ncand} candidates", path=path, line=lineno
            )
        by_rank: list[list[int]] = [[] for _ in range(top)]
        for c, p in enumerate(prefs):
            if p:
                by_rank[p - 1].append(c)
        rankings.append((tuple(tuple(cs) for cs in by_rank), 1))
    title = Path(str(path)).stem
    return Election.from_rankings(cands, rankings, title=title, source=str(path))
