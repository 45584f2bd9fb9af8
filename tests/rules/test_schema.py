"""Rulebook schema: shares are exact fractions and thresholds round as the rule says."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pydantic import ValidationError

from tellers.rules.schema import Condition, Rounding, parse_share, whole


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5%", Fraction(1, 20)),
        ("10%", Fraction(1, 10)),
        ("1/3", Fraction(1, 3)),
        ("0.2", Fraction(1, 5)),
    ],
)
def test_shares_are_exact(text: str, value: Fraction) -> None:
    """Shares written as percentages, ratios or decimals become exact fractions."""
    assert parse_share(text) == value


@pytest.mark.parametrize("bad", [0.1, "5 percent", "0%", "150%", "1/0", 5])
def test_bad_shares_are_refused(bad: object) -> None:
    """Floats, words, zero and more than everything are refused."""
    with pytest.raises(ValueError):
        parse_share(bad)


def test_rounding_rules() -> None:
    """10% of 212 is 21.2; 5% of 648 is 32.4; 20% of 251 is 50.2 (the published 22, 33, 51)."""
    assert whole(Fraction(1, 10), 212, Rounding.UP) == 22
    assert whole(Fraction(1, 20), 648, Rounding.UP) == 33
    assert whole(Fraction(1, 5), 251, Rounding.UP) == 51
    assert whole(Fraction(3, 20), 232, Rounding.UP) == 35  # 34.8: the 2015 threshold
    assert whole(Fraction(1, 20), 648, Rounding.DOWN) == 32
    assert whole(Fraction(1, 2), 5, Rounding.NEAREST) == 3  # 2.5 rounds half up
    assert whole(Fraction(1, 10), 212, Rounding.NEAREST) == 21
    assert whole(Fraction(1, 5), 10, Rounding.UP) == 2  # exact: no rounding up past it


def test_condition_needs_exactly_one_measure() -> None:
    """A condition with two measures, or none, is refused."""
    with pytest.raises(ValidationError, match="exactly one"):
        Condition(body="clp", at_least=3, share=Fraction(1, 20))
    with pytest.raises(ValidationError, match="exactly one"):
        Condition(body="clp")
    assert Condition(body="clp", at_least=3).at_least == 3
