"""The audit chain's one table."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One consequential act, chained to the one before by its hash.

    ``seq`` is unique, so two writers racing to append after the same entry cannot both
    succeed: the chain never forks.  Voting is never an entry (that would order ballots).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=40)
    action = models.CharField(max_length=60)
    object = models.CharField(max_length=200)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object} by {self.actor}"
