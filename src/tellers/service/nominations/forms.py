"""Forms for the nominations pages (each input points at its hint and errors)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django import forms

import tellers.rules
from tellers.rules.schema import Rulebook

from ..elections.forms import Described
from .models import Candidacy, Purpose

__all__ = [
    "AttestForm",
    "CandidacyForm",
    "ListForm",
    "NominateForm",
    "OpenForm",
    "PassForm",
    "PhotoForm",
    "StatementForm",
    "TallyForm",
    "TriggerForm",
    "TriggerVoteForm",
    "UnitForm",
    "parse_counts",
]


def parse_counts(text: str) -> dict[str, int]:
    """Read lines such as ``affiliate = 4000000`` into ``{"affiliate": 4000000}``."""
    out: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        name, sep, value = line.partition("=")
        number = value.strip().replace(",", "")
        if not sep or not name.strip() or not number.isdigit():
            raise forms.ValidationError(f"Line {n}: write body = number, e.g. affiliate = 4000000.")
        out[name.strip()] = int(number)
    return out


def _statement(words: int) -> forms.CharField:
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Shown on the tracker and the ballot paper: at most {words} words.",
    )


class OpenForm(Described):
    """Open nominations."""

    occasion = forms.ChoiceField()
    statement_words = forms.IntegerField(
        min_value=1, initial=500, label="Longest statement (words)"
    )
    sizes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Number of units, where this contest's differ",
        help_text="One a line: body = number (e.g. clp = 648). Leave empty for the rulebook's.",
    )
    membership_totals = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Total memberships",
        help_text="For percentage-of-membership tests, one a line: affiliate = 4000000.",
    )
    public = forms.BooleanField(required=False, initial=True, label="Tracker open to the public")
    nominators_public = forms.BooleanField(
        required=False, initial=True, label="Show who nominated whom"
    )

    def __init__(self, book: Rulebook, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["occasion"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o, o) for o in book.occasions]

    def clean_sizes(self) -> dict[str, int]:
        return parse_counts(self.cleaned_data["sizes"])

    def clean_membership_totals(self) -> dict[str, int]:
        return parse_counts(self.cleaned_data["membership_totals"])


class PassForm(Described):
    """Send a member a nominations link."""

    membership_number = forms.CharField(max_length=64)


class CandidacyForm(Described):
    """The organiser adds a member's candidacy."""

    membership_number = forms.CharField(max_length=64)

    def __init__(self, words: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"] = _statement(words)


class StatementForm(Described):
    """A candidate's statement (declaring, or changing it)."""

    def __init__(self, words: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"] = _statement(words)


class PhotoForm(Described):
    """A candidate's photo and its description."""

    photo = forms.FileField(help_text="A JPEG or PNG image, at most 1 MB.")
    alt = forms.CharField(
        max_length=300,
        label="Describe the photo",
        help_text="Read out to those who cannot see it, e.g. 'Ann Able smiling, in a blue coat'.",
    )


def _candidate_choices(cands: Sequence[Candidacy]) -> list[tuple[str, str]]:
    return [(c.name, c.name) for c in cands]


class UnitForm(Described):
    """Register a nominator or a nominating unit, and who acts for it."""

    purpose = forms.ChoiceField(choices=Purpose.choices)
    body = forms.ChoiceField()
    name = forms.CharField(max_length=200, help_text="The MP, CLP, affiliate or branch.")
    category = forms.CharField(
        required=False, max_length=64, help_text="Where the rulebook asks, e.g. trade_union."
    )
    group = forms.CharField(required=False, max_length=200)
    membership = forms.IntegerField(
        required=False, min_value=0, help_text="Affiliated membership, where a test uses it."
    )
    officer = forms.CharField(
        max_length=64,
        label="Officer's membership number",
        help_text="The member who records its decisions (for an MP, the MP).",
    )

    def __init__(self, bodies: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(bodies)


class TallyForm(Described):
    """Record a published tally of nominations whose nominators are not named."""

    body = forms.ChoiceField()
    candidate = forms.ChoiceField()
    count = forms.IntegerField(min_value=1)
    source = forms.CharField(max_length=300, help_text="Where the figure was published.")

    def __init__(
        self,
        bodies: Sequence[tuple[str, str]],
        cands: Sequence[Candidacy],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        body, cand = self.fields["body"], self.fields["candidate"]
        assert isinstance(body, forms.ChoiceField) and isinstance(cand, forms.ChoiceField)
        body.choices = list(bodies)
        cand.choices = _candidate_choices(cands)


class AttestForm(Described):
    """Record that a route was met on evidence the party holds."""

    candidate = forms.ChoiceField()
    route = forms.ChoiceField()
    by = forms.CharField(max_length=300, label="Attested by", help_text="Who holds the evidence.")

    def __init__(
        self,
        routes: Sequence[tuple[str, str]],
        cands: Sequence[Candidacy],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        route, cand = self.fields["route"], self.fields["candidate"]
        assert isinstance(route, forms.ChoiceField) and isinstance(cand, forms.ChoiceField)
        route.choices = list(routes)
        cand.choices = _candidate_choices(cands)


class NominateForm(Described):
    """A unit's nomination, with its meeting's result."""

    candidate = forms.ChoiceField()
    meeting = forms.CharField(
        required=False,
        max_length=500,
        label="The meeting's result",
        help_text="E.g. the votes at the nominating meeting; left empty for an individual.",
    )

    def __init__(self, cands: Sequence[Candidacy], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidate"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _candidate_choices(cands)


class TriggerForm(Described):
    """Set up a trigger ballot."""

    rulebook = forms.ChoiceField()
    sitting = forms.CharField(max_length=200, label="Sitting representative")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rulebook"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = trigger_rulebooks()


@functools.cache
def trigger_rulebooks() -> list[tuple[str, str]]:
    """Return the shipped rulebooks that have a trigger ballot."""
    out = []
    for name in tellers.rules.shipped():
        book = tellers.rules.load(tellers.rules.resolve(name))
        if book.trigger_ballot is not None:
            out.append((name, book.title))
    return out


class TriggerVoteForm(Described):
    """A unit's decision in the trigger ballot."""

    decision = forms.ChoiceField(
        choices=[("for", "For an open selection"), ("against", "Against (reselect)")],
        widget=forms.RadioSelect,
    )
    meeting = forms.CharField(required=False, max_length=500, label="The meeting's result")


class ListForm(Described):
    """A longlist or shortlist, with each listed candidate's answers to the constraints."""

    list_name = forms.ChoiceField(label="List")

    def __init__(
        self,
        lists: Sequence[str],
        attributes: Sequence[str],
        whens: Sequence[str],
        cands: Sequence[Candidacy],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["list_name"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(n, n) for n in lists]
        self.cands = list(cands)
        self.attributes = list(attributes)
        for c in self.cands:
            self.fields[f"on_{c.pk}"] = forms.BooleanField(required=False, label=f"List {c.name}")
            for a in self.attributes:
                self.fields[f"attr_{c.pk}_{a}"] = forms.BooleanField(
                    required=False,
                    label=f"{c.name}: {a.replace('_', ' ')}",
                    initial=bool(c.attributes.get(a)),
                )
        self.fields["conditions"] = forms.MultipleChoiceField(
            required=False,
            choices=[(w, w) for w in whens],
            widget=forms.CheckboxSelectMultiple,
            label="Conditions that apply",
        )

    def chosen(self) -> list[Candidacy]:
        return [c for c in self.cands if self.cleaned_data.get(f"on_{c.pk}")]

    def answers(self) -> dict[int, dict[str, bool]]:
        return {
            c.pk: {a: bool(self.cleaned_data.get(f"attr_{c.pk}_{a}")) for a in self.attributes}
            for c in self.cands
        }
