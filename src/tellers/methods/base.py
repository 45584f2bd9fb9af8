"""What every counting method shares: its signature, its registry entry, and ballot reading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .._types import Preferences
from ..errors import ConfigurationError
from ..model import Election, Result

__all__ = ["CountFunction", "MethodInfo", "Registry", "resolve_seats", "strict_preferences"]


class CountFunction(Protocol):
    """The signature every method's ``count`` has."""

    def __call__(self, election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
        """Count ``election`` for ``seats`` seats; lots are drawn from ``seed``."""
        ...


@dataclass(frozen=True)
class MethodInfo:
    """A registered method: its canonical name, aliases, one-line summary and count function."""

    name: str
    summary: str
    count: CountFunction
    aliases: tuple[str, ...] = ()
    single_winner: bool = False


@dataclass
class Registry:
    """Methods looked up by name or alias."""

    _by_name: dict[str, MethodInfo] = field(default_factory=dict)

    def add(self, info: MethodInfo) -> None:
        """Register a method under its name and aliases."""
        for key in (info.name, *info.aliases):
            if key in self._by_name:
                raise ValueError(f"method name {key!r} registered twice")
            self._by_name[key] = info

    def get(self, name: str) -> MethodInfo:
        """Return the method called ``name`` (or one of its aliases)."""
        try:
            return self._by_name[name.lower()]
        except KeyError:
            raise ConfigurationError(
                f"unknown method {name!r}; choose from {', '.join(self.names())}"
            ) from None

    def names(self) -> list[str]:
        """Return the canonical method names, sorted."""
        return sorted({m.name for m in self._by_name.values()})

    def all(self) -> list[MethodInfo]:
        """Return each registered method once, sorted by name."""
        seen = {m.name: m for m in self._by_name.values()}
        return [seen[k] for k in sorted(seen)]


def resolve_seats(election: Election, seats: int | None, *, single: bool = False) -> int:
    """Return the number of seats to fill: the argument, else the file's, else one."""
    n = seats if seats is not None else (1 if single else election.seats or 1)
    if n < 1:
        raise ConfigurationError(f"seats must be at least 1, not {n}")
    if single and n != 1:
        raise ConfigurationError("this method elects one candidate; use an STV method for more")
    return n


def strict_preferences(election: Election) -> list[tuple[Preferences, int]]:
    """Read every ballot as a strict order, withdrawn candidates passed over.

    A paper's preferences stop at a skipped rank or at a rank marked for more than one
    candidate (no "next available preference" can be read past them); ballots with no usable
    preference are dropped here and counted as invalid by the caller.
    """
    skip = election.withdrawn
    out: list[tuple[Preferences, int]] = []
    for b in election.ballots:
        prefs = b.preferences(skip=skip)
        if prefs and b.weight:
            out.append((prefs, b.weight))
    return out
