"""Without ../shared/data a laptop skips the regression suites, and CI fails instead.

A real test that reads the data (``tests/test_cli.py::test_count_real_ward_text``, a 2022 ward)
is run by pytest in a subprocess with ``TELLERS_SHARED_DATA`` naming a folder that does not
exist, once as on a laptop and once with each variable ``.ci/run`` sets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKED = "tests/test_cli.py::test_count_real_ward_text"

pytestmark = pytest.mark.slow  # pytest runs in subprocesses


def _pytest(missing: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "TELLERS_REQUIRE_SERVICES")}
    clean.update(env, TELLERS_SHARED_DATA=str(missing))
    return subprocess.run(
        [sys.executable, "-m", "pytest", MARKED, "-p", "no:cacheprovider", "-rfEs"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_marked_test_needs_the_data() -> None:
    """The test run below is one the marker selects (so the proof is about a real one)."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", MARKED, "--collect-only", "-q", "-m", "shared_data"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert MARKED in run.stdout, run.stdout + run.stderr


def test_missing_data_skips_on_a_laptop(tmp_path: Path) -> None:
    missing = tmp_path / "no-shared-data"
    run = _pytest(missing)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout
    assert f"shared data not found at {missing}" in run.stdout


@pytest.mark.parametrize("variable", ["CI", "TELLERS_REQUIRE_SERVICES"])
def test_missing_data_fails_in_ci(tmp_path: Path, variable: str) -> None:
    missing = tmp_path / "no-shared-data"
    run = _pytest(missing, **{variable: "1"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout
    assert f"required data unavailable: shared data not found at {missing}" in run.stdout
