from __future__ import annotations

from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "tellers.service.publication"
    label = "publication"
    default_auto_field = "django.db.models.BigAutoField"
