"""The cross-check against Droop's reference counts: every offered reference matches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tellers.formats import read
from tellers.methods import meek
from tellers.verify import droop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def verification(shared_data: Path) -> tuple[str, bool]:
    """Run the whole check once for this module."""
    return droop.verify_droop(shared_data)


def test_every_offered_reference_matches_or_is_explained(
    verification: tuple[str, bool],
) -> None:
    """Every Meek, Warren, PRF Meek and Scottish reference matches, round by round."""
    report, ok = verification
    assert ok, "a Droop reference does not match and is not explained"
    assert "| MISMATCH |" not in report
    assert "| not checked: unreadable |" not in report
    # 152 reference counts: Meek 16, Warren 13, PRF Meek 9, Scottish 32 are ours to check.
    assert "| **all references** | **152** |" in report
    for rule, method, n in (
        ("meek", "meek", 16),
        ("warren", "warren", 13),
        ("meek-prf", "meek-prf", 9),
        ("scotland", "scottish-stv", 32),
        ("mpls", "mpls", 12),
        ("cfer", "cfer", 15),
        ("cfer-batch", "cfer", 9),
        ("wigm-prf-batch", "wigm-prf", 9),
        ("qpq", "qpq", 14),
    ):
        assert f"| {rule} | {method} | {n} | {n} | 0 | 0 |" in report
    # The rules tellers does not offer are listed with their reasons, never skipped.
    for rule in droop.NOT_OFFERED_RULES:
        assert f"| {rule} | " in report


def test_committed_table_is_current(verification: tuple[str, bool]) -> None:
    """The committed docs/verification/droop.md is what the check writes today."""
    report, _ = verification
    committed = ROOT / "docs" / "verification" / "droop.md"
    assert committed.read_text(encoding="utf-8") == report


def test_a_different_count_is_caught(shared_data: Path) -> None:
    """Warren's count of SC.blt is not Meek's: the check names the first figure that differs."""
    data = shared_data / "droop"
    ref = droop.load_reference(data, Path("SC-meek-o9-guarded-p18-g9-d18.txt"))
    assert ref.blt is not None
    election = replace(read(ref.blt), tie_order=ref.tie_order)
    same, rounds = droop.compare(ref, meek.count(election))
    assert same == [] and rounds == "7 / 7"
    diffs, _ = droop.compare(ref, meek.count_warren(election))
    assert diffs[0] == (
        "round 3 (Droop round 2), Kirit Mookerjee: Droop 3.208044077134986226, "
        "ours 3.145454545454545455"
    )


def test_reading_a_meek_record(shared_data: Path) -> None:
    """42.blt under Meek: a tie between Pollux and Helen, broken by Droop's listing order."""
    ref = droop.load_reference(shared_data / "droop", Path("42-meek-o9-guarded-p18-g9-d18.txt"))
    assert ref.rule == "meek" and ref.family == "meek"
    assert ref.setting == "guarded-p18-g9, omega 10^-9"
    assert [r.number for r in ref.rounds] == [0, 1, 2]
    assert ref.rounds[1].elected == {0}
    assert ref.rounds[2].defeated == {1} and ref.rounds[2].elected_remaining == {2}
    (tie,) = ref.rounds[2].ties
    assert (tie.how, tie.tied, tie.chosen) == ("order", frozenset({1, 2}), 1)
    assert ref.tie_order == (0, 1, 2)
