"""Background work: one set of task functions, run by Celery workers or in-process.

With ``CELERY_BROKER_URL`` set, ``task.delay()`` queues the work on Redis for a worker; on the
embedded default ``CELERY_TASK_ALWAYS_EAGER`` runs it at once in the calling process.  Either
way the same function body runs: nothing in the request path depends on which.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="tellers.send_invitations")
def send_invitations(election_id: int, *, reminders: bool = False) -> int:
    """Issue links to every member who has not voted and e-mail them; return how many were sent."""
    from .elections.mail import send_links

    return send_links(election_id, reminders=reminders)


@shared_task(name="tellers.advance_schedules")
def advance_schedules(now: dt.datetime | None = None) -> list[str]:
    """Open and close elections whose scheduled times have passed (run by Celery beat, ``now``
    the time of the call); return what was done.

    Here, above the apps, because it does an act of each: opening is the elections app's,
    closing the publication app's, and publication already builds on elections.
    """
    from .elections.actions import open_ballot
    from .elections.models import Election, State
    from .elections.roles import SYSTEM
    from .publication.actions import close_ballot

    now = now or timezone.now()
    done: list[str] = []
    for e in Election.objects.filter(state=State.SCHEDULED, opens_at__lte=now):
        open_ballot(SYSTEM, e)
        done.append(f"opened {e.slug}")
    for e in Election.objects.filter(state=State.OPEN, closes_at__lte=now):
        close_ballot(SYSTEM, e)
        done.append(f"closed {e.slug}")
    return done
