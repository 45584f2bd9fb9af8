"""Mollison ``.dat`` reader: a hand-checked file, all 355 Scottish 2022 wards, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.formats import mollison, read
from tellers.model import Ballot, Candidate

from ._helpers import fails_at, put, shared

SIMPLE = """\
7 Somewhere North
2 3 4 9
Ann ONE, Lab
"Bob TWO" "Green Party",
Cat THREE, SNP
4 1 2 0
2 0 1 2
1 1 1 0
2 2 0 1
"""


def test_simple_file(tmp_path: Path) -> None:
    e = mollison.load(put(tmp_path, "w.dat", SIMPLE))
    assert e.title == "7 Somewhere North"
    assert e.seats == 2
    assert e.candidates == (
        Candidate("Ann ONE", "Lab"),
        Candidate("Bob TWO", "Green Party"),
        Candidate("Cat THREE", "SNP"),
    )
    # Columns give the rank each candidate got: '2 0 1 2' is Bob first, then Cat.  Two
    # candidates given the same number share a rank; a missing number is an empty rank.
    assert e.ballots == (
        Ballot(((0,), (1,)), 4),
        Ballot(((1,), (2,)), 2),
        Ballot(((0, 1),), 1),
        Ballot(((2,), (0,)), 2),
    )
    assert e.total_weight == 9


def test_gap_in_ranks(tmp_path: Path) -> None:
    e = mollison.load(put(tmp_path, "w.dat", "1 W\n1 3 1 1\nA, X\nB, Y\nC, Z\n1 1 0 3\n"))
    assert e.ballots == (Ballot(((0,), (), (2,)), 1),)


@pytest.mark.shared_data
def test_every_2022_ward_loads_and_agrees_with_its_header() -> None:
    files = sorted(shared("scotland", "2022-dat").glob("*/*.dat"))
    assert len(files) == 355
    papers = 0
    for f in files:
        head = f.read_text(encoding="utf-8").splitlines()[1].split()
        seats, ncand, nlines, valid = (int(x) for x in head)
        e = read(f)
        assert (e.seats, len(e.candidates), e.total_weight) == (seats, ncand, valid), f
        # Merging can only shrink the number of distinct ballots.
        assert len(e.ballots) <= nlines
        assert all(len(b.ranking) <= ncand for b in e.ballots)
        papers += e.total_weight
    assert papers == 1_857_181


@pytest.mark.shared_data
def test_real_ward_details() -> None:
    e = read(shared("scotland", "2022-dat", "Aberdeen", "10_Midstocket-Rosemount.dat"))
    assert e.title == "10 Midstocket-Rosemount"
    assert e.candidates[0] == Candidate("Jennifer BONSELL", "Lab")
    assert e.total_weight == 4689
    # First ballot line '1 0 2 1 4 3 5': Farquhar 1, Cormie 2, Mackenzie 3, Jarvis 4, Sell 5.
    assert any(b.ranking == ((2,), (1,), (4,), (3,), (5,)) for b in e.ballots)


GOOD = "1 W\n1 2 2 5\nA, X\nB, Y\n3 1 2\n2 2 1\n"


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        ("1 W\n1 2 2 5\nA, X\nB, Y\n3 1 2\n", 5, "promises 2 ballot lines"),
        ("1 W\n1 2 2 5\nA, X\n", 3, "after 1 of 2 candidate lines"),
        ("1 W\n1 " + "9" * 30 + " 2 5\nA, X\n", 3, "after 1 of 9999"),
        ("1 W\n", 1, "before the header"),
        # Three candidates promised, two named: the first ballot line is taken as the third
        # name, and the next one is short of a rank.
        ("1 W\n1 3 2 5\nA, X\nB, Y\n3 1 2\n2 2 1\n", 6, "2 ranks for 3 candidates"),
        ("1 W\n1 2 2 5\nA, X\nB, Y\n3 1 2 1\n2 2 1\n", 5, "3 ranks for 2 candidates"),
        ("1 W\n1 2 2 5\nA, X\nB, Y\n3 1 3\n2 2 1\n", 5, "rank 3 exceeds"),
        ("1 W\n1 2 2 5\nA, X\nB, Y\n3 1 2\n-2 2 1\n", 6, "ballot weight -2 is below 0"),
        ("1 W\n1 2 2 5\nA, X\nB, Y\n3 1 2\nx 2 1\n", 6, "ballot weight 'x'"),
        ("1 W\n1 2 2 5\nA, X\nB, Y\n3 1 -1\n2 2 1\n", 5, "rank -1 is below 0"),
        ("1 W\n1 2 2 6\nA, X\nB, Y\n3 1 2\n2 2 1\n", 2, "6 valid votes"),
        ("1 W\n1 2 2\n", 2, "line 2 must be"),
        ("1 W\n0 2 2 5\n", 2, "seats 0 is below 1"),
        # Same name and same party: nothing tells them apart (different parties are allowed).
        ("1 W\n1 2 2 5\nA, X\nA, X\n3 1 2\n2 2 1\n", 3, "same name"),
        ('1 W\n1 2 2 5\n"A" B "X"\nB, Y\n3 1 2\n2 2 1\n', 3, "candidate line"),
        ("\n1 2 2 5\n", 1, "line 1"),
        ("", 1, "empty"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, match: str) -> None:
    fails_at(mollison.load, put(tmp_path, "bad.dat", text), line, match)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.dat", GOOD.encode().replace(b"B, Y", b"B, \xe9"))
    fails_at(mollison.load, path, 4, "not valid UTF-8")
