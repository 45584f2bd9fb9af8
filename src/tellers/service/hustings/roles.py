"""Who may do what in the hustings: officials through :mod:`tellers.service.elections.roles`,
moderators here (the ``Moderators`` group's permission, scoped by a :class:`.models.Moderator`
appointment), members and candidates by the session their link opened (:mod:`.views`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tellers.service.elections.models import Election
from tellers.service.elections.roles import AnyUser, Role, has_role

from .models import Moderator

__all__ = ["MODERATOR", "MODERATOR_PERMISSION", "OFFICIALS", "is_moderator", "require_moderator"]

#: The role name written in audit entries for a moderator's acts.
MODERATOR = "moderator"
MODERATOR_PERMISSION = "hustings.moderate_questions"
#: Officials who may read the questions and answers whatever the policy says.
OFFICIALS = (Role.ORGANISER, Role.RETURNING_OFFICER, Role.SCRUTINEER)


def is_moderator(user: AnyUser, election: Election) -> bool:
    """Say whether ``user`` moderates ``election``'s hustings."""
    return bool(
        user.is_authenticated
        and user.has_perm(MODERATOR_PERMISSION)
        and Moderator.objects.filter(election=election, user_id=user.pk).exists()
    )


def require_moderator(user: AnyUser, election: Election) -> str:
    """Return the moderator role, or refuse (403)."""
    if not is_moderator(user, election):
        raise PermissionDenied("Only the election's moderators may do this.")
    return MODERATOR


def is_official(user: AnyUser, election: Election) -> bool:
    """Say whether ``user`` holds an official role, or moderates, in ``election``."""
    return has_role(user, election, *OFFICIALS) or is_moderator(user, election)
