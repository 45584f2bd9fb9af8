"""Organisations, elections, candidates and the voter roll.

The roll records *whether* a member voted and by which channel, never what: nothing here
refers to a ballot, and nothing in :mod:`tellers.service.ballots` refers to a roll entry
(``tests/service/test_secrecy.py`` walks the schema to prove it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """A party, union or society that holds elections."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class State(models.TextChoices):
    """An election's life: each move is one action in ``actions.py``."""

    DRAFT = "draft", "Draft"
    NOMINATIONS = "nominations", "Nominations"
    SCHEDULED = "scheduled", "Ballot scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    COUNTED = "counted", "Counted"
    SIGNED_OFF = "signed_off", "Signed off"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class ReceiptMode(models.TextChoices):
    """How receipt codes are published (docs/security.md gives the trade-off)."""

    WITH_BALLOTS = "with_ballots", "Beside each ballot in the published ballot set"
    SEPARATE = "separate", "As a separate list, not beside the rankings"


class Election(models.Model):
    """One contest: an office, its candidates, its roll and its sealed ballot box."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    #: The rulebook's id and its full TOML as it stood when the election was set up, so the
    #: published bundle carries the rules that were applied even if the shipped file changes.
    rulebook_id = models.CharField(max_length=100)
    rulebook_toml = models.TextField()
    office = models.CharField(max_length=100)
    method = models.CharField(max_length=40)
    seats = models.PositiveIntegerField(default=1)
    #: The rulebook's electorate sections: a list of {"id", "name"}.
    sections = models.JSONField(default=list)
    #: Members who joined after this date may not vote (the rulebook's freeze date).
    eligibility_cutoff = models.DateField(null=True, blank=True)
    #: Where the rulebook allows nominations to be re-opened (e.g. RON in some unions).
    reopen_nominations = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    #: The election's X25519 public key (hex); the private key never reaches the server
    #: except in memory, for the count.
    public_key = models.CharField(max_length=64, blank=True)
    receipt_mode = models.CharField(
        max_length=20, choices=ReceiptMode.choices, default=ReceiptMode.WITH_BALLOTS
    )
    #: Whether the rulebook names a scrutineer, whose sign-off the publication then needs.
    scrutineer_signs = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="election_slug_unique")
        ]
        permissions = [
            ("setup_election", "Set up elections and import rolls (organiser)"),
            ("run_ballot", "Open, close, count and sign off ballots (returning officer)"),
            ("scrutinise", "Read rolls, audit chain and counts; sign off (scrutineer)"),
            ("key_paper_ballots", "Key in returned paper ballots (teller)"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.title}"


class Candidate(models.Model):
    """A candidate on an election's ballot paper, in ballot-paper order."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    statement = models.TextField(blank=True)
    position = models.PositiveIntegerField()
    withdrawn = models.BooleanField(default=False)
    #: A "Re-open nominations" option where the rulebook allows it.
    is_ron = models.BooleanField(default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["election", "position"], name="candidate_position"),
            models.UniqueConstraint(fields=["election", "name"], name="candidate_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    """How a member voted (never what)."""

    ONLINE = "online", "Online"
    PAPER = "paper", "Paper"


class InviteStatus(models.TextChoices):
    """Where a member's invitation e-mail stands."""

    NOT_SENT = "not_sent", "Not sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed to send"
    BOUNCED = "bounced", "Bounced"


class RollEntry(models.Model):
    """A member entitled to vote in one election.

    ``token_hash`` is a keyed hash of the member's current voting link (never the token);
    it is cleared when the link is spent, revoked by a reissue, or replaced by a paper
    ballot.  ``voted`` says only that, and how.
    """

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="roll")
    membership_number = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    section = models.CharField(max_length=64)
    joined = models.DateField(null=True, blank=True)
    #: A card vote: the ballot carries this weight (sealed inside it), never the voter.
    weight = models.PositiveIntegerField(default=1)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    voted = models.CharField(max_length=10, choices=Channel.choices, null=True, blank=True)
    paper_issued = models.BooleanField(default=False)
    invite_status = models.CharField(
        max_length=10, choices=InviteStatus.choices, default=InviteStatus.NOT_SENT
    )
    invite_error = models.CharField(max_length=200, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    links_issued = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "roll entries"
        constraints = [
            models.UniqueConstraint(
                fields=["election", "membership_number"], name="roll_membership_unique"
            ),
            models.UniqueConstraint(fields=["election", "email"], name="roll_email_unique"),
        ]
        indexes = [models.Index(fields=["election", "voted"])]

    def __str__(self) -> str:
        return f"{self.membership_number} {self.name}"


class RollUpload(models.Model):
    """A roll file awaiting the organiser's acceptance of its validation report.

    Nothing reaches the roll until the organiser accepts; then every accepted row is
    imported in one transaction and the upload is marked accepted.
    """

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="uploads")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    #: Every rejected row: [{"line": n, "membership_number": ..., "reason": ...}, ...]
    rejections = models.JSONField(default=list)
    accepted = models.BooleanField(default=False)


class Appointment(models.Model):
    """A user's role in one election (the global groups grant the permission; this scopes it)."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", "Organiser"
        RETURNING_OFFICER = "returning_officer", "Returning officer"
        SCRUTINEER = "scrutineer", "Scrutineer"
        TELLER = "teller", "Teller"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="appointments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "user", "role"], name="appointment_unique")
        ]
