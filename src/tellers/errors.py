"""Exceptions raised by tellers.

The hierarchy::

    TellersError                 base of everything tellers raises on purpose
    ├── InputError               a file or value given to tellers cannot be used
    │   └── FormatError          a ballot or results file is malformed (carries path and line)
    ├── ConfigurationError       a method was asked for what it cannot do (unknown name, bad seats)
    └── VerificationError        reference data needed for a check is missing or unreadable

Reader errors always carry the keyword-only context ``path=`` and ``line=`` so the CLI can print
``file:line: problem`` and exit with code 2.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigurationError",
    "FormatError",
    "InputError",
    "TellersError",
    "VerificationError",
]


class TellersError(Exception):
    """Base class for every error tellers raises deliberately."""


class InputError(TellersError):
    """Input given to tellers cannot be used."""


class FormatError(InputError):
    """A file is malformed; names the file and (where known) the line."""

    def __init__(
        self, problem: str, *, path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self.location() + problem)

    def location(self) -> str:
        """Return ``path:line: `` (or the part of it that is known)."""
        if self.path is None:
            return f"line {self.line}: " if self.line is not None else ""
        if self.line is None:
            return f"{self.path}: "
        return f"{self.path}:{self.line}: "


class ConfigurationError(TellersError):
    """A counting method or option was misused."""


class VerificationError(TellersError):
    """Reference data for a verification run is missing or unreadable."""
