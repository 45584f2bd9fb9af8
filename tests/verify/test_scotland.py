"""The 2022 Scottish verification: every ward's every stage against the official sheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.verify import scotland


@pytest.fixture(scope="module")
def verification(shared_data: Path) -> tuple[str, bool]:
    """Run the whole 2022 check once for this module."""
    return scotland.verify_2022(shared_data)


def test_every_2022_ward_matches_or_is_explained(verification: tuple[str, bool]) -> None:
    """Count all 355 wards (and the BLT copies) and compare them with the declarations."""
    report, ok = verification
    assert ok, "a ward does not match its declaration and is not explained"
    assert "| MISMATCH |" not in report
    # Totals expected from the official file itself: of the 355 ward files, 320 have official
    # figures; 316 match every printed stage, East Dunbartonshire ward 4 matches but for two
    # figures its own row contradicts, Ayr North's ballot file has 1913 first preferences where
    # 1914 were declared, and Pentland Hills' declaration moves 3 papers the ballots cannot.
    dat = report.split("## BLT copies")[0]
    assert "| match | 316 |" in dat
    assert "| match but for errors in the official file | 1 |" in dat
    assert "| ballot data differs from declaration | 1 |" in dat
    assert "| ballot data differs from declaration at a later stage | 1 |" in dat
    assert "| **all files** | **355** |" in dat


def test_committed_table_is_current(verification: tuple[str, bool]) -> None:
    """The committed docs/verification/scotland-2022.md is what the check writes today."""
    report, _ = verification
    committed = Path(__file__).resolve().parents[2] / "docs" / "verification" / "scotland-2022.md"
    assert committed.read_text(encoding="utf-8") == report


def test_printed_places_reads_two_decimals_as_rounded() -> None:
    """Two printed decimals mean "rounded to two"; anything else is exact."""
    assert scotland._printed_places("1221.10") == 2
    assert scotland._printed_places("2.9946") == 5
    assert scotland._printed_places("1320") == 5
