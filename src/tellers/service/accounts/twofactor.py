"""Who must give a second factor, and the enrolment secret as text and as a QR code."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

__all__ = [
    "check_code",
    "enrolled",
    "is_official",
    "must_enrol",
    "must_verify",
    "qr_svg",
    "secret_text",
]

AnyUser = AbstractBaseUser | AnonymousUser


def enrolled(user: AnyUser) -> bool:
    """Say whether ``user`` has a confirmed authenticator (and so must give a code)."""
    if not user.is_authenticated:
        return False
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def is_official(user: AnyUser) -> bool:
    """Staff, superusers and anyone in a role group (every group here is an official role)."""
    if not user.is_authenticated:
        return False
    u: Any = user
    return bool(u.is_staff or u.is_superuser or u.groups.exists())


def _verified(user: AnyUser) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def must_verify(user: AnyUser) -> bool:
    """A signed-in user with an authenticator whose session has not given a code."""
    return enrolled(user) and not _verified(user)


def must_enrol(user: AnyUser) -> bool:
    """With TELLERS_REQUIRE_2FA, an official with no authenticator yet."""
    return bool(settings.TELLERS_REQUIRE_2FA) and is_official(user) and not enrolled(user)


def check_code(user: AnyUser, code: str) -> TOTPDevice | None:
    """Return ``user``'s confirmed device that accepts ``code`` (throttled per device)."""
    for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True):
        found = verify_token(user, device.persistent_id, code)
        if found is not None:
            return device
    return None


def secret_text(device: TOTPDevice) -> str:
    """The device's key as an authenticator app wants it typed: base32, in groups of four."""
    b32 = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data``, drawn on the server (no script, no request)."""
    import qrcode
    import qrcode.image.svg

    # A white square behind the modules, so a dark page or theme does not hide them; about
    # 5 cm across, as authenticator apps scan comfortably.
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12)
    svg = str(image.to_string(encoding="unicode"))
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code of your sign-in secret" ', 1)
