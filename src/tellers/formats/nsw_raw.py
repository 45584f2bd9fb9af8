"""The NSW Electoral Commission's preference data files: one zipped row per mark.

Each district of the 2023 NSW Legislative Assembly election is published as a zip holding one
tab-separated text file, ``SG2301 LA Pref Data <District>.txt``::

    District  PollingPlaceName  BPNumber  Formality  CandidateName  PrefMarking  PrefCounted
    Albury    Albury High       9996      Formal     CLANCY Justin  1           1

One row per mark on a ballot paper; a paper's rows are consecutive and share the polling place
and ``BPNumber``.  ``PrefMarking`` is what the voter wrote (``1``, ``x``, ``/``, ``99``, ...);
``PrefCounted`` is the preference the Commission counted from it, empty for a mark not counted.
This reader keeps the Commission's reading: a ``Formal`` paper's ranking is its counted
preferences in order (they must run 1, 2, ..., k, each for a different candidate); ``Informal``
papers (which never carry a counted preference) are left out, as the PrefLib copies of the same
election leave them out.  The candidates are every name in the file, sorted, as the PrefLib
copies list them; the title is the district.

Reading is columnar (pyarrow's CSV reader, streamed in blocks, so a district never needs its
text in memory whole); any row the fast path does not recognise sends the file to a careful
row-by-row parser, which reads it or raises a :class:`~tellers.errors.FormatError` naming the
line.
"""

from __future__ import annotations

import csv
import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from .. import limits as _limits
from .._arrays import (
    INT64_LIMIT,
    PAD,
    ArrayElection,
    BallotArrays,
    has_repeats,
    index_dtype,
    merge_rows,
)
from .._types import Ranking
from ..errors import FormatError
from ..model import Election
from . import _common
from ._arrow import binaries, bools, from_numpy, scalar, to_numpy
from ._common import check_file, split_lines

__all__ = ["COLUMNS", "load", "load_careful"]

#: The header every file starts with.
COLUMNS = (
    "District",
    "PollingPlaceName",
    "BPNumber",
    "Formality",
    "CandidateName",
    "PrefMarking",
    "PrefCounted",
)
_FORMAL, _INFORMAL = "Formal", "Informal"
#: Bytes of text parsed per block: large enough to keep both cores busy, small enough to stream.
_BLOCK = 1 << 22
#: A district's text up to this size is unzipped whole (faster); a larger one is streamed.
_WHOLE = 1 << 27


#: The most a member may inflate to per byte of the zip: the 2023 district files reach 18;
#: deflate itself can reach about 1,030.  Past it the file is refused before it is inflated.
MAX_RATIO = 200


def load(path: str | Path) -> Election:
    """Read one district's zipped preference file."""
    try:
        member = _member(path)
        with member as f:
            fast = _load_fast(f, path, member.info.file_size)
        if fast is not None:
            return fast
        return load_careful(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        # A bad CRC or corrupt deflate data is found only as the member is read.
        raise FormatError(f"the zip is damaged: {e}", path=path) from None
    except csv.Error as e:
        raise FormatError(f"cannot read the rows: {e}", path=path) from None


class _Member:
    """The one text file inside a district's zip, opened for reading as bytes."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        check_file(path)
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise FormatError("no such file", path=path) from None
        except IsADirectoryError:
            raise FormatError("is a directory, not a file", path=path) from None
        except zipfile.BadZipFile:
            raise FormatError("not a zip file", path=path) from None
        except OSError as e:
            raise FormatError(f"cannot read: {e.strerror}", path=path) from None
        members = [i for i in self.zip.infolist() if not i.is_dir()]
        if len(members) != 1:
            self.zip.close()
            raise FormatError(
                f"the zip must hold one preference file, not {len(members)}", path=path
            )
        self.info = members[0]
        inflated, packed = self.info.file_size, self.info.compress_size
        limit = _limits.current().max_bytes
        if inflated > limit or inflated > MAX_RATIO * packed + (1 << 20):
            self.zip.close()
            raise FormatError(
                f"{self.info.filename} would inflate to {inflated:,} bytes from {packed:,}: "
                f"past the limit of {limit:,} bytes (--max-bytes, or max_bytes= in Python) or "
                f"{MAX_RATIO} to 1",
                path=path,
            )

    def __enter__(self) -> IO[bytes]:
        try:
            self.file: IO[bytes] = self.zip.open(self.info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as e:
            self.zip.close()
            raise FormatError(f"cannot unzip {self.info.filename}: {e}", path=self.path) from None
        return self.file

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        self.zip.close()


def _member(path: str | Path) -> _Member:
    """Open the district file inside the zip at ``path``."""
    return _Member(path)


# --- the fast path ----------------------------------------------------------------------------


def _load_fast(f: IO[bytes], path: str | Path, size: int) -> Election | None:
    """Read the file with pyarrow; None when anything is unusual (the careful parser decides)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    # Binary, not strings or dictionaries: UTF-8 checks and hashing every row cost more
    # than the comparisons below, which touch each value once.
    text = pa.binary()
    # Without threads, a district read whole is parsed as one block: one batch to group.
    threads = _common.library_threads
    block = _BLOCK if threads or size > _WHOLE else max(_BLOCK, size + 1)
    read_options = pcsv.ReadOptions(block_size=block, use_threads=threads)
    parse_options = pcsv.ParseOptions(delimiter="\t", quote_char=False, double_quote=False)
    try:
        convert_options = pcsv.ConvertOptions(
            column_types={
                "District": text,
                "PollingPlaceName": text,
                "BPNumber": text,
                "Formality": text,
                "CandidateName": text,
                "PrefCounted": text,
            },
            # What the voter wrote is not needed: the Commission's reading is PrefCounted.
            include_columns=[c for c in COLUMNS if c != "PrefMarking"],
            strings_can_be_null=False,
        )
        if size <= _WHOLE:
            data = _inflate(path) or f.read()
            # A NUL byte anywhere is the careful parser's to name (it refuses the file).
            if not _is_header(data) or b"\x00" in data:
                return None
            table = pcsv.read_csv(
                pa.py_buffer(data),
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            return _from_batches(iter(table.to_batches()), path, pc)
        else:
            peek = getattr(f, "peek", None)
            if peek is None or not _is_header(peek(4096)):
                return None
            watched = _NulWatch(f)
            reader = pcsv.open_csv(
                watched,
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            election = _from_batches(iter(reader), path, pc)
            return None if watched.nul else election
    except (pa.ArrowInvalid, pa.ArrowKeyError, pa.ArrowTypeError, UnicodeDecodeError):
        return None


class _NulWatch(io.RawIOBase):
    """A stream passed through as it is read, noting whether it holds a NUL byte."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.nul = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.f.read(len(buffer))
        buffer[: len(data)] = data
        self.nul = self.nul or b"\x00" in data
        return len(data)


def _inflate(path: str | Path) -> bytes | None:
    """Unzip the one member with ISA-L's inflate (about twice zlib's speed), if installed.

    Returns None when ISA-L is missing or the member is not plainly deflated, and the caller
    unzips with :mod:`zipfile`.  The CRC is checked as :mod:`zipfile` checks it.
    """
    try:
        from isal import isal_zlib
    except ImportError:
        return None
    with open(path, "rb") as fh, zipfile.ZipFile(fh) as z:
        info = z.infolist()[0]
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            return None
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            return None
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        fh.seek(info.header_offset + 30 + name_len + extra_len)
        raw = fh.read(info.compress_size)
    try:
        # Never more than the member says it holds (checked against the limits on opening):
        # a stream that would inflate further is not the file its header describes.
        inflater = isal_zlib.decompressobj(wbits=-15)
        data: bytes = inflater.decompress(raw, info.file_size + 1)
    except Exception:  # ISA-L raises its own error type for corrupt data; zipfile decides
        return None
    # ISA-L's CRC is an order of magnitude faster than zlib's on 700 MB.
    if isal_zlib.crc32(data) != info.CRC or len(data) != info.file_size:
        return None
    return data


def _counted(column: Any) -> npt.NDArray[np.int64] | None:
    """Read PrefCounted cells: 1-99 written plainly, -1 for empty; None for anything else.

    The cells are read from the column's own buffers, digit by digit, so that exactly the
    spellings the careful parser accepts without question are taken here.
    """
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.null_count or column.offset:
        return None
    _, offsets_buf, data_buf = column.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=len(column) + 1)
    data = (
        np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    )
    start = offsets[:-1].astype(np.int64)
    length = np.diff(offsets)
    if length.size and int(length.max()) > 2:
        return None
    values = np.full(len(column), -1, dtype=np.int64)
    one = np.flatnonzero(length == 1)
    two = np.flatnonzero(length == 2)
    if one.size:
        d = data[start[one]].astype(np.int64) - 48
        if ((d < 1) | (d > 9)).any():
            return None
        values[one] = d
    if two.size:
        hi = data[start[two]].astype(np.int64) - 48
        lo = data[start[two] + 1].astype(np.int64) - 48
        if ((hi < 1) | (hi > 9) | (lo < 0) | (lo > 9)).any():
            return None
        values[two] = hi * 10 + lo
    return values


def _is_header(head: bytes) -> bool:
    """Return whether ``head`` starts with exactly the expected header line."""
    first, sep, _ = head[:4096].partition(b"\n")
    return bool(sep) and first.rstrip(b"\r") == "\t".join(COLUMNS).encode()


def _from_batches(batches: Iterator[Any], path: str | Path, pc: Any) -> Election | None:
    """Gather the counted marks of formal papers from every batch and build the election."""

    formal, informal = scalar(_FORMAL.encode()), scalar(_INFORMAL.encode())
    # Every non-empty CandidateName, numbered in order of first sight.
    names: dict[bytes, int] = {}
    district: bytes | None = None
    same_district: Any = None
    segs: list[npt.NDArray[np.int64]] = []
    prefs: list[npt.NDArray[np.int64]] = []
    cands: list[npt.NDArray[np.int64]] = []
    formal_papers = 0
    offset = 0
    last_place: bytes | None = None
    last_bp: bytes | None = None
    last_formal: bool | None = None
    # For the check that no paper's rows are split up: the polling place of each run of rows,
    # and each paper's BPNumber and whether it opens such a run.
    place_runs: list[bytes] = []
    opening_bp: list[Any] = []
    opening_run: list[npt.NDArray[np.bool_]] = []
    for batch in batches:
        n = batch.num_rows
        if n == 0:
            continue
        districts = batch.column(0)
        if district is None:
            district = districts[0].as_py()
            same_district = scalar(district)
        if not district or not pc.all(pc.equal(districts, same_district)).as_py():
            return None
        place = batch.column(1)
        bp = batch.column(2)
        formality = batch.column(3)
        is_formal = bools(pc.equal(formality, formal))
        # Informal papers are few: compare only the rows that are not Formal.
        rest = np.flatnonzero(~is_formal)
        if rest.size and not pc.all(pc.equal(formality.take(from_numpy(rest)), informal)).as_py():
            return None
        # A new paper starts where the polling place or the ballot-paper number changes.
        new_place = np.empty(n, dtype=bool)
        change = np.empty(n, dtype=bool)
        first_place = place[0].as_py()
        new_place[0] = first_place != last_place
        change[0] = bool(new_place[0]) or bp[0].as_py() != last_bp
        if n > 1:
            same_place = pc.equal(place.slice(1), place.slice(0, n - 1))
            np.logical_not(bools(same_place), out=new_place[1:])
            np.logical_not(bools(pc.equal(bp.slice(1), bp.slice(0, n - 1))), out=change[1:])
            change[1:] |= new_place[1:]
        last_place, last_bp = place[n - 1].as_py(), bp[n - 1].as_py()
        place_runs.extend(place.take(from_numpy(np.flatnonzero(new_place))).to_pylist())
        # A paper's rows must agree on its formality (the careful parser names the row).
        flips = np.empty(n, dtype=bool)
        flips[0] = last_formal is not None and bool(is_formal[0]) != last_formal
        np.not_equal(is_formal[1:], is_formal[:-1], out=flips[1:])
        if (flips & ~change).any():
            return None
        last_formal = bool(is_formal[-1])
        formal_papers += int(np.count_nonzero(change & is_formal))
        opening = np.flatnonzero(change)
        opening_bp.append(bp.take(from_numpy(opening)))
        opening_run.append(new_place[opening])
        seg = np.cumsum(change) + (offset - 1)
        offset = int(seg[-1]) + 1
        values = _counted(batch.column(5))
        if values is None:
            return None
        counted = values >= 0
        if (counted & ~is_formal).any():
            return None
        # Hashing the whole column once is cheaper than picking the counted rows first, and
        # its dictionary names every candidate, marked or not, as the careful parser lists them.
        encoded = pc.dictionary_encode(batch.column(4))
        table = np.array(
            [names.setdefault(v, len(names)) if v else -1 for v in encoded.dictionary.to_pylist()],
            dtype=np.int64,
        )
        rows = np.flatnonzero(counted)
        if rows.size:
            c = table[to_numpy(encoded.indices)[rows]]
            if (c < 0).any():
                return None  # a counted preference with no candidate named
            segs.append(seg[rows])
            prefs.append(values[rows])
            cands.append(c)
    if not segs or district is None:
        return None
    if not _papers_together(place_runs, opening_bp, opening_run, offset, pc):
        return None
    try:
        decoded = [k.decode("utf-8") for k in names]
        title = district.decode("utf-8")
    except UnicodeDecodeError:
        return None
    order = sorted(decoded)
    position = {name: i for i, name in enumerate(order)}
    remap = np.array([position[name] for name in decoded], dtype=np.int64)
    seg = np.concatenate(segs)
    pref = np.concatenate(prefs) - 1
    cand = remap[np.concatenate(cands)]
    # A formal paper's counted marks are consecutive rows: each run of one seg is a paper.
    new = np.empty(seg.size, dtype=bool)
    new[0] = True
    np.not_equal(seg[1:], seg[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    if starts.size != formal_papers:
        return None  # a formal paper without a counted preference: the careful parser decides
    per = np.diff(starts, append=seg.size)
    ncand = len(order)
    width = int(per.max())
    if int(pref.max()) < _BITS and ncand < _BITS and (ncand + 1) ** width < INT64_LIMIT:
        arrays = _merged_by_bits(starts, per, pref, cand, ncand, width)
    else:
        arrays = _merged_by_cells(new, per, pref, cand, ncand, width)
    if arrays is None:
        return None
    return ArrayElection.create(order, arrays, title=title, source=str(path))


#: Preferences and candidates below this many fit one bit each of a uint64.
_BITS = 63


def _papers_together(
    place_runs: list[bytes],
    opening_bp: list[Any],
    opening_run: list[npt.NDArray[np.bool_]],
    papers: int,
    pc: Any,
) -> bool:
    """Return whether every (polling place, BPNumber) opens one paper only.

    The careful parser joins rows of one key wherever they are, so a paper whose rows are not
    together would be read as two here.  Sorting numbers is far cheaper than hashing text, so
    a BPNumber of up to nine plain digits is keyed as a number with its length and its run of
    rows (each place listed once, so its run stands for it); only the rest (``INF_...``,
    ``BLANK_...``, or any place listed twice) are hashed as text.
    """
    import pyarrow as pa

    bps = pa.concat_arrays(opening_bp) if len(opening_bp) > 1 else opening_bp[0]
    runs = np.concatenate(opening_run)
    run_of = np.cumsum(runs) - 1
    numbered = None
    if len(set(place_runs)) == len(place_runs):
        numbered = _numbers(bps)
    if numbered is None:
        rest = np.arange(len(bps))
        distinct = 0
    else:
        is_number, length, number = numbered
        keys = (run_of[is_number] * 10 + length[is_number]) * 10**9 + number[is_number]
        # Papers come in rising runs of numbers: a merge sort is near linear on them, and
        # far cheaper than hashing.
        keys.sort(kind="stable")
        distinct = keys.size - int(np.count_nonzero(keys[1:] == keys[:-1]))
        rest = np.flatnonzero(~is_number)
    if rest.size:
        places = binaries(place_runs)
        joined = pc.binary_join_element_wise(
            places.take(from_numpy(run_of[rest])), bps.take(from_numpy(rest)), scalar(b"\t")
        )
        distinct += pc.count_distinct(joined).as_py()
    return bool(distinct == papers)


def _numbers(
    column: Any,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    """Return which values are 1-9 plain digits, every value's length, and those numbers.

    None if the column's buffers are not the plain layout.
    """
    if column.null_count or column.offset:
        return None
    _, offsets_buf, data_buf = column.buffers()
    if data_buf is None:
        return None
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=len(column) + 1).astype(np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8, count=int(offsets[-1]))
    start = offsets[:-1]
    length = np.diff(offsets)
    # Non-digit bytes per value, from a running count: empty values need no special case.
    other = np.zeros(data.size + 1, dtype=np.int32)
    np.cumsum((data - np.uint8(48)) > 9, out=other[1:])
    is_number = (other[offsets[1:]] == other[start]) & (length >= 1) & (length <= 9)
    at = start[is_number]
    left = length[is_number]
    value = data[at].astype(np.int64) - 48
    for k in range(1, int(left.max()) if left.size else 0):
        more = left > k
        value = np.where(more, value * 10 + data[np.where(more, at + k, at)] - 48, value)
    number = np.zeros(len(column), dtype=np.int64)
    number[is_number] = value
    return is_number, length, number


def _merged_by_bits(
    starts: npt.NDArray[np.intp],
    per: npt.NDArray[np.intp],
    pref: npt.NDArray[np.int64],
    cand: npt.NDArray[np.int64],
    ncand: int,
    width: int,
) -> BallotArrays | None:
    """Check and merge papers with one bit per preference and per candidate; None if bad.

    A paper of k counted marks whose preference bits fill exactly the k lowest bits has each
    of 1..k once, and one whose candidate bits number k names no candidate twice: two
    reductions over the marks instead of a papers x ranks table.  Identical papers are merged
    on one integer each, the marks as digits in base ncand + 1 (0 for no mark).
    """
    import pyarrow.compute as pc

    one = np.uint64(1)
    if ncand < 32 and int(pref.max()) < 32:
        # Both bit sets in one word, one reduction: preferences low, candidates high.
        both = np.left_shift(one, pref.astype(np.uint64)) | np.left_shift(
            one, cand.astype(np.uint64) + np.uint64(32)
        )
        joined = np.bitwise_or.reduceat(both, starts)
        filled = joined & np.uint64(0xFFFFFFFF)
        named = joined >> np.uint64(32)
    else:
        filled = np.bitwise_or.reduceat(np.left_shift(one, pref.astype(np.uint64)), starts)
        named = np.bitwise_or.reduceat(np.left_shift(one, cand.astype(np.uint64)), starts)
    if (filled != np.left_shift(one, per.astype(np.uint64)) - one).any():
        return None
    if (np.bitwise_count(named) != per).any():
        return None
    base = ncand + 1
    digit = np.power(base, np.arange(width, dtype=np.int64))
    keys = np.add.reduceat((cand + 1) * digit[pref], starts)
    # Hashing numbers the distinct papers in order of first sight, as merge_rows orders them.
    encoded = pc.dictionary_encode(from_numpy(keys))
    distinct = to_numpy(encoded.dictionary)
    weights = np.bincount(to_numpy(encoded.indices), minlength=distinct.size).astype(np.int64)
    marks = np.empty((distinct.size, width), dtype=index_dtype(ncand))
    for j in range(width):
        d = (distinct // digit[j]) % base
        marks[:, j] = np.where(d > 0, d - 1, PAD)
    return BallotArrays(marks, weights, distinct=True)


def _merged_by_cells(
    new: npt.NDArray[np.bool_],
    per: npt.NDArray[np.intp],
    pref: npt.NDArray[np.int64],
    cand: npt.NDArray[np.int64],
    ncand: int,
    width: int,
) -> BallotArrays | None:
    """Check and merge papers through a papers x ranks table (any number of candidates)."""
    ballot = np.cumsum(new) - 1
    nballots = per.size
    if int(pref.max()) >= width or (pref >= per[ballot]).any():
        return None
    # Papers whose counted preferences are exactly 1..k, each once: every cell filled once.
    cell = ballot * width + pref
    if np.bincount(cell, minlength=nballots * width).max() > 1:
        return None
    marks = np.full((nballots, width), PAD, dtype=index_dtype(ncand))
    marks[ballot, pref] = cand
    if has_repeats(marks, ncand, per):
        return None
    marks, weights = merge_rows(marks, np.ones(nballots, dtype=np.int64))
    return BallotArrays(marks, weights, distinct=True)


# --- the careful parser -----------------------------------------------------------------------


def load_careful(path: str | Path) -> Election:
    """Read the file row by row, checking every row; errors name the line."""
    with _member(path) as raw:
        data = raw.read()
    # The careful parser runs on files the fast path refused, so it may hold the whole text.
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, start + e.start) + 1
        raise FormatError(f"not valid UTF-8: {e.reason}", path=path, line=line) from None
    lines = split_lines(text)
    if "\x00" in text:
        raise FormatError(
            "contains a NUL byte: not a text file",
            path=path,
            line=len(split_lines(text[: text.index("\x00")])),
        )
    return _parse_rows(
        enumerate(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), start=1), path
    )


class _Paper:
    """One ballot paper as its rows are read."""

    __slots__ = ("formal", "line", "marks")

    def __init__(self, formal: bool, line: int) -> None:
        self.formal = formal
        self.line = line
        self.marks: dict[int, str] = {}


def _parse_rows(rows: Iterator[tuple[int, list[str]]], path: str | Path) -> Election:
    """Group the rows into papers and check them."""
    _, header = next(rows, (1, []))
    if not header or not any(h.strip() for h in header):
        raise FormatError("file is empty or has no header", path=path, line=1)
    if tuple(h.strip() for h in header) != COLUMNS:
        raise FormatError(
            f"the header must be {' '.join(COLUMNS)} (tab-separated), found {header!r}",
            path=path,
            line=1,
        )
    district = ""
    papers: dict[tuple[str, str], _Paper] = {}
    names: set[str] = set()
    for line, row in rows:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(COLUMNS):
            raise FormatError(
                f"row has {len(row)} fields, not {len(COLUMNS)}", path=path, line=line
            )
        dist, place, bp, formality, name, _marking, counted = row
        if not dist:
            raise FormatError("empty District", path=path, line=line)
        if district and dist != district:
            raise FormatError(
                f"row for district {dist!r} in the file for {district!r}", path=path, line=line
            )
        district = dist
        if formality not in (_FORMAL, _INFORMAL):
            raise FormatError(
                f"Formality must be {_FORMAL} or {_INFORMAL}, not {formality!r}",
                path=path,
                line=line,
            )
        formal = formality == _FORMAL
        if name:
            names.add(name)
        key = (place, bp)
        paper = papers.get(key)
        if paper is None:
            paper = papers[key] = _Paper(formal, line)
        elif paper.formal != formal:
            raise FormatError(
                f"ballot paper {bp} at {place!r} has both formal and informal rows",
                path=path,
                line=line,
            )
        if not counted:
            continue
        # Only ASCII digits: str.isdigit also takes superscripts, which int() refuses.
        if len(counted) > 9 and counted.isascii() and counted.isdigit():
            # Beyond any number of candidates, and int() refuses over 4,300 digits.
            raise FormatError(
                f"PrefCounted {counted[:12]}... ({len(counted)} digits) is too large",
                path=path,
                line=line,
            )
        if not (counted.isascii() and counted.isdigit()) or int(counted) < 1:
            raise FormatError(
                f"PrefCounted {counted!r} is not a positive whole number", path=path, line=line
            )
        if not formal:
            raise FormatError(
                "an informal ballot paper has a counted preference", path=path, line=line
            )
        if not name:
            raise FormatError("a counted preference with no CandidateName", path=path, line=line)
        p = int(counted)
        if p in paper.marks:
            raise FormatError(
                f"ballot paper {bp} has preference {p} counted twice", path=path, line=line
            )
        if name in paper.marks.values():
            raise FormatError(
                f"ballot paper {bp} counts two preferences for {name!r}", path=path, line=line
            )
        paper.marks[p] = name
    if not district:
        raise FormatError("no rows after the header", path=path, line=1)
    order = sorted(names)
    index = {n: i for i, n in enumerate(order)}
    rankings: list[tuple[Ranking, int]] = []
    for key, paper in papers.items():
        if not paper.formal:
            continue
        k = len(paper.marks)
        if set(paper.marks) != set(range(1, k + 1)):
            missing = min(set(range(1, k + 1)) - set(paper.marks))
            raise FormatError(
                f"ballot paper {key[1]} counts preferences {sorted(paper.marks)}: "
                f"preference {missing} is missing",
                path=path,
                line=paper.line,
            )
        rankings.append((tuple((index[paper.marks[p]],) for p in range(1, k + 1)), 1))
    return Election.from_rankings(order, rankings, title=district, source=str(path))
