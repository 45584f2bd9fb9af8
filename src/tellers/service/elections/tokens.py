"""Voters' credentials: made here, hashed here, compared here, and nowhere else.

A link carries 256 random bits.  The database keeps only HMAC-SHA256 of the token under
``TELLERS_TOKEN_KEY`` (a keyed hash, so a stolen table cannot be checked against guesses
without the key too), bound to the election so a token cannot be replayed in another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

__all__ = ["link_for", "new_token", "token_hash"]

TOKEN_BYTES = 32


def new_token() -> str:
    """Return a fresh high-entropy token for a voter's link (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(election_id: int, token: str) -> str:
    """Return the keyed hash stored in place of ``token``."""
    key = settings.TELLERS_TOKEN_KEY.encode("utf-8")
    msg = f"tellers-vote:{election_id}:{token}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def link_for(token: str) -> str:
    """Return the absolute voting link that carries ``token``."""
    return f"{settings.TELLERS_BASE_URL}/vote/{token}/"
