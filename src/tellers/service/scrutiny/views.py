"""The scrutineer's page: the report, and the forms for what only the scrutineer can add."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..elections.models import Election
from ..elections.roles import Role, has_role, require
from ..errors import ServiceError
from ..pages import election_or_404 as _election
from . import actions
from .forms import ComplaintForm, InspectionForm, StatementForm
from .report import render_text, scrutineer_report

__all__ = ["complaint", "inspection", "report", "statement"]

_READERS = (Role.ORGANISER, Role.RETURNING_OFFICER, Role.SCRUTINEER)


def _page(request: HttpRequest, election: Election, **forms: Any) -> HttpResponse:
    user = request.user
    r = scrutineer_report(election)
    context = {
        "election": election,
        "report": r,
        "text": render_text(r),
        "is_scrutineer": has_role(user, election, Role.SCRUTINEER),
        "may_record_complaints": has_role(user, election, Role.SCRUTINEER, Role.RETURNING_OFFICER),
        "statement_form": forms.get("statement_form") or StatementForm(),
        "complaint_form": forms.get("complaint_form") or ComplaintForm(),
        "inspection_form": forms.get("inspection_form") or InspectionForm(),
    }
    return render(request, "scrutiny/report.html", context, status=400 if forms else 200)


def _back(election: Election) -> HttpResponse:
    response = HttpResponseRedirect(reverse("scrutiny:report", args=(election.pk,)))
    response.status_code = 303
    return response


@login_required
@never_cache
@require_http_methods(["GET"])
def report(request: HttpRequest, election_id: int) -> HttpResponse:
    """Show the scrutineer's report (organiser, returning officer and scrutineer may read it)."""
    election = _election(election_id)
    require(request.user, election, *_READERS)
    if request.GET.get("format") == "text":
        response = HttpResponse(
            render_text(scrutineer_report(election)), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="scrutineer-{election.slug}.txt"'
        return response
    return _page(request, election)


def _act(
    request: HttpRequest,
    election_id: int,
    roles: tuple[str, ...],
    form_class: type[forms.Form],
    act: Callable[..., object],
    done: str,
    form_key: str,
) -> HttpResponse:
    """Check the role, validate the form, do the act; on a refusal show the page with it."""
    election = _election(election_id)
    require(request.user, election, *roles)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(request.user, election, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, done)
            return _back(election)
    return _page(request, election, **{form_key: form})


@login_required
@never_cache
@require_http_methods(["POST"])
def statement(request: HttpRequest, election_id: int) -> HttpResponse:
    """Make the scrutineer's statement."""
    return _act(
        request,
        election_id,
        (Role.SCRUTINEER,),
        StatementForm,
        actions.make_statement,
        "Your statement is recorded.",
        "statement_form",
    )


@login_required
@never_cache
@require_http_methods(["POST"])
def complaint(request: HttpRequest, election_id: int) -> HttpResponse:
    """Record a complaint."""
    return _act(
        request,
        election_id,
        (Role.SCRUTINEER, Role.RETURNING_OFFICER),
        ComplaintForm,
        actions.record_complaint,
        "The complaint is recorded.",
        "complaint_form",
    )


@login_required
@never_cache
@require_http_methods(["POST"])
def inspection(request: HttpRequest, election_id: int) -> HttpResponse:
    """Record a request to inspect the register."""
    return _act(
        request,
        election_id,
        (Role.SCRUTINEER,),
        InspectionForm,
        actions.record_inspection,
        "The request is recorded.",
        "inspection_form",
    )
