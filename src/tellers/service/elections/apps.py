from __future__ import annotations

from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "tellers.service.elections"
    label = "elections"
    default_auto_field = "django.db.models.BigAutoField"
