"""The returning officer's close → count → sign off → publish pages, and the public results.

Each view checks the role with :func:`~..elections.roles.require`, parses a form and calls one
action of :mod:`.actions`; the count is the engine's, and its pages draw the stored JSON with
the engine's own HTML renderer (:func:`result_sheet`).  Embargo (invariant 4): no public page
exists for an election until it is published; the officials see the stage table only once the
count has been made, after close.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from ...report.from_json import result_from_json
from ...report.html import STYLE, render_count_fragment
from ..audit.chain import verify
from ..audit.models import AuditEntry
from ..elections.models import Election, State
from ..elections.roles import Role, require
from ..errors import ServiceError
from ..pages import election_or_404 as _election
from ..pages import see_other as _see_other
from . import actions
from .forms import ConfirmForm, CountForm, ReceiptForm
from .models import Count, Publication, SignOff

__all__ = [
    "audit",
    "bundle",
    "close",
    "count",
    "download",
    "index",
    "publish",
    "result",
    "result_sheet",
    "signoff",
]

#: The files a visitor may download one by one, in the order the page lists them.
DOWNLOADS = (
    "result.json",
    "result.csv",
    "result.txt",
    "ballots.blt",
    "receipts.txt",
    "rulebook.toml",
    "settings.json",
    "SHA256SUMS",
)
_TYPES = {"json": "application/json", "csv": "text/csv"}


def _count_of(election: Election) -> Count | None:
    return Count.objects.filter(election=election).first()


# -- The result sheet: the engine's renderer, drawn from the signed-off JSON -----------------


@dataclass(frozen=True, slots=True)
class Sheet:
    """A count as the pages show it: its facts, and tellers' HTML result sheet."""

    method: str
    seats: int
    quota: str | None
    valid: str
    elected: list[dict[str, str]]
    html: SafeString


def result_sheet(result_json: str) -> Sheet:
    """Draw the stored result (``tellers.report.json``'s schema) with tellers' HTML renderer.

    The page shows exactly what was counted and signed (the JSON whose digest is signed), read
    back into a Result: the same stage table, account in words and charts as ``tellers count
    --format html`` draws, nothing counted or laid out here.
    """
    data = json.loads(result_json)
    result = result_from_json(data)
    elected = [
        {"name": result.candidates[c], "outcome": f"Elected at stage {result.stage_of(c)}"}
        for c in result.elected
    ]
    return Sheet(
        method=data["method"],
        seats=int(data["seats"]),
        quota=data.get("quota"),
        valid=data["valid"],
        elected=elected,
        # The renderer escapes every name and note it is given.
        # The pages give the title and the facts; the sheet starts under their heading.
        html=mark_safe(
            render_count_fragment(result, heading_level=3, id_prefix="result", facts=False)
        ),
    )


def _sheet_context(done: Count | None) -> dict[str, Any]:
    """Return the template context of a count's result sheet (empty before the count)."""
    if done is None:
        return {"sheet": None, "report_style": ""}
    return {"sheet": result_sheet(done.result_json), "report_style": mark_safe(STYLE)}


# -- The returning officer's pages ------------------------------------------------------


def _act_page(
    request: HttpRequest,
    election: Election,
    template: str,
    act: Any,
    done: str,
    then: tuple[str, tuple[Any, ...]],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Show a confirm page; on POST call ``act`` and go on, or show its refusal."""
    # An empty POST is falsy, yet still the confirmation: bind on the method, not the data.
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act()
        except ServiceError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, done)
            return _see_other(then[0], *then[1])
    ctx = {"election": election, "form": form, **(context or {})}
    return render(request, template, ctx)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, election_id: int) -> HttpResponse:
    """Confirm and close the ballot."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    return _act_page(
        request,
        election,
        "publication/close.html",
        lambda: actions.close_ballot(request.user, election),
        "The ballot is closed: no more votes can be cast.",
        ("publication:count", (election.pk,)),
    )


@csrf_exempt
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def count(request: HttpRequest, election_id: int) -> HttpResponse:
    """Take the key file and passphrase, count, and show the stage table."""
    # The key file must never reach the disk: hold uploads in memory only (a file larger than
    # FILE_UPLOAD_MAX_MEMORY_SIZE is then refused, not spooled to a temporary file).  The
    # handlers can only be set before the body is read, hence CSRF checked just after.
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _count(request, election_id)


@csrf_protect
def _count(request: HttpRequest, election_id: int) -> HttpResponse:
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    posted = request.method == "POST"
    form = CountForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        assert form.key is not None
        try:
            actions.count_election(request.user, election, form.key)
        except ServiceError as e:
            if "key file" in str(e):
                form.add_error("key_file", str(e))
            else:
                messages.error(request, str(e))
        else:
            messages.success(request, "Counted. Check the stage table, then sign it off.")
            return _see_other("publication:count", election.pk)
        finally:
            form.key = None
    election.refresh_from_db()
    done = _count_of(election)
    return render(
        request,
        "publication/count.html",
        {
            "election": election,
            "form": form,
            "counted": done,
            **_sheet_context(done),
            "can_count": election.state == State.CLOSED,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def signoff(request: HttpRequest, election_id: int) -> HttpResponse:
    """Show the count and its SHA-256; the returning officer or a scrutineer signs it."""
    election = _election(election_id)
    role = require(request.user, election, Role.RETURNING_OFFICER, Role.SCRUTINEER)
    done = _count_of(election)
    digest = hashlib.sha256(done.result_json.encode()).hexdigest() if done else ""
    return _act_page(
        request,
        election,
        "publication/signoff.html",
        lambda: actions.sign_off(request.user, election),
        "Signed off.",
        ("publication:signoff", (election.pk,)),
        {
            "counted": done,
            "digest": digest,
            **_sheet_context(done),
            "role": Role(role).label,
            "signoffs": SignOff.objects.filter(election=election).select_related("user"),
            "scrutineer_signs": election.scrutineer_signs,
            "signed": SignOff.objects.filter(election=election, role=role).exists(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, election_id: int) -> HttpResponse:
    """Confirm and publish the signed-off result and its bundle."""
    election = _election(election_id)
    require(request.user, election, Role.RETURNING_OFFICER)
    return _act_page(
        request,
        election,
        "publication/publish.html",
        lambda: actions.publish(request.user, election),
        "Published.",
        ("publication:result", (election.organisation.slug, election.slug)),
        {"signoffs": SignOff.objects.filter(election=election).select_related("user")},
    )


@login_required
@never_cache
@require_http_methods(["GET"])
def audit(request: HttpRequest, election_id: int) -> HttpResponse:
    """List the election's audit entries, and whether the whole chain verifies."""
    election = _election(election_id)
    require(request.user, election, Role.ORGANISER, Role.RETURNING_OFFICER, Role.SCRUTINEER)
    entries = AuditEntry.objects.filter(object__startswith=f"election {election.pk} ")
    breaks = verify()
    return render(
        request,
        "publication/audit.html",
        {"election": election, "entries": entries, "breaks": breaks},
    )


# -- The public pages -------------------------------------------------------------------


def _published(org_slug: str, election_slug: str) -> tuple[Election, Publication]:
    """Return a published election and its publication, or 404 (the embargo)."""
    election = (
        Election.objects.select_related("organisation")
        .filter(organisation__slug=org_slug, slug=election_slug, state=State.PUBLISHED)
        .first()
    )
    if election is None:
        raise Http404("No published result here.")
    return election, election.publication


def _bundle_files(pub: Publication) -> dict[str, bytes]:
    """Read the files of the stored bundle (what was published, digest and all)."""
    with zipfile.ZipFile(io.BytesIO(bytes(pub.bundle))) as z:
        return {n.removeprefix("bundle/"): z.read(n) for n in z.namelist()}


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """List the published results."""
    elections = (
        Election.objects.filter(state=State.PUBLISHED)
        .select_related("organisation", "publication")
        .order_by("-publication__published_at")
    )
    return render(request, "publication/index.html", {"elections": elections})


@require_http_methods(["GET"])
def result(request: HttpRequest, org_slug: str, election_slug: str) -> HttpResponse:
    """Show a published result: stage table, turnout, downloads, and the receipt check."""
    election, pub = _published(org_slug, election_slug)
    done = election.count
    files = _bundle_files(pub)
    turnout = []
    for section in done.turnout.values():
        voted = int(section["online"]) + int(section["paper"])
        eligible = int(section["eligible"])
        share = f"{100 * voted / eligible:.1f}" if eligible else "–"
        turnout.append({**section, "voted": voted, "share": share})
    receipt_form = ReceiptForm(request.GET if "receipt" in request.GET else None)
    found: bool | None = None
    if receipt_form.is_bound and receipt_form.is_valid():
        found = receipt_form.cleaned_data["receipt"] in set(done.receipts.split())
    downloads = [
        {"name": n, "size": len(files[n]), "sha256": hashlib.sha256(files[n]).hexdigest()}
        for n in DOWNLOADS
        if n in files
    ]
    return render(
        request,
        "publication/result.html",
        {
            "election": election,
            "publication": pub,
            **_sheet_context(done),
            "turnout": turnout,
            "downloads": downloads,
            "receipt_form": receipt_form,
            "found": found,
            "papers": done.online_ballots + done.paper_ballots,
        },
    )


@require_http_methods(["GET"])
def download(
    request: HttpRequest,  # noqa: ARG001 (a view's first argument)
    org_slug: str,
    election_slug: str,
    name: str,
) -> HttpResponse:
    """Serve one file of the published bundle."""
    if name not in DOWNLOADS:
        raise Http404("No such file in the bundle.")
    _, pub = _published(org_slug, election_slug)
    files = _bundle_files(pub)
    if name not in files:
        raise Http404("No such file in the bundle.")
    kind = _TYPES.get(name.rsplit(".", 1)[-1], "text/plain")
    response = HttpResponse(files[name], content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET"])
def bundle(
    request: HttpRequest,  # noqa: ARG001 (a view's first argument)
    org_slug: str,
    election_slug: str,
) -> HttpResponse:
    """Serve the whole published bundle as a zip."""
    election, pub = _published(org_slug, election_slug)
    response = HttpResponse(bytes(pub.bundle), content_type="application/zip")
    filename = f"{election.organisation.slug}-{election.slug}-bundle.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
