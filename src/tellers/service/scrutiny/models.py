"""What the scrutineer records: their statement, complaints, and requests to inspect the register.

None of these rows refers to a ballot; a complaint or an inspection names a person only as the
scrutineer typed it (a member's name, not a roll entry), so nothing here joins the roll to
anything else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..elections.models import Election


class Statement(models.Model):
    """The scrutineer's statement on the ballot (s.52(2)): satisfied, or why not."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="scrutineer_statement"
    )
    #: No reasonable grounds for believing any requirement was contravened (s.52(2)(a)).
    no_contravention = models.BooleanField()
    #: The arrangements for the voting papers and the count were secure (s.52(2)(b)).
    secure_arrangements = models.BooleanField()
    #: The scrutineer could act without interference (s.52(2)(c)).
    unhindered = models.BooleanField()
    remarks = models.TextField(blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    made_at = models.DateTimeField(auto_now_add=True)

    @property
    def satisfied(self) -> bool:
        """Whether the scrutineer is satisfied on every count."""
        return self.no_contravention and self.secure_arrangements and self.unhindered


class Complaint(models.Model):
    """A complaint about the ballot, as received, and what became of it."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="complaints")
    received = models.DateField()
    summary = models.TextField()
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received", "pk"]


class RegisterInspection(models.Model):
    """A request to inspect the register of members (s.49(3)), and whether it was granted."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="register_inspections"
    )
    requested = models.DateField()
    requested_by = models.CharField(max_length=200, help_text="As the request gave it")
    granted = models.BooleanField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requested", "pk"]
