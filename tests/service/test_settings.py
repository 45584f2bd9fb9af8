"""The production checks refuse each unsafe setting when DEBUG is off (tellers.service.checks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tellers.service.checks import production_checks

# The checks read DATABASES["default"]["ENGINE"]; overriding it here is deliberate.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

SAFE: dict[str, Any] = dict(
    DEBUG=False,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    ALLOWED_HOSTS=["ballot.example.org"],
    TELLERS_BASE_URL="https://ballot.example.org",
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "tellers"}},
)


def ids(**overrides: Any) -> set[str]:
    """Run the checks with the safe settings changed by ``overrides``; return the message ids."""
    with override_settings(**{**SAFE, **overrides}):
        return {m.id or "" for m in production_checks()}


@pytest.fixture(autouse=True)
def secret_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELLERS_SECRET_KEY", "x" * 50)


def test_safe_production_settings_pass() -> None:
    assert ids() == set()


def test_debug_on_is_not_checked() -> None:
    assert ids(DEBUG=True, SESSION_COOKIE_SECURE=False, ALLOWED_HOSTS=["*"]) == set()


def test_missing_secret_key_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELLERS_SECRET_KEY")
    assert ids() == {"tellers.E001"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SESSION_COOKIE_SECURE": False}, "tellers.E002"),
        ({"CSRF_COOKIE_SECURE": False}, "tellers.E003"),
        ({"SECURE_HSTS_SECONDS": 0}, "tellers.E004"),
        ({"ALLOWED_HOSTS": ["ballot.example.org", "*"]}, "tellers.E005"),
        ({"ALLOWED_HOSTS": []}, "tellers.E005"),
        ({"TELLERS_BASE_URL": "http://ballot.example.org"}, "tellers.E006"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "tellers.E007"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "tellers.E007"),
        (
            {"DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}},
            "tellers.W001",
        ),
    ],
)
def test_each_unsafe_setting_named(overrides: dict[str, Any], expected: str) -> None:
    assert ids(**overrides) == {expected}


def test_errors_are_errors_and_sqlite_only_warns() -> None:
    from django.core.checks import ERROR, WARNING

    unsafe = {**SAFE, "SECURE_HSTS_SECONDS": 0}
    unsafe["DATABASES"] = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
    with override_settings(**unsafe):
        levels = {m.id: m.level for m in production_checks()}
    assert levels == {"tellers.E004": ERROR, "tellers.W001": WARNING}


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELLERS_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "tellers.service", "check", "--deploy"],
        env={**clean, "TELLERS_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_command_refuses_unsafe_production(tmp_path: Path) -> None:
    """DEBUG off with the embedded defaults: `check` exits non-zero naming each problem."""
    r = _check(tmp_path, TELLERS_DEBUG="0", TELLERS_ALLOWED_HOSTS="*", TELLERS_HSTS_SECONDS="0")
    assert r.returncode != 0
    for code in ("E001", "E004", "E005", "E006", "E007"):
        assert f"tellers.{code}" in r.stderr, r.stderr


def test_check_command_accepts_safe_production(tmp_path: Path) -> None:
    r = _check(
        tmp_path,
        TELLERS_DEBUG="0",
        TELLERS_SECRET_KEY="k" * 60,
        TELLERS_ALLOWED_HOSTS="ballot.example.org",
        TELLERS_BASE_URL="https://ballot.example.org",
        TELLERS_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    assert "tellers.E" not in r.stderr + r.stdout, r.stderr
    assert r.returncode == 0, r.stderr
