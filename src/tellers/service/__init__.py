"""The ballot service: a Django project that runs an organisation's election online.

It calls the engine only through ``tellers``' public API (``tellers.count``, the report
renderers); the engine never imports this package.  Apps, split by responsibility:

``elections``    organisations, elections, candidates, the voter roll, roles and credentials
``ballots``      the sealed ballot box, casting, paper ballots keyed twice
``publication``  close, count, sign-off, publish; the results pages and the published bundle
``audit``        the append-only hash-chained log of every consequential act

Every state change is one *action* function (``<app>/actions.py``) that checks the actor's
role and the election's state, does the work in one transaction and appends the audit entry;
views, management commands, Celery tasks and tests all call the same functions.
"""

from __future__ import annotations

import os

__all__ = ["setup"]


def setup(settings_module: str = "tellers.service.settings") -> None:
    """Configure Django for use outside ``manage.py`` (the CLI, scripts, benchmarks)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
