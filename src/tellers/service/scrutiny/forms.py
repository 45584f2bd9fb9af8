"""The scrutineer's forms: a statement, a complaint, a request to inspect the register."""

from __future__ import annotations

from django import forms

__all__ = ["ComplaintForm", "InspectionForm", "StatementForm"]

_DATE = forms.DateInput(attrs={"type": "date"})


class StatementForm(forms.Form):
    """The three things s.52(2) asks the scrutineer to say, and their remarks."""

    no_contravention = forms.BooleanField(
        required=False,
        label="There are no reasonable grounds for believing that any requirement for the "
        "ballot was contravened.",
    )
    secure_arrangements = forms.BooleanField(
        required=False,
        label="The arrangements for producing, issuing, returning and counting the papers, "
        "online and on paper, were secure enough to minimise the risk of unfairness or "
        "malpractice.",
    )
    unhindered = forms.BooleanField(
        required=False,
        label="I was able to carry out my functions without interference.",
    )
    remarks = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if any box is left unticked: the report must give the reasons.",
    )


class ComplaintForm(forms.Form):
    """A complaint as received."""

    received = forms.DateField(widget=_DATE)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    outcome = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class InspectionForm(forms.Form):
    """A request to inspect the register of members."""

    requested = forms.DateField(widget=_DATE)
    requested_by = forms.CharField(max_length=200, label="Requested by")
    granted = forms.BooleanField(required=False, label="Granted")
    note = forms.CharField(required=False, max_length=2000)
