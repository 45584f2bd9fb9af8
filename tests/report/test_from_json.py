"""A result read back from its JSON report is the count's own Result.

The ballot service keeps the signed-off JSON and draws its pages from it, so the reading must
give back what the count produced: every figure, decision and tie exactly, and (for the
Gregory family and the single-winner rules) what each stage did and to whom.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tellers.errors import InputError
from tellers.formats import read
from tellers.methods import REGISTRY
from tellers.model import Action, Election
from tellers.report import to_json
from tellers.report.from_json import result_from_json

EXACT = ["scottish-stv", "wigm", "wigm-prf", "av", "fptp", "schulze", "ranked-pairs"]
FIGURES_ONLY = ["meek", "meek-prf", "warren", "ers97", "rctab"]


def _wards(shared: Path) -> list[Path]:
    return sorted((shared / "scotland" / "2022-dat").glob("*/*.dat"))[::12]


@pytest.mark.parametrize("method", EXACT)
def test_round_trip_is_exact(method: str, shared_data: Path) -> None:
    info = REGISTRY.get(method)
    for ward in _wards(shared_data):
        result = info.count(read(ward), seats=1 if info.single_winner else None)
        assert result_from_json(to_json(result)) == result, ward.name


@pytest.mark.parametrize("method", FIGURES_ONLY)
def test_round_trip_keeps_every_figure_and_decision(method: str, shared_data: Path) -> None:
    info = REGISTRY.get(method)
    for ward in _wards(shared_data):
        result = info.count(read(ward), seats=1 if info.single_winner else None)
        back = result_from_json(to_json(result))
        assert back.elected == result.elected and back.tiebreaks == result.tiebreaks
        assert (back.valid, back.quota, back.candidates) == (
            result.valid,
            result.quota,
            result.candidates,
        )
        for a, b in zip(back.rounds, result.rounds, strict=True):
            assert (a.tallies, a.transfers, a.exhausted, a.loss, a.decisions, a.note) == (
                b.tallies,
                b.transfers,
                b.exhausted,
                b.loss,
                b.decisions,
                b.note,
            )
            assert (a.exhausted_transfer, a.loss_transfer) == (
                b.exhausted_transfer,
                b.loss_transfer,
            )


def test_ties_by_lot_come_back() -> None:
    """Equal candidates: the lot, its seed and the stage keep their places in the order."""
    e = Election.from_orders(["A", "B", "C", "D"], [((0,), 3), ((1,), 3), ((2,), 2), ((3,), 2)])
    for method in ("scottish-stv", "av"):
        result = REGISTRY.get(method).count(e, seats=1, seed=7)
        assert result.tiebreaks
        assert result_from_json(to_json(result)) == result


def test_figures_stay_exact_decimals(shared_data: Path) -> None:
    ward = _wards(shared_data)[0]
    result = REGISTRY.get("wigm").count(read(ward))
    back = result_from_json(to_json(result))
    assert back.places == 27
    assert all(isinstance(v, Decimal) for r in back.rounds for v in r.tallies)
    assert back.rounds[0].action is Action.FIRST


def test_not_a_result_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a tellers result JSON"):
        result_from_json('{"method": "av"}')
