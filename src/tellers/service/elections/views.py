"""The organiser's and returning officer's set-up pages.

Each view checks the role with :mod:`.roles`, parses a form and calls one action (in
:mod:`.actions` or :mod:`.roll`), which holds the transaction and writes the audit entry.  No
page here shows a ballot or a tally: the roll says only whether each member voted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tellers.errors import TellersError

from ..errors import ServiceError
from ..pages import election_or_404 as _election
from ..pages import see_other as _see_other
from ..tasks import send_invitations
from . import actions, mail
from .forms import (
    AppointForm,
    CandidateForm,
    ElectionForm,
    InvitationsForm,
    KeyForm,
    OrganisationForm,
    RollUploadForm,
    ScheduleForm,
    SearchForm,
)
from .models import Appointment, Candidate, Election, InviteStatus, RollEntry, RollUpload, State
from .roles import Role, has_role, require, roles_of
from .roll import RollFileError, accept_roll_upload, upload_roll

#: Who may read an election's set-up pages and roll (the scrutineer reads, never writes).
READERS = (Role.ORGANISER, Role.RETURNING_OFFICER, Role.SCRUTINEER)
#: Anyone appointed to the election may see its summary page.
OFFICIALS = (*READERS, Role.TELLER)
#: The largest roll file accepted through the web page (a national roll is ~40 MB of CSV).
MAX_ROLL_BYTES = 200 * 1024 * 1024
PER_PAGE = 50


def _act(request: HttpRequest, act: Callable[[], object], done: str) -> bool:
    """Run one action, telling the user how it went; return whether it succeeded."""
    try:
        act()
    except ServiceError as e:
        messages.error(request, str(e))
        return False
    messages.success(request, done)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label or field if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else str(e))


def _zone() -> str:
    return str(ZoneInfo(settings.TIME_ZONE))


def _publication_links(election: Election) -> dict[str, str]:
    """Link the count pages where the publication app provides them."""
    links: dict[str, str] = {}
    for name in ("close", "count", "signoff", "publish"):
        with contextlib.suppress(NoReverseMatch):
            links[name] = reverse(f"publication:{name}", args=[election.pk])
    if election.state == State.PUBLISHED:
        with contextlib.suppress(NoReverseMatch):
            links["result"] = reverse(
                "publication:result", args=[election.organisation.slug, election.slug]
            )
    return links


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """List the elections the user holds a role in."""
    appointments = (
        Appointment.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("election__organisation")
        .order_by("-election__created_at", "role")
    )
    elections: dict[int, dict[str, Any]] = {}
    for a in appointments:
        row = elections.setdefault(a.election.pk, {"election": a.election, "roles": []})
        row["roles"].append(a.get_role_display())
    can_set_up = request.user.has_perm("elections.setup_election")
    return render(
        request,
        "elections/dashboard.html",
        {"rows": list(elections.values()), "can_set_up": can_set_up},
    )


def _require_organiser_perm(request: HttpRequest) -> None:
    if not request.user.has_perm("elections.setup_election"):
        raise PermissionDenied("Only organisers may set up elections.")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Create an organisation."""
    _require_organiser_perm(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.create_organisation(
            request.user, name=form.cleaned_data["name"], slug=form.cleaned_data["slug"]
        )
        messages.success(request, f"Organisation {form.cleaned_data['name']} created.")
        return _see_other("elections:election_create")
    return render(request, "elections/organisation_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def election_create(request: HttpRequest) -> HttpResponse:
    """Set up an election from a shipped or an uploaded rulebook."""
    _require_organiser_perm(request)
    form = ElectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kwargs: dict[str, Any] = {
            "title": data["title"],
            "slug": data["slug"],
            "seats": data["seats"],
            "receipt_mode": data["receipt_mode"],
        }
        if data["rulebook_file"]:
            kwargs["rulebook"] = data["rulebook_file"].name
            kwargs["office"] = data["uploaded_office"] or None
            try:
                kwargs["rulebook_text"] = data["rulebook_file"].read().decode("utf-8")
            except UnicodeDecodeError:
                form.add_error("rulebook_file", "The rulebook must be UTF-8 text.")
        else:
            kwargs["rulebook"], kwargs["office"] = data["office"].split("|", 1)
        if not form.errors:
            if Election.objects.filter(organisation=data["organisation"], slug=data["slug"]):
                form.add_error("slug", "This organisation already has an election of that name.")
            else:
                try:
                    election = actions.create_election(request.user, data["organisation"], **kwargs)
                except (ServiceError, TellersError) as e:
                    form.add_error(None, str(e))
                else:
                    messages.success(request, f"Election {election.title} set up.")
                    return _see_other("elections:detail", election.pk)
    return render(request, "elections/election_form.html", {"form": form})


@login_required
def detail(request: HttpRequest, election_id: int) -> HttpResponse:
    """Show an election's state, schedule, candidates, roll summary and the acts open now."""
    election = _election(election_id)
    require(request.user, election, *OFFICIALS)
    roles = roles_of(request.user, election)
    sections = {s["id"]: s["name"] for s in election.sections}
    by_section = (
        election.roll.values("section")
        .annotate(members=Count("pk"), voted=Count("pk", filter=Q(voted__isnull=False)))
        .order_by("section")
    )
    summary = [{"name": sections.get(r["section"], r["section"]), **r} for r in by_section]
    totals = {
        "members": sum(r["members"] for r in summary),
        "voted": sum(r["voted"] for r in summary),
    }
    ctx = {
        "election": election,
        "roles": roles,
        "is_organiser": Role.ORGANISER in roles,
        "is_ro": Role.RETURNING_OFFICER in roles,
        "setup": election.state in actions.SETUP_STATES,
        "zone": _zone(),
        "candidates": election.candidates.all(),
        "summary": summary,
        "totals": totals,
        "show_turnout": election.state not in actions.SETUP_STATES,
        "uploads": election.uploads.order_by("-uploaded_at")[:5],
        "officials": Appointment.objects.filter(election=election)
        .select_related("user")
        .order_by("role", "user__username"),
        "bounces": election.roll.filter(
            invite_status__in=[InviteStatus.FAILED, InviteStatus.BOUNCED]
        ).count(),
        "links": _publication_links(election),
        "candidate_form": CandidateForm(auto_id="cand_%s"),
        "appoint_form": AppointForm(auto_id="appoint_%s"),
        "key_form": KeyForm(auto_id="key_%s"),
        "schedule_form": ScheduleForm(
            auto_id="sched_%s",
            initial={
                "opens_at": election.opens_at and timezone.localtime(election.opens_at),
                "closes_at": election.closes_at and timezone.localtime(election.closes_at),
            },
        ),
        "upload_form": RollUploadForm(auto_id="roll_%s"),
    }
    return render(request, "elections/detail.html", ctx)


@login_required
@require_POST
def candidate_add(request: HttpRequest, election_id: int) -> HttpResponse:
    """Add a candidate to the ballot paper."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    form = CandidateForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        _act(
            request,
            lambda: actions.add_candidate(
                request.user, election, name=name, statement=form.cleaned_data["statement"]
            ),
            f"Candidate {name} added.",
        )
    else:
        _form_errors(request, form)
    return _see_other("elections:detail", election.pk)


@login_required
@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, election_id: int, candidate_id: int) -> HttpResponse:
    """Change a candidate's name or statement."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    candidate = get_object_or_404(Candidate, pk=candidate_id, election=election)
    form = CandidateForm(
        request.POST or None, initial={"name": candidate.name, "statement": candidate.statement}
    )
    if request.method == "POST" and form.is_valid():
        ok = _act(
            request,
            lambda: actions.update_candidate(
                request.user,
                candidate,
                name=form.cleaned_data["name"],
                statement=form.cleaned_data["statement"],
            ),
            "Candidate changed.",
        )
        if ok:
            return _see_other("elections:detail", election.pk)
    return render(
        request,
        "elections/candidate_form.html",
        {"form": form, "election": election, "candidate": candidate},
    )


@login_required
@require_POST
def candidate_withdraw(request: HttpRequest, election_id: int, candidate_id: int) -> HttpResponse:
    """Withdraw a candidate from the ballot paper."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    candidate = get_object_or_404(Candidate, pk=candidate_id, election=election)
    _act(
        request,
        lambda: actions.withdraw_candidate(request.user, candidate),
        f"{candidate.name} withdrawn.",
    )
    return _see_other("elections:detail", election.pk)


@login_required
@require_POST
def roll_upload(request: HttpRequest, election_id: int) -> HttpResponse:
    """Check an uploaded roll file and show its report (nothing is imported yet)."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    form = RollUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _see_other("elections:detail", election.pk)
    f = form.cleaned_data["file"]
    if f.size > MAX_ROLL_BYTES:
        messages.error(request, f"{f.name}: larger than {MAX_ROLL_BYTES // 2**20} MB.")
        return _see_other("elections:detail", election.pk)
    try:
        upload = upload_roll(request.user, election, f.name, f.read())
    except RollFileError as e:
        messages.error(request, str(e))
        return _see_other("elections:detail", election.pk)
    except ServiceError as e:
        messages.error(request, str(e))
        return _see_other("elections:detail", election.pk)
    return _see_other("elections:roll_report", election.pk, upload.pk)


@login_required
@require_http_methods(["GET", "POST"])
def roll_report(request: HttpRequest, election_id: int, upload_id: int) -> HttpResponse:
    """Show a roll file's report; on POST, import its accepted rows."""
    election = _election(election_id)
    require(request.user, election, *READERS)
    upload = get_object_or_404(RollUpload.objects.defer("content"), pk=upload_id, election=election)
    if request.method == "POST":
        require(request.user, election, Role.ORGANISER)
        upload.election = election
        if _act(
            request,
            lambda: accept_roll_upload(request.user, upload),
            f"{upload.rows_accepted} members imported to the roll.",
        ):
            return _see_other("elections:roll", election.pk)
        return _see_other("elections:roll_report", election.pk, upload.pk)
    rejections = upload.rejections
    page = Paginator(rejections, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "elections/roll_report.html",
        {
            "election": election,
            "upload": upload,
            "page": page,
            "rejected": len(rejections),
            "can_accept": has_role(request.user, election, Role.ORGANISER)
            and not upload.accepted
            and upload.rows_accepted > 0
            and election.state in actions.SETUP_STATES,
        },
    )


@login_required
def roll(request: HttpRequest, election_id: int) -> HttpResponse:
    """List the roll, searchable by membership number or name."""
    election = _election(election_id)
    require(request.user, election, *READERS)
    form = SearchForm(request.GET or None)
    entries = RollEntry.objects.filter(election=election).order_by("membership_number")
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        entries = entries.filter(Q(membership_number__iexact=q) | Q(name__icontains=q))
    page = Paginator(entries.defer("token_hash"), PER_PAGE).get_page(request.GET.get("page"))
    return _roll_page(request, election, form, page, q, "Voter roll")


@login_required
def bounces(request: HttpRequest, election_id: int) -> HttpResponse:
    """List members whose invitation failed to send or bounced."""
    election = _election(election_id)
    require(request.user, election, *READERS)
    entries = RollEntry.objects.filter(
        election=election, invite_status__in=[InviteStatus.FAILED, InviteStatus.BOUNCED]
    ).order_by("membership_number")
    page = Paginator(entries.defer("token_hash"), PER_PAGE).get_page(request.GET.get("page"))
    return _roll_page(request, election, None, page, "", "Invitations not delivered")


def _roll_page(
    request: HttpRequest,
    election: Election,
    form: SearchForm | None,
    page: Any,
    q: str,
    heading: str,
) -> HttpResponse:
    roles = roles_of(request.user, election)
    names = {s["id"]: s["name"] for s in election.sections}
    page.object_list = list(page.object_list)
    for e in page.object_list:
        e.section_name = names.get(e.section, e.section)
    return render(
        request,
        "elections/roll.html",
        {
            "election": election,
            "form": form,
            "page": page,
            "q": q,
            "heading": heading,
            "can_issue": bool({Role.ORGANISER, Role.RETURNING_OFFICER} & set(roles))
            and election.state in (*actions.SETUP_STATES, State.OPEN),
            "can_return": Role.RETURNING_OFFICER in roles
            and election.state in (State.OPEN, State.CLOSED),
        },
    )


def _entry(election: Election, entry_id: int) -> RollEntry:
    entry = get_object_or_404(RollEntry, pk=entry_id, election=election)
    entry.election = election
    return entry


@login_required
@require_POST
def reissue(request: HttpRequest, election_id: int, entry_id: int) -> HttpResponse:
    """Replace a member's voting link and e-mail the new one (the old stops working)."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    entry = _entry(election, entry_id)
    try:
        token = actions.reissue_link(request.user, entry)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        # The raw token goes straight into the e-mail; it is never shown on a page.
        if mail.send_one(entry, token, election):
            messages.success(request, f"New link e-mailed to member {entry.membership_number}.")
        else:
            messages.error(
                request, f"New link issued, but the e-mail to {entry.membership_number} failed."
            )
    return _see_other("elections:roll", election.pk)


@login_required
@require_POST
def paper(request: HttpRequest, election_id: int, entry_id: int) -> HttpResponse:
    """Issue a member a paper ballot (their link stops working)."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER, Role.RETURNING_OFFICER)
    entry = _entry(election, entry_id)
    _act(
        request,
        lambda: actions.issue_paper_ballot(request.user, entry),
        f"Paper ballot issued to member {entry.membership_number}.",
    )
    return _see_other("elections:roll", election.pk)


@login_required
@require_POST
def paper_return(request: HttpRequest, election_id: int, entry_id: int) -> HttpResponse:
    """Record a member's returned paper ballot on the roll."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    entry = _entry(election, entry_id)
    _act(
        request,
        lambda: actions.record_paper_return(request.user, entry),
        f"Returned paper recorded for member {entry.membership_number}.",
    )
    return _see_other("elections:roll", election.pk)


@login_required
@require_POST
def invitations(request: HttpRequest, election_id: int) -> HttpResponse:
    """Queue the invitations (or reminders) to be sent in the background."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    form = InvitationsForm(request.POST)
    reminders = form.is_valid() and form.cleaned_data["reminders"]
    if election.state not in (State.SCHEDULED, State.OPEN):
        messages.error(request, "Invitations go out once the ballot is scheduled or open.")
    else:
        send_invitations.delay(election.pk, reminders=reminders)
        messages.success(request, f"{'Reminders' if reminders else 'Invitations'} queued.")
    return _see_other("elections:detail", election.pk)


@login_required
@require_POST
def appoint(request: HttpRequest, election_id: int) -> HttpResponse:
    """Appoint an official."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER)
    form = AppointForm(request.POST)
    if form.is_valid():
        who, role = form.cleaned_data["username"], form.cleaned_data["role"]
        _act(
            request,
            lambda: actions.appoint(request.user, election, who, role),
            f"{who.get_username()} appointed as {Role(role).label.lower()}.",
        )
    else:
        _form_errors(request, form)
    return _see_other("elections:detail", election.pk)


@login_required
@require_POST
def set_key(request: HttpRequest, election_id: int) -> HttpResponse:
    """Record the election's public key."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    form = KeyForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: actions.set_public_key(request.user, election, form.cleaned_data["public_key"]),
            "Election key set.",
        )
    else:
        _form_errors(request, form)
    return _see_other("elections:detail", election.pk)


@login_required
@require_POST
def schedule(request: HttpRequest, election_id: int) -> HttpResponse:
    """Set when the ballot opens and closes."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: actions.schedule_ballot(
                request.user,
                election,
                opens_at=form.cleaned_data["opens_at"],
                closes_at=form.cleaned_data["closes_at"],
            ),
            "Ballot scheduled.",
        )
    else:
        _form_errors(request, form)
    return _see_other("elections:detail", election.pk)


@login_required
@require_POST
def open_now(request: HttpRequest, election_id: int) -> HttpResponse:
    """Open the ballot now."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    _act(request, lambda: actions.open_ballot(request.user, election), "The ballot is open.")
    return _see_other("elections:detail", election.pk)
