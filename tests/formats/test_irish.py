"""Irish 2002 e-voting CSV reader: a hand-checked file, the three constituencies, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.formats import irish, read
from tellers.model import Ballot, Candidate

from ._helpers import fails_at, put, shared

SIMPLE = """\
No.,FF,FG,FF,LB
1,1,,2,
2,,1,,2
3,2,,1,3
4,1,,2,
5,1,1,,3
6,,,,
"""


def test_simple_file(tmp_path: Path) -> None:
    e = irish.load(put(tmp_path, "Town2002.csv", SIMPLE))
    assert e.title == "Town2002"
    assert e.seats is None
    # The repeated label gets its spreadsheet column; the label stays as the party.
    assert e.candidates == (
        Candidate("FF (col 2)", "FF"),
        Candidate("FG", "FG"),
        Candidate("FF (col 4)", "FF"),
        Candidate("LB", "LB"),
    )
    assert e.ballots == (
        Ballot(((0,), (2,)), 2),  # rows 1 and 4, merged
        Ballot(((1,), (3,)), 1),
        Ballot(((2,), (0,), (3,)), 1),
        # Two 1s share the first rank; nobody got a 2, so the second rank is empty.
        Ballot(((0, 1), (), (3,)), 1),
        Ballot((), 1),
    )


@pytest.mark.parametrize("header", [",FF,FG", "\ufeff,FF,FG", "No.,FF,FG", "FF,FG"])
def test_header_variants(tmp_path: Path, header: str) -> None:
    id_col = not header.lstrip("\ufeff").startswith("FF")
    row = "7,2,1" if id_col else "2,1"
    e = irish.load(put(tmp_path, "h.csv", f"{header}\r\n{row}\r\n"))
    assert e.names == ("FF", "FG")
    assert e.ballots == (Ballot(((1,), (0,)), 1),)


def test_suffix_sniffing_picks_irish(tmp_path: Path) -> None:
    assert read(put(tmp_path, "t.csv", SIMPLE)).names[0] == "FF (col 2)"


# Ballot totals and first preferences from ireland-2002/MANIFEST.md, in column order.
MANIFEST = {
    "DublinNorth2002.csv": (
        43_942,
        [1177, 5501, 1350, 5892, 914, 5253, 4012, 285, 6359, 7294, 247, 5658],
    ),
    "DublinWest2002.csv": (29_988, [748, 3810, 2300, 6442, 8086, 2404, 2370, 134, 3694]),
    "Meath2002.csv": (
        64_081,
        [8493, 7617, 263, 11534, 5958, 3877, 3722, 1373, 1199, 2337, 180, 6042, 8759, 2727],
    ),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_constituency_matches_manifest(name: str) -> None:
    ballots, first = MANIFEST[name]
    e = read(shared("ireland-2002", name))
    assert e.total_weight == ballots
    assert len(e.candidates) == len(first)
    tally = [0] * len(first)
    for b in e.ballots:
        # The manifest says every paper has a single first preference and no gaps.
        assert b.ranking and all(len(rank) == 1 for rank in b.ranking)
        tally[b.ranking[0][0]] += b.weight
    assert tally == first


@pytest.mark.shared_data
def test_dublin_north_names() -> None:
    e = read(shared("ireland-2002", "DublinNorth2002.csv"))
    assert e.names == (
        "FG (col 2)",
        "SP",
        "SF",
        "FF (col 5)",
        "NP (col 6)",
        "FF (col 7)",
        "FG (col 8)",
        "NP (col 9)",
        "LB",
        "GP",
        "NP (col 12)",
        "FF (col 13)",
    )


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        ("No.,FF,FG,LB\n1,1,2,3\n2,2,1", 3, "3 columns but the header has 4"),
        ("No.,FF,FG,LB\n1,1,2,3\n2,2,1,,\n", 3, "5 columns but the header has 4"),
        ("No.,FF,FG,LB\n1,1,2,3\n2,2,4,\n", 3, "preference 4 is more than the 3"),
        ("No.,FF,FG,LB\n1,1,2,3\n2,-1,1,\n", 3, "preference -1 is below 1"),
        ("No.,FF,FG,LB\n1,1,2,3\n2,0,1,\n", 3, "preference 0 is below 1"),
        ("No.,FF,FG,LB\n1,1,2,3\n2,one,1,\n", 3, "preference 'one'"),
        ("1,1,2,3\n2,2,1,3\n", 1, "header"),
        ("No.,FF,,LB\n1,1,2,3\n", 1, "column 3 has no candidate label"),
        ("No.\n1\n", 1, "no candidates"),
        ('\n\nNo.,FF,FG\n1,1,2\n2,"1,2\n', 5, "cannot read CSV"),
        ("", 1, "empty"),
        (",,,\n", 1, "empty"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, match: str) -> None:
    fails_at(irish.load, put(tmp_path, "bad.csv", text), line, match)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.csv", b"No.,FF,FG\n1,1,2\n2,\x92,1\n")
    fails_at(irish.load, path, 3, "not valid UTF-8")
