"""Every act on an election, its candidates and its roll: one function per intention.

Each checks the actor's role and the election's state, does its work in one transaction and
appends the audit entry.  Views, management commands, Celery tasks and tests call these;
nothing else changes an election.  (Roll import is in :mod:`.roll`; casting is in
:mod:`tellers.service.ballots.actions`; close, count and publish in
:mod:`tellers.service.publication.actions`; opening and closing on schedule, which does acts of
both, in :mod:`tellers.service.tasks`.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.models import User as UserModel
from django.db import transaction
from django.utils import timezone

import tellers.rules
from tellers.service.audit.chain import append

from ..errors import ServiceError, WrongState
from . import tokens
from .models import (
    Appointment,
    Candidate,
    Election,
    InviteStatus,
    Organisation,
    ReceiptMode,
    RollEntry,
    State,
)
from .roles import GROUPS, SYSTEM, Role, require

__all__ = [
    "SYSTEM",
    "add_candidate",
    "appoint",
    "cancel",
    "create_election",
    "create_organisation",
    "ensure_groups",
    "issue_paper_ballot",
    "mark_invite",
    "open_ballot",
    "record_paper_return",
    "reissue_link",
    "schedule_ballot",
    "set_public_key",
    "update_candidate",
    "withdraw_candidate",
]

User = UserModel | AnonymousUser

#: States in which the candidates and the roll may still change.
SETUP_STATES = (State.DRAFT, State.NOMINATIONS, State.SCHEDULED)


def _name(user: User) -> str:
    return str(user.get_username()) if user.is_authenticated else "anonymous"


def _audit(actor: User | str, role: str, action: str, election: Election, **details: Any) -> None:
    append(
        actor=actor if isinstance(actor, str) else _name(actor),
        role=role,
        action=action,
        object=f"election {election.pk} {election.organisation.slug}/{election.slug}",
        details=details,
    )


def _expect(election: Election, *states: str, doing: str) -> None:
    if election.state not in states:
        allowed = ", ".join(State(s).label.lower() for s in states)
        raise WrongState(
            f"Cannot {doing}: the election is {State(election.state).label.lower()} "
            f"(it must be {allowed})."
        )


def _locked(election: Election) -> Election:
    """Re-read the election under a row lock, so two acts on it cannot interleave."""
    return Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)


def ensure_groups() -> None:
    """Create the role groups with their permissions (idempotent; migrations call it too)."""
    from django.contrib.auth.models import Permission

    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            content_type__app_label="elections", codename__in=codenames
        )
        group.permissions.add(*perms)


def create_organisation(user: User, *, name: str, slug: str) -> Organisation:
    """Create an organisation (any organiser may)."""
    if not user.is_authenticated or not user.has_perm("elections.setup_election"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only organisers may create organisations.")
    with transaction.atomic():
        org = Organisation.objects.create(name=name, slug=slug)
        append(
            actor=_name(user),
            role=Role.ORGANISER,
            action="create organisation",
            object=f"organisation {org.pk} {slug}",
            details={"name": name},
        )
    return org


def create_election(
    user: User,
    organisation: Organisation,
    *,
    title: str,
    slug: str,
    rulebook: str,
    office: str | None = None,
    seats: int | None = None,
    receipt_mode: str = ReceiptMode.WITH_BALLOTS,
    rulebook_text: str | None = None,
) -> Election:
    """Set up an election from a shipped rulebook (by id) or an uploaded one (its TOML text).

    Method, seats, sections and the eligibility cut-off come from the rulebook; ``seats``
    overrides the office's where the organiser must (a rulebook may leave it open).
    """
    if not user.is_authenticated or not user.has_perm("elections.setup_election"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only organisers may set up elections.")
    if rulebook_text is None:
        path = tellers.rules.resolve(rulebook)
        rulebook_text = path.read_text(encoding="utf-8")
        book = tellers.rules.load(path)
    else:
        book = tellers.rules.loads(rulebook_text, path=rulebook or "<uploaded rulebook>")
    if not book.offices:
        raise ServiceError(f"The rulebook {book.id} names no office to elect.")
    office_id = office or next(iter(book.offices))
    if office_id not in book.offices:
        raise ServiceError(
            f"The rulebook {book.id} has no office {office_id!r} "
            f"(it has {', '.join(book.offices)})."
        )
    off = book.offices[office_id]
    sections = (
        [{"id": s.id, "name": s.name} for s in book.electorate.sections]
        if book.electorate
        else [{"id": "members", "name": "Members"}]
    )
    freeze = book.electorate.freeze if book.electorate else None
    cutoff = freeze.date() if isinstance(freeze, dt.datetime) else freeze
    with transaction.atomic():
        election = Election.objects.create(
            organisation=organisation,
            slug=slug,
            title=title,
            rulebook_id=book.id,
            rulebook_toml=rulebook_text,
            office=office_id,
            method=off.method,
            seats=seats or off.seats,
            sections=sections,
            eligibility_cutoff=cutoff,
            receipt_mode=receipt_mode,
            scrutineer_signs=bool(book.ballot and book.ballot.scrutineer),
        )
        Appointment.objects.create(election=election, user_id=user.pk, role=Role.ORGANISER)
        _audit(
            user,
            Role.ORGANISER,
            "create election",
            election,
            title=title,
            rulebook=book.id,
            office=office_id,
            method=off.method,
            seats=election.seats,
        )
    return election


def appoint(user: User, election: Election, appointee: UserModel, role: str) -> None:
    """Appoint a user to a role in the election (the organiser does, before the ballot opens)."""
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, doing="appoint officials")
        Appointment.objects.get_or_create(election=election, user_id=appointee.pk, role=role)
        _audit(
            user,
            Role.ORGANISER,
            "appoint",
            election,
            appointee=appointee.get_username(),
            appointed_as=role,
        )


def add_candidate(
    user: User, election: Election, *, name: str, statement: str = "", is_ron: bool = False
) -> Candidate:
    """Add a candidate at the end of the ballot paper."""
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, doing="change the candidates")
        if is_ron and not election.reopen_nominations:
            raise ServiceError("The rulebook does not allow a re-open nominations option.")
        if election.candidates.filter(name=name).exists():
            raise ServiceError(f"There is already a candidate called {name!r}.")
        last = election.candidates.order_by("-position").first()
        cand = Candidate.objects.create(
            election=election,
            name=name,
            statement=statement,
            position=last.position + 1 if last else 0,
            is_ron=is_ron,
        )
        _audit(user, Role.ORGANISER, "add candidate", election, name=name, ron=is_ron)
    return cand


def update_candidate(
    user: User, candidate: Candidate, *, name: str | None = None, statement: str | None = None
) -> Candidate:
    """Change a candidate's name or statement before the ballot opens."""
    require(user, candidate.election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(candidate.election)
        _expect(election, *SETUP_STATES, doing="change the candidates")
        changed: dict[str, str] = {}
        if name is not None and name != candidate.name:
            changed["name"] = f"{candidate.name} -> {name}"
            candidate.name = name
        if statement is not None and statement != candidate.statement:
            changed["statement"] = "changed"
            candidate.statement = statement
        candidate.save()
        if changed:
            _audit(user, Role.ORGANISER, "change candidate", election, **changed)
    return candidate


def withdraw_candidate(user: User, candidate: Candidate) -> None:
    """Withdraw a candidate before the ballot opens (they stay on record, off the paper)."""
    require(user, candidate.election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(candidate.election)
        _expect(election, *SETUP_STATES, doing="withdraw a candidate")
        candidate.withdrawn = True
        candidate.save(update_fields=["withdrawn"])
        _audit(user, Role.ORGANISER, "withdraw candidate", election, name=candidate.name)


def set_public_key(user: User, election: Election, public_key_hex: str) -> None:
    """Record the election's public key; the returning officer keeps the private key."""
    require(user, election, Role.RETURNING_OFFICER)
    key = public_key_hex.strip().lower()
    if len(key) != 64 or any(ch not in "0123456789abcdef" for ch in key):
        raise ServiceError("A public key is 64 hexadecimal characters (from `tellers key new`).")
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, doing="change the election key")
        election.public_key = key
        election.save(update_fields=["public_key"])
        _audit(user, Role.RETURNING_OFFICER, "set election key", election, public_key=key)


def _ready_to_open(election: Election) -> None:
    if not election.public_key:
        raise ServiceError("The returning officer must set the election's public key first.")
    standing = election.candidates.filter(withdrawn=False).count()
    if standing < 2:
        raise ServiceError("A ballot needs at least two candidates.")
    if not election.roll.exists():
        raise ServiceError("The voter roll is empty: import it first.")


def schedule_ballot(
    user: User, election: Election, *, opens_at: dt.datetime, closes_at: dt.datetime
) -> None:
    """Set the times the ballot opens and closes by itself."""
    require(user, election, Role.RETURNING_OFFICER)
    if closes_at <= opens_at:
        raise ServiceError("The ballot must close after it opens.")
    with transaction.atomic():
        election = _locked(election)
        _expect(election, State.DRAFT, State.NOMINATIONS, State.SCHEDULED, doing="schedule")
        _ready_to_open(election)
        election.opens_at, election.closes_at = opens_at, closes_at
        election.state = State.SCHEDULED
        election.save(update_fields=["opens_at", "closes_at", "state"])
        _audit(
            user,
            Role.RETURNING_OFFICER,
            "schedule ballot",
            election,
            opens_at=opens_at.isoformat(),
            closes_at=closes_at.isoformat(),
        )


def open_ballot(user: User | str, election: Election) -> None:
    """Open the ballot now (the returning officer, or the schedule as ``SYSTEM``)."""
    if user != SYSTEM:
        assert not isinstance(user, str)
        require(user, election, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, State.DRAFT, State.NOMINATIONS, State.SCHEDULED, doing="open")
        _ready_to_open(election)
        election.state = State.OPEN
        now = timezone.now()
        if election.opens_at is None or election.opens_at > now:
            election.opens_at = now
        election.save(update_fields=["state", "opens_at"])
        _audit(
            user,
            Role.RETURNING_OFFICER,
            "open ballot",
            election,
            roll=election.roll.count(),
            candidates=[c.name for c in election.candidates.filter(withdrawn=False)],
            public_key=election.public_key,
        )


def cancel(user: User, election: Election, *, reason: str) -> None:
    """Cancel the election (any time before publication)."""
    require(user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        if election.state in (State.PUBLISHED, State.CANCELLED):
            raise WrongState(f"The election is already {State(election.state).label.lower()}.")
        election.state = State.CANCELLED
        election.save(update_fields=["state"])
        election.roll.update(token_hash=None)
        _audit(user, Role.ORGANISER, "cancel", election, reason=reason)


def issue_links(election: Election, entries: Iterable[RollEntry]) -> list[tuple[RollEntry, str]]:
    """Give each entry a fresh link, revoking any earlier one; return (entry, raw token) pairs.

    The raw tokens exist only in the returned list, for the e-mails about to be sent.
    """
    out: list[tuple[RollEntry, str]] = []
    for entry in entries:
        token = tokens.new_token()
        entry.token_hash = tokens.token_hash(election.pk, token)
        entry.links_issued += 1
        out.append((entry, token))
    RollEntry.objects.bulk_update([e for e, _ in out], ["token_hash", "links_issued"])
    return out


def reissue_link(user: User, entry: RollEntry) -> str:
    """Replace a member's link (the old one stops working); return the new raw token to send."""
    election = entry.election
    require(user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, State.OPEN, doing="reissue a voting link")
        entry = RollEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.voted:
            raise ServiceError(f"Member {entry.membership_number} has already voted.")
        if entry.paper_issued:
            raise ServiceError(f"Member {entry.membership_number} was issued a paper ballot.")
        [(_, token)] = issue_links(election, [entry])
        _audit(
            user,
            Role.ORGANISER,
            "reissue link",
            election,
            membership_number=entry.membership_number,
        )
    return token


def mark_invite(entry: RollEntry, status: str, error: str = "") -> None:
    """Record how a member's invitation fared (sent, failed, bounced)."""
    RollEntry.objects.filter(pk=entry.pk).update(invite_status=status, invite_error=error[:200])


def issue_paper_ballot(user: User, entry: RollEntry) -> None:
    """Send a member a paper ballot instead: their voting link stops working."""
    election = entry.election
    require(user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, State.OPEN, doing="issue a paper ballot")
        n = RollEntry.objects.filter(pk=entry.pk, voted__isnull=True).update(
            paper_issued=True, token_hash=None
        )
        if n != 1:
            raise ServiceError(f"Member {entry.membership_number} has already voted.")
        _audit(
            user,
            Role.ORGANISER,
            "issue paper ballot",
            election,
            membership_number=entry.membership_number,
        )


def record_paper_return(user: User, entry: RollEntry) -> None:
    """Mark a member's returned paper (its outer envelope) as a vote on the roll."""
    election = entry.election
    require(user, election, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, State.OPEN, State.CLOSED, doing="record a returned paper")
        n = RollEntry.objects.filter(pk=entry.pk, paper_issued=True, voted__isnull=True).update(
            voted="paper"
        )
        if n != 1:
            raise ServiceError(f"Member {entry.membership_number} has no outstanding paper ballot.")
        _audit(
            user,
            Role.RETURNING_OFFICER,
            "record paper return",
            election,
            membership_number=entry.membership_number,
        )


__all__ += ["InviteStatus", "issue_links"]
