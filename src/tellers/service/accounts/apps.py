"""The accounts app, and the admin app configured with the two-factor admin site."""

from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "tellers.service.accounts"
    label = "accounts"
    verbose_name = "Accounts"


class AdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` asks enrolled users for their code."""

    default = False
    default_site = "tellers.service.accounts.admin_site.TellersAdminSite"
