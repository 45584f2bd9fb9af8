"""The nominations pages: the public tracker, members' pages, the organiser's page."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "nominations"
urlpatterns: list[URLPattern] = []
