"""bench/service_crash.py in small: gunicorn SIGKILLed twice under voters, nothing lost.

The real run (docs/reliability.md) kills gunicorn twenty times and PostgreSQL once under 200
concurrent voters; CI runs this bounded version on SQLite in WAL mode (no database server to
kill, and none of other tests' PostgreSQL disturbed): 30 voters, 10 at a time, two kills.
It asserts only correctness, never timing: every receipt shown is published beside its
voter's ranking, the roll's voted count equals the ballots in the box, each voter has exactly
one ballot, and ``tellers verify-result`` re-counts the bundle to its declared result.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_sigkilled_gunicorn_loses_no_ballot() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import service_crash
    finally:
        sys.path.remove(str(BENCH))
    result = service_crash.run(
        db="sqlite",
        voters=30,
        concurrency=10,
        kills=2,
        db_kills=0,
        seed=2026,
        gaps=(0.2, 0.8),
        workers=1,
        threads=4,
        time_limit=120,
    )
    # On a loaded machine the voters may all finish before the second kill: that is no fault.
    problems = [p for p in result["problems"] if not p.startswith("only ")]
    assert problems == []
    assert result["app_kills"] >= 1
    assert result["receipts_shown"] + result["receipts_lost_in_crash"] == 30
    assert result["roll_voted_online"] == result["sealed_ballots"] == 30
