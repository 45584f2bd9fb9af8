"""The Mollison ``.dat`` format of the 2022 Scottish council preference profiles.

Layout (see ``shared/data/README.md``)::

    <ward number> <ward name>
    <seats> <candidates> <ballot lines> <valid votes>    seats FIRST
    Name, Party                                          one line per candidate
    <weight> r1 r2 ... rN                                ri = rank given to candidate i (0: none)

A few files quote instead: ``"Name" "Party"``.  The declared line count and valid vote total
are checked, so a truncated file is an error rather than a smaller election.
"""

from __future__ import annotations

from pathlib import Path

from .._types import Ranking
from ..errors import FormatError
from ..model import Candidate, Election
from ._common import parse_int, read_text, split_lines

__all__ = ["load", "loads"]


def load(path: str | Path) -> Election:
    """Read a Mollison ``.dat`` file."""
    return loads(read_text(path), path=path)


def _candidate(s: str, *, path: str | Path, line: int) -> Candidate:
    if s.startswith('"'):
        parts = s.split('"')
        # '"Name" "Party"' splits into ['', Name, ' ', Party, '']
        if len(parts) != 5 or parts[2].strip():
            raise FormatError(f"cannot read candidate line {s!r}", path=path, line=line)
        return Candidate(parts[1].strip(), parts[3].strip())
    name, sep, party = s.rpartition(",")
    if not sep:
        return Candidate(s.strip())
    return Candidate(name.strip(), party.strip())


def loads(text: str, *, path: str | Path = "<string>") -> Election:
    """Parse Mollison ``.dat`` text; errors name ``path`` and the line."""
    lines = split_lines(text.lstrip("\ufeff"))
    # Trailing blank lines would otherwise count as the last line in 'file ends' errors.
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise FormatError("file is empty", path=path, line=1)
    if not lines[0].strip():
        raise FormatError("line 1 must be '<ward number> <ward name>'", path=path, line=1)
    title = lines[0].strip()
    if len(lines) < 2:
        raise FormatError("file ends before the header line", path=path, line=1)
    head = lines[1].split()
    if len(head) != 4:
        raise FormatError(
            "line 2 must be '<seats> <candidates> <ballot lines> <valid votes>'",
            path=path,
            line=2,
        )
    seats = parse_int(head[0], "number of seats", path=path, line=2, minimum=1)
    ncand = parse_int(head[1], "number of candidates", path=path, line=2, minimum=1)
    nlines = parse_int(head[2], "number of ballot lines", path=path, line=2)
    valid = parse_int(head[3], "number of valid votes", path=path, line=2)
    if len(lines) < 2 + ncand:
        raise FormatError(
            f"file ends after {max(0, len(lines) - 2)} of {ncand} candidate lines",
            path=path,
            line=len(lines),
        )
    cands = [_candidate(lines[2 + i].strip(), path=path, line=3 + i) for i in range(ncand)]
    names = [c.name for c in cands]
    if len(set(names)) != len(names):
        raise FormatError("two candidates have the same name", path=path, line=3)
    rankings: list[tuple[Ranking, int]] = []
    total = 0
    for i, raw in enumerate(lines[2 + ncand :], start=3 + ncand):
        toks = raw.split()
        if not toks:
            continue
        if len(toks) != ncand + 1:
            raise FormatError(
                f"ballot line has {len(toks) - 1} ranks for {ncand} candidates", path=path, line=i
            )
        weight = parse_int(toks[0], "ballot weight", path=path, line=i)
        marks = [parse_int(t, "rank", path=path, line=i) for t in toks[1:]]
        top = max(marks)
        if top > ncand:
            raise FormatError(f"rank {top} exceeds the {ncand} candidates", path=path, line=i)
        by_rank: list[list[int]] = [[] for _ in range(top)]
        for c, r in enumerate(marks):
            if r:
                by_rank[r - 1].append(c)
        ranking: Ranking = tuple(tuple(cs) for cs in by_rank)
        rankings.append((ranking, weight))
        total += weight
    if len(rankings) != nlines:
        raise FormatError(
            f"header promises {nlines} ballot lines but the file has {len(rankings)}",
            path=path,
            line=len(lines),
        )
    if total != valid:
        raise FormatError(
            f"header promises {valid} valid votes but the ballot lines add up to {total}",
            path=path,
            line=2,
        )
    return Election.from_rankings(cands, rankings, seats=seats, title=title, source=str(path))
