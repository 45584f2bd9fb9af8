"""PrefLib ordinal data: ``.soi`` (strict orders, incomplete) and ``.toi`` (orders with ties).

Layout (PrefLib's 2022 format)::

    # FILE NAME: 00058-00000169.soi       header: '# KEY: value' lines, all before the data
    # TITLE: South Coast 2019
    # DATA TYPE: soi                      soi, toi, soc or toc
    # NUMBER ALTERNATIVES: 3
    # NUMBER VOTERS: 48880                checked against the sum of the counts
    # NUMBER UNIQUE ORDERS: 15            checked against the number of order lines
    # ALTERNATIVE NAME 1: ALLDRICK Annette
    ...
    21514: 2                              <count>: <order>, alternatives numbered from 1
    6061: 1,3,2
    5: 1,{2,3}                            braces: alternatives ranked equal (toi/toc only)

Every alternative needs a name.  In the strict types (``soi``, ``soc``) braces are an error;
in the complete types (``soc``, ``toc``) every order must rank every alternative.  Without a
``DATA TYPE`` line the file suffix decides, and ties are allowed if that says nothing either.
The title is the ``TITLE`` header, or the file name without its suffix.  PrefLib files carry no
number of seats.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .._arrays import (
    PAD,
    ArrayElection,
    BallotArrays,
    IntArray,
    Marks,
    has_repeats,
    index_dtype,
)
from .._types import Rank, Ranking
from ..errors import FormatError
from ..model import Election
from ._common import add_papers, parse_int, parse_weight, read_text, split_lines
from ._fastparse import as_array, merged, read_bytes, split_digits

__all__ = ["load", "loads"]

_DATA_TYPES = frozenset({"soi", "toi", "soc", "toc"})
_ALTERNATIVE_NAME = re.compile(r"ALTERNATIVE NAME\s+(\S+)")


def load(path: str | Path) -> Election:
    """Read a PrefLib ``.soi``/``.toi`` file (vectorised where the file is well formed)."""
    fast = _load_fast(path)
    if fast is not None:
        return fast
    return loads(read_text(path), path=path)


class _Header:
    """The ``# KEY: value`` lines, with the line each came from."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[str, int]] = {}
        self.names: dict[int, tuple[str, int]] = {}

    def add(self, key: str, value: str, *, path: str | Path, line: int) -> None:
        """Record one header line, rejecting repeats."""
        alt = _ALTERNATIVE_NAME.fullmatch(key)
        if alt:
            k = parse_int(alt[1], "alternative number", path=path, line=line, minimum=1)
            if k in self.names:
                raise FormatError(f"alternative {k} is named twice", path=path, line=line)
            self.names[k] = (value, line)
            return
        if key in self.values:
            raise FormatError(f"header {key!r} appears twice", path=path, line=line)
        self.values[key] = (value, line)

    def number(self, key: str, *, path: str | Path) -> tuple[int, int] | None:
        """Return a numeric header's value and line, if the header is present."""
        if key not in self.values:
            return None
        value, line = self.values[key]
        return parse_int(value, key.lower(), path=path, line=line), line


def _split_groups(body: str, *, path: str | Path, line: int) -> list[str]:
    """Split an order at the commas outside braces, so a brace group stays one piece."""
    groups: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in body:
        if ch == "{":
            if depth:
                raise FormatError("nested '{' in an order", path=path, line=line)
            depth = 1
        elif ch == "}":
            if not depth:
                raise FormatError("'}' without a matching '{'", path=path, line=line)
            depth = 0
        elif ch == "," and not depth:
            groups.append("".join(current))
            current = []
            continue
        current.append(ch)
    if depth:
        raise FormatError("'{' without a matching '}'", path=path, line=line)
    groups.append("".join(current))
    return groups


def _parse_order(
    body: str, ncand: int, *, ties: bool, path: str | Path, line: int
) -> tuple[Ranking, set[int]]:
    """Parse ``a,b,{c,d},e`` into ranks, checking each alternative appears once."""
    ranks: list[Rank] = []
    seen: set[int] = set()
    if not body.strip():
        return (), seen
    if "{" not in body and "}" not in body:
        groups = body.split(",")
    else:
        groups = _split_groups(body, path=path, line=line)
    for group in groups:
        g = group.strip()
        tied = g.startswith("{")
        if tied:
            if not ties:
                raise FormatError(
                    f"tied alternatives {g} in a file of strict orders", path=path, line=line
                )
            if not g.endswith("}"):
                raise FormatError(f"cannot read {g!r} in an order", path=path, line=line)
            g = g[1:-1]
        members: list[int] = []
        for tok in g.split(","):
            if not tok.strip():
                raise FormatError("empty place in an order", path=path, line=line)
            c = parse_int(tok.strip(), "alternative", path=path, line=line, minimum=1)
            if c > ncand:
                raise FormatError(f"alternative {c} out of range 1..{ncand}", path=path, line=line)
            if c - 1 in seen:
                raise FormatError(
                    f"alternative {c} appears twice in an order", path=path, line=line
                )
            seen.add(c - 1)
            members.append(c - 1)
        ranks.append(tuple(sorted(members)))
    return tuple(ranks), seen


def _header_lines(lines: list[str], *, path: str | Path) -> tuple[_Header, list[tuple[int, str]]]:
    """Split lines into the header and the order lines (with their line numbers)."""
    header = _Header()
    data: list[tuple[int, str]] = []
    for i, raw in enumerate(lines, start=1):
        s = raw.strip()
        if not s:
            continue
        if s.startswith("#"):
            if data:
                raise FormatError(
                    "header line after the orders began: the header must come first",
                    path=path,
                    line=i,
                )
            key, sep, value = s[1:].partition(":")
            # PrefLib header lines are all 'KEY: value'; anything else is a free comment.
            if sep:
                header.add(key.strip().upper(), value.strip(), path=path, line=i)
            continue
        data.append((i, s))
    return header, data


def _meta(header: _Header, *, path: str | Path) -> tuple[list[str], bool, bool]:
    """Check the header; return the alternatives' names and whether ties / complete orders."""
    dtype = header.values.get("DATA TYPE", ("", 0))[0].lower()
    if dtype and dtype not in _DATA_TYPES:
        raise FormatError(
            f"data type {dtype!r} is not an ordinal type (soi, toi, soc, toc)",
            path=path,
            line=header.values["DATA TYPE"][1],
        )
    if not dtype:
        suffix = Path(str(path)).suffix.lower().lstrip(".")
        dtype = suffix if suffix in _DATA_TYPES else "toi"
    ties = dtype.startswith("t")
    complete = dtype.endswith("c")

    declared = header.number("NUMBER ALTERNATIVES", path=path)
    if declared is None:
        if not header.names:
            raise FormatError(
                "no '# NUMBER ALTERNATIVES' or '# ALTERNATIVE NAME' header lines",
                path=path,
                line=1,
            )
        ncand, nline = max(header.names), header.names[max(header.names)][1]
    else:
        ncand, nline = declared
    if ncand < 1:
        raise FormatError("there must be at least one alternative", path=path, line=nline)
    for k, (_, line) in header.names.items():
        if k > ncand:
            raise FormatError(
                f"alternative {k} is named but there are only {ncand}", path=path, line=line
            )
    # Stop at the first gap: the declared count may be absurdly large.
    missing = next((k for k in range(1, ncand + 1) if k not in header.names), None)
    if missing is not None:
        raise FormatError(
            f"{ncand} alternatives but no '# ALTERNATIVE NAME {missing}' line",
            path=path,
            line=nline,
        )
    names = [header.names[k][0] for k in range(1, ncand + 1)]
    seen_names: dict[str, int] = {}
    for k in range(1, ncand + 1):
        name, line = header.names[k]
        if name in seen_names:
            raise FormatError(
                f"alternatives {seen_names[name]} and {k} are both called {name!r}",
                path=path,
                line=line,
            )
        seen_names[name] = k
    return names, ties, complete


def loads(text: str, *, path: str | Path = "<string>") -> Election:
    """Parse PrefLib ``soi``/``toi`` text; errors name ``path`` and the line."""
    lines = split_lines(text.lstrip("\ufeff"))
    header, data = _header_lines(lines, path=path)
    if not data and not header.values and not header.names:
        raise FormatError("file is empty", path=path, line=1)
    # The last line with text, not the empty string after a final newline.
    last = max(i for i, raw in enumerate(lines, start=1) if raw.strip())
    names, ties, complete = _meta(header, path=path)
    ncand = len(names)

    rankings: list[tuple[Ranking, int]] = []
    total = 0
    for i, s in data:
        count_text, sep, body = s.partition(":")
        if not sep:
            raise FormatError(
                f"order line must be '<count>: <order>', found {s!r}", path=path, line=i
            )
        count = parse_weight(count_text.strip(), "count", path=path, line=i)
        ranking, seen = _parse_order(body, ncand, ties=ties, path=path, line=i)
        if complete and len(seen) != ncand:
            raise FormatError(
                f"order ranks {len(seen)} of {ncand} alternatives in a file of complete orders",
                path=path,
                line=i,
            )
        rankings.append((ranking, count))
        total = add_papers(total, count, path=path, line=i)

    orders = header.number("NUMBER UNIQUE ORDERS", path=path)
    if orders is not None and orders[0] != len(rankings):
        raise FormatError(
            f"header promises {orders[0]} orders but the file has {len(rankings)}",
            path=path,
            line=last,
        )
    voters = header.number("NUMBER VOTERS", path=path)
    if voters is not None and voters[0] != total:
        raise FormatError(
            f"header promises {voters[0]} voters but the counts add up to {total}",
            path=path,
            line=voters[1],
        )
    title = header.values.get("TITLE", ("", 0))[0] or Path(str(path)).stem
    return Election.from_rankings(names, rankings, title=title, source=str(path))


_ORDER_CHARS = b"0123456789,:\n"
_COLON, _COMMA, _NEWLINE = ord(":"), ord(","), ord("\n")


def _load_fast(path: str | Path) -> Election | None:
    """Read a well-formed strict-order file with numpy; None sends it to :func:`loads`.

    Only ``<count>: a,b,c`` lines of digits are taken here; braces, signs, empty orders,
    repeats, out-of-range alternatives or a header that disagrees with the orders all go to
    the careful parser, which reads them or names the line at fault.
    """
    data = read_bytes(path)
    # A NUL byte anywhere is the careful parser's to name (it refuses the file).
    if data is None or not data.strip() or b"\x00" in data:
        return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    # The header is every line up to the first that is neither blank nor a comment.
    pos = 0
    head_lines: list[str] = []
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line = data[pos:end]
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
        try:
            head_lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            return None
        pos = end + 1
    region = data[pos:]
    if not region.strip() or b"#" in region:
        return None
    try:
        header, _ = _header_lines(head_lines, path=path)
        names, _ties, complete = _meta(header, path=path)
        orders = header.number("NUMBER UNIQUE ORDERS", path=path)
        voters = header.number("NUMBER VOTERS", path=path)
    except FormatError:
        return None
    ncand = len(names)
    parsed = _orders(region, ncand)
    if parsed is None:
        return None
    marks, counts = parsed
    if complete and bool((marks[:, -1] < 0).any()) | (marks.shape[1] != ncand):
        return None
    if orders is not None and orders[0] != counts.size:
        return None
    if voters is not None and voters[0] != int(counts.sum(dtype=object)):
        return None
    keep = counts > 0
    marks, counts = merged(marks[keep], counts[keep])
    title = header.values.get("TITLE", ("", 0))[0] or Path(str(path)).stem
    arrays = BallotArrays(marks, counts, distinct=True)
    return ArrayElection.create(names, arrays, title=title, source=str(path))


def _orders(region: bytes, ncand: int) -> tuple[Marks, IntArray] | None:
    """Parse ``<count>: a,b,c`` lines into (marks, counts), or None if any line is unusual."""
    # PrefLib writes one space after the colon and none elsewhere; anything else is unusual.
    region = region.replace(b": ", b":").rstrip(b"\n")
    # Deleting the allowed bytes leaves nothing: one C pass, cheaper than a table lookup.
    if region.translate(None, _ORDER_CHARS):
        return None
    buf = as_array(region)
    sep = (buf - np.uint8(48)) > 9  # everything but a digit wraps round above 9
    where = np.flatnonzero(sep)
    # Numbers and separators alternate: no two separators touch, none starts or ends the text.
    if sep[0] or sep[-1] or (where.size > 1 and bool((np.diff(where) == 1).any())):
        return None
    kinds = buf[where]
    # Each line is count ':' alternative (',' alternative)*: a colon opens every line.
    line_end = np.flatnonzero(kinds == _NEWLINE)
    colon = np.flatnonzero(kinds == _COLON)
    if colon.size != line_end.size + 1 or colon[0] != 0 or (colon[1:] != line_end + 1).any():
        return None
    values = split_digits(buf, where)
    if values is None:
        return None
    # Token i is a count when it opens a line: the first, or the one after a newline.
    first = np.empty(line_end.size + 1, dtype=np.int64)
    first[0] = 0
    first[1:] = line_end + 1
    counts = values[first]
    per_row = np.diff(first, append=values.size) - 1
    alt = np.ones(values.size, dtype=bool)
    alt[first] = False
    alternatives = values[alt]
    if alternatives.size == 0 or alternatives.min() < 1 or alternatives.max() > ncand:
        return None
    nrows = first.size
    rows = np.repeat(np.arange(nrows), per_row)
    offset = np.cumsum(per_row) - per_row
    cols = np.arange(alternatives.size) - np.repeat(offset, per_row)
    width = int(per_row.max())
    marks = np.full((nrows, width), PAD, dtype=index_dtype(ncand))
    marks[rows, cols] = alternatives - 1
    if has_repeats(marks, ncand, per_row):
        return None
    return marks, counts
