"""Counting methods, one module per rule set, all producing :class:`tellers.Result`."""

from __future__ import annotations

from ..model import Election, Result
from . import scottish
from .base import MethodInfo, Registry

__all__ = ["REGISTRY", "count", "get"]

REGISTRY = Registry()
REGISTRY.add(
    MethodInfo(
        "scottish-stv",
        "STV as the Scottish Local Government Elections Order 2007 rules 45-52 prescribe",
        scottish.count,
        aliases=("scottish", "scotland", "scottish_stv"),
    )
)


def get(name: str) -> MethodInfo:
    """Return the method registered as ``name``."""
    return REGISTRY.get(name)


def count(
    election: Election, method: str = "scottish-stv", *, seats: int | None = None, seed: int = 0
) -> Result:
    """Count ``election`` by the named method."""
    return REGISTRY.get(method).count(election, seats=seats, seed=seed)
