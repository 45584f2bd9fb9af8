"""The Celery application (``celery -A tellers.service worker``)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellers.service.settings")

app = Celery("tellers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tellers.service"])
app.conf.beat_schedule = {
    "advance-schedules": {"task": "tellers.advance_schedules", "schedule": 30.0},
}
