"""The voter's pages, under /vote/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "ballots"
urlpatterns = [
    path("ballot/", views.ballot, name="ballot"),
    path("review/", views.review, name="review"),
    path("receipt/", views.receipt, name="receipt"),
    # Last, so a token can never shadow the fixed pages above.
    path("<str:token>/", views.start, name="start"),
]
