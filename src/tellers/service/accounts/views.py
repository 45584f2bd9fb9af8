"""Sign-in with a second step, and enrolling an authenticator app."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..ratelimits import code_limits
from .forms import CodeForm
from .twofactor import check_code, enrolled, must_verify, qr_svg, secret_text

__all__ = ["PENDING", "SignInView", "enrol", "verify"]

#: Session key of a user who gave the right password and owes a code:
#: {"user": pk, "backend": auth backend path, "at": epoch seconds, "next": url}.
PENDING = "accounts.pending"
#: How long a right password waits for its code.
PENDING_SECONDS = 300


class SignInView(LoginView):
    """Django's sign-in, but a user with an authenticator is not signed in until the code."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not enrolled(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": str(getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1])),
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("accounts:verify"))


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None
    pk = data.get("user")
    if not isinstance(pk, int):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    return (user, data) if user is not None else None


def _next(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
@code_limits("accounts.verify")
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app, after the password."""
    data: dict[str, Any] = {}
    if request.user.is_authenticated:
        if not must_verify(request.user):
            return redirect(_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
        user: Any = request.user
    else:
        found = _pending_user(request)
        if found is None:
            request.session.pop(PENDING, None)
            return redirect("login")
        user, data = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = check_code(user, form.cleaned_data["code"])
        if device is not None:
            if not request.user.is_authenticated:
                request.session.pop(PENDING, None)
                auth_login(request, user, backend=data["backend"])
            otp_login(request, device)
            return redirect(_next(request, str(data.get("next") or "")))
        form.add_error("code", "That code is not right, or has expired. Try the current one.")
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the secret as text and as a QR code, then a first code."""
    user: Any = request.user
    if enrolled(user):
        return render(request, "accounts/enrol.html", {"enrolled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
        form.add_error("code", "That code is not right. Check the app's clock and try again.")
    return render(
        request,
        "accounts/enrol.html",
        {
            "enrolled": False,
            "form": form,
            "secret": secret_text(device),
            "qr": qr_svg(device.config_url),
            "required": settings.TELLERS_REQUIRE_2FA,
            "next": request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )
