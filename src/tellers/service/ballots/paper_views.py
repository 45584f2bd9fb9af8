"""The paper-keying pages, under /manage/<election>/papers/.

Tellers key papers and see only their own keyings: never the other teller's (that would let
the second keying copy the first) and never a tally.  The returning officer sees where the
keying stands, the papers keyed once only and the pairs that differ, and rules on each from
the paper; the organiser and scrutineer may read that list.  Each view checks the role, parses
a form and calls one action of :mod:`.paper`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..elections.models import Candidate, Election, State
from ..elections.roles import Role, has_role, require
from ..errors import ServiceError
from ..pages import election_or_404 as _election
from ..pages import see_other as _see_other
from . import paper
from .paper_forms import PaperForm, VoidForm

__all__ = ["index", "key", "reconcile", "resolve", "void"]

#: Who may read the state of the keying and the list of discrepancies.
READERS = (Role.RETURNING_OFFICER, Role.ORGANISER, Role.SCRUTINEER)


def _candidates(election: Election) -> list[Candidate]:
    return list(Candidate.objects.filter(election=election, withdrawn=False).order_by("position"))


@login_required
@never_cache
@require_http_methods(["GET"])
def index(request: HttpRequest, election_id: int) -> HttpResponse:
    """Show where the keying stands and every discrepancy (tellers go to their keying page)."""
    election = _election(election_id)
    if not has_role(request.user, election, *READERS) and has_role(
        request.user, election, Role.TELLER
    ):
        return _see_other("papers:key", election.pk)
    require(request.user, election, *READERS)
    return render(
        request,
        "ballots/paper/index.html",
        {
            "election": election,
            "closed": election.state == State.CLOSED,
            "status": paper.status(election),
            "discrepancies": paper.compare(election),
            "can_resolve": has_role(request.user, election, Role.RETURNING_OFFICER),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def key(request: HttpRequest, election_id: int) -> HttpResponse:
    """Key one paper; list the papers this teller has keyed."""
    election = _election(election_id)
    require(request.user, election, Role.TELLER)
    posted = request.method == "POST"
    form = PaperForm(_candidates(election), request.POST if posted else None)
    if posted and form.is_valid():
        try:
            keyed = paper.key_paper(
                request.user,
                election,
                serial=form.cleaned_data["serial"],
                ranking=form.order,
                weight=form.cleaned_data["weight"],
                spoilt=bool(form.cleaned_data["spoilt"]),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Paper {keyed.serial} keyed. Key the next paper.")
            return _see_other("papers:key", election.pk)
    return render(
        request,
        "ballots/paper/key.html",
        {
            "election": election,
            "closed": election.state == State.CLOSED,
            "form": form,
            "mine": paper.keyings_by(request.user, election),
        },
    )


@login_required
@never_cache
@require_POST
def reconcile(request: HttpRequest, election_id: int) -> HttpResponse:
    """Mark every pair of agreeing keyings reconciled."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER, Role.TELLER)
    try:
        report = paper.reconcile(request.user, election)
    except ServiceError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            f"{report.reconciled} paper{'s' if report.reconciled != 1 else ''} reconciled; "
            f"{report.awaiting} awaiting a second keying; {report.differing} keyed differently.",
        )
    return _see_other("papers:index", election.pk)


def _resolve_page(
    request: HttpRequest, election: Election, serial: str, form: PaperForm, void_form: VoidForm
) -> HttpResponse:
    try:
        keyings = paper.keyings_of(election, serial)
    except ServiceError as e:
        messages.error(request, str(e))
        return _see_other("papers:index", election.pk)
    return render(
        request,
        "ballots/paper/resolve.html",
        {
            "election": election,
            "serial": serial,
            "keyings": keyings,
            "form": form,
            "void_form": void_form,
            "closed": election.state == State.CLOSED,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, election_id: int, serial: str) -> HttpResponse:
    """Show one paper's keyings; the returning officer rules on it from the paper."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    posted = request.method == "POST"
    form = PaperForm(_candidates(election), request.POST if posted else None, fixed_serial=serial)
    if posted and form.is_valid():
        try:
            paper.resolve(
                request.user,
                election,
                serial,
                form.order,
                form.cleaned_data["weight"],
                spoilt=bool(form.cleaned_data["spoilt"]),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Paper {serial} resolved as you read it.")
            return _see_other("papers:index", election.pk)
    return _resolve_page(request, election, serial, form, VoidForm())


@login_required
@never_cache
@require_POST
def void(request: HttpRequest, election_id: int, serial: str) -> HttpResponse:
    """Strike out a serial no paper carries."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            paper.void(request.user, election, serial, reason=form.cleaned_data["reason"])
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Serial {serial} struck out.")
            return _see_other("papers:index", election.pk)
    return _resolve_page(
        request, election, serial, PaperForm(_candidates(election), fixed_serial=serial), form
    )
