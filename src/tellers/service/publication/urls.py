from __future__ import annotations

from django.urls import path
from django.views.generic import TemplateView

app_name = "publication"
urlpatterns = [
    # Placeholder index; the publication views replace it.
    path("", TemplateView.as_view(template_name="home.html"), name="index"),
]
