"""Ballot file readers and writers, one module per format.

:func:`read` picks the reader from ``format`` or, failing that, from the file's suffix.  A
``.csv`` file is sniffed: a header of ``rank1..rankN`` columns (plus an optional ``count`` or
``weight``) is the plain CSV format, anything else the Irish e-voting layout.  :func:`write`
writes the formats that can hold an election: BLT, plain CSV and JSON.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from ..errors import FormatError
from ..model import Election
from . import blt, csv_ranks, irish, json_ballots, mollison, nsw_raw, preflib

__all__ = ["FORMATS", "WRITERS", "format_for", "read", "write"]

Reader = Callable[[str | Path], Election]
Writer = Callable[[Election, str | Path], None]

#: Format name -> reader.  Suffixes map to these names in ``_SUFFIXES``.
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

_SUFFIXES: dict[str, str] = {
    ".blt": "blt",
    ".dat": "dat",
    ".soi": "soi",
    ".toi": "toi",
    ".csv": "csv",
    ".json": "json",
    ".zip": "nsw-raw",
}

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


def format_for(path: str | Path) -> str:
    """Return the format name a file's suffix (and, for ``.csv``, its header) implies."""
    suffix = Path(path).suffix.lower()
    try:
        name = _SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(_SUFFIXES))
        raise FormatError(
            f"cannot tell the format from the suffix {suffix!r} (known: {known}); "
            "name it with --input-format",
            path=path,
        ) from None
    return _sniff_csv(path) if name == "csv" else name


def read(path: str | Path, format: str | None = None) -> Election:
    """Read a ballot file in the named format, or the one its suffix implies."""
    name = format or format_for(path)
    try:
        reader = FORMATS[name]
    except KeyError:
        raise FormatError(
            f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})", path=path
        ) from None
    return reader(path)


def write(election: Election, path: str | Path, format: str | None = None) -> None:
    """Write an election in the named format, or the one the file's suffix implies."""
    name = format or _SUFFIXES.get(Path(path).suffix.lower(), "")
    try:
        writer = WRITERS[name]
    except KeyError:
        known = ", ".join(sorted(WRITERS))
        raise FormatError(
            f"cannot write format {name or Path(path).suffix!r} (can write: {known})", path=path
        ) from None
    writer(election, path)
