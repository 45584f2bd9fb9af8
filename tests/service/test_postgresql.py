"""Every service test again, on PostgreSQL: each flow and each race runs on both databases."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from ._services import require_postgres

pytestmark = pytest.mark.postgres

GUARD = "TELLERS_IN_POSTGRES_RUN"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@pytest.mark.skipif(bool(os.environ.get(GUARD)), reason="already inside the PostgreSQL run")
def test_the_service_suite_passes_on_postgresql(tmp_path: Path) -> None:
    # pytest-django creates and drops `test_<name>`; a name of our own keeps two runs on one
    # server (two checkouts, or a developer's run beside CI) off each other's database.
    url = require_postgres().rsplit("/", 1)[0] + f"/tellers_suite_{secrets.token_hex(4)}"
    me = f"{Path(__file__).relative_to(ROOT)}::test_the_service_suite_passes_on_postgresql"
    env = {
        **os.environ,
        GUARD: "1",
        "DATABASE_URL": url,
        "TELLERS_DATA_DIR": str(tmp_path),
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(HERE),
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not browser",
        "--create-db",
        "--deselect",
        me,
        # These two make their own databases and servers; once per CI run is enough.
        "--ignore",
        str(HERE / "test_deploy.py"),
        "--ignore",
        str(HERE / "test_celery.py"),
    ]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    tail = "\n".join((r.stdout + r.stderr).splitlines()[-60:])
    assert r.returncode == 0, f"the service suite failed on PostgreSQL:\n{tail}"
    print(tail)
