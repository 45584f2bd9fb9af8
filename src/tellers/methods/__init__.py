"""Counting methods, one module per rule set, all producing :class:`tellers.Result`."""

from __future__ import annotations

from ..model import Election, Result
from . import av, fptp, scottish, wigm
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
REGISTRY.add(
    MethodInfo(
        "wigm",
        "Weighted Inclusive Gregory Method (generic; guarded fixed point as Droop counts it)",
        wigm.count,
        aliases=("weighted-inclusive-gregory",),
    )
)
REGISTRY.add(
    MethodInfo(
        "wigm-prf",
        "The PR Foundation's reference WIGM rule (four places, truncated)",
        wigm.count_prf,
        aliases=("wigm_prf",),
    )
)
REGISTRY.add(
    MethodInfo(
        "fptp",
        "First past the post: the candidates with the most first-preference votes",
        fptp.count,
        aliases=("plurality", "first-past-the-post"),
    )
)
REGISTRY.add(
    MethodInfo(
        "av",
        "Alternative vote for one seat: exclude the lowest until one has a majority",
        av.count,
        aliases=("irv", "alternative-vote", "instant-runoff"),
        single_winner=True,
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
