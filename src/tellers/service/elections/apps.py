from __future__ import annotations

from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "tellers.service.elections"
    label = "elections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Bind shared tasks to the project's Celery app (configured from settings).
        from .. import celery  # noqa: F401
