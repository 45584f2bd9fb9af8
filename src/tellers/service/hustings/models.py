"""The hustings tables: policy, moderators, members' links, questions, supports, answers,
candidates' links and meetings.

Nothing here refers to a ballot.  Tables that refer to a roll entry never refer to a user
(see the package docstring).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tellers.service.elections.models import Candidate, Election, Organisation, RollEntry

DEFAULT_POLICY_TEXT = """\
Questions are put to every candidate, in the asker's own name, and published with the answers.

Please:
- be polite: criticise ideas and records, never people's character, and no abuse or threats;
- stay on topic: ask about the office, the candidates' plans and their records;
- ask in your own name, one question at a time, and keep it short;
- check whether someone has already asked it (support theirs instead).

A moderator reads every question before it is published. A question may be rejected for one
of the reasons below (you will see which), or merged with one already asked.\
"""

DEFAULT_REASONS = """\
Not polite: it attacks a person rather than their ideas or record.
Not on topic for this election.
Not in the asker's own words or name.
It names or makes claims about a private individual.
It contains personal data, contact details or links.\
"""


class Policy(models.Model):
    """An organisation's hustings policy: shown where members write their questions."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="hustings_policy"
    )
    text = models.TextField(default=DEFAULT_POLICY_TEXT)
    #: The reasons a moderator may give for rejecting a question, one a line.
    reasons = models.TextField(default=DEFAULT_REASONS)
    question_max_chars = models.PositiveIntegerField(default=500)
    #: The same limit for every candidate's answer.
    answer_max_chars = models.PositiveIntegerField(default=1500)
    questions_per_day = models.PositiveIntegerField(default=3)
    #: Whether anyone may read the approved questions and answers (else members, candidates
    #: and officials only).
    public = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"
        permissions = [("moderate_questions", "Moderate hustings questions (moderator)")]

    def reason_list(self) -> list[str]:
        """Return the rejection reasons, one per non-blank line."""
        return [line.strip() for line in self.reasons.splitlines() if line.strip()]

    def __str__(self) -> str:
        return f"hustings policy of {self.organisation_id}"


class Moderator(models.Model):
    """A user appointed to moderate one election's questions (the group grants the power)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "user"], name="hustings_moderator_unique")
        ]


class MemberLink(models.Model):
    """A single-use sign-in link e-mailed to a member (only its keyed hash is kept)."""

    entry = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["entry", "created_at"])]


class Status(models.TextChoices):
    """Where a question stands with the moderators."""

    PENDING = "pending", "Waiting for a moderator"
    APPROVED = "approved", "Published"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged with another question"


class Question(models.Model):
    """A member's question to the candidates, in their own name."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    #: The policy's reason (as it read then), shown to the asker; or a merge's explanation.
    reason = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The moderator's username, as text (no key to a user: see the package docstring).
    decided_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        indexes = [
            models.Index(fields=["election", "status"]),
            models.Index(fields=["author", "asked_at"]),
        ]

    def __str__(self) -> str:
        return f"question {self.pk}"


class Support(models.Model):
    """One member's support for a question: at most one each."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "member"], name="hustings_support_once")
        ]


class Answer(models.Model):
    """A candidate's written answer to an approved question (one each, revisable)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    answered_at = models.DateTimeField(auto_now_add=True)
    revised_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["candidate__position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "candidate"], name="hustings_answer_once")
        ]


class CandidateLink(models.Model):
    """The keyed hash of a candidate's current answer link (a new one replaces it)."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now=True)


class Meeting(models.Model):
    """A hustings meeting: when, and where or at what link."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200, blank=True)
    link = models.URLField(max_length=500, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
