"""Sessions in the shared cache (settings.TELLERS_SESSIONS): the voter's flow, and where it leaves
nothing behind.

Wherever ``TELLERS_CACHE_URL`` names a Redis, sessions live there instead of the database: a
voter's six requests then cost no session statements, and the database never holds a row
pairing a voter's token hash with the ranking they marked.  These tests run the voter's pages
with the cache engine on a real Redis and check that the flow behaves as with database sessions
(test_ballot_views.py), that no session row is written, and that the cached session holding the
token's hash is gone once the ballot is cast.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tellers.service.ballots.models import SealedBallot
from tellers.service.ballots.sealing import open_marks
from tellers.service.elections.models import RollEntry

from ._services import require_redis
from .conftest import invite

pytestmark = [pytest.mark.django_db, pytest.mark.redis]
#: Only named in settings (the engine is chosen from it); never connected to.
REDIS = "redis://127.0.0.1:6379/1"


@pytest.fixture
def redis_sessions(settings: Any) -> Any:
    """Sessions on the cache engine, the cache a Redis of its own key prefix."""
    url = require_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "sessions-test-" + secrets.token_hex(4),
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    from django.core.cache import cache

    yield cache
    cache.clear()


def test_voter_flow_on_cache_sessions_writes_no_session_row(make_election, redis_sessions):
    cache = redis_sessions
    election = make_election(candidates=("Ann", "Ben", "Cal"), members=3)
    email, token = sorted(invite(election).items())[0]
    client = Client()
    r = client.get(f"/vote/{token}/")
    assert r.status_code == 303 and r["Location"] == "/vote/ballot/"
    assert client.get("/vote/ballot/").status_code == 200
    r = client.post("/vote/ballot/", {"c0": "2", "c1": "", "c2": "1"})
    assert r.status_code == 303 and r["Location"] == "/vote/review/"
    assert client.get("/vote/review/").status_code == 200
    key = client.session.session_key
    held = cache.get(f"django.contrib.sessions.cache{key}")
    entry = RollEntry.objects.get(election=election, email=email)
    # The search below is shown to work: mid-flow the cache holds the hash and the marks.
    assert held["ballots.voter"]["token_hash"] == entry.token_hash
    assert open_marks(settings.SECRET_KEY, held["ballots.ranking"]) == [2, 0]
    assert token not in str(held)
    assert not Session.objects.exists()

    r = client.post("/vote/review/")
    assert r.status_code == 303 and r["Location"] == "/vote/receipt/"
    ballot = SealedBallot.objects.get(election=election)
    assert ballot.receipt in client.get("/vote/receipt/").content.decode()
    # Cast: the session that held the token's hash and the ranking is gone from the cache,
    # and the database never had one.
    assert cache.get(f"django.contrib.sessions.cache{key}") is None
    assert not Session.objects.exists()
    entry.refresh_from_db()
    assert entry.voted == "online" and entry.token_hash is None
    # A second press of "Cast my vote" finds the receipt cookie and stores nothing more.
    r = client.post("/vote/review/")
    assert r.status_code == 303 and r["Location"] == "/vote/receipt/"
    assert SealedBallot.objects.filter(election=election).count() == 1


def test_lost_session_sends_the_voter_back_to_their_unspent_link(make_election, redis_sessions):
    """A cache that loses the session (restart, eviction) costs the voter their marks, no more."""
    election = make_election(candidates=("Ann", "Ben", "Cal"), members=2)
    _, token = sorted(invite(election).items())[0]
    client = Client()
    client.get(f"/vote/{token}/")
    client.post("/vote/ballot/", {"c0": "1"})
    redis_sessions.clear()
    assert client.get("/vote/review/").status_code == 403
    assert client.post("/vote/review/").status_code == 403
    assert SealedBallot.objects.count() == 0
    assert client.get(f"/vote/{token}/").status_code == 303
    client.post("/vote/ballot/", {"c0": "1"})
    assert client.post("/vote/review/").status_code == 303
    assert SealedBallot.objects.count() == 1


def _engine(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TELLERS_")}
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "tellers.service.settings",
            "TELLERS_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "engine"),
    [
        ({}, "db"),
        ({"TELLERS_CACHE_URL": REDIS}, "cache"),
        ({"TELLERS_CACHE_URL": REDIS, "TELLERS_SESSIONS": "db"}, "db"),
    ],
)
def test_session_engine_follows_the_shared_cache(tmp_path: Path, env: dict[str, str], engine: str):
    r = _engine(tmp_path, **env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"django.contrib.sessions.backends.{engine}"


@pytest.mark.parametrize("env", [{"TELLERS_SESSIONS": "cache"}, {"TELLERS_SESSIONS": "files"}])
def test_sessions_never_in_one_process_memory(tmp_path: Path, env: dict[str, str]):
    """Local memory would be one worker's own: a second worker would not know the session."""
    r = _engine(tmp_path, **env)
    assert r.returncode != 0
    assert "TELLERS_SESSIONS" in r.stderr
