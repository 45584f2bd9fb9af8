"""Two-factor sign-in (django-otp TOTP) for officials: enrolment, the second step, the admin.

Codes are computed by an independent TOTP implementation (pyotp) from the secret the
enrolment page shows as text, and checked against RFC 6238's own test vectors, so the test
does not trust the code it tests to say what a right code is.
"""

from __future__ import annotations

import re
import time
import types
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from tellers.service.elections.models import Election

from .conftest import invite, make_user

pyotp = pytest.importorskip("pyotp")

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No growing wait after a wrong code (test_wrong_codes_are_throttled keeps it on).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(secret: str) -> str:
    """The authenticator's next code: the one shown now was spent at enrolment, and a
    spent time step is never accepted again (one step of drift is allowed)."""
    return str(pyotp.TOTP(secret).at(time.time() + 30))


def _enrol(user: User) -> tuple[Client, str]:
    """Enrol ``user`` through the page, as they would; return their client and base32 secret."""
    c = Client()
    c.force_login(user)
    r = c.get(reverse("accounts:enrol"))
    assert r.status_code == 200
    found = SECRET.search(r.content.decode())
    assert found, r.content.decode()
    secret = found.group(1).replace(" ", "")
    r = c.post(reverse("accounts:enrol"), {"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302, r.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    return c, secret


def _password(c: Client, username: str) -> Any:
    return c.post(reverse("login"), {"username": username, "password": username})


def _wrong(code: str) -> str:
    return f"{(int(code) + 500000) % 1000000:06d}"


def test_enrolment_shows_the_secret_as_text_and_as_a_server_drawn_qr_code(
    officials: dict[str, User],
) -> None:
    c = Client()
    c.force_login(officials["organiser"])
    r = c.get(reverse("accounts:enrol"))
    page = r.content.decode()
    device = TOTPDevice.objects.get(user=officials["organiser"])
    assert not device.confirmed
    secret = SECRET.search(page)
    assert secret is not None
    # The text is the device's key in base32, as authenticator apps take it.
    assert pyotp.TOTP(secret.group(1).replace(" ", "")).byte_secret() == device.bin_key
    # The QR code is an SVG drawn into the page: no image request, no script.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<path" in svg
    assert "<script" not in page
    assert "otpauth://" not in page  # the secret is in the drawing, not in a link
    assert "script-src 'self'" in r["Content-Security-Policy"]
    # A wrong code does not confirm the device.
    right = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
    r = c.post(reverse("accounts:enrol"), {"code": _wrong(right)})
    assert r.status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    # Reloading the page shows the same secret, not a new one per visit.
    again = SECRET.search(c.get(reverse("accounts:enrol")).content.decode())
    assert again is not None and again.group(1) == secret.group(1)


def test_an_enrolled_official_is_not_signed_in_until_the_code(
    officials: dict[str, User],
) -> None:
    rita = officials["returning_officer"]
    _, secret = _enrol(rita)
    c = Client()
    r = _password(c, "rita")
    assert r.status_code == 302 and r["Location"] == reverse("accounts:verify")
    # The right password alone signs nobody in.
    assert "_auth_user_id" not in c.session
    r = c.get(reverse("elections:dashboard"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    # A wrong code is refused and still signs nobody in.
    code = _code(secret)
    r = c.post(reverse("accounts:verify"), {"code": _wrong(code)})
    assert r.status_code == 400 and "not right" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # The right code signs in, verified.
    r = c.post(reverse("accounts:verify"), {"code": code})
    assert r.status_code == 302
    assert c.session["_auth_user_id"] == str(rita.pk)
    assert c.get(reverse("elections:dashboard")).status_code == 200
    # The same code cannot be used again (another browser, the same password).
    other = Client()
    _password(other, "rita")
    r = other.post(reverse("accounts:verify"), {"code": code})
    assert r.status_code == 400 and "_auth_user_id" not in other.session


@pytest.mark.usefixtures("officials")
def test_an_official_without_a_device_signs_in_with_the_password_alone() -> None:
    c = Client()
    r = _password(c, "olive")
    assert r.status_code == 302 and "_auth_user_id" in c.session
    assert c.get(reverse("elections:dashboard")).status_code == 200


def test_a_session_signed_in_another_way_must_still_give_the_code(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    olive = officials["organiser"]
    election = make_election(members=2)
    _, secret = _enrol(olive)
    c = Client()
    c.force_login(olive)  # as the admin's own sign-in form, or any password-only path, would
    page = reverse("elections:detail", args=(election.pk,))
    r = c.get(page)
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:verify"))
    # Nor can it enrol a second device to get round the first.
    r = c.get(reverse("accounts:enrol"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=olive).count() == 1
    # A voter's pages are not an official's: the same browser can still vote.
    token = next(iter(invite(election).values()))
    assert c.get(f"/vote/{token}/").status_code == 303
    r = c.post(reverse("accounts:verify") + f"?next={page}", {"code": _code(secret)})
    assert r.status_code == 302 and r["Location"] == page
    assert c.get(page).status_code == 200


def test_the_admin_site_wants_the_code_from_enrolled_users() -> None:
    admin = User.objects.create_superuser("ada", password="ada")
    c = Client()
    c.force_login(admin)
    assert c.get("/admin/").status_code == 200  # not enrolled: the password is enough
    _, secret = _enrol(admin)
    c = Client()
    c.force_login(admin)
    r = c.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:verify"))
    # The site itself refuses the unverified session too, whatever the middleware does.
    request = RequestFactory().get("/admin/")
    request.user = admin
    admin.is_verified = lambda: False  # type: ignore[attr-defined]
    from django.contrib import admin as django_admin

    assert not django_admin.site.has_permission(request)
    admin.is_verified = lambda: True  # type: ignore[attr-defined]
    assert django_admin.site.has_permission(request)
    # Its sign-in page is the service's, with the second step.
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    c.post(reverse("accounts:verify"), {"code": _code(secret)})
    assert c.get("/admin/").status_code == 200


def test_required_two_factor_sends_officials_to_enrol_first(
    make_election: Callable[..., Election], officials: dict[str, User], settings: Any
) -> None:
    settings.TELLERS_REQUIRE_2FA = True
    election = make_election(members=2)
    page = reverse("elections:detail", args=(election.pk,))
    c = Client()
    c.force_login(officials["organiser"])
    r = c.get(page)
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:enrol"))
    assert "before they can act" in c.get(reverse("accounts:enrol")).content.decode()
    # A POST that would act is held back too.
    r = c.post(reverse("elections:detail", args=(election.pk,)), {})
    assert r.status_code == 302
    # Someone with no official role is not asked to enrol.
    member = make_user("mary")
    m = Client()
    m.force_login(member)
    assert m.get(reverse("elections:dashboard")).status_code == 200
    # Once enrolled (and verified in this session), the official acts.
    c, _ = _enrol(officials["organiser"])
    assert c.get(page).status_code == 200


def test_rfc_6238_vectors(officials: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    """RFC 6238 appendix B, SHA-1, 8 digits, key "12345678901234567890"."""
    for at, code in [(59, "94287082"), (1111111109, "07081804"), (2000000000, "69279037")]:
        device = TOTPDevice.objects.create(
            user=officials["organiser"],
            key=b"12345678901234567890".hex(),
            digits=8,
            tolerance=0,
            confirmed=True,
        )
        monkeypatch.setattr(totp_models, "time", types.SimpleNamespace(time=lambda at=at: at))
        assert not device.verify_token(_wrong(code[2:]).rjust(8, "1"))
        device.throttle_reset()
        assert device.verify_token(code)
        device.delete()


def test_wrong_codes_are_throttled(officials: dict[str, User], settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp's default: 1 s, 2 s, 4 s ...
    _, secret = _enrol(officials["scrutineer"])
    c = Client()
    _password(c, "sam")
    code = _code(secret)
    assert c.post(reverse("accounts:verify"), {"code": _wrong(code)}).status_code == 400
    # Straight after a wrong guess even the right code is refused: guessing is slow.
    assert c.post(reverse("accounts:verify"), {"code": code}).status_code == 400
    assert "_auth_user_id" not in c.session
