"""Exhaustive ballots: thresholds per round, lowest out, ties reported, bad rounds refused."""

from __future__ import annotations

import pytest

from tellers.errors import InputError
from tellers.rules.exhaustive import run
from tellers.rules.schema import ExhaustiveBallot, RoundThreshold

RULES = ExhaustiveBallot(
    body="mps", then="leader", thresholds=(RoundThreshold(round=1, at_least=10),)
)


def test_threshold_then_lowest_out() -> None:
    """Round 1 removes everyone under 10; later rounds remove the lowest until two remain.

    Round 1: A 20, B 15, C 12, D 9, E 4 -> D and E under 10, out.
    Round 2: A 22, B 20, C 18 -> nobody under a threshold (none set), C lowest, out.
    """
    r = run(RULES, [{"A": 20, "B": 15, "C": 12, "D": 9, "E": 4}, {"A": 22, "B": 20, "C": 18}])
    assert [x.eliminated for x in r.rounds] == [("D", "E"), ("C",)]
    assert r.rounds[0].threshold == 10
    assert r.remaining == ("A", "B")
    assert r.complete


def test_everyone_over_threshold_eliminates_lowest() -> None:
    """If nobody is under the round's threshold, the lowest goes."""
    r = run(RULES, [{"A": 20, "B": 15, "C": 12}])
    assert r.rounds[0].eliminated == ("C",)
    assert "every candidate reached" in r.rounds[0].reason


def test_tie_for_lowest_is_reported_not_decided() -> None:
    """Equal lowest: nobody is eliminated by us, and the tie is named."""
    r = run(RULES, [{"A": 20, "B": 12, "C": 12}])
    assert r.rounds[0].eliminated == ()
    assert set(r.rounds[0].tied) == {"B", "C"}
    assert not r.complete


def test_withdrawal_and_inconsistent_rounds() -> None:
    """A withdrawal removes a candidate; a round listing an eliminated one is refused."""
    r = run(
        RULES, [{"A": 20, "B": 15, "C": 12, "D": 11}, {"A": 25, "B": 20}], withdrawals={1: ["C"]}
    )
    assert r.rounds[0].eliminated == ("D",)
    assert r.rounds[0].withdrew_after == ("C",)
    with pytest.raises(InputError, match="no longer in the contest"):
        run(RULES, [{"A": 20, "B": 15, "C": 12, "D": 11}, {"A": 20, "B": 15, "C": 12, "D": 11}])
