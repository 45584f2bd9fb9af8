"""Exact arithmetic for counts, with the rounding named at every multiply and divide.

Statutory STV rules fix the precision of a count ("to five decimal places (any remainder being
ignored)", SSI 2007/42 r.48(3)).  :class:`FixedArithmetic` holds values as integers scaled by
``10**places`` so sums are exact and each product or quotient says which way it rounds;
:class:`GuardedArithmetic` is Droop's fixed point with guard digits; :class:`RationalArithmetic`
is exact.  The mode belongs to one count's instance, never to a class or the process, so two
counts at different precisions can run side by side.  No float enters a count.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

__all__ = [
    "Arithmetic",
    "DecimalCache",
    "FixedArithmetic",
    "GuardedArithmetic",
    "RationalArithmetic",
    "Rounding",
    "Value",
    "scaled_decimal",
]


def scaled_decimal(v: int, places: int) -> Decimal:
    """Return the Decimal ``v * 10**-places`` exactly.

    ``Decimal.scaleb`` would round to the context's 28 significant digits, which a guarded
    value of 27 decimal places exceeds.  The constructor reads a string exactly whatever its
    length, giving the sign, coefficient and exponent a digit tuple would, several times
    quicker.
    """
    return Decimal(f"{v}E-{places}")


class DecimalCache(dict[int, Decimal]):
    """The Decimals of scaled integers (``v * 10**-places``), each made once per count.

    A count's totals repeat from stage to stage (most candidates receive nothing at a stage, and
    most transfers are zero), so looking a value up is several times quicker than making its
    Decimal again.  Decimals are immutable, so one object may sit in many rounds.  Index it with
    the integer, or map ``__getitem__`` over a row of them.
    """

    __slots__ = ("places",)

    def __init__(self, places: int = 0) -> None:
        super().__init__()
        self.places = places

    def __missing__(self, v: int) -> Decimal:
        d = self[v] = Decimal(v) if not self.places else scaled_decimal(v, self.places)
        return d


class Rounding(enum.StrEnum):
    """Direction of rounding for a fixed-point product or quotient.

    The rule texts name two: "any remainder being ignored" (SSI 2007/42 r.48(3), the transfer
    value's "calculation being made to five decimal places") drops the digits past the last
    place, and "to 9 decimal places, rounded up" (the PRF's Meek rules, B.2.a and B.2.f) raises
    a value with any digit past the last place by one unit.  Every value those rules round is
    positive, where dropping digits is also the floor; for a negative value the words are taken
    as they read, dropping digits (towards zero) and raising the magnitude (away from zero), so
    that the rounding of ``-x`` is minus the rounding of ``x``.
    """

    DOWN = "down"  # towards zero: the statutes' "any remainder being ignored"
    UP = "up"  # away from zero: "rounded up"


def _quotient(n: int, d: int, rounding: Rounding) -> int:
    """Return ``n / d`` rounded as told (DOWN towards zero, UP away from zero)."""
    q, r = divmod(n, d)
    # divmod floors: towards zero when the quotient is positive, away from zero when it is
    # negative.  Where a remainder is left and the floor is not the direction asked, the other
    # neighbour, q + 1, is.
    return q + 1 if r and (q >= 0) is (rounding is Rounding.UP) else q


# --- Arithmetic modes -----------------------------------------------------------------------
#
# The Gregory-family count (methods/gregory.py) works through an ``Arithmetic`` object chosen
# per count.  Values are plain ``int`` (scaled) or ``Fraction`` so sums need no wrapper.

Value = int | Fraction


class Arithmetic(Protocol):
    """Operations a count needs; every product and quotient names its rounding."""

    @property
    def name(self) -> str:
        """The mode's name: fixed, guarded or rational."""

    @property
    def places(self) -> int:
        """Decimal places shown for a value."""

    def of(self, n: int) -> Value:
        """Return the value of a whole number."""

    def muldiv(self, a: Value, b: Value, c: Value, *, rounding: Rounding) -> Value:
        """Return ``a * b / c`` with one rounding."""

    def mul(self, a: Value, b: Value, *, rounding: Rounding) -> Value:
        """Return ``a * b``."""

    def div(self, a: Value, b: Value, *, rounding: Rounding) -> Value:
        """Return ``a / b``."""

    def div_int(self, a: Value, n: int, *, rounding: Rounding) -> Value:
        """Return ``a / n`` for a whole number ``n``."""

    def compare(self, a: Value, b: Value) -> int:
        """Return -1, 0 or 1 as ``a`` is less than, equal to or greater than ``b``."""

    def decimal(self, v: Value) -> Decimal:
        """Return ``v`` as a Decimal (exact where the mode is; else to ``places``)."""

    @property
    def epsilon(self) -> Value:
        """The smallest positive value (zero for exact arithmetic)."""


@dataclass(frozen=True, slots=True)
class FixedArithmetic:
    """Fixed-point decimals: integers scaled by ``10**places``, rounding as each step says."""

    places: int
    name: str = "fixed"

    @property
    def one(self) -> int:
        """The scaled representation of 1."""
        return int(10**self.places)

    @property
    def epsilon(self) -> int:
        """One unit in the last place."""
        return 1

    def of(self, n: int) -> int:
        """Scale a whole number."""
        return n * self.one

    def muldiv(self, a: Value, b: Value, c: Value, *, rounding: Rounding) -> int:
        """Return ``a * b / c`` for scaled operands, rounded as told."""
        return _quotient(int(a) * int(b), int(c), rounding)

    def mul(self, a: Value, b: Value, *, rounding: Rounding) -> int:
        """Return ``a * b`` rounded as told."""
        return self.muldiv(a, b, self.one, rounding=rounding)

    def div(self, a: Value, b: Value, *, rounding: Rounding) -> int:
        """Return ``a / b`` rounded as told."""
        return self.muldiv(a, self.one, b, rounding=rounding)

    def div_int(self, a: Value, n: int, *, rounding: Rounding) -> int:
        """Return ``a / n`` rounded as told."""
        return _quotient(int(a), n, rounding)

    def compare(self, a: Value, b: Value) -> int:
        """Compare exactly."""
        return (a > b) - (a < b)

    def decimal(self, v: Value) -> Decimal:
        """Return the exact Decimal."""
        return scaled_decimal(int(v), self.places)


@dataclass(frozen=True, slots=True)
class GuardedArithmetic:
    """Droop's guarded fixed point: ``precision + guard`` digits, equal within half a guard unit.

    Products and quotients round in the last guard digit as each step says, as fixed point
    does in its last place; two values closer than ``10**guard / 2`` units of the last digit
    compare equal, so the guard digits' accumulated error (a rounding's included) never decides
    an outcome.  (Droop truncates whatever the rounding asked once there are guard digits; the
    two differ by a unit of the last guard digit at a step, and every guarded reference count of
    Droop's still matches round by round.)
    """

    precision: int
    guard: int
    name: str = "guarded"

    @property
    def places(self) -> int:
        """Digits carried: precision plus guard."""
        return self.precision + self.guard

    @property
    def one(self) -> int:
        """The scaled representation of 1."""
        return int(10 ** (self.precision + self.guard))

    @property
    def epsilon(self) -> int:
        """Zero: guarded arithmetic counts as exact for quota tests."""
        return 0

    def of(self, n: int) -> int:
        """Scale a whole number."""
        return n * self.one

    def muldiv(self, a: Value, b: Value, c: Value, *, rounding: Rounding) -> int:
        """Return ``a * b / c``, rounded as told in the last guard digit."""
        return _quotient(int(a) * int(b), int(c), rounding)

    def mul(self, a: Value, b: Value, *, rounding: Rounding) -> int:
        """Return ``a * b``, rounded as told in the last guard digit."""
        return _quotient(int(a) * int(b), self.one, rounding)

    def div(self, a: Value, b: Value, *, rounding: Rounding) -> int:
        """Return ``a / b``, rounded as told in the last guard digit."""
        return _quotient(int(a) * self.one, int(b), rounding)

    def div_int(self, a: Value, n: int, *, rounding: Rounding) -> int:
        """Return ``a / n``, rounded as told in the last guard digit."""
        return _quotient(int(a), n, rounding)

    def compare(self, a: Value, b: Value) -> int:
        """Compare, treating values within half a guard unit as equal."""
        geps = max(1, int(10**self.guard) // 2)
        d = int(a) - int(b)
        if abs(d) < geps:
            return 0
        return 1 if d > 0 else -1

    def decimal(self, v: Value) -> Decimal:
        """Return the exact Decimal of all carried digits."""
        return scaled_decimal(int(v), self.places)


@dataclass(frozen=True, slots=True)
class RationalArithmetic:
    """Exact rational arithmetic (:class:`fractions.Fraction`); shown to ``places`` digits."""

    places: int = 12
    name: str = "rational"

    @property
    def epsilon(self) -> Fraction:
        """Zero: exact arithmetic."""
        return Fraction(0)

    def of(self, n: int) -> Fraction:
        """Return a whole number as a Fraction."""
        return Fraction(n)

    # rounding= is the Arithmetic protocol's: an exact arithmetic has nothing to round.
    def muldiv(self, a: Value, b: Value, c: Value, *, rounding: Rounding) -> Fraction:  # noqa: ARG002
        """Return ``a * b / c`` exactly."""
        return Fraction(a) * b / c

    def mul(self, a: Value, b: Value, *, rounding: Rounding) -> Fraction:  # noqa: ARG002
        """Return ``a * b`` exactly."""
        return Fraction(a) * b

    def div(self, a: Value, b: Value, *, rounding: Rounding) -> Fraction:  # noqa: ARG002
        """Return ``a / b`` exactly."""
        return Fraction(a) / b

    def div_int(self, a: Value, n: int, *, rounding: Rounding) -> Fraction:  # noqa: ARG002
        """Return ``a / n`` exactly."""
        return Fraction(a) / n

    def compare(self, a: Value, b: Value) -> int:
        """Compare exactly."""
        return (a > b) - (a < b)

    def decimal(self, v: Value) -> Decimal:
        """Return ``v`` rounded half-up to ``places`` digits (a Fraction has no exact decimal)."""
        q = Fraction(v) * 10**self.places
        n = (abs(q.numerator) * 2 + q.denominator) // (2 * q.denominator)
        return scaled_decimal(-n if q < 0 else n, self.places)
