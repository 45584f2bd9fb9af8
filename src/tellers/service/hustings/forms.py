"""Forms for the hustings pages (each input points at its hint and errors, as elsewhere)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User

from ..elections.forms import LOCAL, Described
from .models import Policy, Question

__all__ = [
    "AnswerForm",
    "AnswerLinkForm",
    "MeetingForm",
    "MergeForm",
    "ModeratorForm",
    "PolicyForm",
    "QuestionForm",
    "RejectForm",
    "SignInForm",
]


class SignInForm(Described):
    """A member asks for a sign-in link."""

    email = forms.EmailField(
        label="Your e-mail address",
        help_text="The address on the membership roll for this election.",
    )


class QuestionForm(Described):
    """A member's question to the candidates."""

    text = forms.CharField(label="Your question", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields["text"]
        f.help_text = f"At most {limit} characters. It will be published in your name."
        f.widget.attrs["aria-describedby"] = f"{self['text'].auto_id}-hint"


class AnswerForm(Described):
    """A candidate's answer to one question."""

    text = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields["text"]
        f.help_text = f"At most {limit} characters: the same limit for every candidate."
        f.widget.attrs["aria-describedby"] = f"{self['text'].auto_id}-hint"


class RejectForm(Described):
    """A moderator rejects a question for one of the policy's reasons."""

    reason = forms.ChoiceField(label="Reason (from the policy)", widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note to the asker (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, reasons: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(r, r) for r in reasons]


class MergeForm(Described):
    """A moderator merges a duplicate into a published question."""

    into = forms.ModelChoiceField(
        queryset=Question.objects.none(), label="Same as published question", empty_label=None
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = targets
        field.label_from_instance = _question_label  # type: ignore[method-assign]


def _question_label(obj: Question) -> str:
    return f"{obj.pk}: {obj.text[:80]}"


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    """The organisation's hustings policy."""

    class Meta:
        model = Policy
        fields: ClassVar = [
            "text",
            "reasons",
            "question_max_chars",
            "answer_max_chars",
            "questions_per_day",
            "public",
        ]
        labels: ClassVar = {
            "text": "Policy shown where members write their questions",
            "reasons": "Reasons a moderator may give for rejecting a question (one a line)",
            "question_max_chars": "Longest question (characters)",
            "answer_max_chars": "Longest answer (characters, the same for every candidate)",
            "questions_per_day": "Questions each member may ask in a day",
            "public": "Anyone may read the published questions and answers",
        }
        widgets: ClassVar = {
            "text": forms.Textarea(attrs={"rows": 12}),
            "reasons": forms.Textarea(attrs={"rows": 6}),
        }


class MeetingForm(Described):
    """A hustings meeting."""

    starts_at = forms.DateTimeField(
        label="Starts at",
        input_formats=[LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    place = forms.CharField(label="Place", max_length=200, required=False)
    link = forms.URLField(
        label="Link to join online",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="An https:// address, if members may join online.",
    )
    notes = forms.CharField(label="Notes", max_length=300, required=False)


class AnswerLinkForm(Described):
    """Where to e-mail a candidate's answer link (the address is not kept)."""

    email = forms.EmailField(label="Candidate's e-mail address")


class ModeratorForm(Described):
    """Appoint a moderator by user name."""

    username = forms.CharField(label="User name", max_length=150)

    def clean_username(self) -> User:
        """Find the user by name."""
        try:
            return User.objects.get(username=self.cleaned_data["username"])
        except User.DoesNotExist:
            raise forms.ValidationError("There is no user with that name.") from None
