"""Minneapolis STV (167.70): the figures Droop's reference count gives for the same ballots.

Expected values are Droop's (J. Lundell's independent program, ``ref/report/mpls/undeclared``,
``42``), not our own output; the whole of Droop's references is checked in
tests/verify/test_droop.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import tellers
from tellers.errors import ConfigurationError, InputError
from tellers.model import Action, Election, TieMethod

# Droop's mpls/undeclared.blt: Paris is an undeclared write-in ([undeclared 4]).
UNDECLARED = Election.from_orders(
    ["Castor", "Pollux", "Helen", "Paris"],
    [((3, 0, 1), 5), ((2,), 2)],
    seats=2,
    options={"undeclared": "4"},
)
# Droop's 42.blt: Pollux is a certain loser with no votes at all.
TIE = Election.from_orders(["Castor", "Pollux", "Helen"], [((0, 1), 4), ((2,), 2)], seats=2)


def test_undeclared_write_in_defeated_in_the_second_round() -> None:
    """Threshold 3; Paris out at round 2; Castor's surplus 2 at 0.4; Pollux out, not moved."""
    result = tellers.count(UNDECLARED, "mpls", options={"ties": "listed"})
    assert result.quota == Decimal("3.0000")
    r = result.rounds
    assert [x.tallies for x in r[:3]] == [
        tuple(map(Decimal, ("0.0000", "0.0000", "2.0000", "5.0000"))),
        tuple(map(Decimal, ("5.0000", "0.0000", "2.0000", "0.0000"))),
        tuple(map(Decimal, ("3.0000", "2.0000", "2.0000", "0.0000"))),
    ]
    assert r[1].excluded == (3,) and "undeclared write-in" in r[1].decisions[0].reason
    assert r[2].elected == (0,) and r[2].action is Action.SURPLUS
    # 167.70(c)(1)e: the final round's defeat moves no vote; Pollux keeps 2.
    assert r[3].excluded == (1,) and r[3].tallies[1] == Decimal("2.0000")
    assert r[3].elected == (2,)
    (tie,) = result.tiebreaks
    assert (tie.tied, tie.chosen, tie.method) == (frozenset({1, 2}), 1, TieMethod.ORDER)


def test_ties_by_lot_unless_listed_is_asked_for() -> None:
    """The ordinance's lot is the default; the tie is recorded as a lot with its seed."""
    (tie,) = tellers.count(UNDECLARED, "mpls", seed=3).tiebreaks
    assert tie.method is TieMethod.LOT and tie.seed == 3


def test_certain_loser_then_remaining_elected_in_a_round_of_their_own() -> None:
    """Droop's 42 under mpls: Pollux a certain loser; Castor's surplus of 1 exhausts."""
    result = tellers.count(TIE, "mpls", options={"ties": "listed"})
    assert [r.excluded for r in result.rounds] == [(), (1,), (), ()]
    assert [r.elected for r in result.rounds] == [(), (), (0,), (2,)]
    third = result.rounds[2]
    assert third.tallies == tuple(map(Decimal, ("3.0000", "0.0000", "2.0000")))
    assert third.exhausted == Decimal("1.0000")


def test_the_ordinance_fixes_the_arithmetic() -> None:
    """Four places are the ordinance's [167.20]; another precision is refused, quoting it."""
    with pytest.raises(ConfigurationError, match="four"):
        tellers.count(TIE, "mpls", options={"precision": "5"})


def test_an_undeclared_line_must_name_candidates() -> None:
    """A bad ``[undeclared]`` line is refused, naming the word."""
    bad = Election.from_orders(["A", "B"], [((0,), 1)], seats=1, options={"undeclared": "x"})
    with pytest.raises(InputError, match="'x'"):
        tellers.count(bad, "mpls")
