"""Plain rank CSV reader and writer: hand-checked files, round trips, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellers.errors import FormatError, InputError
from tellers.formats import csv_ranks, read
from tellers.model import Ballot, Candidate, Election

from ._helpers import fails_at, put, shared

SIMPLE = """\
rank1,rank2,rank3,count
Alice,Bob,,3
Bob=Carol,,Alice,2
Alice,Bob,,1
,Dave,,1
Carol,,,0
"""


def test_simple_file(tmp_path: Path) -> None:
    e = csv_ranks.load(put(tmp_path, "club.csv", SIMPLE))
    assert e.title == "club"
    assert e.seats is None
    # First-seen order: Alice, Bob (row 1), Carol (row 2), Dave (row 4).
    assert e.names == ("Alice", "Bob", "Carol", "Dave")
    assert e.ballots == (
        Ballot(((0,), (1,)), 4),  # rows 1 and 3 merged; the trailing empty rank dropped
        Ballot(((1, 2), (), (0,)), 2),
        Ballot(((), (3,)), 1),
        # Carol's zero-count row is dropped but she is still a candidate.
    )


def test_without_count_and_with_weight(tmp_path: Path) -> None:
    plain = csv_ranks.load(put(tmp_path, "a.csv", "rank1,rank2\nA,B\nA,B\nB,\n"))
    assert plain.ballots == (Ballot(((0,), (1,)), 2), Ballot(((1,),), 1))
    weighted = csv_ranks.load(put(tmp_path, "b.csv", "Weight, Rank1 ,RANK2\n2,A,B\n1,B,\n"))
    assert weighted.ballots == plain.ballots


def test_quoted_names(tmp_path: Path) -> None:
    e = csv_ranks.load(put(tmp_path, "q.csv", 'rank1,rank2\n"Smith, Jo","Say ""Hi"""\n'))
    assert e.names == ("Smith, Jo", 'Say "Hi"')


def test_suffix_sniffing(tmp_path: Path) -> None:
    assert read(put(tmp_path, "s.csv", SIMPLE)).names[0] == "Alice"
    assert read(put(tmp_path, "t.csv", "\ufeff\nrank1\nA\n")).names == ("A",)


def test_round_trip(tmp_path: Path) -> None:
    e = Election.from_rankings(
        ["Ann", "Bo, Jr", 'Cy "C"', "Di"],
        [
            (((0,), (1,), (2,)), 5),
            (((1, 2), (), (3,)), 2),
            (((3,),), 1),
            ((), 4),
        ],
        title="t",
    )
    path = tmp_path / "t.csv"
    csv_ranks.write(e, path)
    assert path.read_text(encoding="utf-8").splitlines()[:2] == [
        "rank1,rank2,rank3,count",
        'Ann,"Bo, Jr","Cy ""C""",5',
    ]
    again = csv_ranks.load(path)
    assert again.candidates == e.candidates
    assert again.ballots == e.ballots
    assert again.title == "t"


@pytest.mark.shared_data
def test_round_trip_of_a_real_election() -> None:
    e = read(shared("droop", "blt", "meek", "eq2.blt"))
    again = csv_ranks.loads(csv_ranks.dumps(e))
    assert again.names == e.names
    assert again.ballots == e.ballots


@pytest.mark.parametrize("name", ["", " A", "A=B", "A\nB"])
def test_writer_refuses_unwritable_names(name: str) -> None:
    e = Election.from_rankings([name, "Z"], [(((0,),), 1)])
    with pytest.raises(InputError, match="cannot be written"):
        csv_ranks.dumps(e)


def test_writer_loses_only_what_the_format_cannot_hold() -> None:
    e = Election(
        (Candidate("A", "Red", withdrawn=True), Candidate("B"), Candidate("Unranked")),
        (Ballot(((1,), (0,)), 2),),
        seats=2,
        title="x",
    )
    again = csv_ranks.loads(csv_ranks.dumps(e))
    assert again.names == ("B", "A")
    assert again.ballots == (Ballot(((0,), (1,)), 2),)


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        ("rank1,rank2,count\nA,B,1\nB,A", 3, "2 columns but the header has 3"),
        ("rank1,rank2\nA,B\nB,A,C\n", 3, "3 columns but the header has 2"),
        ("rank1,rank3\nA,B\n", 1, "should be 'rank2'"),
        ("rank1,rank2,voter\nA,B,x\n", 1, "'voter' is not rankN"),
        ("count,rank1,weight\n1,A,1\n", 1, "more than one count"),
        ("count\n1\n", 1, "no rank1"),
        ("rank1,count\nA,1\nB,-2\n", 3, "count -2 is below 0"),
        ("rank1,count\nA,1\nB,two\n", 3, "count 'two'"),
        ("rank1,count\nA,1\nB,\n", 3, "count ''"),
        ("rank1,count\nA,1\nB=,1\n", 3, "empty name"),
        ("rank1,count\n,1\n", 2, "no ballot names any candidate"),
        ('rank1\nA\n"B\n', 3, "cannot read CSV"),
        ("", 1, "empty"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, match: str) -> None:
    fails_at(csv_ranks.load, put(tmp_path, "bad.csv", text), line, match)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.csv", b"rank1,rank2\nA,B\nB,\xe9\n")
    fails_at(csv_ranks.load, path, 3, "not valid UTF-8")


# --- the columnar path gives what the row-by-row parser gives ---------------------------------

_NAMES = st.sampled_from(["Alice", "Bob", " Carol ", "Dave", "Émile", "x y"])
_CELL = st.one_of(_NAMES, st.just(""), st.just("  "))
_COUNT = st.one_of(
    st.sampled_from(["1", "2", "0", " 3 ", "+4", "007"]),
    st.sampled_from(["-1", "", "x", "99999999999999999999"]),
)


@st.composite
def plain_csv(draw: st.DrawFn) -> bytes:
    """A rank CSV without quotes or equal rankings, with blank and malformed rows now and then."""
    width = draw(st.integers(1, 4))
    counted = draw(st.booleans())
    header = [f"rank{i}" for i in range(1, width + 1)]
    at = draw(st.integers(0, width)) if counted else None
    if at is not None:
        header.insert(at, draw(st.sampled_from(["count", "Weight", " COUNT "])))
    lines = [",".join(header)]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["row"] * 8 + ["blank", "empty cells", "short"]))
        if kind == "blank":
            lines.append("")
            continue
        cells = [draw(_CELL) for _ in range(width)]
        if kind == "empty cells":
            cells = [""] * width
        if at is not None:
            cells.insert(at, draw(_COUNT) if kind != "empty cells" else "")
        if kind == "short":
            cells = cells[:-1]
        lines.append(",".join(cells))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + end.join(lines) + draw(st.sampled_from(["", end]))).encode("utf-8")


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(plain_csv())
def test_columnar_path_equals_careful_parser(data: bytes) -> None:
    path = Path("/nonexistent/ballots.csv")
    fast = csv_ranks._load_fast(data, path)
    try:
        careful = csv_ranks.loads(data.decode("utf-8").removeprefix("\ufeff"), path=path)
    except FormatError:
        assert fast is None
        return
    if fast is not None:
        assert fast.names == careful.names
        assert fast.ballots == careful.ballots
        assert (fast.title, fast.source, fast.seats) == (careful.title, careful.source, None)


def test_columnar_path_taken_for_a_plain_file(tmp_path: Path) -> None:
    text = "rank1,rank2,count\nA,B,2\n,,\nB,,1\nA,B,1\n"
    fast = csv_ranks._load_fast(text.encode(), tmp_path / "p.csv")
    assert fast is not None
    assert fast.names == ("A", "B")
    assert fast.ballots == (Ballot(((0,), (1,)), 3), Ballot(((1,),), 1))
