"""The scrutineer's pages, under /manage/<election_id>/scrutiny/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "scrutiny"
urlpatterns = [
    path("", views.report, name="report"),
    path("statement/", views.statement, name="statement"),
    path("complaints/", views.complaint, name="complaint"),
    path("inspections/", views.inspection, name="inspection"),
]
