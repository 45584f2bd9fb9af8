"""The organiser's and returning officer's set-up pages, under /manage/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("new/", views.election_create, name="election_create"),
    path("<int:election_id>/", views.detail, name="detail"),
    path("<int:election_id>/candidates/", views.candidate_add, name="candidate_add"),
    path(
        "<int:election_id>/candidates/<int:candidate_id>/",
        views.candidate_edit,
        name="candidate_edit",
    ),
    path(
        "<int:election_id>/candidates/<int:candidate_id>/withdraw/",
        views.candidate_withdraw,
        name="candidate_withdraw",
    ),
    path("<int:election_id>/roll/", views.roll, name="roll"),
    path("<int:election_id>/roll/upload/", views.roll_upload, name="roll_upload"),
    path(
        "<int:election_id>/roll/uploads/<int:upload_id>/",
        views.roll_report,
        name="roll_report",
    ),
    path("<int:election_id>/roll/undelivered/", views.bounces, name="bounces"),
    path("<int:election_id>/roll/<int:entry_id>/reissue/", views.reissue, name="reissue"),
    path("<int:election_id>/roll/<int:entry_id>/paper/", views.paper, name="paper"),
    path(
        "<int:election_id>/roll/<int:entry_id>/paper-return/",
        views.paper_return,
        name="paper_return",
    ),
    path("<int:election_id>/invitations/", views.invitations, name="invitations"),
    path("<int:election_id>/officials/", views.appoint, name="appoint"),
    path("<int:election_id>/key/", views.set_key, name="set_key"),
    path("<int:election_id>/schedule/", views.schedule, name="schedule"),
    path("<int:election_id>/open/", views.open_now, name="open_now"),
]
