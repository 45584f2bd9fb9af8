"""RCTab's regression suite: every case folder of ../shared/data/rctab against RCTab's reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.rctab import suite

from .._shared import SHARED_DATA

pytestmark = pytest.mark.shared_data

# The folder list is needed at collection time, before fixtures run; the tests themselves
# read the data through the shared_data fixture (a laptop without it skips, CI fails).
_RCTAB = SHARED_DATA / "rctab"
# Without the data, one case stands for the suite, so it is skipped (laptop) or fails (CI).
CASES = sorted(p.name for p in _RCTAB.iterdir() if p.is_dir()) if _RCTAB.is_dir() else ["absent"]
DOC = Path(__file__).resolve().parents[2] / "docs" / "verification" / "rctab.md"


@pytest.fixture(scope="module")
def results(shared_data: Path) -> dict[str, suite.CaseResult]:
    """Run every case once for this module."""
    return {r.case: r for r in suite.run_suite(shared_data / "rctab")}


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, results: dict[str, suite.CaseResult]) -> None:
    """A case with expected reports matches them; one without gives a clear error."""
    r = results[case]
    if r.kind == "missing input":
        pytest.skip(f"missing input: {r.detail}")
    if r.kind == "report":
        assert r.passed, r.detail
    elif r.kind == "invalid":
        assert r.passed, f"expected a clear error, but {r.detail}"
        assert len(r.detail) > 20
    else:
        assert r.passed, r.detail


def test_known_missing_inputs_are_reported_not_passed(
    results: dict[str, suite.CaseResult],
) -> None:
    """The two cases whose CVR file was not copied are reported as missing input."""
    for case in suite.KNOWN_MISSING:
        assert results[case].kind == "missing input"
        assert suite.outcome(results[case]) == "missing input"


def test_million_ballot_scale_case(results: dict[str, suite.CaseResult]) -> None:
    """The 1,041,313-ballot Minneapolis scale case passes, in reasonable time."""
    r = results["2013_minneapolis_mayor_scale"]
    assert r.passed, r.detail
    assert r.ballots == "1041313"
    assert r.seconds < 120


def test_verification_table_is_current(results: dict[str, suite.CaseResult]) -> None:
    """docs/verification/rctab.md is what the suite writes today (timings aside)."""
    assert DOC.exists(), "write the table with tellers verify rctab"
    committed = [_untimed(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    fresh = suite.render(list(results.values()))
    assert committed == [_untimed(line) for line in fresh.splitlines()]


def _untimed(line: str) -> str:
    """Blank the seconds column of a case row (timings differ run to run)."""
    cells = line.split(" | ")
    if (
        line.startswith("| ")
        and len(cells) >= 6
        and cells[1] in ("report", "invalid", "conversion", "missing input", "inputs")
    ):
        cells[4] = ""
    return " | ".join(cells)
