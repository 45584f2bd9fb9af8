"""Fixed-point decimal arithmetic with the rounding named at every multiply and divide.

Statutory STV rules fix the precision of a count ("to five decimal places (any remainder being
ignored)", SSI 2007/42 r.48(3)).  Values are held as integers scaled by ``10**places`` so sums
are exact; a product or quotient must say which way it rounds.  The precision belongs to one
count's :class:`FixedPoint` instance, never to a class or the process, so two counts at
different precisions can run side by side.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["FixedPoint", "Rounding"]


class Rounding(enum.StrEnum):
    """Direction of rounding for a fixed-point product or quotient."""

    DOWN = "down"  # towards zero: the statutes' "any remainder being ignored"
    UP = "up"  # away from zero


@dataclass(frozen=True, slots=True)
class FixedPoint:
    """Arithmetic on integers that stand for multiples of ``10**-places``."""

    places: int

    @property
    def one(self) -> int:
        """The scaled representation of 1."""
        return 10**self.places

    def of(self, n: int) -> int:
        """Scale a whole number."""
        return n * self.one

    def muldiv(self, a: int, b: int, c: int, *, rounding: Rounding) -> int:
        """Return ``a * b / c`` for scaled ``a``, ``b``, ``c``, rounded as told (values >= 0)."""
        if a < 0 or b < 0 or c <= 0:
            raise ValueError("muldiv takes non-negative operands and a positive divisor")
        q, r = divmod(a * b, c)
        return q + 1 if rounding is Rounding.UP and r else q

    def decimal(self, v: int) -> Decimal:
        """Return the exact :class:`~decimal.Decimal` for a scaled value."""
        return Decimal(v).scaleb(-self.places)
