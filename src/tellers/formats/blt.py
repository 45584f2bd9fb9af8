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

import re
from collections.abc import Iterator
from pathlib import Path

from .._types import Rank, Ranking
from ..errors import FormatError
from ..model import Candidate, Election
from ._common import add_papers, parse_int, parse_weight, read_text, split_lines

__all__ = ["dumps", "load", "loads", "write"]


def load(path: str | Path) -> Election:
    """Read a BLT file."""
    return loads(read_text(path), path=path)


# Some Scottish files quote name and party separately; others double the inner quotes.
_NAME_AND_PARTY = re.compile(r'"((?:[^"]|"")*)"\s+"((?:[^"]|"")*)"')
# The Glasgow 2007 files give the names only as PrefLib-style comment lines.
_ALTERNATIVE_NAME = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:(.*)", re.IGNORECASE)


def _unquote(text: str, *, path: str | Path, line: int) -> str:
    """Undo BLT quoting: strip the outer quotes and undouble the inner ones."""
    s = text.strip()
    if not s.startswith('"'):
        return s
    pair = _NAME_AND_PARTY.fullmatch(s)
    if pair:
        # Read '"Name" "Party"' as the doubled-quote files spell it: 'Name "Party"'.
        name, party = (g.replace('""', '"') for g in pair.groups())
        return f'{name} "{party}"'
    if len(s) < 2 or not s.endswith('"'):
        raise FormatError(f"unterminated quoted name {s!r}", path=path, line=line)
    inner = s[1:-1]
    # A lone quote inside means the quoting is broken, not a name containing a quote.
    if inner.replace('""', "").count('"'):
        raise FormatError(f"stray quote in name {s!r}", path=path, line=line)
    return inner.replace('""', '"')


def _party(name: str) -> str:
    """Return the party the Scottish BLT files embed in a name as a final quoted part.

    Two spellings occur: ``Vish ARCHER "Con"`` and ``"Kevin T BLADES" "Independent"``.
    """
    parts: list[str] = re.findall(r'"([^"]*)"', name)
    if not parts or not name.endswith('"'):
        return ""
    if name.startswith('"') and len(parts) < 2:
        return ""
    return parts[-1]


def loads(text: str, *, path: str | Path = "<string>") -> Election:
    """Parse BLT text; errors name ``path`` and the line."""
    numbered = [(i + 1, ln.strip()) for i, ln in enumerate(split_lines(text.lstrip("\ufeff")))]
    numbered = [(n, s) for n, s in numbered if s]
    if not any(not s.startswith("#") for _, s in numbered):
        raise FormatError("file is empty", path=path, line=1)
    # Comments are dropped everywhere except where they carry candidate names.
    lines = [(n, s) for n, s in numbered if not s.startswith("#") or _ALTERNATIVE_NAME.match(s)]
    it = iter(lines)
    n0, head = next((n, s) for n, s in it if not s.startswith("#"))
    parts = head.split()
    if len(parts) != 2:
        raise FormatError(
            f"first line must be '<candidates> <seats>', found {head!r}", path=path, line=n0
        )
    ncand = parse_int(parts[0], "number of candidates", path=path, line=n0, minimum=1)
    seats = parse_int(parts[1], "number of seats", path=path, line=n0, minimum=1)

    withdrawn: set[int] = set()
    options: dict[str, str] = {}
    tie_order: list[int] = []
    nicknames: dict[str, int] = {}
    rankings: list[tuple[Ranking, int]] = []
    papers = 0
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

    # Ballot lines repeat a few tokens many times over; reading each once halves the time.
    rank_of: dict[str, Rank] = {"-": ()}
    for lineno, s in it:
        last = lineno
        if s.startswith("#"):
            continue
        if s.startswith("["):
            if not s.endswith("]"):
                raise FormatError(f"unterminated option line {s!r}", path=path, line=lineno)
            words = s[1:-1].split()
            if not words:
                raise FormatError("empty option line '[]'", path=path, line=lineno)
            key, args = words[0], words[1:]
            options[key] = " ".join(args)
            if key == "nick":
                if len(args) != ncand or len(set(args)) != ncand:
                    raise FormatError(
                        f"[nick] must give {ncand} different nicknames, one per candidate",
                        path=path,
                        line=lineno,
                    )
                nicknames = {a: i for i, a in enumerate(args)}
                rank_of = {"-": ()}
            elif key == "withdrawn":
                withdrawn.update(candidate(a, lineno) for a in args)
            elif key == "tie":
                tie_order = [candidate(a, lineno) for a in args]
                # Compare lengths first: the header's count may be too large to build a range.
                if len(tie_order) != ncand or sorted(tie_order) != list(range(ncand)):
                    raise FormatError(
                        f"[tie] must list each of the {ncand} candidates once",
                        path=path,
                        line=lineno,
                    )
            continue
        toks = s.split()
        if toks[0].startswith("-") and toks[0] != "-" and not rankings:
            for t in toks:
                if not t.startswith("-"):
                    raise FormatError(
                        f"negative ballot weight {toks[0]} (or a withdrawn-candidates line"
                        f" with a positive number {t!r}: it must hold only negative numbers)",
                        path=path,
                        line=lineno,
                    )
                withdrawn.add(candidate(t[1:], lineno))
            continue
        if toks == ["0"]:
            ended = True
            break
        if toks[0].startswith("("):  # Droop's optional ballot id
            toks = toks[1:]
            if not toks:
                raise FormatError("ballot line has an id but no weight", path=path, line=lineno)
        weight = parse_weight(toks[0], "ballot weight", path=path, line=lineno)
        papers = add_papers(papers, weight, path=path, line=lineno)
        if toks[-1] != "0" or len(toks) < 2:
            raise FormatError("ballot line must end with 0", path=path, line=lineno)
        ranks: list[Rank] = []
        for tok in toks[1:-1]:
            rank = rank_of.get(tok)
            if rank is None:
                rank = tuple(sorted({candidate(t, lineno) for t in tok.split("=")}))
                rank_of[tok] = rank
            ranks.append(rank)
        rankings.append((tuple(ranks), weight))
    if not ended:
        raise FormatError(
            "file ends before the '0' line that closes the ballots", path=path, line=last
        )

    names: list[str] = []
    for lineno, s in it:
        last = lineno
        alt = _ALTERNATIVE_NAME.match(s)
        if alt:
            if alt[1].lstrip("0") != str(len(names) + 1):
                raise FormatError(
                    f"expected the name of candidate {len(names) + 1}, found {s!r}",
                    path=path,
                    line=lineno,
                )
            names.append(alt[2].strip())
        elif s.startswith("#"):
            continue
        else:
            names.append(_unquote(s, path=path, line=lineno))
        if len(names) == ncand:
            break
    if len(names) < ncand:
        raise FormatError(
            f"file ends after {len(names)} of {ncand} candidate names", path=path, line=last
        )
    title = _title(it, path=path, last=last)
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise FormatError(f"candidate name {dup!r} appears twice", path=path, line=last)
    cands = [Candidate(n, _party(n), i in withdrawn) for i, n in enumerate(names)]
    return Election.from_rankings(
        cands,
        rankings,
        seats=seats,
        title=title,
        source=str(path),
        options=options,
        tie_order=tuple(tie_order),
    )


def _title(lines: Iterator[tuple[int, str]], *, path: str | Path, last: int) -> str:
    """Read the title and check what follows it.

    The title is required: without it a header that promises one candidate too many would
    silently turn the title into a name.  Droop allows a quoted title to be followed by a
    quoted source and a quoted comment, then ignores unquoted text (the CfER and ERS test files
    end with notes).  An unquoted title (the Scottish files give the bare ward name) must end
    the file, and so must the comment: more text most likely means too few candidates declared.
    """
    title: str | None = None
    quoted = 0
    for lineno, s in lines:
        if s.startswith("#"):
            continue
        if title is None or not quoted:
            if title is not None:
                raise FormatError(f"unexpected text after the title: {s!r}", path=path, line=lineno)
            title = _unquote(s, path=path, line=lineno)
            quoted = int(s.startswith('"'))
        elif not s.startswith('"'):
            break
        elif quoted == 3:
            raise FormatError(
                f"unexpected text after the title, source and comment: {s!r}",
                path=path,
                line=lineno,
            )
        else:
            _unquote(s, path=path, line=lineno)
            quoted += 1
    if title is None:
        raise FormatError("file ends before the title line", path=path, line=last)
    return title


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def dumps(election: Election) -> str:
    """Render an election as BLT text (the inverse of :func:`loads`)."""
    out = [f"{len(election.candidates)} {election.seats or 1}"]
    wd = sorted(election.withdrawn)
    if wd:
        out.append(" ".join(f"-{i + 1}" for i in wd))
    if election.tie_order:
        out.append("[tie " + " ".join(str(c + 1) for c in election.tie_order) + "]")
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
