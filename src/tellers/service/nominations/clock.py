"""The service's idea of today, in one place (tests move it to replay a past contest)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """Return the current time."""
    return timezone.now()


def today() -> dt.date:
    """Return today's date in the service's time zone."""
    return timezone.localdate(now())
