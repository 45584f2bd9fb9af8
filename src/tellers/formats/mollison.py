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

import numpy as np

from .._arrays import (
    MULTI,
    PAD,
    SKIP,
    ArrayElection,
    BallotArrays,
    IntArray,
    index_dtype,
)
from .._types import Rank, Ranking
from ..errors import FormatError
from ..model import Candidate, Election
from ._common import add_papers, parse_int, parse_weight, read_text, split_lines
from ._fastparse import as_array, merged, read_bytes, split_digits

__all__ = ["load", "loads"]


def load(path: str | Path) -> Election:
    """Read a Mollison ``.dat`` file (vectorised where the file is well formed)."""
    fast = _load_fast(path)
    if fast is not None:
        return fast
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


def _distinct(cands: list[Candidate]) -> list[Candidate]:
    """Name candidates who share a name by their party too: ``John Smith (Labour)``.

    A real ballot paper can carry two John Smiths; the party tells them apart, on the paper
    and in every report.  Two of one name and one party stay alike (and are refused).
    """
    names = [c.name for c in cands]
    shared = {n for n in names if names.count(n) > 1}
    if not shared:
        return cands
    return [
        Candidate(f"{c.name} ({c.party})", c.party, c.withdrawn)
        if c.name in shared and c.party
        else c
        for c in cands
    ]


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
    cands = _distinct(
        [_candidate(lines[2 + i].strip(), path=path, line=3 + i) for i in range(ncand)]
    )
    names = [c.name for c in cands]
    if len(set(names)) != len(names):
        raise FormatError(
            "two candidates have the same name and party: the file cannot tell them apart",
            path=path,
            line=3,
        )
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
        weight = parse_weight(toks[0], "ballot weight", path=path, line=i)
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
        total = add_papers(total, weight, path=path, line=i)
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


_BALLOT_CHARS = b"0123456789 \n"


def _load_fast(path: str | Path) -> Election | None:
    """Read a well-formed file with numpy; None sends it to the careful :func:`loads`.

    Taken here: ballot lines of single-space-separated digits, as the published files are.
    Anything else (tabs, signs, a short line, totals that disagree with line 2) goes to the
    careful parser, which reads it or names the line at fault.
    """
    data = read_bytes(path)
    # A NUL byte anywhere is the careful parser's to name (it refuses the file).
    if data is None or b"\x00" in data:
        return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    parts = data.split(b"\n", 2)
    if len(parts) < 3:
        return None
    try:
        title = parts[0].decode("utf-8").strip()
        head = parts[1].decode("ascii").split()
    except UnicodeDecodeError:
        return None
    # ASCII digits only: str.isdigit also takes superscripts, which int() refuses.
    plain = all(h.isascii() and h.isdigit() and len(h) < 19 for h in head)
    if not title or len(head) != 4 or not plain:
        return None
    seats, ncand, nlines, valid = (int(h) for h in head)
    # More candidates than lines cannot be right: leave the message to the careful parser.
    if seats < 1 or ncand < 1 or ncand > data.count(b"\n"):
        return None
    rest = parts[2].split(b"\n", ncand)
    if len(rest) <= ncand:
        return None
    try:
        cands = _distinct(
            [
                _candidate(rest[i].decode("utf-8").strip(), path=path, line=3 + i)
                for i in range(ncand)
            ]
        )
    except (UnicodeDecodeError, FormatError):
        return None
    if len({c.name for c in cands}) != ncand:
        return None
    marks = _ballot_lines(rest[ncand], ncand, nlines, valid)
    if marks is None:
        return None
    weights, by_candidate = marks
    arrays = _by_rank(by_candidate, weights, ncand)
    return ArrayElection.create(cands, arrays, seats=seats, title=title, source=str(path))


def _ballot_lines(
    body: bytes, ncand: int, nlines: int, valid: int
) -> tuple[IntArray, IntArray] | None:
    """Parse ``<weight> r1 .. rN`` lines into (weights, ranks by candidate), or None."""
    body = body.strip(b"\n")
    if not body or body.translate(None, _BALLOT_CHARS):
        return None
    buf = as_array(body)
    sep = buf < 48
    where = np.flatnonzero(sep)
    # One separator between numbers: none doubled, none at either end.
    if sep[0] or sep[-1] or (where.size > 1 and bool((np.diff(where) == 1).any())):
        return None
    width = ncand + 1
    if (where.size + 1) != nlines * width:
        return None
    # Every line holds exactly ncand + 1 numbers: newlines fall after each width-th number.
    kinds = buf[where]
    newline_at = np.flatnonzero(kinds == 10)
    if newline_at.size != nlines - 1 or (newline_at != np.arange(1, nlines) * width - 1).any():
        return None
    values = split_digits(buf, where)
    if values is None:
        return None
    table = values.reshape(nlines, width)
    weights = np.ascontiguousarray(table[:, 0])
    ranks = table[:, 1:]
    if int(weights.sum(dtype=object)) != valid or int(ranks.max()) > ncand:
        return None
    return weights, ranks


def _by_rank(ranks: IntArray, weights: IntArray, ncand: int) -> BallotArrays:
    """Turn ranks by candidate into candidates by rank, merging lines that rank alike."""
    keep = weights > 0
    # Equal rank vectors are equal rankings, so lines are merged before they are turned.
    ranks, weights = merged(ranks[keep].astype(index_dtype(ncand + 1)), weights[keep])
    n = ranks.shape[0]
    rank_of = ranks.astype(np.int64)
    top = rank_of.max(axis=1) if n else np.zeros(0, dtype=np.int64)
    width = int(top.max()) if n else 0
    rows, cands = np.nonzero(rank_of)
    at = rank_of[rows, cands] - 1
    per = np.bincount(rows * width + at, minlength=n * width).reshape(n, width)
    dtype = index_dtype(ncand)
    marks = np.full((n, width), PAD, dtype=dtype)
    marks[rows, at] = cands
    within = np.arange(width) < top[:, None]
    marks[within & (per == 0)] = SKIP
    multi_cells = within & (per > 1)
    multi: dict[tuple[int, int], Rank] = {}
    if multi_cells.any():
        marks[multi_cells] = MULTI
        for r, j in zip(*np.nonzero(multi_cells), strict=True):
            multi[(int(r), int(j))] = tuple(int(c) for c in np.flatnonzero(rank_of[r] == j + 1))
    return BallotArrays(marks, weights.astype(np.int64), multi, distinct=True)
