"""The service's URLs: each app owns its own under a prefix."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from .accounts.views import SignInView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    # Sign-in with a second step for users who set up an authenticator (accounts/).
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/two-factor/", include("tellers.service.accounts.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("manage/", include("tellers.service.elections.urls")),
    path("vote/", include("tellers.service.ballots.urls")),
    path("manage/<int:election_id>/papers/", include("tellers.service.ballots.paper_urls")),
    path("manage/<int:election_id>/scrutiny/", include("tellers.service.scrutiny.urls")),
    path("results/", include("tellers.service.publication.urls")),
    path("nominations/", include("tellers.service.nominations.urls")),
    path("hustings/", include("tellers.service.hustings.urls")),
]
