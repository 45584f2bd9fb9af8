"""The nominations pages, under /nominations/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "nominations"
urlpatterns = [
    path("me/", views.member, name="member"),
    path("me/declare/", views.member_declare, name="member_declare"),
    path("me/statement/", views.member_statement, name="member_statement"),
    path("me/withdraw/", views.member_withdraw, name="member_withdraw"),
    path("me/photo/", views.member_photo, name="member_photo"),
    path("me/units/<int:unit_id>/nominate/", views.member_nominate, name="member_nominate"),
    path("me/units/<int:unit_id>/trigger/", views.member_trigger, name="member_trigger"),
    path("manage/<int:election_id>/", views.manage, name="manage"),
    path("manage/<int:election_id>/open/", views.open_nominations, name="open"),
    path("manage/<int:election_id>/links/", views.send_pass, name="send_pass"),
    path("manage/<int:election_id>/candidacies/", views.add_candidacy, name="add_candidacy"),
    path(
        "manage/<int:election_id>/candidacies/<int:candidacy_id>/withdraw/",
        views.withdraw_candidacy,
        name="withdraw_candidacy",
    ),
    path("manage/<int:election_id>/units/", views.add_unit, name="add_unit"),
    path("manage/<int:election_id>/tallies/", views.add_tally, name="add_tally"),
    path("manage/<int:election_id>/attestations/", views.add_attestation, name="add_attestation"),
    path("manage/<int:election_id>/lists/", views.propose_list, name="propose_list"),
    path("manage/<int:election_id>/close/", views.close, name="close"),
    path("manage/<int:election_id>/trigger/", views.trigger_set_up, name="trigger_set_up"),
    path("manage/<int:election_id>/trigger/decide/", views.trigger_decide, name="trigger_decide"),
    path("link/<str:token>/", views.start, name="start"),
    path("<slug:org_slug>/<slug:election_slug>/", views.track, name="track"),
    path(
        "<slug:org_slug>/<slug:election_slug>/fragment/",
        views.track_fragment,
        name="track_fragment",
    ),
    path(
        "<slug:org_slug>/<slug:election_slug>/photos/<int:candidacy_id>/",
        views.photo,
        name="photo",
    ),
]
