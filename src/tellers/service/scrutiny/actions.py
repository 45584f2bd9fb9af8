"""The scrutineer's acts: each checks the role, runs in one transaction, and is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ..elections.actions import User, _audit, _locked
from ..elections.models import Election, State
from ..elections.roles import Role, require
from ..errors import ServiceError, WrongState
from .models import Complaint, RegisterInspection, Statement

__all__ = ["make_statement", "record_complaint", "record_inspection"]

#: A statement is on the ballot as run, so only once it has been counted.
COUNTED = (State.COUNTED, State.SIGNED_OFF, State.PUBLISHED)


def _pk(user: User) -> int:
    # require() has refused anonymous users already; this narrows the type.
    assert user.pk is not None
    return int(user.pk)


def record_complaint(
    user: User, election: Election, *, received: dt.date, summary: str, outcome: str = ""
) -> Complaint:
    """Record a complaint about the ballot (the scrutineer or the returning officer)."""
    role = require(user, election, Role.SCRUTINEER, Role.RETURNING_OFFICER)
    if not summary.strip():
        raise ServiceError("Say what the complaint is about.")
    with transaction.atomic():
        election = _locked(election)
        complaint = Complaint.objects.create(
            election=election,
            received=received,
            summary=summary.strip(),
            outcome=outcome.strip(),
            recorded_by_id=_pk(user),
        )
        _audit(
            user, role, "record complaint", election, complaint=complaint.pk, received=str(received)
        )
    return complaint


def record_inspection(
    user: User,
    election: Election,
    *,
    requested: dt.date,
    requested_by: str,
    granted: bool,
    note: str = "",
) -> RegisterInspection:
    """Record a request to inspect the register of members, and whether it was granted."""
    require(user, election, Role.SCRUTINEER)
    if not requested_by.strip():
        raise ServiceError("Say who asked to inspect the register.")
    with transaction.atomic():
        election = _locked(election)
        inspection = RegisterInspection.objects.create(
            election=election,
            requested=requested,
            requested_by=requested_by.strip(),
            granted=granted,
            note=note.strip(),
            recorded_by_id=_pk(user),
        )
        _audit(
            user,
            Role.SCRUTINEER,
            "record register inspection",
            election,
            inspection=inspection.pk,
            requested=str(requested),
            granted=granted,
        )
    return inspection


def make_statement(
    user: User,
    election: Election,
    *,
    no_contravention: bool,
    secure_arrangements: bool,
    unhindered: bool,
    remarks: str = "",
) -> Statement:
    """Make the scrutineer's statement, once the ballot is counted; it cannot be changed.

    A scrutineer who is not satisfied on any count must say why in ``remarks``.
    """
    require(user, election, Role.SCRUTINEER)
    satisfied = no_contravention and secure_arrangements and unhindered
    if not satisfied and not remarks.strip():
        raise ServiceError("Say why you are not satisfied: the report must give the reasons.")
    with transaction.atomic():
        election = _locked(election)
        if election.state not in COUNTED:
            raise WrongState("The statement is made on the ballot as counted: count it first.")
        if Statement.objects.filter(election=election).exists():
            raise ServiceError("The scrutineer's statement has already been made.")
        statement = Statement.objects.create(
            election=election,
            no_contravention=no_contravention,
            secure_arrangements=secure_arrangements,
            unhindered=unhindered,
            remarks=remarks.strip(),
            made_by_id=_pk(user),
        )
        _audit(
            user,
            Role.SCRUTINEER,
            "scrutineer's statement",
            election,
            no_contravention=no_contravention,
            secure_arrangements=secure_arrangements,
            unhindered=unhindered,
        )
    return statement
