"""Helpers the readers share: opening text with clear errors, and parsing integers."""

from __future__ import annotations

from pathlib import Path

from ..errors import FormatError

__all__ = ["parse_int", "read_text"]


def read_text(path: str | Path) -> str:
    """Read a whole UTF-8 text file (a BOM is allowed), naming the file and line on failure."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise FormatError("no such file", path=p) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a file", path=p) from None
    except OSError as e:
        raise FormatError(f"cannot read: {e.strerror}", path=p) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise FormatError(
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})", path=p, line=line
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FormatError("contains a NUL byte: not a text file", path=p, line=line)
    if not text.strip():
        raise FormatError("file is empty", path=p, line=1)
    return text


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
