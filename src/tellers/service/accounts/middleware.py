"""Hold every page back from a session that owes its second factor or its enrolment."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .twofactor import must_enrol, must_verify

__all__ = ["TwoFactorMiddleware"]


class TwoFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: redirect to the code or enrolment page.

    The voter's pages are left alone (a voter has no account; a half-signed-in official who
    also votes still can), as are static files and the pages that settle the matter.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not self._exempt(request.path):
            if must_verify(user):
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("accounts:verify")
                )
            if must_enrol(user) and request.path != reverse("accounts:enrol"):
                return redirect_to_login(
                    request.get_full_path(), login_url=reverse("accounts:enrol")
                )
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        return path.startswith(
            (
                reverse("accounts:verify"),
                reverse("logout"),
                reverse("login"),
                "/vote/",
                "/" + str(settings.STATIC_URL).lstrip("/"),
            )
        )
