"""The service's settings and full middleware in front of a view that does nothing.

``bench/service_load.py --floor`` serves this under gunicorn with the service's config and
environment: every middleware in ``settings.MIDDLEWARE`` runs (security headers, whitenoise,
sessions, CSRF, authentication, two-factor, rate limits, messages, CSP, axes), then
``/floor/`` answers "ok" without a template or a query.  Every other path is the service's
own (``tellers.service.urls``), so gunicorn's start-up probe of ``/`` gets the home page.
The requests per second it reaches are the ceiling for any page of the service on this
machine: a voter's six requests cannot go faster than six of these.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellers.service.settings")
application = get_wsgi_application()


def ok(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 (a view's first argument)
    """Two bytes, no template, no database."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("floor/", ok), path("", include("tellers.service.urls"))]
# Read by Django's handler on every request (set_urlconf), so setting it once the app is
# built puts /floor/ in front of the service's own URLs without a settings module of our own.
settings.ROOT_URLCONF = __name__
