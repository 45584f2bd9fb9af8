"""One vote each, decided by the database: many concurrent casts, one ballot per link."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tellers.service.ballots.actions import cast_ballot
from tellers.service.ballots.models import SealedBallot
from tellers.service.elections.models import Election, RollEntry
from tellers.service.elections.tokens import token_hash
from tellers.service.errors import AlreadyVoted, WrongState

from .conftest import invite

# serialized_rollback: the role groups come from a data migration a flush would remove.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

N = 50


def race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run every job in its own thread, released together; return each result or exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = jobs[i]()
        except BaseException as e:  # recorded and asserted on by the test
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a cast never returned"
    return results


def test_fifty_casts_with_one_link_make_one_ballot(make_election: Callable[..., Election]) -> None:
    election = make_election(members=3)
    token = invite(election)["member0@example.org"]
    h = token_hash(election.pk, token)
    results = race([lambda: cast_ballot(election, h, [1, 0]) for _ in range(N)])

    receipts = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, AlreadyVoted | WrongState)]
    others = [r for r in results if not isinstance(r, str | AlreadyVoted | WrongState)]
    assert others == []  # never a database error: "database is locked", deadlock, ...
    assert len(receipts) == 1 and len(refused) == N - 1
    assert SealedBallot.objects.filter(election=election).count() == 1
    assert SealedBallot.objects.get(election=election).receipt == receipts[0]
    voted = Counter(RollEntry.objects.filter(election=election).values_list("voted", flat=True))
    assert voted == {"online": 1, None: 2}
    assert not RollEntry.objects.filter(election=election, token_hash=h).exists()


def test_fifty_voters_at_once_make_fifty_ballots(make_election: Callable[..., Election]) -> None:
    election = make_election(members=N)
    hashes = [token_hash(election.pk, t) for t in invite(election).values()]
    assert len(hashes) == N

    def cast(h: str) -> Callable[[], str]:
        return lambda: cast_ballot(election, h, [2, 0, 1])

    results = race([cast(h) for h in hashes])
    assert [r for r in results if not isinstance(r, str)] == []
    assert len(set(results)) == N  # fifty distinct receipts
    assert SealedBallot.objects.filter(election=election).count() == N
    assert RollEntry.objects.filter(election=election, voted="online").count() == N
