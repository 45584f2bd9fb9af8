"""Read-only admin pages for elections: for looking things up, never for changing them.

Every change goes through an action (role check, state check, audit entry), so the admin
changes nothing.  It never shows a roll entry's link hash or a roll file's content (which
holds members' personal details beyond what the roll keeps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Appointment, Candidate, Election, Organisation, RollEntry, RollUpload

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin  # not subscriptable at run time


class ReadOnly(_ModelAdmin):
    """Show, never add, change or delete: acts go through the audited action functions."""

    # ModelAdmin's signatures: the answer is no whoever asks, about whatever.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # noqa: ARG002
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnly):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Election)
class ElectionAdmin(ReadOnly):
    list_display = ("title", "organisation", "state", "opens_at", "closes_at")
    list_filter = ("state",)
    search_fields = ("title", "slug")
    exclude = ("rulebook_toml",)


@admin.register(Candidate)
class CandidateAdmin(ReadOnly):
    list_display = ("name", "election", "position", "withdrawn")
    list_select_related = ("election__organisation",)


@admin.register(RollEntry)
class RollEntryAdmin(ReadOnly):
    # token_hash is left out everywhere: with the hashing key it would let a database reader
    # test a stolen link; the admin has no need of it.
    fields = (
        "election",
        "membership_number",
        "name",
        "email",
        "section",
        "joined",
        "weight",
        "voted",
        "paper_issued",
        "invite_status",
        "invite_error",
        "reminders_sent",
        "links_issued",
    )
    list_display = ("membership_number", "name", "section", "election", "invite_status", "voted")
    list_filter = ("invite_status",)
    search_fields = ("=membership_number", "name")
    list_select_related = ("election__organisation",)


@admin.register(RollUpload)
class RollUploadAdmin(ReadOnly):
    fields = (
        "election",
        "filename",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "rows_total",
        "rows_accepted",
        "accepted",
    )
    list_display = (
        "filename",
        "election",
        "uploaded_at",
        "rows_total",
        "rows_accepted",
        "accepted",
    )


@admin.register(Appointment)
class AppointmentAdmin(ReadOnly):
    list_display = ("user", "role", "election")
