from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tellers.service.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the production safety checks (tellers.service.checks)."""
        from tellers.service.checks import register_checks

        register_checks()
