"""Hustings links: made, hashed and compared here, never usable as ballot credentials.

Tokens come from :func:`tellers.service.elections.tokens.new_token` (256 random bits).  The
stored hash is HMAC-SHA256 under a key derived from ``TELLERS_TOKEN_KEY`` for hustings alone,
over a purpose string naming the kind of link and the election; a ballot link's hash
(``tellers-vote:...`` under the undiluted key) can therefore never equal a hustings link's,
and the two live in different tables.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from tellers.service.elections.tokens import new_token

__all__ = ["CANDIDATE", "MEMBER", "answer_link", "hustings_hash", "new_token", "sign_in_link"]

MEMBER = "member"
CANDIDATE = "candidate"


def _key() -> bytes:
    root = settings.TELLERS_TOKEN_KEY.encode("utf-8")
    return hmac.new(root, b"tellers-hustings-key", hashlib.sha256).digest()


def hustings_hash(purpose: str, election_id: int, token: str) -> str:
    """Return the keyed hash stored in place of a hustings ``token``."""
    msg = f"tellers-hustings-{purpose}:{election_id}:{token}".encode()
    return hmac.new(_key(), msg, hashlib.sha256).hexdigest()


def sign_in_link(election_id: int, token: str) -> str:
    """Return the absolute sign-in link e-mailed to a member."""
    return f"{settings.TELLERS_BASE_URL}/hustings/{election_id}/link/{token}/"


def answer_link(election_id: int, token: str) -> str:
    """Return the absolute link e-mailed to a candidate."""
    return f"{settings.TELLERS_BASE_URL}/hustings/{election_id}/answer/{token}/"
