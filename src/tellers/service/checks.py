"""System checks that refuse to start an unsafe production configuration.

With ``DEBUG`` off the service is taken to be in production: each check below returns an
``Error`` (``manage.py check --deploy``, ``migrate`` and ``runserver`` then stop) rather than
Django's usual warning, because a ballot served without them leaks credentials or secrecy.
Registered from :class:`tellers.service.audit.apps.AuditConfig.ready`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

__all__ = ["production_checks", "register_checks"]

_UNSAFE_MAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def production_checks(
    app_configs: Sequence[Any] | None = None,  # noqa: ARG001 (Django passes it by name)
    **kwargs: Any,
) -> list[CheckMessage]:
    """Return an error for every unsafe setting when DEBUG is off."""
    if settings.DEBUG:
        return []
    problems: list[CheckMessage] = []

    def error(id_: str, msg: str, hint: str) -> None:
        problems.append(Error(msg, hint=hint, id=f"tellers.E{id_}"))

    # The generated file key suits only the embedded default: copied servers would each
    # make their own, and a key on the data volume travels with every backup of it.
    if not os.environ.get("TELLERS_SECRET_KEY"):
        error(
            "001", "TELLERS_SECRET_KEY is not set.", "Set a long random secret in the environment."
        )
    if not settings.SESSION_COOKIE_SECURE:
        error(
            "002", "SESSION_COOKIE_SECURE is off.", "Session cookies must travel only over HTTPS."
        )
    if not settings.CSRF_COOKIE_SECURE:
        error("003", "CSRF_COOKIE_SECURE is off.", "CSRF cookies must travel only over HTTPS.")
    if not settings.SECURE_HSTS_SECONDS:
        error("004", "HSTS is off (SECURE_HSTS_SECONDS is 0).", "Set TELLERS_HSTS_SECONDS > 0.")
    if "*" in settings.ALLOWED_HOSTS or not settings.ALLOWED_HOSTS:
        error(
            "005",
            "ALLOWED_HOSTS is empty or contains '*'.",
            "Set TELLERS_ALLOWED_HOSTS to the service's own host names.",
        )
    if not str(settings.TELLERS_BASE_URL).startswith("https://"):
        error(
            "006",
            f"TELLERS_BASE_URL ({settings.TELLERS_BASE_URL}) is not https.",
            "Voters' links carry their credential: they must be https:// links.",
        )
    if settings.EMAIL_BACKEND in _UNSAFE_MAIL:
        error(
            "007",
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: invitations would never reach voters "
            "(and the console backend writes their links into the logs).",
            "Set TELLERS_EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend.",
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                "The database is SQLite.",
                hint="Fine for a branch ballot on one machine; set DATABASE_URL to PostgreSQL "
                "for anything larger or for more than one app server.",
                id="tellers.W001",
            )
        )
    return problems


def register_checks() -> None:
    """Register the checks so every management command, not only ``--deploy``, runs them."""
    register(production_checks, Tags.security)
