"""What every app's views share: the election a URL names, and "see other" after a POST."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .elections.models import Election

__all__ = ["election_or_404", "see_other"]


def election_or_404(election_id: int) -> Election:
    """Return the election with its organisation, or 404."""
    return get_object_or_404(Election.objects.select_related("organisation"), pk=election_id)


def see_other(name: str, *args: Any) -> HttpResponse:
    """Redirect with 303, so a reload after a POST is a GET and acts twice on nothing."""
    response = HttpResponseRedirect(reverse(name, args=args))
    response.status_code = 303
    return response
