"""PrefLib ``.soi``/``.toi`` reader: hand-checked files, two NSW districts, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.formats import preflib, read
from tellers.model import Ballot

from ._helpers import fails_at, put, shared

HEADER = """\
# FILE NAME: tiny.soi
# TITLE: Tiny Town 2024
# DATA TYPE: {dtype}
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: {voters}
# NUMBER UNIQUE ORDERS: {orders}
# ALTERNATIVE NAME 1: ALPHA Ann
# ALTERNATIVE NAME 2: BETA Bob
# ALTERNATIVE NAME 3: GAMMA Cat
"""


def soi(body: str, *, voters: int, orders: int, dtype: str = "soi") -> str:
    """Return a PrefLib file with the standard header and ``body`` as its orders."""
    return HEADER.format(dtype=dtype, voters=voters, orders=orders) + body


def test_strict_orders(tmp_path: Path) -> None:
    e = preflib.load(put(tmp_path, "t.soi", soi("5: 2\n3: 1,3,2\n1: 3,1\n", voters=9, orders=3)))
    assert e.title == "Tiny Town 2024"
    assert e.names == ("ALPHA Ann", "BETA Bob", "GAMMA Cat")
    assert e.seats is None
    assert e.ballots == (
        Ballot(((1,),), 5),
        Ballot(((0,), (2,), (1,)), 3),
        Ballot(((2,), (0,)), 1),
    )


def test_ties(tmp_path: Path) -> None:
    body = "4: 1,{2,3}\n2: {3, 1}\n1: 2\n"
    e = preflib.load(put(tmp_path, "t.toi", soi(body, voters=7, orders=3, dtype="toi")))
    assert e.ballots == (
        Ballot(((0,), (1, 2)), 4),
        Ballot(((0, 2),), 2),
        Ballot(((1,),), 1),
    )


def test_complete_orders_are_checked(tmp_path: Path) -> None:
    path = put(tmp_path, "t.soc", soi("4: 1,2,3\n2: 3,1\n", voters=6, orders=2, dtype="soc"))
    fails_at(preflib.load, path, 11, "ranks 2 of 3")


def test_title_defaults_to_file_name(tmp_path: Path) -> None:
    text = "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n1: 2,1\n"
    e = preflib.load(put(tmp_path, "ward-7.soi", text))
    assert e.title == "ward-7"
    assert e.ballots == (Ballot(((1,), (0,)), 1),)


@pytest.mark.shared_data
def test_smallest_nsw_district() -> None:
    e = read(shared("nsw-la", "soi", "00058-00000169.soi"))
    assert e.title == "South Coast 2019"
    assert e.names == ("ALLDRICK Annette", "HANCOCK Shelley", "STEPHENSON Kim")
    assert e.total_weight == 48880
    assert len(e.ballots) == 15
    assert e.ballots[:3] == (
        Ballot(((1,),), 21514),
        Ballot(((0,),), 6811),
        Ballot(((0,), (2,), (1,)), 6061),
    )
    assert e.ballots[-1] == Ballot(((2,), (1,)), 57)


@pytest.mark.shared_data
def test_another_nsw_district() -> None:
    e = read(shared("nsw-la", "soi", "00058-00000131.soi"))
    assert e.title == "Keira 2019"
    assert len(e.candidates) == 4
    assert e.total_weight == 51936
    assert len(e.ballots) == 61
    assert e.ballots[0] == Ballot(((3,),), 18206)


GOOD = soi("5: 2\n3: 1,3,2\n", voters=8, orders=2)


def test_good_base_file(tmp_path: Path) -> None:
    assert preflib.load(put(tmp_path, "good.soi", GOOD)).total_weight == 8


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        # Truncated: the header promised two orders.
        (soi("5: 2\n", voters=8, orders=2), 10, "promises 2 orders"),
        (soi("5: 2\n3", voters=8, orders=2), 11, "<count>: <order>"),
        (soi("5: 2\n3: 1,3,2\n", voters=9, orders=2), 5, "promises 9 voters"),
        # Wrong number of alternatives: more declared than named, or fewer.
        (GOOD.replace("ALTERNATIVES: 3", "ALTERNATIVES: 4"), 4, "no '# ALTERNATIVE NAME 4'"),
        (GOOD.replace("ALTERNATIVES: 3", "ALTERNATIVES: 2"), 9, "alternative 3 is named"),
        (GOOD.replace("ALTERNATIVES: 3", "ALTERNATIVES: " + "9" * 30), 4, "NAME 4'"),
        (soi("5: 2\n3: 1,4,2\n", voters=8, orders=2), 11, "alternative 4 out of range"),
        (soi("5: 2\n3: 0,3,2\n", voters=8, orders=2), 11, "alternative 0 is below 1"),
        (soi("5: 2\n-3: 1,3,2\n", voters=8, orders=2), 11, "count -3 is below 0"),
        (soi("5: 2\nthree: 1,3,2\n", voters=8, orders=2), 11, "count 'three'"),
        (soi("5: 2\n3 1,3,2\n", voters=8, orders=2), 11, "<count>: <order>"),
        (soi("5: 2\n3: 1,3,1\n", voters=8, orders=2), 11, "appears twice"),
        (soi("5: 2\n3: 1,,2\n", voters=8, orders=2), 11, "empty place"),
        (soi("5: 2\n3: 1,{3,2}\n", voters=8, orders=2), 11, "strict orders"),
        (soi("5: 2\n3: 1,{3,2\n", voters=8, orders=2, dtype="toi"), 11, "without a matching"),
        (soi("5: 2\n3: 1,{3,{2}}\n", voters=8, orders=2, dtype="toi"), 11, "nested"),
        (soi("5: 2\n# NOTE: late\n3: 1\n", voters=8, orders=2), 11, "header line after"),
        (GOOD.replace("BETA Bob", "ALPHA Ann"), 8, "both called"),
        (GOOD.replace("# ALTERNATIVE NAME 3", "# ALTERNATIVE NAME 1"), 9, "named twice"),
        (GOOD.replace("DATA TYPE: soi", "DATA TYPE: wmd"), 3, "not an ordinal type"),
        (GOOD.replace("VOTERS: 8", "VOTERS: many"), 5, "number voters 'many'"),
        ("5: 1\n", 1, "NUMBER ALTERNATIVES"),
        ("", 1, "empty"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, match: str) -> None:
    fails_at(preflib.load, put(tmp_path, "bad.soi", text), line, match)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.soi", GOOD.encode().replace(b"GAMMA", b"G\xc0MMA"))
    fails_at(preflib.load, path, 9, "not valid UTF-8")
