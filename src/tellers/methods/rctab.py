"""RCTab's rules as a registered method: ``tellers count FILE --method rctab``.

The rules themselves (options, round loop, Java's random number generator) are
:mod:`tellers.rctab`; this adapter counts an election under RCTab's default options for the
seats asked: one seat is ``singleWinnerMajority`` (US IRV), more is
``multiWinnerAllowMultipleWinnersPerRound`` (RCTab's STV), skipped ranks unlimited, ties by
``java.util.Random`` seeded with ``seed``.  Every other option is set in an RCTab contest
config and run with ``tellers rctab CONFIG.json``.
"""

from __future__ import annotations

from ..model import Election, Result
from ..rctab.options import RctabRules, WinnerMode
from ..rctab.tabulator import tabulate
from .base import resolve_seats

__all__ = ["count"]


def count(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` by RCTab's default rules (single winner, or multi-winner STV)."""
    n = resolve_seats(election, seats)
    rules = RctabRules(
        number_of_winners=n,
        winner_mode=(
            WinnerMode.SINGLE_WINNER_MAJORITY if n == 1 else WinnerMode.MULTI_WINNER_MANY_PER_ROUND
        ),
        random_seed=seed,
        max_skipped_ranks_allowed=None,
    )
    return tabulate(election, rules).to_result(election.title)
