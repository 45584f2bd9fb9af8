"""Helpers the readers share: opening text with clear errors, parsing integers and CSV rows."""

from __future__ import annotations

import csv
from pathlib import Path

from .. import limits as _limits
from .._files import check_input
from ..errors import FormatError
from ..limits import MAX_PAPERS

__all__ = [
    "add_papers",
    "check_file",
    "csv_rows",
    "library_threads",
    "parse_int",
    "parse_weight",
    "read_text",
    "split_lines",
]

#: Whether a reader may parse with its library's own thread pool (pyarrow's).  Batch workers,
#: already one per core, turn this off: more threads there would only contend for the cores.
library_threads = True


def check_file(path: str | Path) -> int:
    """Refuse what is not a regular file, or is larger than the limit; return its size.

    A device (``/dev/zero``), a FIFO or a terminal would be read without end; a file past
    :attr:`tellers.limits.Limits.max_bytes` is refused before a byte of it is read.  The
    first is the command line's own check (:func:`tellers._files.check_input`): one check,
    one message, whichever reads the file first.
    """
    st = check_input(path)
    limit = _limits.current().max_bytes
    if st.st_size > limit:
        raise FormatError(
            f"{st.st_size:,} bytes: larger than the limit of {limit:,} (raise it with "
            "--max-bytes, or max_bytes= in Python)",
            path=path,
        )
    return st.st_size


def read_text(path: str | Path) -> str:
    """Read a whole UTF-8 text file (a BOM is allowed), naming the file and line on failure."""
    p = Path(path)
    check_file(p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError("no such file", path=p) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", path=p) from None
    except OSError as e:
        raise FormatError(f"cannot read: {e.strerror}", path=p) from None
    # Strip the BOM by hand: the utf-8-sig codec reports error offsets relative to the text
    # after the BOM, which would misplace the bad byte and its line.
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as e:
        offset = start + e.start
        line = len(split_lines(data[:offset].decode("utf-8", "replace")))
        raise FormatError(
            f"not valid UTF-8 (byte 0x{data[offset]:02x} at offset {offset})", path=p, line=line
        ) from None
    if "\x00" in text:
        line = len(split_lines(text[: text.index("\x00")]))
        raise FormatError("contains a NUL byte: not a text file", path=p, line=line)
    if not text or text.isspace():  # not strip(): a copy of the whole text
        raise FormatError("file is empty", path=p, line=1)
    return text


def parse_weight(token: str, what: str, *, path: str | Path, line: int) -> int:
    """Parse a ballot weight: a whole number from 0 to :data:`tellers.limits.MAX_PAPERS`."""
    if len(token) > 40:  # int() of a long token costs time; anything this long is too big
        raise FormatError(
            f"{what} of {len(token)} digits is more than the {MAX_PAPERS:,} (2**63 - 1) "
            "papers a count holds exactly",
            path=path,
            line=line,
        )
    value = parse_int(token, what, path=path, line=line)
    if value > MAX_PAPERS:
        raise FormatError(
            f"{what} {value:,} is more than the {MAX_PAPERS:,} (2**63 - 1) papers a count "
            "holds exactly",
            path=path,
            line=line,
        )
    return value


def add_papers(total: int, weight: int, *, path: str | Path, line: int) -> int:
    """Return ``total + weight``, refusing a total past :data:`tellers.limits.MAX_PAPERS`."""
    total += weight
    if total > MAX_PAPERS:
        raise FormatError(
            f"the papers add up to {total:,} by this line, more than the {MAX_PAPERS:,} "
            "(2**63 - 1) a count holds exactly",
            path=path,
            line=line,
        )
    return total


def parse_int(token: str, what: str, *, path: str | Path, line: int, minimum: int = 0) -> int:
    """Parse a whole number of at least ``minimum``, or raise a FormatError naming ``what``."""
    try:
        value = int(token)
    except ValueError:
        raise FormatError(f"{what} {token!r} is not a whole number", path=path, line=line) from None
    if not token.strip().lstrip("+-").isdigit():
        raise FormatError(f"{what} {token!r} is not a whole number", path=path, line=line)
    if value < minimum:
        raise FormatError(f"{what} {value} is below {minimum}", path=path, line=line)
    return value


def split_lines(text: str) -> list[str]:
    """Split text at ``\\n``, ``\\r\\n`` or ``\\r`` only, as editors number lines."""
    # str.splitlines also splits at form feeds, U+2028 and other rare separators, which would
    # make the line numbers in error messages disagree with the file.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def csv_rows(text: str, *, path: str | Path) -> list[tuple[int, list[str]]]:
    """Split CSV text into rows that have some text, each with the line it starts on."""
    reader = csv.reader(split_lines(text.lstrip("\ufeff")), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as e:
        # A quoted field left open swallows the rest of the file; blame the line it opened on.
        raise FormatError(f"cannot read CSV: {e}", path=path, line=start) from None
    return rows
