from __future__ import annotations

from django.apps import AppConfig


class HustingsConfig(AppConfig):
    name = "tellers.service.hustings"
    label = "hustings"
    verbose_name = "Hustings"
    default_auto_field = "django.db.models.BigAutoField"
