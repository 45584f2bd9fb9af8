"""Append to the audit chain and verify it.

Each entry's hash is SHA-256 over the canonical JSON of its fields and the previous entry's
hash, so changing, removing or reordering any entry breaks every hash after it.  The first
entry's ``prev_hash`` is 64 zeros.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import AuditEntry

__all__ = ["GENESIS", "Break", "append", "entry_hash", "verify"]

GENESIS = "0" * 64


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    object: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """Return the hash that chains an entry with these fields to ``prev_hash``."""
    body = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "role": role,
        "action": action,
        "object": object,
        "details": details,
        "prev": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(
    *, actor: str, role: str, action: str, object: str, details: Mapping[str, Any] | None = None
) -> AuditEntry:
    """Append one entry after the current head of the chain.

    Called inside the action's own transaction, so the entry lands exactly when the act does.
    Two appends racing for the same ``seq`` collide on its unique key; the loser retries
    after the winner's entry (a savepoint keeps the caller's transaction usable).
    """
    details = json.loads(json.dumps(dict(details or {}), default=str))
    for _ in range(50):
        head = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        seq = head.seq + 1 if head else 1
        prev = head.hash if head else GENESIS
        at = timezone.now()
        fields: dict[str, Any] = dict(
            seq=seq, at=at, actor=actor, role=role, action=action, object=object, details=details
        )
        digest = entry_hash(**fields, prev_hash=prev)
        try:
            with transaction.atomic():
                return AuditEntry.objects.create(**fields, prev_hash=prev, hash=digest)
        except IntegrityError:
            continue
    raise RuntimeError("could not append to the audit chain: too many concurrent writers")


@dataclass(frozen=True, slots=True)
class Break:
    """Where the chain fails to verify, and why."""

    seq: int
    problem: str


def verify(entries: Iterable[AuditEntry] | None = None) -> list[Break]:
    """Recompute the chain; return every break (an empty list means it is intact)."""
    breaks: list[Break] = []
    prev = GENESIS
    expected_seq = 1
    rows = AuditEntry.objects.order_by("seq").iterator() if entries is None else entries
    for e in rows:
        if e.seq != expected_seq:
            breaks.append(Break(e.seq, f"expected entry #{expected_seq}, found #{e.seq}"))
        if e.prev_hash != prev:
            breaks.append(Break(e.seq, "its previous-hash does not match the entry before it"))
        digest = entry_hash(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            role=e.role,
            action=e.action,
            object=e.object,
            details=e.details,
            prev_hash=e.prev_hash,
        )
        if digest != e.hash:
            breaks.append(Break(e.seq, "its contents do not match its hash (altered)"))
        prev = e.hash
        expected_seq = e.seq + 1
    return breaks
