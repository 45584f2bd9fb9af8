"""Invitations and reminders: issue each member a fresh link and e-mail it.

Raw tokens exist only between :func:`~.actions.issue_links` and the e-mail leaving; a reminder
issues a new link too (we never keep the old one to send again).  Failed sends are recorded on
the roll entry for the organiser's bounce list; one audit entry records the batch.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from tellers.service.audit.chain import append

from . import tokens
from .actions import issue_links, mark_invite
from .models import Election, InviteStatus, RollEntry, State

__all__ = ["send_links", "send_one"]

BATCH = 500


def send_links(election_id: int, *, reminders: bool = False) -> int:
    """Issue and e-mail links to members who have not voted; return how many were sent."""
    election = Election.objects.select_related("organisation").get(pk=election_id)
    if election.state not in (State.SCHEDULED, State.OPEN):
        return 0
    pending = RollEntry.objects.filter(
        election=election, voted__isnull=True, paper_issued=False
    ).order_by("pk")
    if not reminders:
        pending = pending.filter(invite_status=InviteStatus.NOT_SENT)
    sent = failed = 0
    connection = get_connection()
    ids = list(pending.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch = list(
                RollEntry.objects.select_for_update().filter(
                    pk__in=ids[start : start + BATCH], voted__isnull=True, paper_issued=False
                )
            )
            issued = issue_links(election, batch)
        for entry, token in issued:
            body = render_to_string(
                "elections/email/invitation.txt",
                {
                    "election": election,
                    "entry": entry,
                    "link": tokens.link_for(token),
                    "reminder": reminders,
                },
            )
            subject = ("Reminder: " if reminders else "") + f"Your ballot: {election.title}"
            msg = EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [entry.email], connection=connection
            )
            try:
                msg.send()
            except Exception as e:  # any transport failure goes on the bounce list
                mark_invite(entry, InviteStatus.FAILED, f"{type(e).__name__}: {e}")
                failed += 1
            else:
                mark_invite(entry, InviteStatus.SENT)
                if reminders:
                    RollEntry.objects.filter(pk=entry.pk).update(
                        reminders_sent=entry.reminders_sent + 1
                    )
                sent += 1
    append(
        actor="system",
        role="service",
        action="send reminders" if reminders else "send invitations",
        object=f"election {election.pk} {election.organisation.slug}/{election.slug}",
        details={"sent": sent, "failed": failed},
    )
    return sent


def send_one(entry: RollEntry, token: str, election: Election) -> bool:
    """E-mail one member a link just reissued to them; record and return whether it left."""
    body = render_to_string(
        "elections/email/invitation.txt",
        {"election": election, "entry": entry, "link": tokens.link_for(token), "reminder": True},
    )
    msg = EmailMessage(
        f"Your new ballot link: {election.title}", body, settings.DEFAULT_FROM_EMAIL, [entry.email]
    )
    try:
        msg.send()
    except Exception as e:  # any transport failure goes on the bounce list
        mark_invite(entry, InviteStatus.FAILED, f"{type(e).__name__}: {e}")
        return False
    mark_invite(entry, InviteStatus.SENT)
    return True
