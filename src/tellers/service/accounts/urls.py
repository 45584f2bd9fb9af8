"""Two-factor pages, under /accounts/two-factor/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.enrol, name="enrol"),
    path("code/", views.verify, name="verify"),
]
