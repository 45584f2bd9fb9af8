"""E-mail hustings links: the raw token lives only between the action and the message."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from ..elections.models import Candidate, Election, RollEntry
from . import tokens

__all__ = ["send_answer_link", "send_sign_in"]


def _send(subject: str, template: str, to: str, context: dict[str, object]) -> bool:
    body = render_to_string(template, context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
    except Exception:  # a transport failure: the page asks the user to try again
        return False
    return True


def send_sign_in(election: Election, entry: RollEntry, token: str) -> bool:
    """E-mail a member their single-use sign-in link; return whether it left."""
    return _send(
        f"Hustings sign-in: {election.title}",
        "hustings/email/sign_in.txt",
        entry.email,
        {"election": election, "entry": entry, "link": tokens.sign_in_link(election.pk, token)},
    )


def send_answer_link(election: Election, candidate: Candidate, email: str, token: str) -> bool:
    """E-mail a candidate their answer link; return whether it left."""
    return _send(
        f"Hustings questions for you: {election.title}",
        "hustings/email/answer_link.txt",
        email,
        {
            "election": election,
            "candidate": candidate,
            "link": tokens.answer_link(election.pk, token),
        },
    )
