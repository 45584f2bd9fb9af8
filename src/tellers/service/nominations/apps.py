from __future__ import annotations

from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "tellers.service.nominations"
    label = "nominations"
    default_auto_field = "django.db.models.BigAutoField"
