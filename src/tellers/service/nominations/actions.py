"""Every act on an election's nominations: one function per intention.

Each checks who is acting (an official's role through :mod:`..elections.roles`, or a member
through their nominations link: the roll entry itself), checks the election's state, asks the
engine (:mod:`.engine`) where a rule applies, does its work in one transaction under a lock on
the election's row, and appends the audit entry.  A refusal raises :class:`Refused` (a
:class:`~tellers.service.errors.ServiceError`) whose message is the engine's reason.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import transaction

import tellers.rules
from tellers.rules.nominations import Status
from tellers.rules.selection import check_list, trigger

from ..audit.chain import append
from ..elections import tokens
from ..elections.models import Candidate, Election, RollEntry, State
from ..elections.roles import Role, require
from ..errors import ServiceError, WrongState
from . import clock, engine
from .models import (
    Candidacy,
    Contest,
    Event,
    Kind,
    Pass,
    ProposedList,
    Purpose,
    TriggerBallot,
    TriggerVote,
    Unit,
)

__all__ = [
    "Refused",
    "attest",
    "close_nominations",
    "decide_trigger",
    "declare",
    "issue_pass",
    "member_for_token",
    "nominate",
    "open_nominations",
    "propose_list",
    "record_tally",
    "record_trigger_vote",
    "register_unit",
    "set_photo",
    "set_up_trigger",
    "update_statement",
    "withdraw",
]

User = UserModel | AnonymousUser
#: A member acts through their nominations link; an official through their login.
Actor = User | RollEntry


class Refused(ServiceError):
    """The rules refuse this act; the message names the rule (the engine's reason)."""


# Who and where -------------------------------------------------------------------------


def _who(actor: Actor) -> str:
    if isinstance(actor, RollEntry):
        return f"member {actor.membership_number}"
    return str(actor.get_username()) if actor.is_authenticated else "anonymous"


def _audit(actor: Actor, role: str, action: str, election: Election, **details: Any) -> None:
    append(
        actor=_who(actor),
        role=role,
        action=action,
        object=f"election {election.pk} {election.organisation.slug}/{election.slug}",
        details=details,
    )


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)


def _contest(election: Election) -> Contest:
    contest = Contest.objects.filter(election=election).first()
    if contest is None:
        raise WrongState("Nominations have not been opened for this election.")
    contest.election = election
    return contest


def _open_contest(election: Election, doing: str) -> Contest:
    """Return the contest if nominations are open now, or refuse."""
    contest = _contest(election)
    if election.state != State.NOMINATIONS or contest.closed_at is not None:
        raise WrongState(f"Cannot {doing}: nominations are closed.")
    return contest


def _member(election: Election, entry: RollEntry) -> RollEntry:
    """Return the roll entry afresh, refusing anyone not on this election's roll."""
    found = RollEntry.objects.filter(pk=entry.pk, election=election).first()
    if found is None:
        raise Refused("Not on the roll: only members on this election's roll may take part.")
    return found


def on_roll(election: Election, membership_number: str) -> RollEntry:
    """Return the member with this number, or refuse naming the rule."""
    entry = RollEntry.objects.filter(
        election=election, membership_number=membership_number.strip()
    ).first()
    if entry is None:
        raise Refused(
            f"Not on the roll: no member {membership_number.strip()!r} on this election's roll."
        )
    return entry


def _record(contest: Contest, event: Event) -> Event:
    """Store ``event`` if the engine accepts it after every recorded one; else refuse."""
    rejection = engine.try_record(contest, event)
    if rejection is not None:
        raise Refused(f"Refused: {rejection.reason}.")
    event.save()
    return event


def _event(election: Election, actor: Actor, kind: str, candidate: str, **kw: Any) -> Event:
    return Event(
        election=election,
        kind=kind,
        candidate=candidate,
        date=clock.today(),
        recorded_by=_who(actor),
        recorded_at=clock.now(),
        **kw,
    )


# Opening ----------------------------------------------------------------------------------


def open_nominations(
    user: User,
    election: Election,
    *,
    occasion: str | None = None,
    sizes: Mapping[str, int] | None = None,
    membership_totals: Mapping[str, int] | None = None,
    statement_words: int = 500,
    public: bool = True,
    nominators_public: bool = True,
) -> Contest:
    """Open nominations under the election's rulebook (the organiser, from draft)."""
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        if election.state != State.DRAFT:
            raise WrongState("Nominations open from a draft election only.")
        tb = TriggerBallot.objects.filter(election=election).first()
        if tb is not None and not tb.triggered:
            why = (
                "the trigger ballot is not decided"
                if tb.triggered is None
                else tb.outcome.get("consequence", "no open selection")
            )
            raise Refused(f"No open selection: {why}.")
        if election.candidates.filter(is_ron=False).exists():
            raise WrongState("The ballot paper already has candidates added by hand.")
        book = engine.rulebook(election)
        occ = occasion or book.occasions[0]
        if occ not in book.occasions:
            raise ServiceError(f"The rulebook has no occasion {occ!r}.")
        for name in (*(sizes or {}), *(membership_totals or {})):
            if name not in book.bodies:
                raise ServiceError(f"The rulebook has no nominating body {name!r}.")
        contest = Contest.objects.create(
            election=election,
            occasion=occ,
            sizes=dict(sizes or {}),
            membership_totals=dict(membership_totals or {}),
            statement_words=statement_words,
            public=public,
            nominators_public=nominators_public,
            opened_at=clock.now(),
        )
        election.state = State.NOMINATIONS
        election.save(update_fields=["state"])
        _audit(
            user,
            Role.ORGANISER,
            "open nominations",
            election,
            occasion=occ,
            sizes=contest.sizes,
            membership_totals=contest.membership_totals,
            statement_words=statement_words,
        )
    return contest


# Members' links -----------------------------------------------------------------------------


def _pass_hash(token: str) -> str:
    key = settings.TELLERS_TOKEN_KEY.encode("utf-8")
    return hmac.new(key, f"tellers-nominate:{token}".encode(), hashlib.sha256).hexdigest()


def issue_pass(user: User, election: Election, membership_number: str) -> tuple[RollEntry, str]:
    """Give a member a nominations link (replacing any earlier one); return the raw token.

    Links go out for a trigger ballot, while nominations are open, and after they close until
    the ballot opens (so a candidate can still withdraw).  The token leaves only in the e-mail
    the caller sends; a keyed hash is kept.
    """
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        before_ballot = election.state in (State.DRAFT, State.NOMINATIONS, State.SCHEDULED)
        has_work = (
            Contest.objects.filter(election=election).exists()
            or TriggerBallot.objects.filter(election=election, decided_at__isnull=True).exists()
        )
        if not (before_ballot and has_work):
            raise WrongState(
                "Nominations links are for a trigger ballot or nominations, before the ballot."
            )
        entry = on_roll(election, membership_number)
        token = tokens.new_token()
        Pass.objects.update_or_create(
            entry=entry, defaults={"token_hash": _pass_hash(token), "issued_at": clock.now()}
        )
        _audit(
            user,
            Role.ORGANISER,
            "issue nominations link",
            election,
            membership_number=entry.membership_number,
        )
    return entry, token


def member_for_token(token: str) -> RollEntry | None:
    """Return the member whose current nominations link carries ``token``."""
    p = Pass.objects.filter(token_hash=_pass_hash(token)).select_related("entry").first()
    return p.entry if p else None


def member_for_hash(token_hash: str) -> RollEntry | None:
    """Return the member whose current link has this hash (what a session keeps)."""
    p = Pass.objects.filter(token_hash=token_hash).select_related("entry").first()
    return p.entry if p else None


def pass_hash(token: str) -> str:
    """Return the keyed hash a session keeps in place of the link's token."""
    return _pass_hash(token)


# Candidacies -----------------------------------------------------------------------------


def _words(text: str) -> int:
    return len(text.split())


def _check_statement(contest: Contest, statement: str) -> None:
    if _words(statement) > contest.statement_words:
        raise Refused(
            f"The statement has {_words(statement)} words; the limit is {contest.statement_words}."
        )


def _as_candidate_or_organiser(actor: Actor, election: Election, entry: RollEntry) -> str:
    if isinstance(actor, RollEntry):
        if actor.pk != entry.pk or actor.election_id != election.pk:
            raise Refused("A member may act only for their own candidacy.")
        return "candidate"
    require(actor, election, Role.ORGANISER)
    return Role.ORGANISER


def declare(
    actor: Actor, election: Election, entry: RollEntry, *, statement: str = ""
) -> Candidacy:
    """Declare a member's candidacy (the member themself, or the organiser for them)."""
    role = _as_candidate_or_organiser(actor, election, entry)
    with transaction.atomic():
        election = _locked(election)
        contest = _open_contest(election, "declare a candidacy")
        entry = _member(election, entry)
        _check_statement(contest, statement)
        stages = engine.rulebook(election).stages_for(election.office, contest.occasion)
        first = stages[0] if stages else None
        if first is not None and first.closes is not None and clock.today() > first.closes:
            raise Refused(f"Declarations closed with {first.name} on {first.closes:%d %B %Y}.")
        if Candidacy.objects.filter(election=election, entry=entry).exists():
            raise Refused(f"{entry.name} has already declared.")
        _record(contest, _event(election, actor, Kind.DECLARATION, entry.name))
        cand = Candidacy.objects.create(
            election=election,
            entry=entry,
            name=entry.name,
            statement=statement,
            declared_on=clock.today(),
        )
        _audit(
            actor,
            role,
            "declare candidacy",
            election,
            candidate=entry.name,
            membership_number=entry.membership_number,
        )
    return cand


def update_statement(actor: Actor, candidacy: Candidacy, statement: str) -> None:
    """Change a candidate's statement while nominations are open."""
    election = candidacy.election
    role = _as_candidate_or_organiser(actor, election, candidacy.entry)
    with transaction.atomic():
        election = _locked(election)
        contest = _open_contest(election, "change a statement")
        _check_statement(contest, statement)
        if candidacy.withdrawn_on is not None:
            raise Refused(f"{candidacy.name} has withdrawn.")
        Candidacy.objects.filter(pk=candidacy.pk).update(statement=statement)
        _audit(actor, role, "change statement", election, candidate=candidacy.name)


#: The largest photo accepted, and the largest picture it may decode to.
MAX_PHOTO_BYTES = 1024 * 1024
MAX_PHOTO_PIXELS = 4000 * 4000
_PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def _photo_type(data: bytes) -> str:
    """Return the photo's content type, decoding it to be sure it is a JPEG or PNG image."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_PHOTO_BYTES:
        raise Refused(f"The photo is larger than {MAX_PHOTO_BYTES // 1024} KB.")
    try:
        with Image.open(io.BytesIO(data)) as img:
            kind = img.format or ""
            width, height = img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Refused("The photo is not a JPEG or PNG image that can be read.") from None
    if kind not in _PHOTO_TYPES:
        raise Refused(f"The photo must be a JPEG or PNG image, not {kind or 'this kind'}.")
    if width * height > MAX_PHOTO_PIXELS:
        raise Refused("The photo has too many pixels (at most 4000 by 4000).")
    return _PHOTO_TYPES[kind]


def set_photo(actor: Actor, candidacy: Candidacy, data: bytes, alt: str) -> None:
    """Give a candidacy its photo, with the text that describes it (both required)."""
    election = candidacy.election
    role = _as_candidate_or_organiser(actor, election, candidacy.entry)
    alt = " ".join(alt.split())
    if not alt:
        raise Refused("Describe the photo for those who cannot see it (its alt text).")
    kind = _photo_type(data)
    with transaction.atomic():
        election = _locked(election)
        _open_contest(election, "change a photo")
        Candidacy.objects.filter(pk=candidacy.pk).update(photo=data, photo_type=kind, photo_alt=alt)
        _audit(
            actor,
            role,
            "set photo",
            election,
            candidate=candidacy.name,
            sha256=hashlib.sha256(data).hexdigest(),
            alt=alt,
        )


def withdraw(actor: Actor, candidacy: Candidacy) -> None:
    """Withdraw a candidacy before the ballot opens (it leaves the tracker and the paper)."""
    election = candidacy.election
    role = _as_candidate_or_organiser(actor, election, candidacy.entry)
    with transaction.atomic():
        election = _locked(election)
        contest = _contest(election)
        if election.state not in (State.NOMINATIONS, State.DRAFT, State.SCHEDULED):
            raise WrongState("Cannot withdraw: the ballot has opened.")
        candidacy = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
        if candidacy.withdrawn_on is not None:
            raise Refused(f"{candidacy.name} withdrew on {candidacy.withdrawn_on:%d %B %Y}.")
        _record(contest, _event(election, actor, Kind.WITHDRAWAL, candidacy.name))
        candidacy.withdrawn_on = clock.today()
        candidacy.save(update_fields=["withdrawn_on"])
        Candidate.objects.filter(election=election, name=candidacy.name).update(withdrawn=True)
        _audit(actor, role, "withdraw candidacy", election, candidate=candidacy.name)


# Nominating units and nominations -----------------------------------------------------------


def _trigger_bodies(election: Election) -> set[str]:
    tb = TriggerBallot.objects.filter(election=election).first()
    if tb is None:
        return set()
    book = tellers.rules.loads(tb.rulebook_toml, path=tb.rulebook_id)
    return {r.body for r in book.trigger_ballot.routes} if book.trigger_ballot else set()


def register_unit(
    user: User,
    election: Election,
    *,
    body: str,
    name: str,
    officer: str,
    purpose: str = Purpose.NOMINATE,
    category: str = "",
    group: str = "",
    membership: int | None = None,
) -> Unit:
    """Register a nominator or nominating unit and the member who acts for it."""
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        if purpose == Purpose.TRIGGER:
            bodies = _trigger_bodies(election)
            if body not in bodies:
                raise ServiceError(
                    f"The trigger ballot takes votes from {', '.join(sorted(bodies)) or 'nobody'}"
                    f", not {body!r}."
                )
        else:
            _open_contest(election, "register a nominator")
            book = engine.rulebook(election)
            if body not in book.bodies:
                raise ServiceError(
                    f"The rulebook's nominating bodies are {', '.join(book.bodies)}, not {body!r}."
                )
        entry = on_roll(election, officer)
        if Unit.objects.filter(election=election, purpose=purpose, body=body, name=name).exists():
            raise ServiceError(f"{name} is already registered.")
        unit = Unit.objects.create(
            election=election,
            purpose=purpose,
            body=body,
            name=name,
            category=category,
            group=group,
            membership=membership,
            officer=entry,
        )
        _audit(
            user,
            Role.ORGANISER,
            "register unit",
            election,
            unit=name,
            body=body,
            purpose=purpose,
            category=category,
            group=group,
            membership=membership,
            officer=entry.membership_number,
        )
    return unit


def _standing(election: Election, candidate: str) -> Candidacy:
    c = Candidacy.objects.filter(election=election, name=candidate).first()
    if c is None:
        raise Refused(f"Refused: {candidate!r} has not declared a candidacy.")
    return c


def nominate(
    officer: RollEntry, unit: Unit, candidate: str, *, meeting: str = "", route: str = ""
) -> Event:
    """Record a unit's nomination (its officer does, with the meeting's result)."""
    election = unit.election
    if officer.pk != unit.officer_id or unit.purpose != Purpose.NOMINATE:
        raise Refused(f"Only {unit.name}'s officer may record its nominations.")
    with transaction.atomic():
        election = _locked(election)
        contest = _open_contest(election, "nominate")
        _member(election, officer)
        cand = _standing(election, candidate)
        event = _record(
            contest,
            _event(
                election,
                officer,
                Kind.NOMINATION,
                cand.name,
                unit=unit,
                body=unit.body,
                meeting=meeting,
                route=route,
            ),
        )
        _audit(
            officer,
            "nominating officer",
            "nominate",
            election,
            unit=unit.name,
            body=unit.body,
            candidate=cand.name,
            meeting=meeting,
        )
    return event


def record_tally(
    user: User, election: Election, *, body: str, candidate: str, count: int, source: str
) -> Event:
    """Record a published tally: ``count`` nominations from ``body`` whose nominators are
    not named (a result reported by the party; no duplicate can be seen among them)."""
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        contest = _open_contest(election, "record a tally")
        cand = _standing(election, candidate)
        event = _record(
            contest,
            _event(election, user, Kind.TALLY, cand.name, body=body, count=count, source=source),
        )
        _audit(
            user,
            Role.ORGANISER,
            "record tally",
            election,
            body=body,
            candidate=cand.name,
            count=count,
            source=source,
        )
    return event


def attest(user: User, election: Election, *, candidate: str, route: str, by: str) -> Event:
    """Record that a route was met on evidence the party holds (e.g. affiliated membership)."""
    role = require(user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        contest = _open_contest(election, "attest a route")
        cand = _standing(election, candidate)
        event = _record(
            contest,
            _event(election, user, Kind.ATTESTATION, cand.name, route=route, source=by),
        )
        _audit(user, role, "attest route", election, candidate=cand.name, route=route, by=by)
    return event


# Lists -------------------------------------------------------------------------------------


def list_constraints(election: Election, list_name: str) -> list[Any]:
    """Return the rulebook's constraints on ``list_name``, in the rulebook's order."""
    sel = engine.rulebook(election).selection
    return [c for c in sel.constraints if c.applies_to == list_name] if sel else []


def propose_list(
    user: User,
    election: Election,
    list_name: str,
    members: Sequence[Candidacy],
    attributes: Mapping[int, Mapping[str, bool]],
    *,
    conditions: Iterable[str] = (),
) -> ProposedList:
    """Put a longlist or shortlist to the rulebook's constraints; keep it, accepted or refused.

    A constraint the rulebook marks ``when`` (e.g. an all-women shortlist) applies only if the
    organiser names that condition in ``conditions``.
    """
    require(user, election, Role.ORGANISER)
    met_conditions = set(conditions)
    with transaction.atomic():
        election = _locked(election)
        _open_contest(election, "propose a list")
        constraints = list_constraints(election, list_name)
        if not constraints:
            raise ServiceError(f"The rulebook sets no constraints on a {list_name}.")
        ids = [m.pk for m in members]
        chosen = list(
            Candidacy.objects.filter(election=election, pk__in=ids, withdrawn_on__isnull=True)
        )
        if len(chosen) != len(set(ids)):
            raise Refused("Only standing candidates of this election may be listed.")
        for c in chosen:
            c.attributes = {**c.attributes, **dict(attributes.get(c.pk, {}))}
            c.save(update_fields=["attributes"])
        checks = check_list(
            engine.rulebook(election), list_name, [dict(c.attributes) for c in chosen]
        )
        rows = [
            {
                "attribute": k.attribute,
                "required": k.required,
                "have": k.have,
                "size": k.size,
                "met": k.met,
                "when": c.when,
            }
            for c, k in zip(constraints, checks, strict=True)
            if not c.when or c.when in met_conditions
        ]
        accepted = all(r["met"] for r in rows)
        plist = ProposedList.objects.create(
            election=election,
            list_name=list_name,
            conditions=sorted(met_conditions),
            checks=rows,
            accepted=accepted,
            proposed_at=clock.now(),
        )
        plist.members.set(chosen)
        _audit(
            user,
            Role.ORGANISER,
            f"{'accept' if accepted else 'refuse'} {list_name}",
            election,
            members=[c.name for c in chosen],
            checks=rows,
        )
    return plist


def refusal_text(plist: ProposedList) -> str:
    """Say which constraints a refused list breaks."""
    broken = [r for r in plist.checks if not r["met"]]
    return "; ".join(
        f"{r['required']} {r['attribute'].replace('_', ' ')}: {r['have']} of {r['size']}"
        for r in broken
    )


# Closing -----------------------------------------------------------------------------------


def close_nominations(user: User, election: Election) -> list[Candidate]:
    """Close nominations: whoever the engine puts on the ballot is locked onto the paper,
    alphabetically by surname, with their statements."""
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        contest = _open_contest(election, "close nominations")
        contest.closed_at = clock.now()
        report = engine.report(contest)
        undecided = [
            f"{c.name} ({c.explanation})"
            for c in report.candidates
            if c.office == election.office and c.status is Status.UNDECIDED
        ]
        if undecided:
            raise Refused(
                "Cannot close: the nominations do not decide "
                + "; ".join(undecided)
                + ". Record the evidence (attest the route) first."
            )
        names = list(report.on_ballot(election.office))
        if list_constraints(election, "shortlist"):
            short = ProposedList.objects.filter(
                election=election, list_name="shortlist", accepted=True
            ).last()
            if short is None:
                raise Refused("Cannot close: the rulebook needs an accepted shortlist first.")
            listed = {c.name for c in short.members.all()}
            names = [n for n in names if n in listed]
        statements = dict(
            Candidacy.objects.filter(election=election, name__in=names).values_list(
                "name", "statement"
            )
        )
        ordered = sorted(names, key=engine.surname_order)
        start = election.candidates.order_by("-position").values_list("position", flat=True)[:1]
        first = (start[0] + 1) if start else 0
        made = [
            Candidate.objects.create(
                election=election, name=n, statement=statements.get(n, ""), position=first + i
            )
            for i, n in enumerate(ordered)
        ]
        contest.save(update_fields=["closed_at"])
        _audit(
            user,
            Role.ORGANISER,
            "close nominations",
            election,
            ballot=ordered,
            out={c.name: str(c.status) for c in report.candidates if c.name not in names},
        )
    return made


# Trigger ballots ---------------------------------------------------------------------------


def set_up_trigger(user: User, election: Election, *, rulebook: str, sitting: str) -> TriggerBallot:
    """Set up a trigger ballot on the sitting representative before the selection opens."""
    require(user, election, Role.ORGANISER)
    path = tellers.rules.resolve(rulebook)
    text = path.read_text(encoding="utf-8")
    book = tellers.rules.loads(text, path=str(path))
    if book.trigger_ballot is None:
        raise ServiceError(f"The rulebook {book.id} has no trigger ballot.")
    with transaction.atomic():
        election = _locked(election)
        if election.state != State.DRAFT:
            raise WrongState("A trigger ballot comes before nominations open.")
        if TriggerBallot.objects.filter(election=election).exists():
            raise ServiceError("This election already has a trigger ballot.")
        tb = TriggerBallot.objects.create(
            election=election, rulebook_id=book.id, rulebook_toml=text, sitting=sitting
        )
        _audit(
            user,
            Role.ORGANISER,
            "set up trigger ballot",
            election,
            rulebook=book.id,
            sitting=sitting,
        )
    return tb


def record_trigger_vote(
    officer: RollEntry, unit: Unit, *, for_selection: bool, meeting: str = ""
) -> TriggerVote:
    """Record a branch's or affiliate's decision (its officer does, once)."""
    election = unit.election
    if officer.pk != unit.officer_id or unit.purpose != Purpose.TRIGGER:
        raise Refused(f"Only {unit.name}'s officer may record its decision.")
    with transaction.atomic():
        election = _locked(election)
        _member(election, officer)
        tb = TriggerBallot.objects.filter(election=election).first()
        if tb is None or tb.decided_at is not None:
            raise WrongState("The trigger ballot is not open.")
        if TriggerVote.objects.filter(trigger=tb, unit=unit).exists():
            raise Refused(f"{unit.name} has already recorded its decision.")
        vote = TriggerVote.objects.create(
            trigger=tb,
            unit=unit,
            for_selection=for_selection,
            meeting=meeting,
            recorded_at=clock.now(),
        )
        _audit(
            officer,
            "unit officer",
            "record trigger vote",
            election,
            unit=unit.name,
            body=unit.body,
            for_selection=for_selection,
            meeting=meeting,
        )
    return vote


def decide_trigger(user: User, election: Election) -> TriggerBallot:
    """Decide the trigger ballot from the recorded votes, by the rulebook (the engine does)."""
    role = require(user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        tb = TriggerBallot.objects.select_for_update().filter(election=election).first()
        if tb is None or tb.decided_at is not None:
            raise WrongState("There is no undecided trigger ballot.")
        book = tellers.rules.loads(tb.rulebook_toml, path=tb.rulebook_id)
        assert book.trigger_ballot is not None
        votes = list(tb.votes.select_related("unit"))
        results: dict[str, tuple[int, int]] = {}
        for r in book.trigger_ballot.routes:
            mine = [v for v in votes if v.unit.body == r.body]
            yes = sum(1 for v in mine if v.for_selection)
            if r.of == "all":
                base = Unit.objects.filter(
                    election=election, purpose=Purpose.TRIGGER, body=r.body
                ).count()
            else:
                base = len(mine)
            results[r.body] = (yes, base)
        outcome = trigger(book, results)
        tb.triggered = outcome.triggered
        tb.decided_at = clock.now()
        tb.outcome = {
            "consequence": outcome.consequence,
            "routes": [
                {
                    "id": o.id,
                    "name": o.name,
                    "for": o.for_selection,
                    "base": o.base,
                    "share": f"{o.share.numerator}/{o.share.denominator}",
                    "met": o.met,
                }
                for o in outcome.routes
            ],
        }
        tb.save(update_fields=["triggered", "decided_at", "outcome"])
        _audit(
            user, role, "decide trigger ballot", election, **tb.outcome, triggered=outcome.triggered
        )
    return tb
