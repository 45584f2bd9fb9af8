from __future__ import annotations

from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "tellers.service.ballots"
    label = "ballots"
    default_auto_field = "django.db.models.BigAutoField"
