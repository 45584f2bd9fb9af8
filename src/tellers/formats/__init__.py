"""Ballot file readers and writers, one module per format.

:func:`read` picks the reader from ``format`` or, failing that, from the file's suffix.  A
``.csv`` file is sniffed: a header of ``rank1..rankN`` columns (plus an optional ``count`` or
``weight``) is the plain CSV format, anything else the Irish e-voting layout.  :func:`write`
writes the formats that can hold an election: BLT, plain CSV and JSON.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from .. import limits as _limits
from ..errors import FormatError
from ..limits import MAX_PAPERS
from ..model import Election
from . import blt, csv_ranks, irish, json_ballots, mollison, nsw_raw, preflib
from ._common import check_file

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "WRITERS",
    "check_election",
    "format_for",
    "read",
    "suffix_for",
    "write",
]

_SURROGATE = re.compile("[\ud800-\udfff]")

Reader = Callable[[str | Path], Election]
Writer = Callable[[Election, str | Path], None]

#: Format name -> reader.  Suffixes map to these names in ``SUFFIXES``.
FORMATS: dict[str, Reader] = {
    "blt": blt.load,
    "dat": mollison.load,
    "soi": preflib.load,
    "toi": preflib.load,
    "irish": irish.load,
    "csv": csv_ranks.load,
    "json": json_ballots.load,
    "nsw-raw": nsw_raw.load,
}

#: Format name -> writer, for the formats that can hold a whole election.
WRITERS: dict[str, Writer] = {
    "blt": blt.write,
    "csv": csv_ranks.write,
    "json": json_ballots.write,
}

#: The one table of ballot-file suffixes (suffix -> format name): a file is read by its
#: suffix, a folder is searched for these, and standard input is named with one of them.
#: ``.csv`` stands for both CSV layouts; :func:`format_for` tells them apart by the header.
SUFFIXES: Mapping[str, str] = MappingProxyType(
    {
        ".blt": "blt",
        ".dat": "dat",
        ".soi": "soi",
        ".toi": "toi",
        ".csv": "csv",
        ".json": "json",
        ".zip": "nsw-raw",
    }
)

# Enough for any header row; the sniffer never reads a whole ballot file.
_SNIFF_BYTES = 1 << 16


def _sniff_csv(path: str | Path) -> str:
    """Tell the plain rank CSV from the Irish layout by the header row."""
    try:
        with Path(path).open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError:
        # Let the reader report the missing or unreadable file in its own words.
        return "csv"
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    for line in text.splitlines():
        try:
            cells = next(csv.reader([line]), [])
        except csv.Error:
            return "irish"
        # The readers skip rows of empty cells, so the sniffer must too.
        if any(cell.strip() for cell in cells):
            return "csv" if csv_ranks.is_header(cells) else "irish"
    return "csv"


def suffix_for(format: str) -> str:
    """Return the suffix a file of the named format is given (the Irish layout's is ``.csv``)."""
    name = "csv" if format == "irish" else format
    for suffix, named in SUFFIXES.items():
        if named == name:
            return suffix
    known = ", ".join(sorted(FORMATS))
    raise FormatError(f"unknown format {format!r} (known: {known})")


def format_for(path: str | Path) -> str:
    """Return the format name a file's suffix (and, for ``.csv``, its header) implies."""
    suffix = Path(path).suffix.lower()
    try:
        name = SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(SUFFIXES))
        raise FormatError(
            f"cannot tell the format from the suffix {suffix!r} (known: {known}); "
            "name it with --input-format",
            path=path,
        ) from None
    return _sniff_csv(path) if name == "csv" else name


def read(
    path: str | Path,
    format: str | None = None,
    *,
    max_candidates: int | None = None,
    max_name_length: int | None = None,
    max_bytes: int | None = None,
) -> Election:
    """Read a ballot file in the named format, or the one its suffix implies.

    The keyword arguments raise (or lower) the limits of :mod:`tellers.limits` for this read:
    how many candidates, how long a name, how many bytes a file (or a zip's member, inflated)
    may hold.  Past a limit, or past what a count holds exactly, the file is refused with a
    :class:`~tellers.errors.FormatError` naming it and the limit.
    """
    with _limits.limits(
        max_candidates=max_candidates, max_name_length=max_name_length, max_bytes=max_bytes
    ) as lim:
        # Before anything opens it: a device or FIFO is never read, a huge file never loaded.
        check_file(path)
        name = format or format_for(path)
        try:
            reader = FORMATS[name]
        except KeyError:
            raise FormatError(
                f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})", path=path
            ) from None
        election = reader(path)
        check_election(election, path, lim)
        return election


def check_election(election: Election, path: str | Path, lim: _limits.Limits) -> None:
    """Refuse what no reader should hand on: too many candidates or papers, unusable names.

    A name must have a visible character, be within the length limit, hold no lone surrogate
    (which no file can encode) and differ from every other name by more than case or spacing:
    ``A``, ``a`` and ``A `` on one ballot paper are a misprint a returning officer would not
    count, not three candidates.
    """
    cands = election.candidates
    if len(cands) > lim.max_candidates:
        raise FormatError(
            f"{len(cands):,} candidates: more than the limit of {lim.max_candidates:,} "
            "(raise it with --max-candidates, or max_candidates= in Python)",
            path=path,
        )
    texts = [t for c in cands for t in (c.name, c.party)]
    longest = max(map(len, texts), default=0)
    bad = longest > lim.max_name_length or _SURROGATE.search("\n".join(texts))
    seen: dict[str, str] = {}
    for i, c in enumerate(cands, 1):
        for what, text in (("name", c.name), ("party", c.party)) if bad else ():
            if len(text) > lim.max_name_length:
                raise FormatError(
                    f"candidate {i}'s {what} has {len(text):,} characters: more than the limit "
                    f"of {lim.max_name_length:,} (raise it with --max-name-length, or "
                    "max_name_length= in Python)",
                    path=path,
                )
            if _SURROGATE.search(text):
                raise FormatError(
                    f"candidate {i}'s {what} {text!r} holds a lone surrogate, not a character",
                    path=path,
                )
        if not c.name.strip():
            raise FormatError(f"candidate {i} has no name ({c.name!r})", path=path)
        key = " ".join(c.name.split()).casefold()
        if key in seen:
            raise FormatError(
                f"candidates {seen[key]!r} and {c.name!r} differ only in case or spacing: "
                "name them so that a reader can tell them apart",
                path=path,
            )
        seen[key] = c.name
    if len(election.title) > lim.max_name_length:
        raise FormatError(
            f"the title has {len(election.title):,} characters: more than the limit of "
            f"{lim.max_name_length:,} (raise it with --max-name-length, or max_name_length= "
            "in Python)",
            path=path,
        )
    if _SURROGATE.search(election.title):
        raise FormatError("the title holds a lone surrogate, not a character", path=path)
    papers = election.total_weight
    if papers > MAX_PAPERS:
        raise FormatError(
            f"{papers:,} ballot papers: more than the {MAX_PAPERS:,} (2**63 - 1) a count holds "
            "exactly",
            path=path,
        )


def write(election: Election, path: str | Path, format: str | None = None) -> None:
    """Write an election in the named format, or the one the file's suffix implies."""
    name = format or SUFFIXES.get(Path(path).suffix.lower(), "")
    try:
        writer = WRITERS[name]
    except KeyError:
        known = ", ".join(sorted(WRITERS))
        raise FormatError(
            f"cannot write format {name or Path(path).suffix!r} (can write: {known})", path=path
        ) from None
    writer(election, path)
