"""Tie-breaking shared by the methods: look back through earlier stages, then draw lots.

Strategies here take the tied set and return the chosen candidate with a :class:`TieBreak`
record, so every tie in a result says how it was decided.  Randomness comes in as a seeded
:class:`random.Random` owned by the count, never module state, so a count can be repeated.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from .._types import CandidateIndex
from ..arithmetic import Value
from ..model import TieBreak, TieMethod

__all__ = ["ListedOrder", "Lot", "break_by_history", "break_by_order", "narrow_by_history"]


@dataclass
class Lot:
    """The count's own random source for drawing lots, with the seed it was started from."""

    seed: int

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self, tied: Sequence[CandidateIndex]) -> CandidateIndex:
        """Draw one of ``tied`` (sorted first, so the draw depends only on the seed)."""
        return self._rng.choice(sorted(tied))


class ListedOrder(Lot):
    """Stands in for the lot with a predetermined order: the earliest of the tied is taken.

    This is the option ``ties=listed`` (the file's ``[tie]`` order, else the listing order), as
    Droop breaks ties; where a rule says lot it is not the rule's, and ties so broken are
    recorded as broken by order, not by lot.
    """

    def __init__(self, order: Sequence[CandidateIndex]) -> None:
        super().__init__(0)
        self.rank = {c: i for i, c in enumerate(order)}

    def draw(self, tied: Sequence[CandidateIndex]) -> CandidateIndex:
        """Return the tied candidate earliest in the order."""
        return min(tied, key=lambda c: self.rank.get(c, len(self.rank) + c))


def narrow_by_history(
    tied: Sequence[CandidateIndex],
    history: Sequence[Sequence[Value]],
    *,
    lowest: bool,
    earliest: bool = False,
) -> tuple[list[CandidateIndex], int | None]:
    """Narrow ``tied`` by the stages at which their totals differed.

    ``history`` holds every earlier stage's totals, oldest first, and is read from the most
    recent stage back (or, with ``earliest``, from the first stage on).  At each stage where the
    contenders' totals are not all equal, only those with the lowest (or highest) stay.  Returns
    the contenders left and the 1-based stage that decided, if one did.
    """
    contenders = sorted(tied)
    order = range(len(history)) if earliest else range(len(history) - 1, -1, -1)
    for stage in order:
        if len(contenders) == 1:
            break
        totals = history[stage]
        values = {totals[c] for c in contenders}
        if len(values) == 1:
            continue
        pick = min(values) if lowest else max(values)
        contenders = [c for c in contenders if totals[c] == pick]
        if len(contenders) == 1:
            return contenders, stage + 1
    return contenders, None


def break_by_history(
    tied: Sequence[CandidateIndex],
    history: Sequence[Sequence[Value]],
    *,
    lowest: bool,
    purpose: str,
    lot: Lot | None,
) -> tuple[CandidateIndex, TieBreak | None]:
    """Choose among ``tied`` by the most recent earlier stage at which their totals differed.

    At the most recent stage where the tied candidates' totals were not all equal, those with
    the lowest (or highest) total stay in contention; if several still tie, earlier stages are
    consulted in turn.  When all stages are equal the choice is made by lot (or, with
    ``lot=None``, where the choice decides nothing, by file order, unrecorded).  This is SSI
    2007/42 rules 49(2)-(3) and 51(2); UK party AV rules decide ties by "the previous round" the
    same way.
    """
    if len(tied) == 1:
        return tied[0], None
    contenders, stage = narrow_by_history(tied, history, lowest=lowest)
    if stage is not None:
        chosen = contenders[0]
        return chosen, TieBreak(
            frozenset(tied), chosen, purpose, TieMethod.EARLIER_ROUND, round=stage
        )
    if lot is None:
        return contenders[0], None
    chosen = lot.draw(contenders)
    if isinstance(lot, ListedOrder):
        return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.ORDER)
    return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.LOT, seed=lot.seed)


def break_by_order(
    tied: Sequence[CandidateIndex], order: Sequence[CandidateIndex], *, purpose: str
) -> tuple[CandidateIndex, TieBreak | None]:
    """Choose the tied candidate earliest in a predetermined order (PRF reference rules D.1)."""
    if len(tied) == 1:
        return tied[0], None
    rank = {c: i for i, c in enumerate(order)}
    chosen = min(tied, key=lambda c: rank.get(c, len(rank) + c))
    return chosen, TieBreak(frozenset(tied), chosen, purpose, TieMethod.ORDER)
