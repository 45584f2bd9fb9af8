"""The service's own errors.

``ServiceError``            an act that cannot be done now; its message is for the user
├── ``WrongState``          the election is not in a state that allows the act
├── ``AlreadyVoted``        this credential has been spent (or revoked, or expired)
└── ``InvalidBallot``       the ranking breaks the ballot's rules (messages name each problem)

Permission refusals are Django's ``PermissionDenied`` (a 403), raised by ``elections.roles``.
"""

from __future__ import annotations

__all__ = ["AlreadyVoted", "InvalidBallot", "ServiceError", "WrongState"]


class ServiceError(Exception):
    """An act that cannot be done now; the message is shown to the user."""


class WrongState(ServiceError):
    """The election is not in a state that allows this act."""


class AlreadyVoted(ServiceError):
    """The voting link has been used, replaced, or has expired."""


class InvalidBallot(ServiceError):
    """The ranking breaks the ballot's rules."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
