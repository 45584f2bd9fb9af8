"""The ERS97 / Scottish STV table over the 2017 Scottish wards: current, complete, explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellers.formats import read
from tellers.methods import count
from tellers.model import Election
from tellers.verify import ers97_vs_scottish as cmp

COMMITTED = (
    Path(__file__).resolve().parents[2] / "docs" / "verification" / "ers97-vs-scottish-2017.md"
)


@pytest.fixture(scope="module")
def table(shared_data: Path) -> str:
    """Build the whole table once for this module."""
    return cmp.build_table(shared_data)


def _section(text: str, title: str) -> list[list[str]]:
    """Return the body rows (cells) of the first table after the heading ``title``."""
    part = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in row.strip("|").split(" | ")] for row in rows[1:]]


def _number(text: str, pattern: str) -> int:
    """Return the number the one-group ``pattern`` finds on a line of ``text``."""
    m = re.search(pattern, text, re.M)
    assert m is not None, pattern
    return int(m.group(1))


def test_committed_table_is_current(table: str) -> None:
    """docs/verification/ers97-vs-scottish-2017.md is what the comparison writes today."""
    assert COMMITTED.read_text(encoding="utf-8") == table


def test_totals_add_up(table: str) -> None:
    """Every 2017 ward is counted, and the same/different totals cover them all."""
    same = _number(table, r"^\| same \| (\d+) \|$")
    diff = _number(table, r"^\| different \| (\d+) \|$")
    total = _number(table, r"^\| \*\*all wards\*\* \| \*\*(\d+)\*\* \|$")
    assert same + diff == total == 353
    every = _section(table, "Every ward")
    assert len(every) == total
    assert sum(row[-1] == "yes" for row in every) == same
    assert len(_section(table, "Wards where the elected sets differ")) == diff


def test_every_difference_is_explained(table: str) -> None:
    """Each ward with different winners names a first divergence and a decisive rule."""
    keys = {f.key for f in cmp.FEATURES}
    rows = _section(table, "Wards where the elected sets differ")
    assert rows
    for row in rows:
        ward, divergence, causes = row[0], row[5], row[6]
        assert divergence.startswith("ERS97 round "), ward
        named = re.findall(r"\*\*([a-z -]+)\*\*", causes)
        assert named and set(named) <= keys, ward
        assert "round " in causes, ward


def test_differences_list_is_complete(table: str) -> None:
    """With every listed rule difference undone, the ERS97 variant is the Scottish count."""
    m = re.search(r"in \*\*(\d+) of (\d+)\*\* wards", table)
    assert m is not None and m.group(1) == m.group(2) == "353"


def test_a_ward_traced_to_the_transfer_value(shared_data: Path) -> None:
    """Angus ward 4: the Conservative surplus is shared among transferable papers only.

    ERS97 [5.3.7] divides the 1564.00 surplus among the 1749 transferable of 2901 papers
    (tv 0.89); the Scottish rule 48(3) divides by all 2901 votes, so the plumpers' share is lost
    (0.53 at two places).  Labour's Strachan gets 1006.12 against 859.24 and is elected.
    """
    path = next(shared_data.glob("scotland/blt/*/angus_2017_ward4.blt"))
    w = cmp.compare_ward(path)
    assert not w.same
    assert w.replays_scottish
    assert any(c.startswith("**transfer value**: round 2") for c in w.causes)
    assert "1749 transferable" in w.causes[0]
    e = read(path)
    strachan = e.names.index("Ray STRACHAN (Lab)")
    assert strachan in w.ers97.elected and strachan not in w.scottish.elected


def test_unknown_rule_difference_is_refused(shared_data: Path) -> None:
    """A variant can only undo a listed difference."""
    e = read(next(shared_data.glob("scotland/blt/*/angus_2017_ward4.blt")))
    with pytest.raises(ValueError, match="unknown rule differences"):
        cmp.run_variant(e, ["no such rule"])


@st.composite
def small_elections(draw: st.DrawFn) -> Election:
    """Draw a small election with strict, possibly short, ballots."""
    n = draw(st.integers(3, 6))
    orders = draw(
        st.lists(
            st.tuples(
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(1, n).map(lambda k: list(p[:k]))
                ),
                st.integers(1, 30),
            ),
            min_size=1,
            max_size=12,
        )
    )
    seats = draw(st.integers(1, n - 1))
    return Election.from_orders([f"c{i}" for i in range(n)], orders, seats=seats)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(small_elections())
def test_undoing_every_difference_gives_the_scottish_count(e: Election) -> None:
    """Beyond the 2017 wards: on any election the fully undone variant is Scottish STV."""
    replay = cmp.run_variant(e, [f.key for f in cmp.FEATURES])
    assert cmp._same_count(replay, count(e, "scottish-stv"))
