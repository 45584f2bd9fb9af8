"""Every hustings act: one function per intention.

Each checks who is acting and the election's state, does its work in one transaction and
appends the audit entry.  Members and candidates are identified by their roll entry and their
candidacy (the views find them from the session their link opened); officials by their user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import IntegrityError, transaction
from django.utils import timezone

from tellers.service.audit.chain import append

from ..elections.models import Candidate, Election, RollEntry, State
from ..elections.roles import Role, require
from ..errors import ServiceError, WrongState
from . import tokens
from .models import (
    Answer,
    CandidateLink,
    Meeting,
    MemberLink,
    Moderator,
    Policy,
    Question,
    Status,
    Support,
)
from .roles import MODERATOR, MODERATOR_PERMISSION, require_moderator

__all__ = [
    "HUSTINGS_STATES",
    "LINKS_PER_DAY",
    "MANAGE_STATES",
    "add_meeting",
    "answer_question",
    "appoint_moderator",
    "approve",
    "ask",
    "candidate_for_token",
    "edit_policy",
    "issue_answer_link",
    "merge",
    "policy_for",
    "reject",
    "remove_meeting",
    "request_sign_in",
    "sign_in",
    "support",
]

User = UserModel | AnonymousUser
#: States in which members ask and support, moderators decide and candidates answer.
HUSTINGS_STATES = (State.NOMINATIONS, State.SCHEDULED, State.OPEN)
#: States in which the organiser may set the hustings up.
MANAGE_STATES = (State.DRAFT, *HUSTINGS_STATES)
#: Sign-in links a member may ask for in a day (each is an e-mail we send).
LINKS_PER_DAY = 5
LINK_LIFETIME = dt.timedelta(days=1)
DAY = dt.timedelta(days=1)


def _object(election: Election) -> str:
    return f"election {election.pk} {election.organisation.slug}/{election.slug}"


def _audit(actor: str, role: str, action: str, election: Election, **details: Any) -> None:
    append(actor=actor, role=role, action=action, object=_object(election), details=details)


def _name(user: User) -> str:
    return str(user.get_username()) if user.is_authenticated else "anonymous"


def _member(entry: RollEntry) -> str:
    return f"member {entry.membership_number}"


def _expect(election: Election, *states: str, doing: str) -> None:
    if election.state not in states:
        raise WrongState(f"Cannot {doing}: the election is {State(election.state).label.lower()}.")


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)


def _clean(text: str) -> str:
    """Normalise line ends (a browser sends CRLF) and trim, so lengths count what is read."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def policy_for(election: Election) -> Policy:
    """Return the organisation's policy, or the shipped default (unsaved) until it is edited."""
    policy = Policy.objects.filter(organisation_id=election.organisation_id).first()
    return policy or Policy(organisation_id=election.organisation_id)


# --- the organiser ----------------------------------------------------------------------


def edit_policy(user: User, election: Election, **fields: Any) -> Policy:
    """Change the organisation's policy (an organiser of one of its elections may)."""
    require(user, election, Role.ORGANISER)
    allowed = {
        "text",
        "reasons",
        "question_max_chars",
        "answer_max_chars",
        "questions_per_day",
        "public",
    }
    if set(fields) - allowed:
        raise ServiceError(f"Unknown policy fields: {', '.join(sorted(set(fields) - allowed))}.")
    with transaction.atomic():
        election = _locked(election)
        policy, _ = Policy.objects.select_for_update().get_or_create(
            organisation_id=election.organisation_id
        )
        changed: dict[str, Any] = {}
        for name, value in fields.items():
            if isinstance(value, str):
                value = _clean(value)
            if getattr(policy, name) != value:
                setattr(policy, name, value)
                changed[name] = value
        for name in ("question_max_chars", "answer_max_chars", "questions_per_day"):
            if getattr(policy, name) < 1:
                raise ServiceError("Every limit in the policy must be at least 1.")
        if not policy.reason_list():
            raise ServiceError("The policy needs at least one reason a question may be rejected.")
        policy.save()
        if changed:
            _audit(_name(user), Role.ORGANISER, "edit hustings policy", election, **changed)
    return policy


def appoint_moderator(user: User, election: Election, moderator: UserModel) -> None:
    """Appoint a user in the Moderators group to moderate this election's questions."""
    require(user, election, Role.ORGANISER)
    if not moderator.has_perm(MODERATOR_PERMISSION):
        raise ServiceError(f"{moderator.get_username()} is not in the Moderators group.")
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *MANAGE_STATES, doing="appoint moderators")
        Moderator.objects.get_or_create(election=election, user=moderator)
        _audit(
            _name(user),
            Role.ORGANISER,
            "appoint moderator",
            election,
            moderator=moderator.get_username(),
        )


def issue_answer_link(user: User, candidate: Candidate) -> str:
    """Give a candidate a new answer link (revoking the last); return the raw token to send."""
    election = candidate.election
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *MANAGE_STATES, doing="issue an answer link")
        if candidate.withdrawn or candidate.is_ron:
            raise ServiceError(f"{candidate.name} is not standing.")
        token = tokens.new_token()
        h = tokens.hustings_hash(tokens.CANDIDATE, election.pk, token)
        CandidateLink.objects.update_or_create(candidate=candidate, defaults={"token_hash": h})
        _audit(_name(user), Role.ORGANISER, "issue answer link", election, candidate=candidate.name)
    return token


def add_meeting(
    user: User,
    election: Election,
    *,
    starts_at: dt.datetime,
    place: str = "",
    link: str = "",
    notes: str = "",
) -> Meeting:
    """List a hustings meeting (a time and a place, a link, or both)."""
    require(user, election, Role.ORGANISER)
    if not (place.strip() or link.strip()):
        raise ServiceError("Give the meeting's place, its link, or both.")
    if link and not link.lower().startswith(("https://", "http://")):
        raise ServiceError("A meeting's link must be a web address (https://...).")
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *MANAGE_STATES, doing="list a meeting")
        meeting = Meeting.objects.create(
            election=election, starts_at=starts_at, place=place, link=link, notes=notes
        )
        _audit(
            _name(user),
            Role.ORGANISER,
            "add hustings meeting",
            election,
            meeting=meeting.pk,
            starts_at=starts_at.isoformat(),
            place=place,
            link=link,
        )
    return meeting


def remove_meeting(user: User, meeting: Meeting) -> None:
    """Take a meeting off the list."""
    election = meeting.election
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *MANAGE_STATES, doing="change the meetings")
        pk = meeting.pk
        meeting.delete()
        _audit(_name(user), Role.ORGANISER, "remove hustings meeting", election, meeting=pk)


# --- members --------------------------------------------------------------------------------


def request_sign_in(election: Election, email: str) -> tuple[RollEntry, str] | None:
    """Make a sign-in link for the roll entry with ``email``; None if there is none (or the
    member has had today's links).  The raw token is returned only to be e-mailed."""
    _expect(election, *HUSTINGS_STATES, doing="sign in to the hustings")
    now = timezone.now()
    with transaction.atomic():
        entry = (
            RollEntry.objects.select_for_update()
            .filter(election=election, email__iexact=email.strip())
            .first()
        )
        if entry is None:
            return None
        if MemberLink.objects.filter(entry=entry, created_at__gte=now - DAY).count() >= (
            LINKS_PER_DAY
        ):
            return None
        token = tokens.new_token()
        MemberLink.objects.create(
            entry=entry,
            token_hash=tokens.hustings_hash(tokens.MEMBER, election.pk, token),
            expires_at=now + LINK_LIFETIME,
        )
        _audit("system", "service", "send hustings sign-in link", election, member=entry.pk)
    return entry, token


def sign_in(election: Election, token: str) -> RollEntry | None:
    """Spend a member's sign-in link; return their roll entry, or None if it is not valid."""
    if election.state not in HUSTINGS_STATES:
        return None
    h = tokens.hustings_hash(tokens.MEMBER, election.pk, token)
    now = timezone.now()
    with transaction.atomic():
        n = MemberLink.objects.filter(
            token_hash=h, used_at__isnull=True, expires_at__gt=now, entry__election=election
        ).update(used_at=now)
        if n != 1:
            return None
        return MemberLink.objects.select_related("entry").get(token_hash=h).entry


def ask(entry: RollEntry, text: str) -> Question:
    """Put a member's question in the moderation queue (within the policy's limits)."""
    election = entry.election
    text = _clean(text)
    policy = policy_for(election)
    if not text:
        raise ServiceError("Write your question first.")
    if len(text) > policy.question_max_chars:
        raise ServiceError(
            f"A question may be at most {policy.question_max_chars} characters "
            f"(yours is {len(text)})."
        )
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *HUSTINGS_STATES, doing="ask a question")
        entry = RollEntry.objects.select_for_update().get(pk=entry.pk, election=election)
        since = timezone.now() - DAY
        asked = Question.objects.filter(author=entry, asked_at__gte=since).count()
        if asked >= policy.questions_per_day:
            raise ServiceError(
                f"You have asked {asked} questions in the last day, the most the policy "
                "allows; please try again tomorrow."
            )
        q = Question.objects.create(election=election, author=entry, text=text)
        _audit(_member(entry), "member", "ask question", election, question=q.pk, text=text)
    return q


def support(entry: RollEntry, question: Question) -> None:
    """Record a member's support for a published question (once each)."""
    election = question.election
    if entry.election_id != election.pk:
        raise ServiceError("That question belongs to another election.")
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *HUSTINGS_STATES, doing="support a question")
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.status != Status.APPROVED:
            raise ServiceError("Only published questions can be supported.")
        if question.author_id == entry.pk:
            raise ServiceError("You asked this question.")
        try:
            with transaction.atomic():
                Support.objects.create(question=question, member=entry)
        except IntegrityError:
            raise ServiceError("You already support this question.") from None
        _audit(_member(entry), "member", "support question", election, question=question.pk)


# --- moderators -----------------------------------------------------------------------------


def _decide(user: User, question: Question, doing: str) -> tuple[Election, Question]:
    election = question.election
    require_moderator(user, election)
    election = _locked(election)
    _expect(election, *HUSTINGS_STATES, doing=doing)
    question = Question.objects.select_for_update().get(pk=question.pk, election=election)
    if question.status != Status.PENDING:
        raise ServiceError(
            f"Question {question.pk} has already been decided ({question.get_status_display()})."
        )
    return election, question


def _decided(question: Question, user: User, status: str, reason: str = "") -> None:
    question.status = status
    question.reason = reason
    question.decided_at = timezone.now()
    question.decided_by = _name(user)


def approve(user: User, question: Question) -> None:
    """Publish a question."""
    with transaction.atomic():
        election, question = _decide(user, question, "approve a question")
        _decided(question, user, Status.APPROVED)
        question.save()
        _audit(_name(user), MODERATOR, "approve question", election, question=question.pk)


def reject(user: User, question: Question, reason: str, note: str = "") -> None:
    """Reject a question for one of the policy's reasons (shown to the asker)."""
    with transaction.atomic():
        election, question = _decide(user, question, "reject a question")
        reasons = policy_for(election).reason_list()
        if reason not in reasons:
            raise ServiceError("Choose one of the policy's reasons.")
        note = _clean(note)
        shown = f"{reason} {note}" if note else reason
        _decided(question, user, Status.REJECTED, shown)
        question.save()
        _audit(
            _name(user),
            MODERATOR,
            "reject question",
            election,
            question=question.pk,
            reason=reason,
            note=note,
        )


def merge(user: User, question: Question, into: Question) -> None:
    """Merge a duplicate into a published question: its asker and supporters support that one."""
    with transaction.atomic():
        election, question = _decide(user, question, "merge questions")
        target = Question.objects.select_for_update().get(pk=into.pk)
        if target.election_id != election.pk or target.pk == question.pk:
            raise ServiceError("Merge into another question of this election.")
        if target.status != Status.APPROVED:
            raise ServiceError("Merge into a published question.")
        _decided(
            question,
            user,
            Status.MERGED,
            f"Another member asked this already; your question was merged with question "
            f"{target.pk}, which now counts your support.",
        )
        question.merged_into = target
        question.save()
        members = {question.author_id} | set(
            Support.objects.filter(question=question).values_list("member_id", flat=True)
        )
        members.discard(target.author_id)
        have = set(Support.objects.filter(question=target).values_list("member_id", flat=True))
        Support.objects.bulk_create(
            Support(question=target, member_id=m) for m in sorted(members - have)
        )
        _audit(
            _name(user),
            MODERATOR,
            "merge question",
            election,
            question=question.pk,
            into=target.pk,
        )


# --- candidates -----------------------------------------------------------------------------


def candidate_for_token(election: Election, token: str) -> tuple[Candidate, str] | None:
    """Return the candidate whose current answer link is ``token``, with its hash."""
    h = tokens.hustings_hash(tokens.CANDIDATE, election.pk, token)
    link = CandidateLink.objects.filter(token_hash=h, candidate__election=election).first()
    if link is None:
        return None
    return Candidate.objects.get(pk=link.candidate_id), h


def answer_question(candidate: Candidate, link_hash: str, question: Question, text: str) -> Answer:
    """Record (or revise) a candidate's answer, within the limit every candidate shares."""
    election = candidate.election
    text = _clean(text)
    limit = policy_for(election).answer_max_chars
    if not text:
        raise ServiceError("Write your answer first.")
    if len(text) > limit:
        raise ServiceError(
            f"An answer may be at most {limit} characters, the same for every candidate "
            f"(yours is {len(text)})."
        )
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *HUSTINGS_STATES, doing="answer a question")
        if not CandidateLink.objects.filter(candidate=candidate, token_hash=link_hash).exists():
            raise ServiceError("This answer link has been replaced; use the newest one.")
        candidate = Candidate.objects.get(pk=candidate.pk)
        if candidate.withdrawn:
            raise ServiceError("You have withdrawn from this election.")
        question = Question.objects.get(pk=question.pk, election=election)
        if question.status != Status.APPROVED:
            raise ServiceError("Only published questions can be answered.")
        answer, created = Answer.objects.update_or_create(
            question=question, candidate=candidate, defaults={"text": text}
        )
        _audit(
            f"candidate {candidate.name}",
            "candidate",
            "answer question" if created else "revise answer",
            election,
            question=question.pk,
            characters=len(text),
        )
    return answer
