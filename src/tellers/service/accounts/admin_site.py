"""The admin site: the service's sign-in (with its second step), and no unverified sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .twofactor import must_enrol, must_verify

__all__ = ["TellersAdminSite"]


class TellersAdminSite(admin.AdminSite):
    """``AdminSite`` that, like django-otp's ``OTPAdminSite``, wants a verified session.

    Unlike ``OTPAdminSite`` it admits a user who has not enrolled an authenticator (unless
    ``TELLERS_REQUIRE_2FA``); one who has must have given a code in this session.  Its sign-in
    page is the service's own, so the admin has the same second step.
    """

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return super().has_permission(request) and not must_verify(user) and not must_enrol(user)

    # AdminSite.login's signature: the service's own sign-in page takes no admin context.
    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # noqa: ARG002
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), login_url=reverse("login")
        )
