from __future__ import annotations

from django.urls import path
from django.views.generic import TemplateView

app_name = "elections"
urlpatterns = [
    # Placeholder dashboard; the organiser views replace it.
    path("", TemplateView.as_view(template_name="home.html"), name="dashboard"),
]
