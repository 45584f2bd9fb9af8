"""The teller's keying form and the returning officer's ruling form: one paper each.

A number box per candidate, as the paper is marked, plus the serial, the weight (a card vote)
and a box for a spoilt or blank paper.  The form checks only what the typist can fix (numbers,
repeats, gaps); whether the paper may be recorded is decided by :mod:`.paper`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from ..elections.models import Candidate
from ..errors import ServiceError
from .paper import normalise_serial

__all__ = ["PaperForm", "VoidForm"]


def _box(candidate: Candidate) -> str:
    return f"p{candidate.position}"


class PaperForm(forms.Form):
    """One paper as marked: serial, a preference box per candidate, weight, spoilt."""

    serial = forms.CharField(
        label="Serial number",
        max_length=40,
        help_text="As printed on the paper, e.g. A-00123.",
    )
    weight = forms.IntegerField(
        label="Weight (card vote)",
        min_value=1,
        initial=1,
        help_text="1 unless the paper is printed with a card vote.",
    )
    spoilt = forms.BooleanField(
        label="Spoilt or blank paper (no preference can be read)",
        required=False,
    )

    def __init__(
        self,
        candidates: Sequence[Candidate],
        *args: Any,
        fixed_serial: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        if fixed_serial is not None:
            # A ruling concerns the one paper whose page it is on.
            self.fields["serial"].initial = fixed_serial
            self.fields["serial"].widget = forms.HiddenInput()
        self.order: list[int] = []
        n = len(self.candidates)
        for c in self.candidates:
            self.fields[_box(c)] = forms.CharField(
                label=c.name,
                required=False,
                max_length=4,
                widget=forms.NumberInput(attrs={"min": 1, "max": n, "inputmode": "numeric"}),
            )

    def clean_serial(self) -> str:
        """Refuse a serial no paper could carry, beside its box."""
        try:
            return normalise_serial(self.cleaned_data["serial"])
        except ServiceError as e:
            raise forms.ValidationError(str(e)) from None

    def boxes(self) -> list[forms.BoundField]:
        """Return the preference boxes in ballot-paper order."""
        return [self[_box(c)] for c in self.candidates]

    def clean(self) -> dict[str, Any]:
        """Read the boxes as a preference order: 1, 2, 3… with no repeat and no gap."""
        data = super().clean() or {}
        n = len(self.candidates)
        given: dict[int, Candidate] = {}
        for c in self.candidates:
            raw = (data.get(_box(c)) or "").strip()
            if not raw:
                continue
            if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= n:
                self.add_error(_box(c), f"Type a number from 1 to {n}, or leave it empty.")
            elif int(raw) in given:
                self.add_error(
                    _box(c),
                    f"{given[int(raw)].name} already has {raw}. Key preferences only up to "
                    "the first number repeated on the paper.",
                )
            else:
                given[int(raw)] = c
        if self.errors:
            return data
        numbers = sorted(given)
        if numbers != list(range(1, len(numbers) + 1)):
            missing = next(k for k in range(1, n + 1) if k not in given)
            self.add_error(
                None,
                f"There is no {missing}: key preferences only up to the first number missing "
                "from the paper.",
            )
        elif data.get("spoilt") and given:
            self.add_error("spoilt", "A spoilt paper has no preferences: clear the boxes.")
        elif not data.get("spoilt") and not given:
            self.add_error(
                "spoilt", "No preference is keyed: number the candidates, or tick spoilt."
            )
        self.order = [given[k].position for k in numbers]
        return data


class VoidForm(forms.Form):
    """Strike out a serial no paper carries."""

    reason = forms.CharField(
        label="Why is this serial struck out?",
        max_length=500,
        help_text="For example: mistyped; the paper's serial is A-00123.",
    )
