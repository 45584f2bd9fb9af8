"""Opening and closing on schedule (``tellers.advance_schedules``, run by Celery beat): the
service does the returning officer's acts by itself, as ``SYSTEM``, when their times come."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import User
from django.utils import timezone

from tellers.service.audit.chain import verify
from tellers.service.audit.models import AuditEntry
from tellers.service.elections import actions
from tellers.service.elections.models import Election, State
from tellers.service.elections.roles import SYSTEM
from tellers.service.tasks import advance_schedules


def _acts() -> list[tuple[str, str]]:
    return list(AuditEntry.objects.order_by("seq").values_list("actor", "action"))


def test_a_scheduled_ballot_opens_and_closes_by_itself(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    election = make_election(open=False)
    start = timezone.now() + dt.timedelta(hours=1)
    actions.schedule_ballot(
        officials["returning_officer"],
        election,
        opens_at=start,
        closes_at=start + dt.timedelta(days=1),
    )
    assert advance_schedules(start - dt.timedelta(seconds=1)) == []
    assert advance_schedules(start) == ["opened e"]
    election.refresh_from_db()
    assert election.state == State.OPEN
    assert advance_schedules(start + dt.timedelta(hours=23)) == []
    assert advance_schedules(start + dt.timedelta(days=2)) == ["closed e"]
    election.refresh_from_db()
    assert election.state == State.CLOSED
    assert _acts()[-2:] == [(SYSTEM, "open ballot"), (SYSTEM, "close ballot")]
    assert verify() == []


def test_the_task_runs_with_the_time_of_the_call(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    """Beat enqueues the task with no arguments; due times are then compared with now."""
    election = make_election(open=False)
    later = timezone.now() + dt.timedelta(hours=1)
    actions.schedule_ballot(
        officials["returning_officer"],
        election,
        opens_at=later,
        closes_at=later + dt.timedelta(days=1),
    )
    assert advance_schedules.delay().get() == []
    Election.objects.filter(pk=election.pk).update(opens_at=timezone.now())
    assert advance_schedules.delay().get() == ["opened e"]
    # Still importable from the actions module, where open_ballot's callers found it.
    assert actions.SYSTEM == SYSTEM
