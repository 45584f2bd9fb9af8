"""Rate limits: per address and per token on the links, per address and per e-mail address on
the hustings' sign-in form; 429 with a readable page (tellers.service.ratelimits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory

from tellers.service.elections.models import Election
from tellers.service.ratelimits import client_ip

from .conftest import invite

pytestmark = pytest.mark.django_db

FAKE = "not-a-real-token-" + "x" * 30


def _ip(n: int) -> Client:
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def _limited(r: Any) -> bool:
    if r.status_code != 429:
        return False
    page = r.content.decode()
    assert "Too many requests" in page and "wait an hour" in page
    assert r["Retry-After"] == "3600"
    assert "script-src 'self'" in r["Content-Security-Policy"]
    return True


@pytest.mark.parametrize(
    "path",
    [
        "/vote/{token}/",
        "/nominations/link/{token}/",
        "/hustings/{election}/link/{token}/",
        "/hustings/{election}/answer/{token}/",
    ],
)
def test_one_token_from_many_addresses_is_limited(path: str, settings: Any) -> None:
    settings.TELLERS_RATE_LINK_TOKEN = "3/h"
    # The limit comes before the page looks anything up: no election is needed to meet it.
    url = path.format(token=FAKE, election=99999)
    for n in range(3):
        r = _ip(n).get(url)
        assert r.status_code == 404, r.status_code
    assert _limited(_ip(9).get(url))
    # Another token from that address is not limited: the count is per token.
    assert _ip(9).get(path.format(token=FAKE + "y", election=99999)).status_code == 404


def test_many_tokens_from_one_address_are_limited(
    make_election: Callable[..., Election], settings: Any
) -> None:
    settings.TELLERS_RATE_LINK_IP = "5/m"
    election = make_election(members=2)
    real = list(invite(election).values())
    guesser = _ip(7)
    for n in range(5):
        assert guesser.get(f"/vote/{FAKE}{n}/").status_code == 404
    assert _limited(guesser.get(f"/vote/{FAKE}5/"))
    # Once limited, that address gets nothing more, a real link included, and the link is
    # not spent by the refusal ...
    assert _limited(guesser.get(f"/vote/{real[0]}/"))
    # ... so the voter, anywhere else, still opens it; other addresses are untouched.
    assert _ip(8).get(f"/vote/{real[0]}/").status_code == 303
    assert _ip(8).get(f"/vote/{real[1]}/").status_code == 303


def test_default_limits_let_a_crowd_behind_one_address_vote(
    make_election: Callable[..., Election],
) -> None:
    """A workplace behind one NAT address: 40 voters open their links within the minute."""
    election = make_election(members=40)
    for token in invite(election).values():
        assert _ip(1).get(f"/vote/{token}/").status_code == 303


@pytest.mark.usefixtures("officials")
def test_sign_in_requests_limited_per_address_and_per_email(
    make_election: Callable[..., Election], settings: Any
) -> None:
    settings.TELLERS_RATE_SIGN_IN_ADDRESS = "2/h"
    settings.TELLERS_RATE_SIGN_IN_IP = "4/h"
    election = make_election(members=2)
    url = f"/hustings/{election.pk}/sign-in/"
    # One e-mail address, asked for from different places.
    for n in range(2):
        assert _ip(n).post(url, {"email": "member1@example.org"}).status_code != 429
    assert _limited(_ip(5).post(url, {"email": "Member1@Example.org "}))
    # One place, asking for different addresses.
    flooder = _ip(6)
    for n in range(4):
        assert flooder.post(url, {"email": f"m{n}@example.org"}).status_code != 429
    assert _limited(flooder.post(url, {"email": "m9@example.org"}))
    # Reading the form is not limited.
    assert flooder.get(url).status_code == 200


def test_rate_limits_can_be_switched_off_for_a_load_test(settings: Any) -> None:
    settings.TELLERS_RATE_LINK_TOKEN = "1/h"
    settings.RATELIMIT_ENABLE = False
    for _ in range(3):
        assert _ip(1).get(f"/vote/{FAKE}/").status_code == 404


def test_the_client_address_behind_the_proxy(settings: Any) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 192.0.2.1"
    )
    assert client_ip(request) == "127.0.0.1"  # no proxy configured: the socket's address
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind the proxy: the hop the proxy added (the client could forge the ones before it).
    assert client_ip(request) == "192.0.2.1"


@pytest.mark.redis
def test_workers_share_their_counts_through_redis(settings: Any, tmp_path: Any) -> None:
    """Another process (as another gunicorn worker) on TELLERS_CACHE_URL sees this one's
    count; on the default local-memory cache it would not (why deploy.md asks for Redis)."""
    import os
    import secrets
    import subprocess
    import sys

    from ._services import require_redis

    url = require_redis()
    token = "shared-" + secrets.token_urlsafe(16)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    settings.TELLERS_RATE_LINK_TOKEN = "3/h"
    for n in range(3):
        assert _ip(n).get(f"/vote/{token}/").status_code == 404
    worker = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(REMOTE_ADDR='198.51.100.9', raise_request_exception=False)\n"
        f"print(c.get('/vote/{token}/').status_code)\n"
    )

    def other_worker(**env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TELLERS_")}
        out = subprocess.run(
            [sys.executable, "-c", worker],
            env={
                **clean,
                "DJANGO_SETTINGS_MODULE": "tellers.service.settings",
                "TELLERS_DATA_DIR": str(tmp_path),  # an empty database: a page would fail
                "TELLERS_RATE_LINK_TOKEN": "3/h",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr

    assert other_worker(TELLERS_CACHE_URL=url) == "429"
    assert other_worker() != "429"  # its own local memory has counted nothing
