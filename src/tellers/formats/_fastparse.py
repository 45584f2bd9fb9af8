"""Vectorised parsing of whole numbers in text, for the fast paths of the readers.

The fast paths never raise a :class:`~tellers.errors.FormatError` themselves: when anything in
a file is not exactly the common, well-formed layout, they return None and the reader runs its
careful line-by-line parser, which either reads the file or names the line at fault.  So a
fast path only has to recognise good input, never to explain bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._arrays import merge_rows
from ._common import check_file

__all__ = ["Tokens", "as_array", "byte_class", "digits", "merged", "read_bytes", "tokens"]

Bytes = npt.NDArray[np.uint8]
IntArray = npt.NDArray[np.int64]

#: A number of more digits than this might not fit in int64: leave it to the careful parser.
_MAX_DIGITS = 18


def read_bytes(path: str | Path) -> bytes | None:
    """Return a file's bytes without a UTF-8 BOM, or None if it cannot simply be read.

    What is not a regular file, or is past the size limit, is refused here (never read).
    """
    check_file(path)
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def byte_class(allowed: bytes) -> npt.NDArray[np.bool_]:
    """Return a 256-entry table that is True for the bytes in ``allowed``."""
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(allowed, dtype=np.uint8)] = True
    return table


class Tokens:
    """The runs of digits in a buffer: where each starts and ends, its value and its line."""

    __slots__ = ("ends", "lines", "starts", "values")

    def __init__(self, starts: IntArray, ends: IntArray, values: IntArray, lines: IntArray):
        self.starts = starts
        self.ends = ends
        self.values = values
        #: 0-based line of each token within the buffer.
        self.lines = lines


def digits(buf: Bytes, starts: IntArray, ends: IntArray) -> IntArray | None:
    """Return the values of the digit runs ``buf[starts:ends]``; None if one is too long."""
    lengths = ends - starts
    if lengths.size == 0:
        return np.zeros(0, dtype=np.int64)
    longest = int(lengths.max())
    if longest > _MAX_DIGITS or int(lengths.min()) < 1:
        return None
    values = buf[starts].astype(np.int64) - 48
    if longest > 1:
        # Most numbers in a ballot file are one digit: only the longer ones need more passes.
        many = np.flatnonzero(lengths > 1)
        at = starts[many]
        left = lengths[many]
        acc = values[many]
        for k in range(1, longest):
            more = left > k
            acc = np.where(more, acc * 10 + (buf[np.where(more, at + k, at)] - 48), acc)
        values[many] = acc
    return values


def split_digits(buf: Bytes, where: IntArray) -> IntArray | None:
    """Return the numbers between the separators at ``where`` (sorted positions in ``buf``)."""
    starts = np.empty(where.size + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = where + 1
    ends = np.empty(where.size + 1, dtype=np.int64)
    ends[:-1] = where
    ends[-1] = buf.size
    return digits(buf, starts, ends)


def tokens(buf: Bytes, newlines: npt.NDArray[np.intp] | None = None) -> Tokens | None:
    """Find every run of ASCII digits in ``buf`` and its value; None if one is too long."""
    digit = (buf >= 48) & (buf <= 57)
    edges = np.flatnonzero(np.diff(digit.view(np.int8), prepend=0, append=0))
    starts = edges[0::2].astype(np.int64)
    ends = edges[1::2].astype(np.int64)
    lengths = ends - starts
    if lengths.size and int(lengths.max()) > _MAX_DIGITS:
        return None
    values = np.zeros(starts.size, dtype=np.int64)
    d = buf.astype(np.int64) - 48
    longest = int(lengths.max()) if lengths.size else 0
    for k in range(longest):
        more = lengths > k
        if more.all():
            values = values * 10 + d[starts + k]
        else:
            values[more] = values[more] * 10 + d[starts[more] + k]
    if newlines is None:
        newlines = np.flatnonzero(buf == 10)
    lines = np.searchsorted(newlines, starts).astype(np.int64)
    return Tokens(starts, ends, values, lines)


def as_array(data: bytes) -> Bytes:
    """View bytes as a uint8 array without copying."""
    arr: Any = np.frombuffer(data, dtype=np.uint8)
    return arr  # type: ignore[no-any-return]


def merged(marks: npt.NDArray[Any], weights: IntArray) -> tuple[npt.NDArray[Any], IntArray]:
    """Return :func:`~tellers._arrays.merge_rows` of the rows, checking cheaply first whether
    they are distinct already, as published files' lines are: then nothing needs merging, and
    sorting one number per row costs far less than numbering the rows."""
    n, width = marks.shape
    if n < 2:
        return merge_rows(marks, weights)
    m = np.ascontiguousarray(marks)
    low = int(m.min())
    base = int(m.max()) - low + 1
    if base**width >= 2**63:
        return merge_rows(m, weights)
    wide = m.astype(np.int64)
    keys = wide[:, 0] - low
    for j in range(1, width):
        keys = keys * base + (wide[:, j] - low)
    keys.sort()
    if bool((keys[1:] != keys[:-1]).all()):
        return m, weights
    return merge_rows(m, weights)
