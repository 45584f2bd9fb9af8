"""Officials' accounts: two-factor sign-in (django-otp TOTP) on top of Django's passwords.

A user who has confirmed an authenticator app gives a six-digit code after the password
before any session is signed in (:class:`.views.SignInView` keeps the half-signed-in user in
the session, not in ``request.user``); :class:`.middleware.TwoFactorMiddleware` holds every
page back from a session that signed in some other way (the admin's own form, a test's
``force_login``) until the code is given, and, with ``TELLERS_REQUIRE_2FA``, sends officials
who have not enrolled to :func:`.views.enrol` before they can act.  The admin site is
:class:`.admin_site.TellersAdminSite`, which refuses an enrolled user's unverified session.
"""
