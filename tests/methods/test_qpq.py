"""QPQ (Woodall, Voting matters 17): the quotients Droop's reference count gives.

Expected values are Droop's (J. Lundell's independent program, ``ref/report/qpq/qpq1``), not
our own output; the whole of Droop's references is checked in tests/verify/test_droop.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import tellers
from tellers.errors import ConfigurationError
from tellers.model import Action, Election, TieMethod

# Droop's qpq/qpq1.blt: five candidates, three seats.
QPQ1 = Election.from_orders(
    ["a", "b", "c", "d", "e"],
    [((0, 1), 16), ((1,), 12), ((2,), 12), ((3,), 12), ((4, 1), 8)],
    seats=3,
)


def q(*values: str) -> tuple[Decimal, ...]:
    """Quotients as Droop prints them (nine places)."""
    return tuple(Decimal(v) for v in values)


def test_quotients_elections_and_the_restart() -> None:
    """a elected at 16 > 15; e excluded; the count restarts: b at 20, a at 16 > 13.333333333."""
    result = tellers.count(QPQ1, "qpq", options={"ties": "listed"})
    r = result.rounds
    assert [x.subjects for x in r] == [(0,), (4,), (1,), (0,), (2,)]
    assert [x.action for x in r] == [
        Action.FIRST,
        Action.EXCLUSION,
        Action.SURPLUS,
        Action.SURPLUS,
        Action.EXCLUSION,
    ]
    assert r[0].tallies[:5] == q("16", "12", "12", "12", "8")
    # Stage 2: b's 12 ballots plus a's 16, which have elected 1/16 each: 28 / (1 + 1) = 14.
    assert r[1].tallies[1] == Decimal("14.000000000")
    assert "quota 15.000000000" in r[1].note
    assert r[3].tallies[0] == Decimal("16.000000000") and "quota 13.333333333" in r[3].note
    # a's first election was provisional: the exclusion of e started the count again.
    assert r[0].elected == () and "Provisional" in r[0].note
    assert result.elected_names == ("b", "a", "d")
    (tie,) = result.tiebreaks
    assert (tie.tied, tie.chosen, tie.method) == (frozenset({2, 3}), 2, TieMethod.ORDER)


def test_ties_by_lot_by_default() -> None:
    """The paper sets no tie rule: lot from the seed unless ``ties=listed``."""
    (tie,) = tellers.count(QPQ1, "qpq", seed=5).tiebreaks
    assert tie.method is TieMethod.LOT and tie.seed == 5


def test_exact_arithmetic_gives_the_same_count() -> None:
    """Rationals need no guard digits; on these whole quotients the count is the same."""
    exact = tellers.count(QPQ1, "qpq", options={"arithmetic": "rational", "ties": "listed"})
    assert exact.elected_names == ("b", "a", "d")
    with pytest.raises(ConfigurationError, match="guard"):
        tellers.count(QPQ1, "qpq", options={"arithmetic": "rational", "guard": "9"})
