"""The nominations pages.

- the live tracker, public where the organiser opened it so (officials and members with a
  nominations link always see it), with a fragment its small script re-reads;
- the member's page, reached by the organiser-issued link: declare, write the statement,
  withdraw; and, for a member who acts for a nominating unit, record its nomination or its
  trigger-ballot decision;
- the organiser's page: open and close nominations, send links, add candidacies, register
  units, record published tallies and attestations, put lists to the constraints, run the
  trigger ballot.

Every act goes through one function in :mod:`.actions`; the engine's refusal is shown as it is
worded, naming the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..elections.models import Election, RollEntry, State
from ..elections.roles import Role, has_role, require, roles_of
from ..errors import ServiceError
from ..pages import election_or_404 as _election
from ..pages import see_other as _see_other
from ..ratelimits import link_limits
from . import actions, clock, engine, tracker
from .forms import (
    AttestForm,
    CandidacyForm,
    ListForm,
    NominateForm,
    OpenForm,
    PassForm,
    PhotoForm,
    StatementForm,
    TallyForm,
    TriggerForm,
    TriggerVoteForm,
    UnitForm,
)
from .models import (
    Candidacy,
    Contest,
    Event,
    ProposedList,
    Purpose,
    TriggerBallot,
    TriggerVote,
    Unit,
)

#: Session key: the keyed hash of the member's nominations link.
MEMBER = "nominations.member"
READERS = (Role.ORGANISER, Role.RETURNING_OFFICER, Role.SCRUTINEER)
OFFICIALS = (*READERS, Role.TELLER)


def _act(request: HttpRequest, act: Callable[[], object], done: str) -> bool:
    try:
        act()
    except ServiceError as e:
        messages.error(request, str(e))
        return False
    messages.success(request, done)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errs in form.errors.items():
        label = form.fields[name].label or name if name in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else str(e))


def _member(request: HttpRequest) -> RollEntry | None:
    h = request.session.get(MEMBER)
    return actions.member_for_hash(h) if isinstance(h, str) else None


def _declared(election: Election) -> list[Candidacy]:
    """Every candidacy, withdrawn or not: the engine, not the form, refuses a withdrawn one."""
    return list(Candidacy.objects.filter(election=election).order_by("name"))


def _standing(election: Election) -> list[Candidacy]:
    return list(
        Candidacy.objects.filter(election=election)
        .filter(withdrawn_on__isnull=True)
        .order_by("name")
    )


# The tracker -----------------------------------------------------------------------------


def _tracked(request: HttpRequest, org_slug: str, election_slug: str) -> Contest:
    """Return the contest whose tracker ``request`` may see, or refuse (404 or 403)."""
    election = get_object_or_404(
        Election.objects.select_related("organisation"),
        organisation__slug=org_slug,
        slug=election_slug,
    )
    contest = Contest.objects.filter(election=election).first()
    if contest is None:
        raise Http404("No nominations for this election.")
    contest.election = election
    if not contest.public:
        member = _member(request)
        if not (
            has_role(request.user, election, *OFFICIALS)
            or (member is not None and member.election_id == election.pk)
        ):
            raise PermissionDenied("This election's tracker is open to its members only.")
    return contest


def _tracker_context(request: HttpRequest, org_slug: str, election_slug: str) -> dict[str, Any]:
    contest = _tracked(request, org_slug, election_slug)
    election = contest.election
    report, standing, withdrawn = tracker.build(contest)
    stages = engine.rulebook(election).stages_for(election.office, contest.occasion)
    last = max((s.closes for s in stages if s.closes), default=None)
    return {
        "election": election,
        "contest": contest,
        "report": report,
        "standing": standing,
        "withdrawn": withdrawn,
        "now": clock.now(),
        "closes": last,
        "time_left": tracker.time_left(last, contest.closed_at is not None, clock.today()),
        "ballot": list(election.candidates.filter(withdrawn=False, is_ron=False))
        if contest.closed_at
        else [],
        "office": engine.rulebook(election).offices[election.office].name,
        "refresh": int(getattr(settings, "TELLERS_TRACKER_REFRESH_SECONDS", 60)),
    }


def track(request: HttpRequest, org_slug: str, election_slug: str) -> HttpResponse:
    """The live tracker."""
    return render(
        request,
        "nominations/tracker.html",
        _tracker_context(request, org_slug, election_slug),
    )


def track_fragment(request: HttpRequest, org_slug: str, election_slug: str) -> HttpResponse:
    """The tracker's body alone, for its refreshing script."""
    response = render(
        request,
        "nominations/_tracker.html",
        _tracker_context(request, org_slug, election_slug),
    )
    response["Cache-Control"] = "no-cache"
    return response


# The member's pages ------------------------------------------------------------------------


@never_cache
@link_limits("nominations")
def start(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange the e-mailed link for a session, and move the token out of the address bar."""
    entry = actions.member_for_token(token)
    if entry is None:
        return render(request, "nominations/refused.html", status=404)
    request.session.cycle_key()
    request.session[MEMBER] = actions.pass_hash(token)
    return _see_other("nominations:member")


@never_cache
def member(request: HttpRequest) -> HttpResponse:
    """The member's page: their candidacy, and the units they act for."""
    entry = _member(request)
    if entry is None:
        return render(request, "nominations/refused.html", status=403)
    election = Election.objects.select_related("organisation").get(pk=entry.election_id)
    contest = Contest.objects.filter(election=election).first()
    is_open = (
        contest is not None and contest.closed_at is None and election.state == State.NOMINATIONS
    )
    words = contest.statement_words if contest else 500
    candidacy = Candidacy.objects.filter(election=election, entry=entry).first()
    units = list(Unit.objects.filter(election=election, officer=entry))
    tb = TriggerBallot.objects.filter(election=election).first()
    voted = set(TriggerVote.objects.filter(trigger=tb).values_list("unit_id", flat=True))
    rows = []
    for u in units:
        if u.purpose == Purpose.NOMINATE:
            rows.append(
                {"unit": u, "form": NominateForm(_declared(election), auto_id=f"u{u.pk}_%s")}
            )
        else:
            open_trigger = tb is not None and tb.decided_at is None and u.pk not in voted
            rows.append(
                {
                    "unit": u,
                    "form": TriggerVoteForm(auto_id=f"u{u.pk}_%s") if open_trigger else None,
                    "voted": u.pk in voted,
                }
            )
    return render(
        request,
        "nominations/member.html",
        {
            "election": election,
            "entry": entry,
            "contest": contest,
            "is_open": is_open,
            "candidacy": candidacy,
            "photo_form": PhotoForm(auto_id="ph_%s"),
            "statement_form": StatementForm(
                words,
                auto_id="st_%s",
                initial={"statement": candidacy.statement if candidacy else ""},
            ),
            "rows": rows,
            "trigger": tb,
            "can_withdraw": candidacy is not None
            and candidacy.withdrawn_on is None
            and election.state in (State.NOMINATIONS, State.SCHEDULED, State.DRAFT),
        },
    )


def _member_or_403(request: HttpRequest) -> RollEntry:
    entry = _member(request)
    if entry is None:
        raise PermissionDenied("Open your nominations link first.")
    return entry


def _words(entry: RollEntry) -> int:
    contest = Contest.objects.filter(election_id=entry.election_id).first()
    return contest.statement_words if contest else 500


@require_POST
def member_declare(request: HttpRequest) -> HttpResponse:
    """Declare the member's own candidacy."""
    entry = _member_or_403(request)
    form = StatementForm(_words(entry), request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: actions.declare(
                entry, entry.election, entry, statement=form.cleaned_data["statement"]
            ),
            "You have declared your candidacy.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:member")


@require_POST
def member_statement(request: HttpRequest) -> HttpResponse:
    """Change the member's statement."""
    entry = _member_or_403(request)
    candidacy = get_object_or_404(Candidacy, election_id=entry.election_id, entry=entry)
    form = StatementForm(_words(entry), request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: actions.update_statement(entry, candidacy, form.cleaned_data["statement"]),
            "Statement saved.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:member")


@require_POST
def member_photo(request: HttpRequest) -> HttpResponse:
    """Set the member's photo and its description."""
    entry = _member_or_403(request)
    candidacy = get_object_or_404(Candidacy, election_id=entry.election_id, entry=entry)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["photo"]
        data = f.read(actions.MAX_PHOTO_BYTES + 1)
        _act(
            request,
            lambda: actions.set_photo(entry, candidacy, data, form.cleaned_data["alt"]),
            "Photo saved.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:member")


def photo(
    request: HttpRequest, org_slug: str, election_slug: str, candidacy_id: int
) -> HttpResponse:
    """A candidate's photo, to whoever may see the tracker."""
    contest = _tracked(request, org_slug, election_slug)
    candidacy = get_object_or_404(
        Candidacy, pk=candidacy_id, election=contest.election, photo__isnull=False
    )
    response = HttpResponse(bytes(candidacy.photo or b""), content_type=candidacy.photo_type)
    response["Cache-Control"] = "no-cache"
    response["Content-Disposition"] = "inline"
    return response


@require_POST
def member_withdraw(request: HttpRequest) -> HttpResponse:
    """Withdraw the member's candidacy."""
    entry = _member_or_403(request)
    candidacy = get_object_or_404(Candidacy, election_id=entry.election_id, entry=entry)
    _act(request, lambda: actions.withdraw(entry, candidacy), "You have withdrawn.")
    return _see_other("nominations:member")


@require_POST
def member_nominate(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Record a nomination for a unit the member acts for."""
    entry = _member_or_403(request)
    unit = get_object_or_404(Unit.objects.select_related("election__organisation"), pk=unit_id)
    form = NominateForm(_declared(unit.election), request.POST)
    if form.is_valid():
        name = form.cleaned_data["candidate"]
        _act(
            request,
            lambda: actions.nominate(entry, unit, name, meeting=form.cleaned_data["meeting"]),
            f"{unit.name}'s nomination of {name} recorded.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:member")


@require_POST
def member_trigger(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Record a unit's trigger-ballot decision."""
    entry = _member_or_403(request)
    unit = get_object_or_404(Unit.objects.select_related("election__organisation"), pk=unit_id)
    form = TriggerVoteForm(request.POST)
    if form.is_valid():
        yes = form.cleaned_data["decision"] == "for"
        _act(
            request,
            lambda: actions.record_trigger_vote(
                entry, unit, for_selection=yes, meeting=form.cleaned_data["meeting"]
            ),
            f"{unit.name}'s decision recorded.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:member")


# The organiser's page ----------------------------------------------------------------------


def _bodies(election: Election) -> list[tuple[str, str]]:
    book = engine.rulebook(election)
    out = [(k, f"{b.name} ({k})") for k, b in book.bodies.items()]
    tb = TriggerBallot.objects.filter(election=election).first()
    if tb is not None:
        import tellers.rules

        tbook = tellers.rules.loads(tb.rulebook_toml, path=tb.rulebook_id)
        out += [(k, f"{b.name} ({k}, trigger ballot)") for k, b in tbook.bodies.items()]
    return out


def _routes(election: Election, contest: Contest | None) -> list[tuple[str, str]]:
    if contest is None:
        return []
    book = engine.rulebook(election)
    return [
        (f"{s.id}:{r.id}", f"{s.name}: {r.name}")
        for s in book.stages_for(election.office, contest.occasion)
        for r in s.routes
    ]


def _list_form(election: Election, data: Any = None) -> ListForm | None:
    book = engine.rulebook(election)
    if book.selection is None or not book.selection.constraints:
        return None
    cons = book.selection.constraints
    lists = list(dict.fromkeys(c.applies_to for c in cons))
    attributes = list(dict.fromkeys(c.attribute for c in cons))
    whens = list(dict.fromkeys(c.when for c in cons if c.when))
    return ListForm(lists, attributes, whens, _standing(election), data, auto_id="list_%s")


@login_required
def manage(request: HttpRequest, election_id: int) -> HttpResponse:
    """The organiser's nominations page (read by the returning officer and scrutineer)."""
    election = _election(election_id)
    require(request.user, election, *READERS)
    roles = roles_of(request.user, election)
    contest = Contest.objects.filter(election=election).first()
    if contest is not None:
        contest.election = election
    is_open = (
        contest is not None and contest.closed_at is None and election.state == State.NOMINATIONS
    )
    words = contest.statement_words if contest else 500
    book = engine.rulebook(election)
    lists = list(ProposedList.objects.filter(election=election).prefetch_related("members"))
    for pl in lists:
        pl.refusal = actions.refusal_text(pl)  # type: ignore[attr-defined]
    tb = TriggerBallot.objects.filter(election=election).first()
    return render(
        request,
        "nominations/manage.html",
        {
            "election": election,
            "contest": contest,
            "is_open": is_open,
            "is_organiser": Role.ORGANISER in roles,
            "can_attest": bool({Role.ORGANISER, Role.RETURNING_OFFICER} & set(roles)),
            "can_open": election.state == State.DRAFT and contest is None,
            "can_issue": election.state in (State.DRAFT, State.NOMINATIONS, State.SCHEDULED)
            and (contest is not None or (tb is not None and tb.decided_at is None)),
            "candidacies": Candidacy.objects.filter(election=election).select_related("entry"),
            "units": Unit.objects.filter(election=election).select_related("officer"),
            "events": Event.objects.filter(election=election).select_related("unit"),
            "lists": lists,
            "trigger": tb,
            "trigger_votes": tb.votes.select_related("unit") if tb else [],
            "open_form": OpenForm(book, auto_id="open_%s"),
            "pass_form": PassForm(auto_id="pass_%s"),
            "candidacy_form": CandidacyForm(words, auto_id="cand_%s"),
            "unit_form": UnitForm(_bodies(election), auto_id="unit_%s"),
            "tally_form": TallyForm(_bodies(election), _declared(election), auto_id="tally_%s"),
            "attest_form": AttestForm(
                _routes(election, contest), _declared(election), auto_id="att_%s"
            ),
            "list_form": _list_form(election),
            "trigger_form": TriggerForm(auto_id="trig_%s"),
        },
    )


def _organiser_post(request: HttpRequest, election_id: int) -> Election:
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    return election


@login_required
@require_POST
def open_nominations(request: HttpRequest, election_id: int) -> HttpResponse:
    """Open nominations."""
    election = _organiser_post(request, election_id)
    form = OpenForm(engine.rulebook(election), request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _act(
            request,
            lambda: actions.open_nominations(
                request.user,
                election,
                occasion=d["occasion"],
                sizes=d["sizes"],
                membership_totals=d["membership_totals"],
                statement_words=d["statement_words"],
                public=d["public"],
                nominators_public=d["nominators_public"],
            ),
            "Nominations are open.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def send_pass(request: HttpRequest, election_id: int) -> HttpResponse:
    """Issue a member a nominations link and e-mail it (the token is never shown)."""
    election = _organiser_post(request, election_id)
    form = PassForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _see_other("nominations:manage", election.pk)
    try:
        entry, token = actions.issue_pass(
            request.user, election, form.cleaned_data["membership_number"]
        )
    except ServiceError as e:
        messages.error(request, str(e))
        return _see_other("nominations:manage", election.pk)
    link = f"{settings.TELLERS_BASE_URL}{reverse('nominations:start', args=[token])}"
    body = (
        f"Dear {entry.name},\n\nThis is your link to the nominations for {election.title} "
        f"({election.organisation.name}):\n\n{link}\n\nIt is yours alone: anyone holding it "
        "can act for you. A new link replaces this one.\n"
    )
    sent = EmailMessage(
        f"Nominations: {election.title}", body, settings.DEFAULT_FROM_EMAIL, [entry.email]
    ).send(fail_silently=True)
    if sent:
        messages.success(request, f"Link e-mailed to member {entry.membership_number}.")
    else:
        messages.error(request, f"Link issued, but the e-mail to {entry.membership_number} failed.")
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def add_candidacy(request: HttpRequest, election_id: int) -> HttpResponse:
    """The organiser declares a member's candidacy for them."""
    election = _organiser_post(request, election_id)
    contest = Contest.objects.filter(election=election).first()
    form = CandidacyForm(contest.statement_words if contest else 500, request.POST)
    if form.is_valid():

        def act() -> None:
            entry = actions.on_roll(election, form.cleaned_data["membership_number"])
            actions.declare(request.user, election, entry, statement=form.cleaned_data["statement"])

        _act(request, act, "Candidacy added.")
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def withdraw_candidacy(request: HttpRequest, election_id: int, candidacy_id: int) -> HttpResponse:
    """The organiser withdraws a candidacy (at the candidate's request)."""
    election = _organiser_post(request, election_id)
    candidacy = get_object_or_404(Candidacy, pk=candidacy_id, election=election)
    candidacy.election = election
    _act(
        request,
        lambda: actions.withdraw(request.user, candidacy),
        f"{candidacy.name} withdrawn.",
    )
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def add_unit(request: HttpRequest, election_id: int) -> HttpResponse:
    """Register a nominator or unit."""
    election = _organiser_post(request, election_id)
    form = UnitForm(_bodies(election), request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _act(
            request,
            lambda: actions.register_unit(
                request.user,
                election,
                body=d["body"],
                name=d["name"],
                officer=d["officer"],
                purpose=d["purpose"],
                category=d["category"],
                group=d["group"],
                membership=d["membership"],
            ),
            f"{d['name']} registered.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def add_tally(request: HttpRequest, election_id: int) -> HttpResponse:
    """Record a published tally."""
    election = _organiser_post(request, election_id)
    form = TallyForm(_bodies(election), _declared(election), request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _act(
            request,
            lambda: actions.record_tally(
                request.user,
                election,
                body=d["body"],
                candidate=d["candidate"],
                count=d["count"],
                source=d["source"],
            ),
            f"{d['count']} {d['body']} nominations for {d['candidate']} recorded.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def add_attestation(request: HttpRequest, election_id: int) -> HttpResponse:
    """Record that a route was met on the party's evidence."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    contest = Contest.objects.filter(election=election).first()
    form = AttestForm(_routes(election, contest), _declared(election), request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _act(
            request,
            lambda: actions.attest(
                request.user, election, candidate=d["candidate"], route=d["route"], by=d["by"]
            ),
            f"Route recorded as met for {d['candidate']}.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def propose_list(request: HttpRequest, election_id: int) -> HttpResponse:
    """Put a longlist or shortlist to the rulebook's constraints."""
    election = _organiser_post(request, election_id)
    form = _list_form(election, request.POST)
    if form is None:
        messages.error(request, "The rulebook sets no list constraints.")
    elif form.is_valid():
        try:
            plist = actions.propose_list(
                request.user,
                election,
                form.cleaned_data["list_name"],
                form.chosen(),
                form.answers(),
                conditions=form.cleaned_data["conditions"],
            )
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            if plist.accepted:
                messages.success(request, f"The {plist.list_name} meets the rulebook.")
            else:
                messages.error(
                    request,
                    f"The {plist.list_name} is refused: it breaks the rulebook's constraint "
                    f"{actions.refusal_text(plist)}.",
                )
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def close(request: HttpRequest, election_id: int) -> HttpResponse:
    """Close nominations and lock the ballot paper."""
    election = _organiser_post(request, election_id)
    _act(
        request,
        lambda: actions.close_nominations(request.user, election),
        "Nominations closed; the ballot paper is set.",
    )
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def trigger_set_up(request: HttpRequest, election_id: int) -> HttpResponse:
    """Set up a trigger ballot."""
    election = _organiser_post(request, election_id)
    form = TriggerForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: actions.set_up_trigger(
                request.user,
                election,
                rulebook=form.cleaned_data["rulebook"],
                sitting=form.cleaned_data["sitting"],
            ),
            "Trigger ballot set up.",
        )
    else:
        _form_errors(request, form)
    return _see_other("nominations:manage", election.pk)


@login_required
@require_POST
def trigger_decide(request: HttpRequest, election_id: int) -> HttpResponse:
    """Decide the trigger ballot from the recorded decisions."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    _act(
        request,
        lambda: actions.decide_trigger(request.user, election),
        "Trigger ballot decided.",
    )
    return _see_other("nominations:manage", election.pk)
