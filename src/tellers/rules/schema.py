"""The rulebook schema: typed, frozen objects validated with pydantic.

A rulebook is a TOML file (see ``rulebooks/*.toml``).  Every table that states a fact about an
organisation's rules may carry ``cite`` (ids of entries under ``[sources]``), ``confirmed``
(false where the fact could not be checked against a source) and ``note`` (required when
``confirmed = false``, saying what is uncertain).  Shares are written as strings (``"5%"``,
``"1/3"``, ``"0.05"``) so that no binary float ever enters a threshold.

Cross-references (a route naming a body, an office naming a counting method) are checked by
:mod:`tellers.rules.loader` after these models have validated the shape of the file.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

__all__ = [
    "Ballot",
    "Body",
    "Cited",
    "Condition",
    "Constraint",
    "Electorate",
    "ExhaustiveBallot",
    "NominationRules",
    "Office",
    "RoundThreshold",
    "Rounding",
    "Route",
    "Rulebook",
    "Section",
    "Selection",
    "SelectionStep",
    "Source",
    "Stage",
    "TriggerBallot",
    "TriggerRoute",
    "Withdrawal",
    "parse_share",
    "whole",
]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_RATIO = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_DECIMAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")


def parse_share(value: object) -> Fraction:
    """Read a share written as ``"5%"``, ``"1/3"`` or ``"0.05"`` as an exact fraction."""
    if isinstance(value, float):
        # A TOML float such as 0.1 is already inexact; thresholds must be exact.
        raise ValueError(
            f'write the share {value!r} as a string such as "5%" or "1/3", '
            "so no binary rounding enters the threshold"
        )
    if isinstance(value, Fraction):
        share = value
    elif not isinstance(value, str):
        raise ValueError(f'a share must be a string such as "5%" or "1/3", not {value!r}')
    elif m := _PERCENT.match(value):
        share = Fraction(m.group(1)) / 100
    elif m := _RATIO.match(value):
        if int(m.group(2)) == 0:
            raise ValueError(f"the share {value!r} divides by zero")
        share = Fraction(int(m.group(1)), int(m.group(2)))
    elif m := _DECIMAL.match(value):
        share = Fraction(m.group(1))
    else:
        raise ValueError(f'cannot read the share {value!r}; write it as "5%", "1/3" or "0.05"')
    if not 0 < share <= 1:
        raise ValueError(f"the share {value!r} must be more than 0 and at most 100%")
    return share


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lower-case letters, digits, '-' and '_'"
        )
    return value


Share = Annotated[Fraction, BeforeValidator(parse_share)]
Slug = Annotated[StrictStr, BeforeValidator(lambda v: _check_slug(v) if isinstance(v, str) else v)]
Count = Annotated[StrictInt, Field(ge=0)]
Positive = Annotated[StrictInt, Field(ge=1)]


class _Frozen(BaseModel):
    """Base of every rulebook object: immutable, and no keys beyond those declared."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Cited(_Frozen):
    """A statement of a rule, with its sources and whether it could be confirmed."""

    cite: tuple[StrictStr, ...] = ()
    confirmed: StrictBool = True
    note: StrictStr = ""

    @model_validator(mode="after")
    def _unconfirmed_needs_note(self) -> Cited:
        if not self.confirmed and not self.note.strip():
            raise ValueError("confirmed = false needs a note saying what could not be confirmed")
        return self


class Source(_Frozen):
    """A document a rulebook relies on."""

    title: StrictStr
    url: StrictStr = ""
    supports: StrictStr = ""
    primary: StrictBool = False


class Office(Cited):
    """An office the rules elect, and how its ballot is counted."""

    name: StrictStr
    seats: Positive = 1
    method: StrictStr
    eligibility: StrictStr = ""


class Body(Cited):
    """A body whose members or units nominate (MPs, constituency parties, affiliates...)."""

    name: StrictStr
    unit: StrictStr = "nomination"
    units: StrictStr = ""
    size: Positive | None = None
    categories: tuple[Slug, ...] = ()
    membership_total: Count | None = None
    group: StrictStr = ""

    @property
    def plural(self) -> str:
        """Return the plural of the unit (``CLP`` -> ``CLPs``) for messages."""
        return self.units or f"{self.unit}s"


class Rounding(enum.StrEnum):
    """How a share of a body becomes a whole number of nominations."""

    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


def whole(share: Fraction, base: int, rounding: Rounding) -> int:
    """Return the whole number ``share`` of ``base`` comes to under ``rounding``."""
    exact = share * base
    if rounding is Rounding.UP:
        return -((-exact.numerator) // exact.denominator)
    if rounding is Rounding.DOWN:
        return exact.numerator // exact.denominator
    # Nearest, a half rounded up: floor(x + 1/2).
    half_up = exact + Fraction(1, 2)
    return half_up.numerator // half_up.denominator


class Condition(_Frozen):
    """One requirement of a route: a count, a share of a body, a membership share or groups.

    Exactly one measure is given:

    - ``at_least = N``: at least N nominations (of ``category``, if given) from ``body``;
    - ``share = "10%"``: that share of the body's ``size`` (less the candidate where
      ``exclude_candidate``), made whole by ``rounding``;
    - ``membership_share = "5%"``: nominators whose memberships add up to that share of the
      body's ``membership_total``;
    - ``distinct_groups = N``: nominators drawn from at least N different groups (e.g. local
      parties).
    """

    body: Slug
    category: Slug | None = None
    at_least: Count | None = None
    share: Share | None = None
    rounding: Rounding = Rounding.UP
    membership_share: Share | None = None
    distinct_groups: Positive | None = None
    exclude_candidate: StrictBool = False

    @model_validator(mode="after")
    def _one_measure(self) -> Condition:
        given = [
            k
            for k in ("at_least", "share", "membership_share", "distinct_groups")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            which = ", ".join(given) if given else "none"
            raise ValueError(
                "a condition needs exactly one of at_least, share, membership_share or "
                f"distinct_groups (given: {which})"
            )
        if self.exclude_candidate and self.share is None:
            raise ValueError("exclude_candidate only applies to a share of a body")
        return self


class Route(Cited):
    """One way through a stage: every condition must hold."""

    id: Slug
    name: StrictStr
    conditions: tuple[Condition, ...] = Field(min_length=1)


class Stage(Cited):
    """A nomination stage: a candidate passes it by any one of its routes."""

    id: Slug
    name: StrictStr
    offices: tuple[Slug, ...] = ()
    occasions: tuple[Slug, ...] = ()
    opens: dt.date | None = None
    closes: dt.date | None = None
    requires: tuple[Slug, ...] = ()
    incumbent_exempt: StrictBool = False
    routes: tuple[Route, ...] = Field(min_length=1)

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            raise ValueError("give a date (2020-01-13), not a date and time")
        return value

    @model_validator(mode="after")
    def _window(self) -> Stage:
        if self.opens and self.closes and self.closes < self.opens:
            raise ValueError(f"closes ({self.closes}) is before opens ({self.opens})")
        return self

    def applies(self, office: str, occasion: str) -> bool:
        """Return whether this stage is part of the contest for ``office`` on ``occasion``."""
        return (not self.offices or office in self.offices) and (
            not self.occasions or occasion in self.occasions
        )

    def bodies(self) -> frozenset[str]:
        """Return the ids of every body that nominates at this stage."""
        return frozenset(c.body for r in self.routes for c in r.conditions)


class NominationRules(Cited):
    """Who may nominate and how often."""

    one_per_nominator_per_office: StrictBool = True
    self_nomination: StrictBool | None = None
    candidate_consent: StrictBool | None = None


class Withdrawal(Cited):
    """What happens when a candidate withdraws, or a nominator wants to."""

    candidate_may_withdraw: StrictBool = True
    nominators_freed: StrictBool | None = None
    nominator_may_retract: StrictBool | None = None
    deadline: StrictStr = ""


class Section(Cited):
    """A section of the electorate (members, registered supporters, affiliated supporters)."""

    id: Slug
    name: StrictStr
    eligibility: StrictStr = ""
    fee: StrictStr = ""


class Electorate(Cited):
    """Who votes: the sections, how their votes weigh, and the freeze date."""

    sections: tuple[Section, ...] = Field(min_length=1)
    weighting: StrictStr = "one member, one vote: every vote counts the same"
    freeze: dt.datetime | dt.date | None = None
    freeze_rule: StrictStr = ""


class Ballot(Cited):
    """How the ballot is run: channels, who administers it, who scrutinises it."""

    channels: StrictStr = ""
    administrator: StrictStr = ""
    scrutineer: StrictStr = ""
    opens: dt.date | None = None
    closes: dt.date | None = None
    duties: tuple[StrictStr, ...] = ()


class RoundThreshold(_Frozen):
    """The votes a candidate needs to survive one exhaustive-ballot round."""

    round: Positive
    at_least: Count


class ExhaustiveBallot(Cited):
    """Rounds of voting by a body (e.g. MPs), each eliminating candidates, down to a final few.

    In each round listed in ``thresholds`` a candidate with fewer than ``at_least`` votes is
    eliminated; if every candidate reaches the threshold (or the round has none), the one with
    fewest votes is.  Rounds continue until ``until_remaining`` candidates are left, who go
    forward to ``then`` (e.g. the members' ballot for an office).
    """

    body: Slug
    thresholds: tuple[RoundThreshold, ...] = ()
    until_remaining: Positive = 2
    then: Slug
    ties: StrictStr = ""

    def threshold(self, number: int) -> int | None:
        """Return the survival threshold of round ``number``, if the rules give one."""
        return next((t.at_least for t in self.thresholds if t.round == number), None)


class TriggerRoute(Cited):
    """One way a trigger ballot triggers an open selection: a share of a body's units."""

    id: Slug
    name: StrictStr
    body: Slug
    share: Share
    more_than: StrictBool = False
    of: StrictStr = "voting"

    @field_validator("of")
    @classmethod
    def _base(cls, value: str) -> str:
        if value not in ("voting", "all"):
            raise ValueError(f"of must be 'voting' or 'all', not {value!r}")
        return value


class TriggerBallot(Cited):
    """A ballot of local units on whether a sitting representative faces an open selection."""

    applies_to: StrictStr
    unit_decision: StrictStr = ""
    combine: StrictStr = "any"
    routes: tuple[TriggerRoute, ...] = Field(min_length=1)
    if_triggered: StrictStr = ""
    otherwise: StrictStr = ""

    @field_validator("combine")
    @classmethod
    def _combine(cls, value: str) -> str:
        if value not in ("any", "all"):
            raise ValueError(f"combine must be 'any' or 'all', not {value!r}")
        return value


class Constraint(Cited):
    """A requirement on a list of candidates (a longlist or shortlist)."""

    applies_to: Slug
    attribute: Slug
    at_least: Count | None = None
    at_least_share: Share | None = None
    all: StrictBool = False
    when: StrictStr = ""

    @model_validator(mode="after")
    def _one_measure(self) -> Constraint:
        given = sum(x is not None for x in (self.at_least, self.at_least_share)) + int(self.all)
        if given != 1:
            raise ValueError("a constraint needs exactly one of at_least, at_least_share or all")
        return self


class SelectionStep(Cited):
    """One step of a selection process, in order."""

    name: StrictStr
    description: StrictStr


class Selection(Cited):
    """A candidate-selection process: eligibility, steps and list constraints."""

    eligibility: StrictStr = ""
    steps: tuple[SelectionStep, ...] = ()
    constraints: tuple[Constraint, ...] = ()


class Rulebook(Cited):
    """A whole rulebook: who is elected, how candidates get on the ballot, who votes."""

    schema_version: Annotated[StrictInt, Field(alias="schema")]
    id: Slug
    title: StrictStr
    organisation: StrictStr
    summary: StrictStr
    rules_of: StrictStr = ""
    occasions: tuple[Slug, ...] = ("vacancy",)
    sources: Mapping[Slug, Source] = Field(min_length=1)
    offices: Mapping[Slug, Office] = Field(default_factory=dict)
    bodies: Mapping[Slug, Body] = Field(default_factory=dict)
    nominations: NominationRules = NominationRules()
    withdrawal: Withdrawal = Withdrawal()
    stages: tuple[Stage, ...] = ()
    electorate: Electorate | None = None
    ballot: Ballot | None = None
    exhaustive_ballot: ExhaustiveBallot | None = None
    trigger_ballot: TriggerBallot | None = None
    selection: Selection | None = None

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, arbitrary_types_allowed=True
    )

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, value: int) -> int:
        if value != 1:
            raise ValueError(f"this version of tellers reads rulebook schema 1, not {value}")
        return value

    def stages_for(self, office: str, occasion: str) -> tuple[Stage, ...]:
        """Return the nomination stages of the contest for ``office`` on ``occasion``."""
        return tuple(s for s in self.stages if s.applies(office, occasion))

    def unconfirmed(self) -> list[tuple[str, str]]:
        """Return ``(where, note)`` for every statement marked ``confirmed = false``."""
        out: list[tuple[str, str]] = []

        def walk(obj: object, where: str) -> None:
            if isinstance(obj, Cited) and not obj.confirmed:
                out.append((where, obj.note))
            if isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name), f"{where}.{name}" if where else name)
            elif isinstance(obj, Mapping):
                for k, v in obj.items():
                    walk(v, f"{where}.{k}")
            elif isinstance(obj, tuple):
                for i, v in enumerate(obj):
                    label = getattr(v, "id", None) or getattr(v, "name", None) or str(i)
                    walk(v, f"{where}[{label}]")

        walk(self, "")
        return out
