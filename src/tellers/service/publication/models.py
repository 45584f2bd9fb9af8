"""Counts, sign-offs and publications."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tellers.service.elections.models import Election


class Count(models.Model):
    """The count of a closed election: the engine's result and the ballot set it counted.

    ``ballots_blt`` is the opened ballot set in shuffled order (with receipt codes as
    comments where the election publishes them beside the ballots); it is what
    ``tellers count`` re-counts to ``result_json``.
    """

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="count")
    result_json = models.TextField()
    result_text = models.TextField()
    result_csv = models.TextField()
    ballots_blt = models.TextField()
    receipts = models.TextField(help_text="One receipt code per line, sorted")
    online_ballots = models.PositiveIntegerField()
    paper_ballots = models.PositiveIntegerField()
    turnout = models.JSONField(default=dict)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    counted_at = models.DateTimeField(auto_now_add=True)


class SignOff(models.Model):
    """A returning officer's or scrutineer's signature on a count."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="signoffs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    role = models.CharField(max_length=20)
    result_sha256 = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "role"], name="one_signoff_per_role")
        ]


class Publication(models.Model):
    """The published bundle: a zip of ballot set, receipts, rulebook, settings, result."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="publication")
    bundle = models.BinaryField()
    bundle_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)
