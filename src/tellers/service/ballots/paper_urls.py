"""The paper-keying pages, under /manage/<election_id>/papers/."""

from __future__ import annotations

from django.urls import path

from . import paper_views

app_name = "papers"
urlpatterns = [
    path("", paper_views.index, name="index"),
    path("key/", paper_views.key, name="key"),
    path("reconcile/", paper_views.reconcile, name="reconcile"),
    path("paper/<str:serial>/", paper_views.resolve, name="resolve"),
    path("paper/<str:serial>/void/", paper_views.void, name="void"),
]
