"""Ballot file readers and writers, one module per format.

:func:`read` picks the reader from ``format`` or, failing that, from the file's suffix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import FormatError
from ..model import Election
from . import blt, mollison

__all__ = ["FORMATS", "read"]

Reader = Callable[[str | Path], Election]

#: Format name -> reader.  Suffixes map to these names in ``_SUFFIXES``.
FORMATS: dict[str, Reader] = {
    "blt": blt.load,
    "dat": mollison.load,
}

_SUFFIXES: dict[str, str] = {
    ".blt": "blt",
    ".dat": "dat",
}


def format_for(path: str | Path) -> str:
    """Return the format name a file's suffix implies."""
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(_SUFFIXES))
        raise FormatError(
            f"cannot tell the format from the suffix {suffix!r} (known: {known}); "
            "name it with --input-format",
            path=path,
        ) from None


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
