"""Casting a ballot, and keying returned paper ballots.

:func:`cast_ballot` is the one place a ballot enters the box.  In one transaction it spends
the voter's credential with a conditional UPDATE that must touch exactly one row (the link is
unspent, the member has not voted, the ballot is open) and inserts the sealed ballot; if the
UPDATE touches no row nothing is inserted.  However many requests race with one link, the
database lets one through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..elections.models import Candidate, Election, RollEntry, State
from ..elections.tokens import token_hash
from ..errors import AlreadyVoted, InvalidBallot, WrongState
from .models import SealedBallot
from .sealing import receipt_code, seal_ballot

__all__ = ["Voter", "cast_ballot", "check_ranking", "voter_for_token"]


@dataclass(frozen=True, slots=True)
class Voter:
    """Who holds a valid link, as the ballot pages need it (no more)."""

    election_id: int
    token_hash: str
    name: str


def _ballot_open(election: Election) -> bool:
    now = timezone.now()
    return election.state == State.OPEN and (election.closes_at is None or now < election.closes_at)


def voter_for_token(election: Election | None, token: str) -> Voter | None:
    """Return the voter a raw link token belongs to, if it may still vote; else None.

    ``election`` may be None: links name no election, so each open election is tried.
    """
    elections = [election] if election else list(Election.objects.filter(state=State.OPEN))
    for e in elections:
        h = token_hash(e.pk, token)
        entry = (
            RollEntry.objects.filter(election=e, token_hash=h, voted__isnull=True)
            .only("name")
            .first()
        )
        if entry is not None and _ballot_open(e):
            return Voter(e.pk, h, entry.name)
    return None


def check_ranking(
    election: Election, ranking: Sequence[int], standing: Iterable[int] | None = None
) -> tuple[int, ...]:
    """Check a ranking of candidate positions; return it, or raise with every problem named.

    ``standing`` is the positions of the candidates not withdrawn, where the caller has just
    read them (the review page has, for their names); otherwise they are read here.
    """
    if standing is None:
        standing = Candidate.objects.filter(election=election, withdrawn=False).values_list(
            "position", flat=True
        )
    standing = set(standing)
    problems: list[str] = []
    if not ranking:
        problems.append("Rank at least one candidate.")
    seen: set[int] = set()
    for c in ranking:
        if c not in standing:
            problems.append("The ballot names a candidate who is not standing.")
        elif c in seen:
            problems.append("A candidate is ranked twice.")
        seen.add(c)
    if problems:
        raise InvalidBallot(problems)
    return tuple(ranking)


def cast_ballot(
    election: Election,
    voter_token_hash: str,
    ranking: Sequence[int],
    *,
    standing: Iterable[int] | None = None,
) -> str:
    """Spend the credential and store the sealed ballot in one transaction; return the receipt.

    ``standing``: the standing candidates' positions, if the caller has read them this request.
    """
    ranking = check_ranking(election, ranking, standing)
    with transaction.atomic():
        entry = (
            RollEntry.objects.filter(
                election=election, token_hash=voter_token_hash, voted__isnull=True
            )
            .only("weight")
            .first()
        )
        if entry is None:
            raise AlreadyVoted("This voting link has already been used, or has been replaced.")
        current = Election.objects.only("state", "closes_at", "public_key").get(pk=election.pk)
        if not _ballot_open(current):
            raise WrongState("The ballot is not open.")
        # [Invariant 2] The conditional UPDATE decides: only one request can find the
        # credential unspent; a second, however interleaved, touches no row.  Its conditions
        # must be on the roll row's own columns: a join (election__state) makes Django wrap
        # the UPDATE in "id IN (subquery)", and PostgreSQL, re-checking a row a concurrent
        # cast has just spent, does not re-run the subquery, so both casts would succeed.
        spent = RollEntry.objects.filter(
            pk=entry.pk,
            token_hash=voter_token_hash,
            voted__isnull=True,
            election_id__in=Election.objects.filter(pk=election.pk, state=State.OPEN).values("pk"),
        ).update(voted="online", token_hash=None)
        if spent != 1:
            raise AlreadyVoted("This voting link has already been used, or has been replaced.")
        sealed = seal_ballot(current.public_key, ranking, entry.weight)
        receipt = receipt_code(sealed)
        SealedBallot.objects.create(election=election, sealed=sealed, receipt=receipt)
    return receipt
