"""Where the servers tests need are, and what to do when one is missing.

On a laptop a missing PostgreSQL, Redis or Chromium skips the tests that need it, naming the
reason; with ``TELLERS_REQUIRE_SERVICES=1`` (``.ci/run`` sets it) the same absence fails them,
so CI always runs them.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

POSTGRES_URL = os.environ.get(
    "TELLERS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TELLERS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("TELLERS_CHROMIUM", "/usr/bin/chromium")
#: Flags for headless Chromium on a closed network (no calls home, no sandbox as root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail where CI requires every service."""
    if os.environ.get("TELLERS_REQUIRE_SERVICES"):
        pytest.fail(f"required service unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    """Return the PostgreSQL URL, or skip/fail naming why it cannot be used."""
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed")
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except Exception as e:
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {e}")
    return POSTGRES_URL


def require_redis() -> str:
    """Return the Redis URL, or skip/fail naming why it cannot be used."""
    if not _reachable("127.0.0.1", 6379):
        unavailable("Redis not reachable at 127.0.0.1:6379")
    return REDIS_URL


def require_chromium() -> str:
    """Return the path of Debian's Chromium, or skip/fail naming why it cannot be used."""
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed")
    assert path is not None
    return path
