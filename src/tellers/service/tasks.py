"""Background work: one set of task functions, run by Celery workers or in-process.

With ``CELERY_BROKER_URL`` set, ``task.delay()`` queues the work on Redis for a worker; on the
embedded default ``CELERY_TASK_ALWAYS_EAGER`` runs it at once in the calling process.  Either
way the same function body runs: nothing in the request path depends on which.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tellers.send_invitations")
def send_invitations(election_id: int, *, reminders: bool = False) -> int:
    """Issue links to every member who has not voted and e-mail them; return how many were sent."""
    from .elections.mail import send_links

    return send_links(election_id, reminders=reminders)


@shared_task(name="tellers.advance_schedules")
def advance_schedules() -> list[str]:
    """Open and close elections whose scheduled times have passed (run by Celery beat)."""
    from .elections.actions import advance_schedules as advance

    return advance()
