"""Rate limits on the requests a guesser or a flooder would repeat.

Two kinds of request are limited, each per client address and per credential:

- **Links that exchange a token for a session** (the voter's ``/vote/<token>/``, the
  nominations link, the hustings member and candidate links): at most
  ``TELLERS_RATE_LINK_IP`` from one address, so guessing tokens is slow from any one place
  (a 256-bit token is unguessable anyway; the limit keeps the attempt from costing the
  database), and ``TELLERS_RATE_LINK_TOKEN`` per token, so a link that has leaked cannot be
  hammered from many addresses.
- **Forms that e-mail a sign-in link** (the hustings' "send me a link"): at most
  ``TELLERS_RATE_SIGN_IN_IP`` posts from one address and ``TELLERS_RATE_SIGN_IN_ADDRESS`` per
  e-mail address typed, so nobody can flood a member's inbox or the relay.

The counters live in Django's cache (``settings.CACHES``): local memory for the embedded
default, a shared Redis for several app servers (``TELLERS_CACHE_URL``).  django-ratelimit
stores only a SHA-256 of each key, so no raw token or address is kept in the cache.  A request
over a limit gets :func:`too_many`: status 429 and a page that says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

__all__ = [
    "client_ip",
    "code_limits",
    "link_limits",
    "rate_setting",
    "sign_in_limits",
    "too_many",
]

F = TypeVar("F", bound=Callable[..., HttpResponse])


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: the proxy's last ``X-Forwarded-For`` hop behind a proxy."""
    if settings.SECURE_PROXY_SSL_HEADER:  # TELLERS_BEHIND_PROXY
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return str(hops[-1])
    return str(request.META.get("REMOTE_ADDR") or "0.0.0.0")


def rate_setting(name: str) -> Callable[[str, HttpRequest], str]:
    """A rate read from settings when the request comes, so tests and operators can change it."""

    # django-ratelimit calls a rate callable as rate(group, request).
    def rate(_group: str, _request: HttpRequest) -> str:
        return str(getattr(settings, name))

    return rate


# django-ratelimit calls a key callable as key(group, request).
def _token(_group: str, request: HttpRequest) -> str:
    match = request.resolver_match
    return str(match.kwargs.get("token", "")) if match is not None else ""


def _address(_group: str, request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().casefold()


def _apply(fn: F, *limits: tuple[str, Any, str, Any]) -> F:
    for group, key, rate, method in reversed(limits):
        fn = ratelimit(group=group, key=key, rate=rate_setting(rate), method=method)(fn)
    return fn


def link_limits(group: str) -> Callable[[F], F]:
    """Limit a view that takes ``token`` from its URL: per address and per token."""

    def decorate(fn: F) -> F:
        return _apply(
            fn,
            (f"{group}.ip", "ip", "TELLERS_RATE_LINK_IP", ratelimit.ALL),
            (f"{group}.token", _token, "TELLERS_RATE_LINK_TOKEN", ratelimit.ALL),
        )

    return decorate


def sign_in_limits(group: str) -> Callable[[F], F]:
    """Limit a form that e-mails a link: its posts per address and per e-mail address."""

    def decorate(fn: F) -> F:
        return _apply(
            fn,
            (f"{group}.ip", "ip", "TELLERS_RATE_SIGN_IN_IP", ["POST"]),
            (f"{group}.email", _address, "TELLERS_RATE_SIGN_IN_ADDRESS", ["POST"]),
        )

    return decorate


def code_limits(group: str) -> Callable[[F], F]:
    """Limit the posts of a second-factor code from one address (each device also throttles)."""

    def decorate(fn: F) -> F:
        return _apply(fn, (f"{group}.ip", "ip", "TELLERS_RATE_OTP_IP", ["POST"]))

    return decorate


# Called as a handler, (request, exception); the exception says no more than that the limit hit.
def too_many(request: HttpRequest, exception: Exception) -> HttpResponse:  # noqa: ARG001
    """The page for a request over a limit (``RATELIMIT_VIEW``): 429, and what to do."""
    response = render(request, "too_many.html", status=429)
    response["Retry-After"] = "3600"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
