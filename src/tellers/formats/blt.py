"""BLT, the ballot format of ERS, OpenSTV, Droop and the Scottish cast-vote-record archives.

Layout::

    <candidates> <seats>
    [-k -m ...]                 optional: withdrawn candidates, as negative numbers
    [option ...]                optional Droop option lines ([nick ...], [tie ...], [withdrawn ...])
    <weight> <c1> <c2> ... 0    one line per ballot; ``a=b`` marks equal ranks, ``-`` a skipped rank
    0                           end of ballots
    "Name"                      one line per candidate; ``""`` inside quotes is a literal quote
    "Title"                     the election title (the Scottish files give the ward name unquoted)
"""

from __future__ import annotations

from pathlib import Path

from .._types import Rank, Ranking
from ..errors import FormatError
from ..model import Candidate, Election
from ._common import parse_int, read_text

__all__ = ["dumps", "load", "loads", "write"]


def load(path: str | Path) -> Election:
    """Read a BLT file."""
    return loads(read_text(path), path=path)


def _unquote(text: str, *, path: str | Path, line: int) -> str:
    """Undo BLT quoting: strip the outer quotes and undouble the inner ones."""
    s = text.strip()
    if not s.startswith('"'):
        return s
    if len(s) < 2 or not s.endswith('"'):
        raise FormatError(f"unterminated quoted name {s!r}", path=path, line=line)
    inner = s[1:-1]
    # A lone quote inside means the quoting is broken, not a name containing a quote.
    if inner.replace('""', "").count('"'):
        raise FormatError(f"stray quote in name {s!r}", path=path, line=line)
    return inner.replace('""', '"')


def _party(name: str) -> str:
    """Return the party the Scottish BLT files embed in a name as a quoted suffix."""
    if name.endswith('"') and name.count('"') >= 2:
        return name[name.index('"') + 1 : -1]
    return ""


def loads(text: str, *, path: str | Path = "<string>") -> Election:  # noqa: C901
    """Parse BLT text; errors name ``path`` and the line."""
    lines = [(i + 1, ln.strip()) for i, ln in enumerate(text.lstrip("\ufeff").splitlines())]
    lines = [(n, s) for n, s in lines if s and not s.startswith("#")]
    if not lines:
        raise FormatError("file is empty", path=path, line=1)
    it = iter(lines)
    n0, head = next(it)
    parts = head.split()
    if len(parts) != 2:
        raise FormatError(
            f"first line must be '<candidates> <seats>', found {head!r}", path=path, line=n0
        )
    ncand = parse_int(parts[0], "number of candidates", path=path, line=n0, minimum=1)
    seats = parse_int(parts[1], "number of seats", path=path, line=n0, minimum=1)

    withdrawn: set[int] = set()
    options: dict[str, str] = {}
    nicknames: dict[str, int] = {}
    rankings: list[tuple[Ranking, int]] = []
    last = n0
    ended = False

    def candidate(tok: str, lineno: int) -> int:
        if tok in nicknames:
            return nicknames[tok]
        c = parse_int(tok, "candidate number", path=path, line=lineno, minimum=1)
        if c > ncand:
            raise FormatError(
                f"candidate number {c} out of range 1..{ncand}", path=path, line=lineno
            )
        return c - 1

    for lineno, s in it:
        last = lineno
        if s.startswith("["):
            if not s.endswith("]"):
                raise FormatError(f"unterminated option line {s!r}", path=path, line=lineno)
            words = s[1:-1].split()
            if not words:
                raise FormatError("empty option line '[]'", path=path, line=lineno)
            key, args = words[0], words[1:]
            options[key] = " ".join(args)
            if key == "nick":
                if len(args) != ncand:
                    raise FormatError(
                        f"[nick] gives {len(args)} nicknames for {ncand} candidates",
                        path=path,
                        line=lineno,
                    )
                nicknames = {a: i for i, a in enumerate(args)}
            elif key == "withdrawn":
                withdrawn.update(candidate(a, lineno) for a in args)
            continue
        toks = s.split()
        if toks[0].startswith("-") and toks[0] != "-" and not rankings:
            for t in toks:
                withdrawn.add(candidate(t.lstrip("-"), lineno))
            continue
        if toks == ["0"]:
            ended = True
            break
        if toks[0].startswith("("):  # Droop's optional ballot id
            toks = toks[1:]
            if not toks:
                raise FormatError("ballot line has an id but no weight", path=path, line=lineno)
        weight = parse_int(toks[0], "ballot weight", path=path, line=lineno)
        if toks[-1] != "0":
            raise FormatError("ballot line must end with 0", path=path, line=lineno)
        ranks: list[Rank] = []
        for tok in toks[1:-1]:
            if tok == "-":
                ranks.append(())
            else:
                ranks.append(tuple(sorted({candidate(t, lineno) for t in tok.split("=")})))
        rankings.append((tuple(ranks), weight))
    if not ended:
        raise FormatError(
            "file ends before the '0' line that closes the ballots", path=path, line=last
        )

    names: list[str] = []
    for _ in range(ncand):
        try:
            lineno, s = next(it)
        except StopIteration:
            raise FormatError(
                f"file ends after {len(names)} of {ncand} candidate names", path=path, line=last
            ) from None
        last = lineno
        names.append(_unquote(s, path=path, line=lineno))
    title = ""
    for lineno, s in it:
        if title:
            raise FormatError(f"unexpected text after the title: {s!r}", path=path, line=lineno)
        title = _unquote(s, path=path, line=lineno)
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise FormatError(f"candidate name {dup!r} appears twice", path=path, line=last)
    cands = [Candidate(n, _party(n), i in withdrawn) for i, n in enumerate(names)]
    return Election.from_rankings(
        cands, rankings, seats=seats, title=title, source=str(path), options=options
    )


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def dumps(election: Election) -> str:
    """Render an election as BLT text (the inverse of :func:`loads`)."""
    out = [f"{len(election.candidates)} {election.seats or 1}"]
    wd = sorted(election.withdrawn)
    if wd:
        out.append(" ".join(f"-{i + 1}" for i in wd))
    for b in election.ballots:
        marks = ["=".join(str(c + 1) for c in rank) if rank else "-" for rank in b.ranking]
        out.append(" ".join([str(b.weight), *marks, "0"]))
    out.append("0")
    out.extend(_quote(c.name) for c in election.candidates)
    out.append(_quote(election.title))
    return "\n".join(out) + "\n"


def write(election: Election, path: str | Path) -> None:
    """Write an election as a BLT file."""
    Path(path).write_text(dumps(election), encoding="utf-8")
