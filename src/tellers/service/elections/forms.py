"""Forms for the organiser's and returning officer's set-up pages.

Every form links each field's hint and errors to its input with ``aria-describedby`` (and marks
a field in error ``aria-invalid``), so a screen reader announces them with the field.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib.auth.models import User

import tellers.rules

from .models import Appointment, Organisation, ReceiptMode

__all__ = [
    "AppointForm",
    "CandidateForm",
    "ElectionForm",
    "InvitationsForm",
    "KeyForm",
    "OrganisationForm",
    "RollUploadForm",
    "ScheduleForm",
    "SearchForm",
]

#: How a datetime-local input writes its value.
LOCAL = "%Y-%m-%dT%H:%M"


class Described(forms.Form):
    """A form whose inputs point at their own hints and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            if f.help_text:
                f.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def full_clean(self) -> None:
        """Validate, then point each field in error at its message."""
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            ids = [i for i in attrs.get("aria-describedby", "").split() if i]
            attrs["aria-describedby"] = " ".join([*ids, f"{self[name].auto_id}-error"])
            attrs["aria-invalid"] = "true"


class OrganisationForm(Described):
    """A new organisation."""

    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=50, help_text="Short name for web addresses: letters, digits and hyphens."
    )

    def clean_slug(self) -> str:
        """Refuse a slug another organisation has."""
        slug: str = self.cleaned_data["slug"]
        if Organisation.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another organisation already uses this short name.")
        return slug


@functools.cache
def rulebook_offices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the shipped rulebooks' offices as grouped choices ("rulebook|office", label)."""
    groups = []
    for name in tellers.rules.shipped():
        book = tellers.rules.load(tellers.rules.resolve(name))
        groups.append(
            (
                f"{book.title} ({name})",
                [
                    (f"{name}|{oid}", f"{off.name}: {off.method}, {off.seats} seat(s)")
                    for oid, off in book.offices.items()
                ],
            )
        )
    return groups


class ElectionForm(Described):
    """A new election from a shipped rulebook, or from an uploaded one."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"))
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=50, help_text="Short name for the results address: letters, digits, hyphens."
    )
    office = forms.ChoiceField(
        required=False,
        label="Rulebook and office",
        help_text="The shipped rulebook and the office it elects. Leave it if you upload one.",
    )
    rulebook_file = forms.FileField(
        required=False,
        label="Or upload a rulebook (TOML)",
        help_text="Your own rulebook, in the format of the shipped ones.",
    )
    uploaded_office = forms.CharField(
        required=False,
        max_length=100,
        label="Office in the uploaded rulebook",
        help_text="Its id in the rulebook; leave empty for the first office.",
    )
    seats = forms.IntegerField(
        required=False, min_value=1, help_text="Only where the rulebook leaves the number open."
    )
    receipt_mode = forms.ChoiceField(choices=ReceiptMode.choices, initial=ReceiptMode.WITH_BALLOTS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        assert isinstance(office, forms.ChoiceField)
        office.choices = [("", "— choose —"), *rulebook_offices()]

    def clean(self) -> dict[str, Any]:
        """Ask for exactly one rulebook: a shipped one or an uploaded file."""
        data = super().clean() or {}
        if not data.get("office") and not data.get("rulebook_file"):
            self.add_error("office", "Choose a rulebook and office, or upload a rulebook.")
        if data.get("office") and data.get("rulebook_file"):
            self.add_error("rulebook_file", "Choose a shipped rulebook or upload one, not both.")
        return data


class CandidateForm(Described):
    """A candidate's name and statement."""

    name = forms.CharField(max_length=200)
    statement = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown to members beside the ballot. Plain text.",
    )


class RollUploadForm(Described):
    """A roll file to check."""

    file = forms.FileField(
        label="Roll file (CSV or XLSX)",
        help_text=(
            "Columns: membership_number, name, email, section, joined (YYYY-MM-DD, may be "
            "empty), and optionally eligible (yes/no) and weight (a whole number)."
        ),
    )


class SearchForm(forms.Form):
    """Search the roll by membership number or name."""

    q = forms.CharField(required=False, max_length=200, label="Membership number or name")


class InvitationsForm(forms.Form):
    """Send invitations, or reminders to those who have not voted."""

    reminders = forms.BooleanField(required=False)


class AppointForm(Described):
    """Appoint a user to a role in the election."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Appointment.Role.choices)

    def clean_username(self) -> User:
        """Find the user by name."""
        try:
            return User.objects.get(username=self.cleaned_data["username"])
        except User.DoesNotExist:
            raise forms.ValidationError("There is no user with that name.") from None


class KeyForm(Described):
    """The election's public key."""

    public_key = forms.CharField(
        max_length=64,
        min_length=64,
        label="Election public key",
        help_text="The 64 hexadecimal characters `tellers key new` printed.",
    )


class ScheduleForm(Described):
    """When the ballot opens and closes, in the service's time zone (the page's legend names it)."""

    opens_at = forms.DateTimeField(
        label="Opens at",
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    closes_at = forms.DateTimeField(
        label="Closes at",
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
