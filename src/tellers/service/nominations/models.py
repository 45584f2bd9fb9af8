"""What the nominations app keeps: the contest's settings, members' links, candidacies, the
nominating units, the event record, proposed lists and trigger ballots.

Everybody who acts here is on the election's roll: a candidacy belongs to a roll entry, and a
nominating unit (an MP, a constituency party, an affiliate, a branch) is acted for by a roll
entry, its officer.  Only accepted events are stored; replaying them in ``pk`` order through
:class:`tellers.rules.NominationBook` gives the same book every time.
"""

from __future__ import annotations

from django.db import models

from ..elections.models import Election, RollEntry


class Contest(models.Model):
    """An election's nominations: the occasion, the figures the rulebook leaves to the contest,
    whether the tracker is public, and when nominations were closed."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="nominations_contest"
    )
    occasion = models.CharField(max_length=64)
    #: {body: number of units} where this contest's differ from the rulebook's.
    sizes = models.JSONField(default=dict)
    #: {body: total membership} for membership-share conditions (e.g. 5% of affiliated members).
    membership_totals = models.JSONField(default=dict)
    #: The longest statement a candidate may give, in words (the rulebooks set none).
    statement_words = models.PositiveIntegerField(default=500)
    public = models.BooleanField(default=True)
    nominators_public = models.BooleanField(default=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)


class Pass(models.Model):
    """A member's nominations link: only a keyed hash of its token is kept."""

    entry = models.OneToOneField(
        RollEntry, on_delete=models.CASCADE, related_name="nominations_pass"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()


class Candidacy(models.Model):
    """A member standing for the election's office."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidacies")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="candidacies")
    name = models.CharField(max_length=200)
    statement = models.TextField(blank=True)
    #: What the list constraints ask about ({"woman": true, ...}), recorded by the organiser.
    attributes = models.JSONField(default=dict)
    declared_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    #: An optional photo (JPEG or PNG, checked by decoding it), kept in the database and
    #: served by the tracker's own view; its type is what the decoder found, not what the
    #: browser said.  ``photo_alt`` describes it for those who cannot see it.
    photo = models.BinaryField(null=True, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    photo_alt = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "entry"], name="candidacy_member"),
            models.UniqueConstraint(fields=["election", "name"], name="candidacy_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Purpose(models.TextChoices):
    NOMINATE = "nominate", "Nominates candidates"
    TRIGGER = "trigger", "Votes in the trigger ballot"


class Unit(models.Model):
    """A nominator (an MP) or a nominating body's unit (a CLP, an affiliate, a branch)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="units")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.NOMINATE)
    #: The rulebook's body id (plp_eplp, clp, affiliate, branch, ...).
    body = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=64, blank=True)
    group = models.CharField(max_length=200, blank=True)
    membership = models.PositiveIntegerField(null=True, blank=True)
    #: The member who records the unit's decisions (for an MP, the MP).
    officer = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "purpose", "body", "name"], name="unit_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    DECLARATION = "declaration", "Declared"
    NOMINATION = "nomination", "Nomination"
    TALLY = "tally", "Published tally"
    WITHDRAWAL = "withdrawal", "Withdrew"
    ATTESTATION = "attestation", "Route attested"


class Event(models.Model):
    """One accepted act, in the order it was recorded."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nom_events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    candidate = models.CharField(max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    body = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField(default=1)
    date = models.DateField()
    #: A tally's source, an attestation's authority.
    source = models.CharField(max_length=300, blank=True)
    #: The nominating meeting's result as its officer reports it.
    meeting = models.CharField(max_length=500, blank=True)
    route = models.CharField(max_length=100, blank=True)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]


class ProposedList(models.Model):
    """A longlist or shortlist put to the rulebook's constraints; refused ones are kept too."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="lists")
    list_name = models.CharField(max_length=64)
    members = models.ManyToManyField(Candidacy)
    #: The ``when`` conditions the organiser said apply (e.g. an all-women shortlist).
    conditions = models.JSONField(default=list)
    #: [{"attribute", "required", "have", "size", "met"}, ...] from tellers.rules.selection.
    checks = models.JSONField(default=list)
    accepted = models.BooleanField(default=False)
    proposed_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]


class TriggerBallot(models.Model):
    """A trigger ballot on a sitting representative, before the election's selection."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="trigger_ballot"
    )
    rulebook_id = models.CharField(max_length=100)
    rulebook_toml = models.TextField()
    sitting = models.CharField(max_length=200)
    decided_at = models.DateTimeField(null=True, blank=True)
    triggered = models.BooleanField(null=True)
    #: The engine's outcome: {"consequence", "routes": [{id, name, for, base, share, met}]}.
    outcome = models.JSONField(default=dict)


class TriggerVote(models.Model):
    """A unit's decision in a trigger ballot, as its officer records it."""

    trigger = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="votes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    for_selection = models.BooleanField()
    meeting = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trigger", "unit"], name="trigger_vote_once")
        ]
