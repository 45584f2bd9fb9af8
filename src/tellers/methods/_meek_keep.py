"""The contract of a Meek-family keep rule [B.2.a]: what ``meek.py`` defines and its array path
``_meek_fast.py`` calls.

It lives below both so that the array path can name the type without importing the count that
imports it (no import circle).  The rules themselves (``meek_keep``, ``prf_keep``,
``warren_keep``) stay in ``meek.py`` beside the clauses they implement.
"""

from __future__ import annotations

from typing import Protocol

from ..arithmetic import Arithmetic, Value

__all__ = ["KeepRule"]


class KeepRule(Protocol):
    """How a candidate with keep factor ``kf`` takes from a ballot's remaining ``weight``.

    Returns what the candidate keeps and the weight that passes on.
    """

    def __call__(self, a: Arithmetic, kf: Value, weight: Value) -> tuple[Value, Value]:
        """Return (kept, passed on)."""
        ...
