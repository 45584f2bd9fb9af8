"""Sealing ballots to the election's key, and the returning officer's key file.

Each ranking is sealed as it is cast with a libsodium sealed box (X25519 + XSalsa20-Poly1305,
through PyNaCl): a fresh ephemeral key per ballot, so two identical rankings seal to unrelated
bytes and nothing sealed can be opened without the election's private key.  The payload is
padded to a fixed size so the length of a sealed ballot does not betray how many preferences
it holds.

The private key lives in a file the returning officer keeps off the server, encrypted under a
passphrase (Argon2id, libsodium's ``pwhash``, then a secret box); it is brought to the count,
used in memory and never stored.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

__all__ = [
    "KeyFileError",
    "Opened",
    "new_key_file",
    "open_ballot",
    "open_marks",
    "read_key_file",
    "receipt_code",
    "seal_ballot",
    "seal_marks",
]

#: Sealed payloads are padded to a multiple of this many bytes.
PAD = 256
_KDF = nacl.pwhash.argon2id
KEY_FILE_KIND = "tellers-election-key"


class KeyFileError(ValueError):
    """The key file is not one, or the passphrase does not open it."""


@dataclass(frozen=True, slots=True)
class Opened:
    """An opened ballot: candidate positions in preference order, and its weight."""

    ranking: tuple[int, ...]
    weight: int


def seal_ballot(public_key_hex: str, ranking: Sequence[int], weight: int = 1) -> bytes:
    """Seal a ranking (candidate positions, most preferred first) and its weight."""
    body = json.dumps({"v": 1, "r": list(ranking), "w": weight}, separators=(",", ":"))
    raw = body.encode("ascii")
    padded = raw.ljust(len(raw) + -len(raw) % PAD)
    return SealedBox(PublicKey(bytes.fromhex(public_key_hex))).encrypt(padded)


def open_ballot(box: SealedBox[PrivateKey], sealed: bytes) -> Opened:
    """Open one sealed ballot with an opened key (``SealedBox(private_key)``)."""
    data = json.loads(box.decrypt(sealed).rstrip(b" "))
    if data.get("v") != 1:
        raise ValueError("unknown sealed ballot version")
    return Opened(tuple(int(c) for c in data["r"]), int(data["w"]))


def _marks_box(secret: str) -> nacl.secret.SecretBox:
    # A key of its own, derived from the site's secret: the session store (a database row, or
    # Redis) never holds the marks under a key that is also in the database.
    key = hashlib.blake2b(secret.encode(), digest_size=32, person=b"tellers.marks").digest()
    return nacl.secret.SecretBox(key)


def seal_marks(secret: str, ranking: Sequence[int]) -> str:
    """Encrypt a ranking marked but not yet cast, for the voter's session, as text.

    Between "Continue" and "Cast my vote" the ranking waits in the server's session, which a
    database thief (or a backup, or the write-ahead log after the row is gone) can read:
    Django signs session data but does not encrypt it.  Sealed here (XSalsa20-Poly1305, padded
    as cast ballots are) it is readable only with the site's secret key, which is not in the
    database.
    """
    raw = json.dumps(list(ranking), separators=(",", ":")).encode("ascii")
    padded = raw.ljust(len(raw) + -len(raw) % PAD)
    return base64.urlsafe_b64encode(bytes(_marks_box(secret).encrypt(padded))).decode("ascii")


def open_marks(secret: str, sealed: object) -> list[int] | None:
    """Return the ranking :func:`seal_marks` sealed, or None if ``sealed`` is not one."""
    if not isinstance(sealed, str):
        return None
    try:
        data = json.loads(_marks_box(secret).decrypt(base64.urlsafe_b64decode(sealed)))
    except (ValueError, nacl.exceptions.CryptoError):
        return None
    if not isinstance(data, list) or not all(type(c) is int for c in data):
        return None
    return data


def receipt_code(sealed: bytes) -> str:
    """Return the voter's receipt: a short digest of their sealed ballot (80 bits, base32)."""
    digest = base64.b32encode(hashlib.sha256(sealed).digest()[:10]).decode("ascii")
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def new_key_file(path: str | Path, passphrase: str, *, label: str = "") -> str:
    """Make a key pair; write the private key to ``path`` under ``passphrase``.

    Returns the public key (hex), which the returning officer gives the election.
    """
    if len(passphrase) < 8:
        raise KeyFileError("the passphrase must be at least 8 characters")
    key = PrivateKey.generate()
    salt = nacl.utils.random(_KDF.SALTBYTES)
    ops, mem = _KDF.OPSLIMIT_MODERATE, _KDF.MEMLIMIT_MODERATE
    wrap = _KDF.kdf(nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, ops, mem)
    boxed = nacl.secret.SecretBox(wrap).encrypt(bytes(key))
    public = bytes(key.public_key).hex()
    doc = {
        "kind": KEY_FILE_KIND,
        "label": label,
        "public_key": public,
        "kdf": "argon2id",
        "salt": base64.b64encode(salt).decode("ascii"),
        "opslimit": ops,
        "memlimit": mem,
        "private_key": base64.b64encode(boxed).decode("ascii"),
    }
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("x", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    p.chmod(0o600)
    return public


def read_key_file(data: bytes | str, passphrase: str) -> PrivateKey:
    """Open a key file's contents with its passphrase."""
    try:
        doc = json.loads(data)
        if doc.get("kind") != KEY_FILE_KIND:
            raise KeyFileError("this is not a tellers election key file")
        salt = base64.b64decode(doc["salt"])
        wrap = _KDF.kdf(
            nacl.secret.SecretBox.KEY_SIZE,
            passphrase.encode("utf-8"),
            salt,
            int(doc["opslimit"]),
            int(doc["memlimit"]),
        )
        raw = nacl.secret.SecretBox(wrap).decrypt(base64.b64decode(doc["private_key"]))
    except nacl.exceptions.CryptoError:
        raise KeyFileError("the passphrase does not open this key file") from None
    except (ValueError, KeyError, TypeError) as e:
        raise KeyFileError(f"this is not a readable tellers key file ({e})") from None
    key = PrivateKey(raw)
    if bytes(key.public_key).hex() != doc["public_key"]:
        raise KeyFileError("the key file's private and public keys do not match")
    return key
