"""The README's first command: ``tellers demo`` holds an election from roll to published result.

Run as a user runs it (a fresh data folder, the command line, its own SQLite database), on a
small roll.  The expectations come from outside the demo: the roll file's three bad rows are
the ones it was built with, Rayner won the 2020 deputy ballot that the preferences are drawn
from (published result), and the published ballot set must re-count, by ``tellers count``, to
the published result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tellers

pytest.importorskip("django", reason="the service extra is not installed")


def _run(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))}
    env["TELLERS_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "tellers", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=data,
        timeout=600,
    )


def test_demo_publishes_a_result_that_recounts(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    done = _run(["demo", "--members", "60", "--dir", str(data)], tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    assert "60 members on the roll (3 rows rejected" in out
    assert "line 62: duplicate membership number (also on line 2)" in out
    assert "line 63: bad email 'not-an-address'" in out
    assert "line 64: joined 2020-01-30 after the eligibility cut-off 2020-01-20" in out
    assert "45 voted through the ballot pages" in out  # three in four of 60

    folder = data / "demo-results" / "deputy-leader"
    published = json.loads((folder / "result.json").read_text())
    assert published["elected"] == ["Angela Rayner"]
    assert published["valid"] == "45"
    # On 45 ballots a tie for last place is likely: the published seed decides it again.
    recount = tellers.count(tellers.read(folder / "ballots.blt"), "av", seed=published["seed"])
    assert json.loads(tellers.to_json(recount))["rounds"] == published["rounds"]
    assert len((folder / "receipts.txt").read_text().split()) == 45

    # The commands the demo tells its user to try next.
    for args in (["verify-result", str(folder / "bundle.zip")], ["audit", "verify"]):
        check = _run(args, data)
        assert check.returncode == 0, check.stderr
    assert "audit chain intact" in _run(["audit", "verify"], data).stdout

    # A second run makes a second election beside the first.
    again = _run(["demo", "--members", "20", "--dir", str(data)], tmp_path)
    assert again.returncode == 0, again.stderr
    assert (data / "demo-results" / "deputy-leader-2" / "bundle.zip").exists()
