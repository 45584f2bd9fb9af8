"""docs/deploy.md run for real: PostgreSQL, migrate, collectstatic, gunicorn, whitenoise.

DEBUG is off and the production checks are satisfied; TLS is the proxy's job, so the test
speaks plain HTTP to gunicorn with the proxy's ``X-Forwarded-Proto: https`` header.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._services import require_postgres

pytestmark = pytest.mark.postgres

HTTPS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    import psycopg

    url = require_postgres()
    name = f"tellers_deploy_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(tmp_path: Path, database_url: str, port: int) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELLERS_", "CELERY_"))}
    return {
        **clean,
        "DATABASE_URL": database_url,
        "TELLERS_DEBUG": "0",
        "TELLERS_SECRET_KEY": secrets.token_urlsafe(50),
        "TELLERS_ALLOWED_HOSTS": "127.0.0.1",
        "TELLERS_BASE_URL": "https://ballot.example.org",
        "TELLERS_BEHIND_PROXY": "1",
        "TELLERS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TELLERS_EMAIL_HOST": "127.0.0.1",
        "TELLERS_EMAIL_PORT": "9",
        "TELLERS_DATA_DIR": str(tmp_path / "data"),
        "TELLERS_STATIC_ROOT": str(tmp_path / "static"),
        "TELLERS_BIND": f"127.0.0.1:{port}",
        "TELLERS_WORKERS": "1",
        "TELLERS_ACCESS_LOG": str(tmp_path / "access.log"),
        "TELLERS_ERROR_LOG": str(tmp_path / "error.log"),
    }


def manage(env: dict[str, str], *args: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "tellers.service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, f"{args}: {r.stdout}\n{r.stderr}"


def get(port: int, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=HTTPS)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_gunicorn_serves_the_service_in_production(tmp_path: Path, database: str) -> None:
    port = free_port()
    env = production_env(tmp_path, database, port)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:tellers.service.gunicorn_conf",
            "tellers.service.wsgi",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = get(port, "/")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)

        assert home.status == 200
        assert home.getheader("Strict-Transport-Security", "").startswith("max-age=31536000")
        assert home.getheader("X-Content-Type-Options") == "nosniff"
        assert home.getheader("X-Frame-Options") == "DENY"

        login = get(port, "/accounts/login/")
        assert login.status == 200
        cookies = login.headers.get_all("Set-Cookie") or []
        csrf = [c for c in cookies if c.startswith("csrftoken=")]
        assert csrf and "Secure" in csrf[0] and "SameSite=Lax" in csrf[0]

        # Plain http without the proxy's header is sent to https.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/", headers={"Host": "127.0.0.1"})
        plain = conn.getresponse()
        conn.close()
        assert plain.status == 301 and plain.getheader("Location") == "https://127.0.0.1/"

        # whitenoise serves the hashed copy collectstatic made, cacheable for ever.
        manifest = (tmp_path / "static" / "staticfiles.json").read_text()
        hashed = next(
            name
            for name in json.loads(manifest)["paths"].values()
            if name.startswith("tellers/site.") and name.endswith(".css")
        )
        css = get(port, f"/static/{hashed}")
        assert css.status == 200
        assert "max-age=315360000" in (css.getheader("Cache-Control") or "")
        assert get(port, "/static/tellers/site.css").status == 200

        # A voter's link through gunicorn: its token reaches neither log.
        token = secrets.token_urlsafe(32)
        assert get(port, f"/vote/{token}/").status in (403, 404, 410)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    access = (tmp_path / "access.log").read_text()
    errors = (tmp_path / "error.log").read_text()
    assert "/vote/[redacted]/" in access
    assert token not in access + errors
