"""RCTab's tabulation options: the ``rules`` section of a contest config, as the count takes them.

Each field of :class:`RctabRules` is one key of that section (RCTab's ``ContestConfig``); the
enums' values are the spellings RCTab's configs use.  :mod:`tellers.rctab.config` reads them
from a config file, :mod:`tellers.rctab.tabulator` counts by them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "EXPLICIT_OVERVOTE",
    "UNDECLARED_WRITE_IN",
    "Asker",
    "OvervoteRule",
    "RctabRules",
    "TieQuestion",
    "TiebreakMode",
    "WinnerMode",
]

#: The candidate name RCTab reports undeclared write-ins under.
UNDECLARED_WRITE_IN = "Undeclared Write-ins"
#: The pseudo-candidate an explicit overvote mark is read as.
EXPLICIT_OVERVOTE = "overvote"


class TiebreakMode(enum.StrEnum):
    """How a tie for elimination or (one winner per round) election is broken."""

    RANDOM = "random"
    ASK = "stopCountingAndAsk"
    PREVIOUS_ROUND_THEN_RANDOM = "previousRoundCountsThenRandom"
    PREVIOUS_ROUND_THEN_ASK = "previousRoundCountsThenAsk"
    CANDIDATE_ORDER = "useCandidateOrder"
    GENERATE_PERMUTATION = "generatePermutation"

    @property
    def needs_seed(self) -> bool:
        """Return whether this mode draws from the seeded generator."""
        return self in (
            TiebreakMode.RANDOM,
            TiebreakMode.PREVIOUS_ROUND_THEN_RANDOM,
            TiebreakMode.GENERATE_PERMUTATION,
        )


class OvervoteRule(enum.StrEnum):
    """What a rank marked for several candidates does to a ballot."""

    ALWAYS_SKIP = "alwaysSkipToNextRank"
    EXHAUST_IMMEDIATELY = "exhaustImmediately"
    EXHAUST_IF_MULTIPLE_CONTINUING = "exhaustIfMultipleContinuing"


class WinnerMode(enum.StrEnum):
    """How winners are chosen."""

    SINGLE_WINNER_MAJORITY = "singleWinnerMajority"
    MULTI_WINNER_ONE_PER_ROUND = "multiWinnerAllowOnlyOneWinnerPerRound"
    MULTI_WINNER_MANY_PER_ROUND = "multiWinnerAllowMultipleWinnersPerRound"
    BOTTOMS_UP = "bottomsUp"
    BOTTOMS_UP_PERCENTAGE = "bottomsUpUsingPercentageThreshold"
    MULTI_PASS_IRV = "multiPassIrv"


@dataclass(frozen=True, slots=True)
class TieQuestion:
    """A tie the rules leave to the operator: who should win or lose it."""

    round: int
    tied: tuple[str, ...]
    votes: Decimal
    selecting_winner: bool


#: Answers a :class:`TieQuestion` with one of the tied names.
Asker = Callable[[TieQuestion], str]


@dataclass(frozen=True)
class RctabRules:
    """RCTab's tabulation options (names as in the config's ``rules`` section)."""

    number_of_winners: int = 1
    winner_mode: WinnerMode = WinnerMode.SINGLE_WINNER_MAJORITY
    overvote_rule: OvervoteRule = OvervoteRule.EXHAUST_IMMEDIATELY
    tiebreak_mode: TiebreakMode = TiebreakMode.RANDOM
    random_seed: int | None = 0
    decimal_places: int = 4
    #: ``None``: as many rankings as declared candidates ("max").
    max_rankings_allowed: int | None = None
    #: ``None``: unlimited skipped ranks.
    max_skipped_ranks_allowed: int | None = 1
    minimum_vote_threshold: Decimal = Decimal(0)
    #: The bottoms-up threshold as a fraction (``Decimal("0.15")`` for 15%).
    bottoms_up_percentage: Decimal | None = None
    non_integer_winning_threshold: bool = False
    first_round_determines_threshold: bool = False
    hare_quota: bool = False
    batch_elimination: bool = False
    cutoff_elimination: bool = False
    continue_until_two_candidates_remain: bool = False
    stop_tabulation_early_after_round: int | None = None
    exhaust_on_duplicate_candidate: bool = False
    #: Answers ties in the "ask" modes; without it such a tie stops the count with an error.
    ask: Asker | None = field(default=None, compare=False)

    @property
    def uses_surpluses(self) -> bool:
        """Return whether winners' surpluses are transferred (multi-winner STV modes)."""
        return self.number_of_winners > 1 and self.winner_mode in (
            WinnerMode.MULTI_WINNER_ONE_PER_ROUND,
            WinnerMode.MULTI_WINNER_MANY_PER_ROUND,
        )
