"""Fuzz every reader: whatever the bytes, the answer is an Election or a located FormatError."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellers import limits
from tellers.errors import FormatError
from tellers.formats import (
    FORMATS,
    check_election,
    csv_ranks,
    json_ballots,
    mollison,
    nsw_raw,
    preflib,
    read,
)
from tellers.formats._common import read_text, split_lines
from tellers.model import Election

# Many generated files through every reader: seconds; not in scripts/test --fast.
pytestmark = pytest.mark.slow

#: One valid file per format, using as many of its features as fit.
SEEDS: dict[str, str] = {
    "blt": '''\
3 2
[tie 3 2 1]
-3
4 1 2=3 0
2 3 - 1 0
(b1) 1 2 0
0
"A ""x"""
"B" "P"
"C"
"Title"
"Source"
''',
    "dat": """\
3 Ward Three
2 3 4 10
Ann ONE, Lab
"Bob TWO" "Green"
Cat THREE, SNP
4 1 2 0
3 0 1 2
2 2 1 3
1 1 1 0
""",
    "soi": """\
# FILE NAME: f.soi
# TITLE: T
# DATA TYPE: soi
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: 10
# NUMBER UNIQUE ORDERS: 3
# ALTERNATIVE NAME 1: A
# ALTERNATIVE NAME 2: B
# ALTERNATIVE NAME 3: C
5: 1,2,3
3: 2
2: 3,1
""",
    "toi": """\
# TITLE: T
# DATA TYPE: toi
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: 10
# NUMBER UNIQUE ORDERS: 3
# ALTERNATIVE NAME 1: A
# ALTERNATIVE NAME 2: B
# ALTERNATIVE NAME 3: C
5: 1,{2,3}
3: 2
2: {3,1},2
""",
    "irish": """\
No.,FF,FG,FF,LB
1,1,,2,
2,,1,,2
3,2,,1,3
4,1,1,,3
""",
    "csv": """\
rank1,rank2,rank3,count
Alice,Bob,,3
Bob=Carol,,Alice,2
"Smith, J",,,1
""",
    "json": """\
{
  "title": "T",
  "seats": 2,
  "options": {"tie": "1 2"},
  "candidates": [{"name": "A", "party": "P"}, {"name": "B", "withdrawn": true}, "C"],
  "ballots": [
    {"ranking": [["A"], ["B", "C"], []], "count": 3},
    {"ranking": ["C", "A"]}
  ]
}
""",
}

SEEDS["nsw-raw"] = (
    "District\tPollingPlaceName\tBPNumber\tFormality\tCandidateName\tPrefMarking\tPrefCounted\r\n"
    "Wye\tHall\t1\tFormal\tB Bo\t1\t1\r\n"
    "Wye\tHall\t1\tFormal\tA Al\t2\t2\r\n"
    "Wye\tHall\t1\tFormal\tC Cy\tx\t\r\n"
    "Wye\tHall\t2\tFormal\tA Al\t1\t1\r\n"
    "Wye\tHall\tINF_3\tInformal\tC Cy\tx\t\r\n"
    "Wye\tHall\tINF_4\tInformal\t\t\t\r\n"
    "Wye\tPostal\t1\tFormal\tC Cy\t1\t1\r\n"
)

SUFFIX = {"irish": ".csv", "csv": ".csv", "nsw-raw": ".zip"}


def _write(path: Path, fmt: str, data: bytes) -> None:
    """Write a test file; the NSW format is zipped, as the Commission publishes it."""
    if fmt != "nsw-raw":
        path.write_bytes(data)
        return
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("SG2301 LA Pref Data Wye.txt", data)


def _careful(path: Path, fmt: str) -> Election:
    """Read with the careful parser only, never the vectorised path."""
    if fmt == "nsw-raw":
        return nsw_raw.load_careful(path)
    loads = {
        "soi": preflib.loads,
        "toi": preflib.loads,
        "dat": mollison.loads,
        "csv": csv_ranks.loads,
        "json": json_ballots.loads,
    }[fmt]
    return loads(read_text(path), path=path)


def _same_election(a: Election, b: Election) -> None:
    """Assert two elections hold the same candidates, ballots, seats and title."""
    assert (a.candidates, a.ballots, a.seats, a.title) == (
        b.candidates,
        b.ballots,
        b.seats,
        b.title,
    )
    assert a.total_weight == b.total_weight


#: Formats with a vectorised fast path, checked against their careful parsers.
FAST = ("soi", "toi", "dat", "nsw-raw", "csv", "json")

#: Tokens that sit on the edges of the formats' grammars.
TOKENS = [
    "", "0", "1", "2", "3", "-1", "-", "99", "9" * 30, "9" * 5000, "x", "=", "1=2", ",", ":",
    "{", "}", "{1,2}", "[", "]", "[]", '"', '""', "#", "(", ")", "null", "true", "1.5", "1e9",
    "\ufeff", "\r", "\n", " ", "\t", "é", "count", "weight", "rank1", "rank3", "No.",
    "# NUMBER ALTERNATIVES: 9", "# ALTERNATIVE NAME 1: A", "[nick a b c]", "[withdrawn 9]",
]  # fmt: skip

_SEPARATORS = re.compile(r"([\s,:=\[\]{}\"()]+)")

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def near_valid(draw: st.DrawFn, fmt: str) -> bytes:
    """Return a format's seed file with a few lines deleted, duplicated, swapped or mutated."""
    lines = SEEDS[fmt].split("\n")
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "cut", "mutate", "insert"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut":
            # The file stops part-way through line i.
            lines = [*lines[:i], lines[i][: draw(st.integers(0, len(lines[i])))]]
        else:
            parts = _SEPARATORS.split(lines[i])
            k = draw(st.integers(0, len(parts) - 1))
            tok = draw(st.sampled_from(TOKENS) | st.text(max_size=4))
            if op == "mutate":
                parts[k] = tok
            else:
                parts.insert(k, tok)
            lines[i] = "".join(parts)
    return "\n".join(lines).encode("utf-8")


def _check(tmp_path: Path, fmt: str, data: bytes) -> None:
    """Read ``data`` as ``fmt``; it must give an Election or a FormatError on a real line."""
    path = tmp_path / f"fuzz{SUFFIX.get(fmt, '.' + fmt)}"
    _write(path, fmt, data)
    try:
        election = read(path, fmt)
    except FormatError as err:
        if err.line is None:
            # A check of the whole election (check_election: names, counts, limits) names the
            # file and the candidate, not a line; the careful parser's election fails it too.
            if fmt in FAST:
                with pytest.raises(FormatError):
                    check_election(_careful(path, fmt), path, limits.current())
            assert err.path == str(path)
            return
        if fmt in FAST:
            # The vectorised path must never accept what the careful parser rejects.
            with pytest.raises(FormatError):
                _careful(path, fmt)
        assert err.path == str(path)
        assert err.line is not None
        nlines = len(split_lines(data.decode("utf-8", "replace")))
        assert 1 <= err.line <= nlines, f"line {err.line} of {nlines}: {err}"
        return
    assert isinstance(election, Election)
    if fmt in FAST:
        _same_election(election, _careful(path, fmt))
    # Whatever a reader accepts, the JSON writer must be able to carry exactly.
    again = json_ballots.loads(json_ballots.dumps(election))
    assert (again.candidates, again.ballots) == (election.candidates, election.ballots)
    assert (again.seats, again.title) == (election.seats, election.title)
    assert dict(again.options) == dict(election.options)
    assert again.tie_order == election.tie_order


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_seeds_are_valid(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"seed{SUFFIX.get(fmt, '.' + fmt)}"
    _write(path, fmt, SEEDS[fmt].encode("utf-8"))
    assert read(path, fmt).total_weight > 0


def test_every_format_has_a_seed() -> None:
    assert set(SEEDS) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@SETTINGS
@given(data=st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
def test_random_bytes(tmp_path: Path, fmt: str, data: bytes) -> None:
    _check(tmp_path, fmt, data)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@SETTINGS
@given(data=st.data())
def test_near_valid_files(tmp_path: Path, fmt: str, data: st.DataObject) -> None:
    _check(tmp_path, fmt, data.draw(near_valid(fmt)))


@pytest.mark.parametrize("fmt", FAST)
@pytest.mark.parametrize("where", ["first line", "last line"])
def test_a_nul_byte_is_refused_by_fast_and_careful_paths_alike(
    tmp_path: Path, fmt: str, where: str
) -> None:
    # Found by test_near_valid_files: a NUL inside a PrefLib comment line passed the fast path.
    lines = SEEDS[fmt].rstrip("\n").split("\n")
    i = 0 if where == "first line" else len(lines) - 1
    lines[i] = lines[i][:1] + "\x00" + lines[i][1:]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = tmp_path / f"nul{SUFFIX.get(fmt, '.' + fmt)}"
    _write(path, fmt, data)
    with pytest.raises(FormatError, match="NUL") as err:
        read(path, fmt)
    assert err.value.line == i + 1
    _check(tmp_path, fmt, data)
