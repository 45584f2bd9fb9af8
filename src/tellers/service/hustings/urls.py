"""The hustings pages, under /hustings/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "hustings"
urlpatterns = [
    path("moderate/", views.moderation_list, name="moderation_list"),
    path("<int:election_id>/", views.index, name="index"),
    path("<int:election_id>/questions/<int:question_id>/", views.question, name="question"),
    path(
        "<int:election_id>/questions/<int:question_id>/support/",
        views.support,
        name="support",
    ),
    path("<int:election_id>/sign-in/", views.sign_in, name="sign_in"),
    path("<int:election_id>/sign-out/", views.sign_out, name="sign_out"),
    path("<int:election_id>/link/<str:token>/", views.member_link, name="member_link"),
    path("<int:election_id>/ask/", views.ask, name="ask"),
    path("<int:election_id>/mine/", views.mine, name="mine"),
    path("<int:election_id>/answer/<str:token>/", views.candidate_link, name="candidate_link"),
    path("<int:election_id>/candidate/", views.candidate_home, name="candidate_home"),
    path("<int:election_id>/candidate/<int:question_id>/", views.answer, name="answer"),
    path("<int:election_id>/moderate/", views.moderate, name="moderate"),
    path("<int:election_id>/moderate/<int:question_id>/", views.decide, name="decide"),
    path("<int:election_id>/manage/", views.manage, name="manage"),
    path("<int:election_id>/manage/policy/", views.policy, name="policy"),
    path("<int:election_id>/manage/meetings/", views.meeting_add, name="meeting_add"),
    path(
        "<int:election_id>/manage/meetings/<int:meeting_id>/remove/",
        views.meeting_remove,
        name="meeting_remove",
    ),
    path("<int:election_id>/manage/moderators/", views.moderator_add, name="moderator_add"),
    path(
        "<int:election_id>/manage/candidates/<int:candidate_id>/link/",
        views.answer_link,
        name="answer_link",
    ),
]
