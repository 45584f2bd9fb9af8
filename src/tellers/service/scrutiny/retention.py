"""Retention: purge an election's roll and ballots once the retention period has passed.

A union's scrutineer keeps the voting papers for a year after the ballot (TULRCA 1992 s.49);
any organisation keeps its roll and ballots for as long as its rules say and no longer.
:func:`purge_election` deletes what identifies members or records their ballots — the roll's
names, e-mail addresses, membership numbers and join dates, the uploaded roll files, the
sealed ballots and the tellers' keyings of paper ballots — and keeps what the result rests
on: the published bundle (with its shuffled ballot set), the count, the sign-offs, the
scrutineer's statement and the audit chain, to which it appends a "purge" entry recording
what was removed.  The roll's rows stay, emptied, so the number of members, links and papers
issued and who-voted-by-which-channel figures in the scrutineer's report still add up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from ..audit.chain import append
from ..audit.models import AuditEntry
from ..ballots.models import PaperKeying, SealedBallot
from ..elections.models import Election, RollUpload, State
from ..errors import ServiceError, WrongState

__all__ = ["DEFAULT_MONTHS", "Purged", "add_months", "purge_election"]

#: Twelve months: the year TULRCA 1992 s.49 has a union's scrutineer keep the voting papers.
DEFAULT_MONTHS = 12
ACTOR = "command line"


@dataclass(frozen=True, slots=True)
class Purged:
    """What one purge removed."""

    roll_entries: int
    roll_uploads: int
    sealed_ballots: int
    paper_keyings: int
    spoilt_papers: int


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """Return ``when`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    y, m = divmod(when.month - 1 + months, 12)
    year, month = when.year + y, m + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def _object(election: Election) -> str:
    return f"election {election.pk} {election.organisation.slug}/{election.slug}"


def purge_election(
    election: Election, *, months: int = DEFAULT_MONTHS, now: dt.datetime | None = None
) -> Purged:
    """Purge a published election older than ``months``; refuse anything else, saying why."""
    if months < 0:
        raise ServiceError("The retention period cannot be negative.")
    now = now or timezone.now()
    with transaction.atomic():
        election = (
            Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)
        )
        name = f"{election.organisation.slug}/{election.slug}"
        if election.state != State.PUBLISHED:
            raise WrongState(
                f"{name} is {election.get_state_display().lower()}, not published: only a "
                "published election's roll and ballots can be purged."
            )
        if AuditEntry.objects.filter(action="purge", object=_object(election)).exists():
            raise ServiceError(f"{name} has already been purged.")
        published = election.publication.published_at
        until = add_months(published, months)
        if now < until:
            raise ServiceError(
                f"{name} was published on {published:%Y-%m-%d}; its roll and ballots are kept "
                f"for {months} months, until {until:%Y-%m-%d}."
            )
        # A spoilt paper is keyed with no preferences; the scrutineer's report reads the
        # figure from this entry once the keyings are gone.
        spoilt = len(
            {
                serial
                for serial, ranking in PaperKeying.objects.filter(
                    election=election, reconciled=True
                ).values_list("serial", "ranking")
                if not ranking
            }
        )
        online = SealedBallot.objects.filter(election=election).count()
        ballots, _ = SealedBallot.objects.filter(election=election).delete()
        keyings, _ = PaperKeying.objects.filter(election=election).delete()
        uploads, _ = RollUpload.objects.filter(election=election).delete()
        # Emptied rather than deleted: nominations and hustings rows refer to roll entries,
        # and the counts of the roll (issued, voted by channel) stay true.  The unique
        # (election, membership number) and (election, e-mail) keys need distinct values.
        number = Concat(Value("purged-"), Cast("pk", CharField()))
        entries = election.roll.update(
            name="",
            email=Concat(number, Value("@invalid")),
            membership_number=number,
            joined=None,
            token_hash=None,
            invite_error="",
        )
        append(
            actor=ACTOR,
            role="administrator",
            action="purge",
            object=_object(election),
            details={
                "retention_months": months,
                "published_at": published.isoformat(),
                "roll_entries_emptied": entries,
                "roll_uploads_deleted": uploads,
                "sealed_ballots_deleted": ballots,
                "paper_keyings_deleted": keyings,
                "online_ballots": online,
                "spoilt_papers": spoilt,
            },
        )
    return Purged(entries, uploads, ballots, keyings, spoilt)
