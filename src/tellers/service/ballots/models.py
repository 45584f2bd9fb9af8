"""The ballot box.

A :class:`SealedBallot` holds a random id, its election, the ranking sealed to the election's
public key (with the weight inside the seal) and the receipt code derived from the sealed
bytes.  No foreign key to the roll, no timestamp, no IP address, no session, no sequence:
nothing here leads back to a voter, and the sealed ranking means even the database's own
write order reveals nothing until the returning officer brings the private key to the count.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from tellers.service.elections.models import Election


class SealedBallot(models.Model):
    """One ballot, sealed as it was cast."""

    # A random key: an auto-increment id would number ballots in arrival order.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField()
    receipt = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return f"ballot {self.receipt}"


class PaperKeying(models.Model):
    """One teller's keying of one returned paper ballot (after the close).

    Paper ballots carry a serial number printed on the paper, not on the roll; two different
    tellers key each paper and :mod:`.paper` reconciles the pair.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=40)
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    #: Candidate positions (0-based, ballot-paper order) by preference, as marked.
    ranking = models.JSONField()
    weight = models.PositiveIntegerField(default=1)
    #: Set once the two keyings of this serial agree, or the returning officer resolves them.
    reconciled = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "serial", "teller"], name="paper_keyed_once_per_teller"
            )
        ]
