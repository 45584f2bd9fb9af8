"""Counting methods, one module per rule set, all producing :class:`tellers.Result`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Election, Result
from . import av, cfer, condorcet, ers97, fptp, meek, mpls, qpq, rctab, scottish, wigm
from .base import MethodInfo, Registry
from .options import Options

__all__ = ["REGISTRY", "count", "get"]

REGISTRY = Registry()
REGISTRY.add(
    MethodInfo(
        "scottish-stv",
        "STV as the Scottish Local Government Elections Order 2007 rules 45-52 prescribe",
        scottish.count,
        aliases=("scottish", "scotland", "scottish_stv"),
        options=scottish.ScottishOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "wigm",
        "Weighted Inclusive Gregory Method (generic; guarded fixed point as Droop counts it)",
        wigm.count,
        aliases=("weighted-inclusive-gregory",),
        options=wigm.WigmOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "wigm-prf",
        "The PR Foundation's reference WIGM rule (four places, truncated)",
        wigm.count_prf,
        aliases=("wigm_prf",),
        options=wigm.WigmPrfOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "mpls",
        "Minneapolis STV (Code of Ordinances 167.70: four places, certain losers defeated first)",
        mpls.count,
        aliases=("minneapolis", "minneapolis-stv"),
        options=mpls.MplsOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "cfer",
        "CfER's WIGM rule (draft California Elections Code 10059: five places; batch optional)",
        cfer.count,
        aliases=("cfer-stv",),
        options=cfer.CferOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "qpq",
        "Woodall's Quota Preferential by Quotient (guarded fixed point as Droop counts it)",
        qpq.count,
        aliases=("quota-preferential-by-quotient",),
        options=qpq.QpqOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "ers97",
        "The Electoral Reform Society's 1997 STV rules (two places, last-batch surpluses)",
        ers97.count,
        aliases=("ers", "ers-97", "ers97-stv"),
        options=ers97.Ers97Options,
    )
)
REGISTRY.add(
    MethodInfo(
        "meek",
        "Meek's method of STV (generic; guarded fixed point and omega as Droop counts it)",
        meek.count,
        aliases=("meek-stv", "meekstv"),
        options=meek.MeekOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "meek-prf",
        "The PR Foundation's Reference Meek Rule (nine places, omega 10^-6)",
        meek.count_prf,
        aliases=("meek_prf",),
        options=meek.MeekPrfOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "warren",
        "Warren's variant of Meek STV (generic; defaults as meek)",
        meek.count_warren,
        aliases=("warren-stv",),
        options=meek.MeekOptions,
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
        options=av.AvOptions,
    )
)
REGISTRY.add(
    MethodInfo(
        "schulze",
        "Schulze (beatpath), winning votes: the candidate whose strongest paths win",
        condorcet.count_schulze,
        aliases=("beatpath", "schulze-method"),
        single_winner=True,
    )
)
REGISTRY.add(
    MethodInfo(
        "ranked-pairs",
        "Ranked pairs (Tideman): lock majorities largest margin first, skipping cycles",
        condorcet.count_ranked_pairs,
        aliases=("tideman", "ranked_pairs"),
        single_winner=True,
    )
)

REGISTRY.add(
    MethodInfo(
        "rctab",
        "RCTab's rules (US IRV, or multi-winner STV as RCTab counts it); see tellers rctab",
        rctab.count,
        aliases=("rctab-irv", "urcvt"),
    )
)


def get(name: str) -> MethodInfo:
    """Return the method registered as ``name``."""
    return REGISTRY.get(name)


def count(
    election: Election,
    method: str = "scottish-stv",
    *,
    seats: int | None = None,
    seed: int = 0,
    options: Mapping[str, Any] | Options | None = None,
) -> Result:
    """Count ``election`` by the named method.

    ``options`` are the method's (``tellers methods METHOD`` lists them): a mapping of names to
    values, text or typed, or the method's options dataclass.  An unknown option or a value
    not allowed is refused with a :class:`~tellers.errors.ConfigurationError` naming both.
    """
    return REGISTRY.get(method).run(election, seats=seats, seed=seed, options=options)
