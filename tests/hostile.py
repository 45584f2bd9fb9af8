"""A corpus of hostile and malformed ballot files, made by code (issue 15, build item 6).

:func:`corpus` writes every case into a folder and returns ``(name, path, format)`` triples;
``tests/test_hostile_corpus.py`` reads and counts each in a memory-limited subprocess and
checks that the only outcomes are a result or a :class:`tellers.TellersError`.  Nothing here is
copied from elsewhere: each case is a few lines that say what it attacks.
"""

from __future__ import annotations

import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

BIG = 2**63  # one more than the largest int64


def _blt(cands: list[str], ballots: list[str], seats: int = 1, head: str = "") -> str:
    head = head or f"{len(cands)} {seats}"
    names = "\n".join(json.dumps(c) for c in cands)
    return f"{head}\n" + "".join(b + "\n" for b in ballots) + f'0\n{names}\n"T"\n'


def _dat(cands: list[str], lines: list[str], valid: int, seats: int = 1) -> str:
    body = "".join(x + "\n" for x in lines)
    return f"1 Ward\n{seats} {len(cands)} {len(lines)} {valid}\n" + "\n".join(cands) + "\n" + body


def _soi(cands: list[str], orders: list[tuple[int, str]]) -> str:
    out = ["# FILE NAME: x.soi", "# DATA TYPE: soi", f"# NUMBER ALTERNATIVES: {len(cands)}"]
    out += [f"# ALTERNATIVE NAME {i}: {c}" for i, c in enumerate(cands, 1)]
    voters = sum(n for n, _ in orders)
    out += [f"# NUMBER VOTERS: {voters}", f"# NUMBER UNIQUE ORDERS: {len(orders)}"]
    out += [f"{n}: {o}" for n, o in orders]
    return "\n".join(out) + "\n"


def _csv(rows: list[list[str]], width: int = 2) -> str:
    head = ",".join(f"rank{i}" for i in range(1, width + 1)) + ",count"
    return head + "\n" + "".join(",".join(r) + "\n" for r in rows)


def _json(cands: list[object], ballots: list[object], **extra: object) -> str:
    return json.dumps({"candidates": cands, "ballots": ballots, **extra}, ensure_ascii=False)


_NSW_HEAD = (
    "District\tPollingPlaceName\tBPNumber\tFormality\tCandidateName\tPrefMarking\tPrefCounted"
)


def _nsw_rows(papers: list[list[str]] | None = None) -> str:
    """One row per mark: each paper's names in preference order, counted 1, 2, ..."""
    papers = papers or [["ANN Ann", "BEN Ben"], ["BEN Ben", "ANN Ann"], ["ANN Ann"]]
    rows = [_NSW_HEAD]
    for n, names in enumerate(papers, 1):
        rows += [f"Ward\tHall\t{n}\tFormal\t{c}\t{k}\t{k}" for k, c in enumerate(names, 1)]
    return "\n".join(rows) + "\n"


def _zip(path: Path, text: bytes, *, tamper: Callable[[bytearray], None] | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Ward.txt", text)
    if tamper is not None:
        data = bytearray(path.read_bytes())
        tamper(data)
        path.write_bytes(bytes(data))


def _bad_crc(data: bytearray) -> None:
    # The CRC sits at offset 14 of the local header and 16 of the central directory entry.
    central = data.rfind(b"PK\x01\x02")
    for at in (14, central + 16):
        data[at] ^= 0xFF


def _corrupt_deflate(data: bytearray) -> None:
    name_len = struct.unpack("<H", data[26:28])[0]
    start = 30 + name_len
    for i in range(start + 2, start + 12):
        data[i] ^= 0x5A


def _bomb(path: Path, size: int = 1 << 28) -> None:
    """A zip whose one member inflates to ``size`` bytes of digits (about 1,000 to 1)."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("Ward.txt", "w", force_zip64=True) as f,
    ):
        f.write((_NSW_HEAD + "\n").encode())
        chunk = b"1" * (1 << 24)
        for _ in range(size >> 24):
            f.write(chunk)


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {}


def case(name: str, fmt: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(make: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES[name] = (fmt, make)
        return make

    return register


def _text(name: str, fmt: str, text: str | bytes) -> None:
    def make(path: Path) -> None:
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(text)

    CASES[name] = (fmt, make)


SUFFIX = {"blt": ".blt", "dat": ".dat", "soi": ".soi", "csv": ".csv", "json": ".json"}
SUFFIX.update({"nsw-raw": ".zip", "rulebook": ".toml", "rctab": ".json"})

# --- weights and totals past what the arithmetic holds ----------------------------------------
_text("blt-weight-2^63", "blt", _blt(["A", "B"], [f"{BIG} 1 2 0", "3 2 0"]))
_text("blt-total-2^63", "blt", _blt(["A", "B"], [f"{BIG // 2} 1 2 0", f"{BIG // 2} 2 0"]))
_text("dat-weight-2^63", "dat", _dat(["A", "B"], [f"{BIG} 1 2"], BIG))
_text("dat-total-2^63", "dat", _dat(["A", "B"], [f"{BIG // 2} 1 2", f"{BIG // 2} 2 1"], BIG))
_text("soi-weight-2^63", "soi", _soi(["A", "B"], [(BIG, "1,2")]))
_text("soi-total-2^63", "soi", _soi(["A", "B"], [(BIG // 2, "1,2"), (BIG // 2, "2,1")]))
_text("csv-weight-2^63", "csv", _csv([["A", "B", str(BIG)]]))
_text("csv-total-2^63", "csv", _csv([["A", "B", str(BIG // 2)], ["B", "A", str(BIG // 2)]]))
_text("json-weight-2^63", "json", _json(["A", "B"], [{"ranking": ["A", "B"], "count": BIG}]))
_text(
    "json-total-2^63",
    "json",
    _json(
        ["A", "B"], [{"ranking": ["A"], "count": BIG // 2}, {"ranking": ["B"], "count": BIG // 2}]
    ),
)
_text("blt-weight-10^30", "blt", _blt(["A", "B"], [f"{10**30} 1 2 0"]))

# --- candidates: how many, how long, blank, alike ---------------------------------------------
_MANY = [f"C{i}" for i in range(2000)]
_text("csv-2000-candidates", "csv", _csv([[c, _MANY[-1 - i], "1"] for i, c in enumerate(_MANY)]))
_text("blt-2000-candidates", "blt", _blt(_MANY, ["1 1 2 0", "1 2 1 0"]))
_text("json-2000-candidates", "json", _json(_MANY, [{"ranking": ["C0"]}]))
_text("soi-2000-candidates", "soi", _soi(_MANY, [(1, "1,2")]))
_LONG = "N" * 200_000
_text("blt-long-name", "blt", _blt([_LONG, "B"], ["2 1 2 0", "1 2 0"]))
_text("json-long-name", "json", _json([_LONG, "B"], [{"ranking": [_LONG]}, {"ranking": ["B"]}]))
_text("csv-long-name", "csv", _csv([[_LONG, "B", "2"], ["B", _LONG, "1"]]))
_text("blt-blank-name", "blt", _blt(["A", "", "C"], ["3 1 2 0", "2 3 0", "1 2 0"]))
_text("blt-space-name", "blt", _blt(["A", "   ", "C"], ["3 1 2 0", "2 3 0", "1 2 0"]))
_text(
    "json-blank-name",
    "json",
    _json(
        ["A", "", "C"],
        [{"ranking": ["A"], "count": 3}, {"ranking": ["C"], "count": 2}, {"ranking": [""]}],
    ),
)
_text(
    "dat-blank-name",
    "dat",
    _dat(["A, Red", ", Blue", "C, Green"], ["3 1 2 0", "2 0 0 1", "1 0 1 0"], 6),
)
_text("blt-alike-names", "blt", _blt(["A", "a", "A "], ["3 1 2 0", "2 2 3 0", "1 3 0"]))
_text(
    "json-lone-surrogate",
    "json",
    '{"candidates": ["A\\ud800", "B"], "ballots": [{"ranking": ["B"]}]}',
)
_text("json-lone-surrogate-key", "json", '{"candidates": ["A", "B"], "\\udc00": 1, "ballots": []}')
_text("blt-markup-name", "blt", _blt(["A [/]", "[red]B", ":x:"], ["2 1 0", "2 2 0", "1 3 0"]))
_text("blt-formula-name", "blt", _blt(['=HYPERLINK("x")', "+B", "-C", "@D"], ["2 1 0", "1 2 0"]))
_text(
    "dat-same-name-two-parties",
    "dat",
    _dat(
        ["John Smith, Red", "John Smith, Blue", "Ann, Green"], ["3 1 2 0", "2 2 1 0", "1 0 0 1"], 6
    ),
)

# --- the same candidate twice on one paper ----------------------------------------------------
_text("blt-twice", "blt", _blt(["A", "B"], ["2 1 1 2 0", "1 2 0"]))
_text("csv-twice", "csv", _csv([["A", "A", "2"], ["B", "", "1"]]))
_text(
    "json-twice",
    "json",
    _json(["A", "B"], [{"ranking": ["A", "A"], "count": 2}, {"ranking": ["B"]}]),
)
_text("soi-twice", "soi", _soi(["A", "B"], [(2, "1,1"), (1, "2")]))

# --- elections a returning officer refuses ----------------------------------------------------
_text("blt-empty-box", "blt", _blt(["A", "B"], []))
_text("blt-blank-papers", "blt", _blt(["A", "B"], ["5 0"]))
_text("blt-more-seats", "blt", _blt(["A", "B"], ["2 1 2 0"], seats=3))
_text("blt-all-withdrawn", "blt", _blt(["A", "B"], ["2 1 2 0"], head="2 1\n-1 -2"))
_text(
    "dat-void-duplicate-rank",
    "dat",
    _dat(["A, Red", "B, Blue", "C, Green"], ["4 1 2 0", "3 0 1 2", "2 1 1 0", "1 0 0 0"], 10),
)

# --- nesting and size in JSON -----------------------------------------------------------------
_text("json-deep-nesting", "json", '{"candidates": ' + "[" * 100_000 + "]" * 100_000 + "}")
_text(
    "json-deep-ranking",
    "json",
    '{"candidates": ["A"], "ballots": [{"ranking": ' + "[" * 5000 + "]" * 5000 + "}]}",
)
_text(
    "json-10mb-string",
    "json",
    '{"title": "' + "x" * 10_000_000 + '", "candidates": ["A"], "ballots": []}',
)
_text(
    "json-10mb-escapes",
    "json",
    '{"title": "' + "\\u0041" * 1_500_000 + '", "candidates": ["A"], "ballots": []}',
)
_text(
    "json-huge-number",
    "json",
    '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "count": 1' + "0" * 100_000 + "}]}",
)


# --- NSW zips ---------------------------------------------------------------------------------
@case("nsw-bad-crc", "nsw-raw")
def _nsw_bad_crc(path: Path) -> None:
    _zip(path, _nsw_rows().encode(), tamper=_bad_crc)


@case("nsw-corrupt-deflate", "nsw-raw")
def _nsw_corrupt(path: Path) -> None:
    _zip(path, (_nsw_rows() * 50).encode(), tamper=_corrupt_deflate)


@case("nsw-overlong-field", "nsw-raw")
def _nsw_overlong(path: Path) -> None:
    # A mark of 300,000 characters: past the csv module's field limit of 131,072.
    text = _nsw_rows().replace("\t1\t1\n", "\t1" + "X" * 300_000 + "\t1\n", 1)
    _zip(path, text.encode())


@case("nsw-bomb", "nsw-raw")
def _nsw_bomb(path: Path) -> None:
    _bomb(path)


@case("nsw-twice", "nsw-raw")
def _nsw_twice(path: Path) -> None:
    _zip(path, _nsw_rows([["ANN Ann", "ANN Ann"], ["BEN Ben"]]).encode())


def corpus(folder: Path) -> list[tuple[str, Path, str]]:
    """Write every case into ``folder``; return (name, path, format) for each."""
    out = []
    for name, (fmt, make) in CASES.items():
        path = folder / (name + SUFFIX[fmt])
        make(path)
        out.append((name, path, fmt))
    return out
