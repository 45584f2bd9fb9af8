"""The voter's ballot form: one number box per candidate, or one choice where a single X is asked.

The form checks only what a voter can fix by changing what they typed (numbers, duplicates,
gaps); whether the ranking may be cast is decided by :func:`.actions.cast_ballot`.  Each
problem is kept twice: beside its field (``form.errors``) and once in :attr:`summary`, the list
at the top of the page that links to the field it names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django import forms

from ..elections.models import Candidate

__all__ = ["ChoiceBallotForm", "RankingBallotForm", "field_name"]


def field_name(candidate: Candidate) -> str:
    """Return the form field that holds ``candidate``'s mark."""
    return f"c{candidate.position}"


def _and(items: Sequence[str]) -> str:
    """Join ``items`` as English does: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


class _BallotForm(forms.Form):
    """What both ballot forms share: their candidates and the error summary."""

    def __init__(self, candidates: Sequence[Candidate], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        #: (message, id of the field it concerns) for the list at the top of the page.
        self.summary: list[tuple[str, str]] = []

    def _problem(self, message: str, *candidates: Candidate, link: str = "") -> None:
        """Record ``message`` once in the summary and beside each candidate's field.

        A problem of the numbers as a whole (a gap, nothing marked) belongs to no one box:
        its summary entry links to ``link``, the box where the voter should start.
        """
        names = [field_name(c) for c in candidates]
        self.summary.append((message, f"id_{names[0] if names else link}"))
        for name in names:
            self.add_error(name, message)
        if not names:
            self.add_error(None, message)

    def ranking(self) -> list[int]:
        """Return the candidates' positions in preference order (after ``is_valid``)."""
        raise NotImplementedError


class RankingBallotForm(_BallotForm):
    """Number the candidates 1, 2, 3…; as many or as few as the voter likes, without gaps."""

    def __init__(self, candidates: Sequence[Candidate], *args: Any, **kwargs: Any) -> None:
        super().__init__(candidates, *args, **kwargs)
        n = len(self.candidates)
        for c in self.candidates:
            self.fields[field_name(c)] = forms.CharField(
                label=f"Preference for {c.name}",
                required=False,
                max_length=10,
                widget=forms.NumberInput(
                    attrs={"min": 1, "max": n, "inputmode": "numeric", "class": "pref"}
                ),
            )

    def clean(self) -> dict[str, Any]:
        """Check every box, then the numbers together: no duplicates, no gaps, at least one."""
        data = super().clean() or {}
        n = len(self.candidates)
        given: dict[int, list[Candidate]] = defaultdict(list)
        bad = False
        for c in self.candidates:
            if field_name(c) in self.errors:
                # Refused by the field itself (longer than max_length): say so in the
                # voter's words and in the summary, not only in Django's words beside the box.
                # (Found by fuzzing: the summary was empty, so the page had no error alert.)
                del self.errors[field_name(c)]
                self._problem(f"{c.name}: use a number from 1 to {n}, or leave it blank.", c)
                bad = True
                continue
            raw = (data.get(field_name(c)) or "").strip()
            if not raw:
                continue
            if not (raw.isascii() and raw.isdigit()):
                self._problem(
                    f"{c.name}: “{raw}” is not a whole number. Use 1, 2, 3… or leave it blank.", c
                )
                bad = True
            elif not 1 <= int(raw) <= n:
                self._problem(f"{c.name}: use a number from 1 to {n}, or leave it blank.", c)
                bad = True
            else:
                given[int(raw)].append(c)
        for number in sorted(given):
            holders = given[number]
            if len(holders) > 1:
                names = [c.name for c in holders]
                both = "both " if len(names) == 2 else ""
                self._problem(f"You gave {number} to {both}{_and(names)}.", *holders)
                bad = True
        if not given and not bad:
            self._problem(
                "You have not numbered any candidate. Put 1 beside your first choice.",
                link=field_name(self.candidates[0]) if self.candidates else "",
            )
        elif given and not bad and sorted(given) != list(range(1, len(given) + 1)):
            used = [str(k) for k in sorted(given)]
            missing = next(k for k in range(1, n + 1) if k not in given)
            first = given[min(given)][0]
            self._problem(
                f"You gave {_and(used)} but no {missing}: number them 1, 2, 3… without gaps.",
                link=field_name(first),
            )
        self._given = given
        return data

    def ranking(self) -> list[int]:
        """Return the candidates' positions in the order the voter numbered them."""
        return [self._given[k][0].position for k in sorted(self._given)]


class ChoiceBallotForm(_BallotForm):
    """Mark one candidate (first past the post)."""

    def __init__(self, candidates: Sequence[Candidate], *args: Any, **kwargs: Any) -> None:
        super().__init__(candidates, *args, **kwargs)
        self.fields["choice"] = forms.TypedChoiceField(
            label="Your choice",
            choices=[(c.position, c.name) for c in self.candidates],
            coerce=int,
            required=False,
            widget=forms.RadioSelect,
        )

    def clean(self) -> dict[str, Any]:
        """Require exactly one candidate marked."""
        data = super().clean() or {}
        if data.get("choice") in (None, "") and "choice" not in self.errors:
            self.summary.append(("You have not marked a candidate. Choose one.", "id_choice_0"))
            self.add_error("choice", "You have not marked a candidate. Choose one.")
        elif "choice" in self.errors:
            self.summary.append(("Choose one of the candidates listed.", "id_choice_0"))
        return data

    def ranking(self) -> list[int]:
        """Return the one marked candidate's position."""
        return [int(self.cleaned_data["choice"])]
