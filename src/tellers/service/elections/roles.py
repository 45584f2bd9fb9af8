"""Who may do what: every role check in the service goes through :func:`require`.

A role is a Django group holding one of the election permissions (granting the kind of
power) together with an :class:`~.models.Appointment` to the election (scoping it).  Nobody
— organiser, returning officer, scrutineer, superuser — has a role that shows how anyone
voted: no such view exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from .models import Appointment, Election

__all__ = ["GROUPS", "PERMISSION", "SYSTEM", "Role", "has_role", "require", "roles_of"]

Role = Appointment.Role

#: The actor recorded for acts the service does by itself (scheduled opening and closing): it
#: holds no role, and the acts it may do (``open_ballot``, ``close_ballot``) skip the check.
SYSTEM = "system"

#: The permission each role needs (codename in the ``elections`` app).
PERMISSION: dict[str, str] = {
    Role.ORGANISER: "elections.setup_election",
    Role.RETURNING_OFFICER: "elections.run_ballot",
    Role.SCRUTINEER: "elections.scrutinise",
    Role.TELLER: "elections.key_paper_ballots",
}

#: Group name -> the permission codenames it holds (made by a data migration).
GROUPS: dict[str, tuple[str, ...]] = {
    "Organisers": ("setup_election",),
    "Returning officers": ("run_ballot",),
    "Scrutineers": ("scrutinise",),
    "Tellers": ("key_paper_ballots",),
}

AnyUser = User | AnonymousUser


def has_role(user: AnyUser, election: Election, *roles: str) -> bool:
    """Say whether ``user`` holds any of ``roles`` in ``election``."""
    if not user.is_authenticated:
        return False
    for role in roles:
        if (
            user.has_perm(PERMISSION[role])
            and Appointment.objects.filter(election=election, user_id=user.pk, role=role).exists()
        ):
            return True
    return False


def require(user: AnyUser, election: Election, *roles: str) -> str:
    """Return the first of ``roles`` that ``user`` holds in ``election``, or refuse (403)."""
    for role in roles:
        if has_role(user, election, role):
            return role
    names = " or ".join(Role(r).label.lower() for r in roles)
    raise PermissionDenied(f"Only the election's {names} may do this.")


def roles_of(user: AnyUser, election: Election) -> list[str]:
    """Return every role ``user`` holds in ``election``."""
    return [r for r in Role.values if has_role(user, election, r)]
