"""The audit chain verifies after a whole election, and any tampering is found and named."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from typer.testing import CliRunner

from tellers.cli import app as tellers_app
from tellers.service.audit.chain import append, verify
from tellers.service.audit.models import AuditEntry
from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.elections.models import Election
from tellers.service.publication import actions as pub

from .conftest import invite, open_key


def run_election(
    make_election: Callable[..., Election], officials: dict[str, User], key_file: Path
) -> Election:
    """Invite, cast three ballots, close, count, sign off and publish."""
    election = make_election(members=3)
    for token in invite(election).values():
        voter = voter_for_token(None, token)
        assert voter is not None
        cast_ballot(election, voter.token_hash, [0, 1])
    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    pub.count_election(ro, election, open_key(key_file))
    pub.sign_off(ro, election)
    pub.sign_off(officials["scrutineer"], election)
    pub.publish(ro, election)
    return election


def cli_verify() -> Any:
    return CliRunner().invoke(tellers_app, ["audit", "verify"])


@pytest.mark.django_db
def test_the_chain_of_a_whole_election_verifies_and_tampering_is_named(
    make_election: Callable[..., Election], officials: dict[str, User], key_file: Path
) -> None:
    # One election for every case (the key's KDF makes each one slow); the tampered chains
    # are copies in memory, then one real tampering in the database for the command line.
    run_election(make_election, officials, key_file)
    chain = list(AuditEntry.objects.order_by("seq"))
    actions = [e.action for e in chain]
    # The acts of the election's life are there; no entry per ballot (three were cast).
    assert len(actions) >= 8
    assert not any("cast" in a.lower() for a in actions)
    assert verify() == []
    result = cli_verify()
    assert result.exit_code == 0, result.output
    assert f"audit chain intact: {len(chain)} entries" in result.output

    altered = copy.deepcopy(chain)
    altered[3].details = {"forged": True}
    assert [(b.seq, "altered" in b.problem) for b in verify(altered)] == [(chain[3].seq, True)]

    deleted = chain[:4] + chain[5:]
    breaks = verify(deleted)
    # The entry after the hole is out of sequence and no longer chains to its predecessor.
    assert {b.seq for b in breaks} == {chain[5].seq}
    assert any(f"expected entry #{chain[4].seq}" in b.problem for b in breaks)

    # An entry slipped in between two others: a copy of a real one, renumbered and re-hashed
    # as a forger without the chain's history would have to.
    inserted_entry = copy.deepcopy(chain[3])
    inserted_entry.details = {"inserted": True}
    inserted = [*chain[:4], inserted_entry, *chain[4:]]
    assert verify(inserted), "an inserted entry went unnoticed"

    swapped = [*chain[:2], chain[3], chain[2], *chain[4:]]
    assert {b.seq for b in verify(swapped)} >= {chain[2].seq, chain[3].seq}

    AuditEntry.objects.filter(pk=chain[3].pk).update(details={"forged": True})
    result = cli_verify()
    assert result.exit_code == 1
    assert f"entry #{chain[3].seq}" in result.output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_leave_a_gap_free_chain() -> None:
    threads_n, each = 10, 5
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            for j in range(each):
                with transaction.atomic():
                    append(actor=f"t{i}", role="test", action="append", object=f"{i}.{j}")
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    before = AuditEntry.objects.count()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == before + threads_n * each
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify() == []
