"""The scrutiny app."""

from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    """The scrutineer's records and report."""

    name = "tellers.service.scrutiny"
    default_auto_field = "django.db.models.BigAutoField"
