"""The results pages (public once published) and the returning officer's count pages."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "publication"
urlpatterns = [
    path("", views.index, name="index"),
    path("manage/<int:election_id>/close/", views.close, name="close"),
    path("manage/<int:election_id>/count/", views.count, name="count"),
    path("manage/<int:election_id>/sign-off/", views.signoff, name="signoff"),
    path("manage/<int:election_id>/publish/", views.publish, name="publish"),
    path("manage/<int:election_id>/audit/", views.audit, name="audit"),
    path("<slug:org_slug>/<slug:election_slug>/", views.result, name="result"),
    path("<slug:org_slug>/<slug:election_slug>/bundle.zip", views.bundle, name="bundle"),
    path(
        "<slug:org_slug>/<slug:election_slug>/files/<str:name>",
        views.download,
        name="download",
    ),
]
