"""The rounding contract of the arithmetics: each product and quotient rounds as it is told."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tellers.arithmetic import (
    Arithmetic,
    FixedArithmetic,
    GuardedArithmetic,
    RationalArithmetic,
    Rounding,
)

DOWN, UP = Rounding.DOWN, Rounding.UP

#: Two places: 1 is 100.  Droop's guarded with one place and one guard digit also scales by 100.
SCALED: list[Arithmetic] = [FixedArithmetic(2), GuardedArithmetic(1, 1)]


@pytest.mark.parametrize("a", SCALED, ids=lambda a: a.name)
def test_down_ignores_the_remainder_and_up_raises_it_by_a_unit(a: Arithmetic) -> None:
    """SSI 2007/42 r.48(3) "to five decimal places (any remainder being ignored)"; the PRF's
    Meek rules "to 9 decimal places, rounded up".  2 / 3 = 0.666...; 1 / 4 = 0.25 exactly."""
    two, three = a.of(2), a.of(3)
    assert a.div(two, three, rounding=DOWN) == 66
    assert a.div(two, three, rounding=UP) == 67
    assert a.muldiv(two, a.of(1), three, rounding=UP) == 67
    assert a.mul(a.div(two, three, rounding=DOWN), a.of(1) // 2, rounding=UP) == 33
    assert a.div_int(two, 3, rounding=UP) == 67
    # A boundary: nothing past the last place, so neither direction moves the value.
    for rounding in Rounding:
        assert a.div(a.of(1), a.of(4), rounding=rounding) == 25
        assert a.div_int(a.of(-1), 4, rounding=rounding) == -25


@pytest.mark.parametrize("a", SCALED, ids=lambda a: a.name)
def test_a_negative_value_rounds_as_its_magnitude_does(a: Arithmetic) -> None:
    """Towards zero and away from zero, as the names say: -2/3 is -0.66 down and -0.67 up.

    Flooring (the arithmetic before this test) gave -0.67 for "down", and the guarded
    arithmetic ignored the rounding asked altogether.
    """
    two, three = a.of(2), a.of(3)
    assert a.div(-two, three, rounding=DOWN) == -66
    assert a.div(-two, three, rounding=UP) == -67
    assert a.div(two, -three, rounding=DOWN) == -66
    assert a.muldiv(-two, a.of(1), three, rounding=DOWN) == -66
    assert a.div_int(-two, 3, rounding=DOWN) == -66
    assert a.div_int(-two, 3, rounding=UP) == -67
    assert a.mul(-a.div(two, three, rounding=DOWN), a.of(1) // 2, rounding=DOWN) == -33
    # A tiny negative quotient rounds to zero down and to minus one unit up.
    assert a.div_int(-1, 10, rounding=DOWN) == 0
    assert a.div_int(-1, 10, rounding=UP) == -1
    for x in (-7, -1, 1, 7):
        for rounding in Rounding:
            assert a.div_int(-x, 3, rounding=rounding) == -a.div_int(x, 3, rounding=rounding)


def test_rational_arithmetic_is_exact_whichever_rounding() -> None:
    a = RationalArithmetic()
    for rounding in Rounding:
        assert a.div(a.of(-2), a.of(3), rounding=rounding) == Fraction(-2, 3)
        assert a.muldiv(2, 1, -3, rounding=rounding) == Fraction(-2, 3)
