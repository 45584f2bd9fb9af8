"""CfER STV (draft Elections Code 10059): the figures Droop's reference counts give.

Expected values are Droop's (J. Lundell's independent program: ``ref/report/cfer/dk1-2``,
``42-cfer-batch``, ``42-wigm-prf-batch``), not our own output; the whole of Droop's references
is checked in tests/verify/test_droop.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import tellers
from tellers.errors import ConfigurationError
from tellers.model import Election

# Droop's cfer/dk1-2.blt (Dave Kadlecek): A and E win two seats.
DK = Election.from_orders(
    ["A", "B", "C", "D", "E"],
    [
        ((0,), 123),
        ((0, 1), 52),
        ((1, 0), 159),
        ((2, 1), 161),
        ((2, 3), 161),
        ((3, 4), 161),
        ((4, 3), 50),
        ((4,), 123),
    ],
    seats=2,
)
# Droop's 42.blt: Castor over the quota, Pollux with nothing.
TIE = Election.from_orders(["Castor", "Pollux", "Helen"], [((0, 1), 4), ((2,), 2)], seats=2)


def test_single_defeats_and_a_surplus_round() -> None:
    """Threshold 330.00001; B out, A's surplus 3.99999 (3.99798 exhausts), D out; A and E."""
    result = tellers.count(DK, "cfer", options={"ties": "listed"})
    assert result.quota == Decimal("330.00001")
    assert [r.excluded for r in result.rounds] == [(), (1,), (), (3,)]
    assert result.elected_names == ("A", "E")
    surplus = result.rounds[2]
    assert surplus.tallies == tuple(
        map(Decimal, ("330.00001", "0.00000", "322.00000", "161.00000", "173.00000"))
    )
    assert surplus.exhausted == Decimal("3.99798") and surplus.loss == Decimal("0.00201")


def test_batch_defeat_completes_the_count_without_a_transfer() -> None:
    """42 under cfer-batch: Pollux in the defeat set [(k)], Helen elected [(i)(1)]."""
    result = tellers.count(TIE, "cfer", options={"defeat_batch": "safe", "ties": "listed"})
    assert [r.excluded for r in result.rounds] == [(), (1,)]
    assert [r.elected for r in result.rounds] == [(0,), (2,)]
    assert result.rounds[1].tallies == tuple(map(Decimal, ("4.00000", "0.00000", "2.00000")))


def test_prf_sure_losers_before_the_surplus() -> None:
    """42 under wigm-prf-batch: Pollux a sure loser [B.2] before Castor's surplus moves."""
    result = tellers.count(TIE, "wigm-prf", options={"defeat_batch": "safe"})
    assert [r.excluded for r in result.rounds] == [(), (1,)]
    assert [r.elected for r in result.rounds] == [(0,), (2,)]
    assert result.rounds[1].tallies == tuple(map(Decimal, ("4.0000", "0.0000", "2.0000")))


def test_the_draft_fixes_the_arithmetic() -> None:
    """Five places are 10059(g)(2)'s; another arithmetic is refused, quoting it."""
    with pytest.raises(ConfigurationError, match="five decimal places"):
        tellers.count(TIE, "cfer", options={"arithmetic": "rational"})
