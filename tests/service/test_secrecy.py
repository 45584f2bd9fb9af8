"""No path from a ballot to a voter (Invariant 1), and no raw token kept or logged (Invariant 3)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client

from tellers.service.ballots.actions import cast_ballot
from tellers.service.ballots.models import PaperKeying, SealedBallot
from tellers.service.ballots.sealing import seal_ballot
from tellers.service.elections.models import Election, RollEntry
from tellers.service.elections.tokens import token_hash
from tellers.service.logging import RedactTokens, redact

from .conftest import invite

Model = type[models.Model]


def schema_graph() -> dict[Model, set[Model]]:
    """Every model, joined to every model a relation field (either direction) reaches."""
    graph: dict[Model, set[Model]] = {m: set() for m in apps.get_models(include_auto_created=True)}
    for model in list(graph):
        for field in model._meta.get_fields(include_hidden=True):
            target = field.related_model
            if field.is_relation and isinstance(target, type):
                graph[model].add(target)
                graph.setdefault(target, set()).add(model)
    return graph


def reachable(graph: dict[Model, set[Model]], start: Model, without: Model | None) -> set[Model]:
    """Every model reachable from ``start`` along any path that avoids ``without``."""
    seen = {start}
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt is not without and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_graph_sees_the_relations_it_must() -> None:
    """A sanity check on the walk itself: the known edges are there."""
    g = schema_graph()
    assert Election in g[SealedBallot] and Election in g[RollEntry]
    assert SealedBallot in g[Election] and RollEntry in g[Election]  # reverse direction


@pytest.mark.parametrize("ballot_model", [SealedBallot, PaperKeying])
def test_no_path_from_a_ballot_to_the_roll_except_the_election(ballot_model: Model) -> None:
    g = schema_graph()
    # Through the election the whole roll is reachable (the walk does find paths) ...
    assert RollEntry in reachable(g, ballot_model, without=None)
    # ... and without it, nothing leads from a ballot to any member.
    assert RollEntry not in reachable(g, ballot_model, without=Election)


def test_the_election_hub_cannot_single_out_a_voter() -> None:
    """Election is on the 'one' side of each relation: it leads to the whole roll, not a voter."""
    for model in (SealedBallot, PaperKeying, RollEntry):
        field = model._meta.get_field("election")
        assert field.many_to_one and not field.one_to_one


def test_sealed_ballot_holds_nothing_that_orders_or_identifies() -> None:
    fields = SealedBallot._meta.get_fields()
    kinds = (models.DateTimeField, models.DateField, models.TimeField, models.GenericIPAddressField)
    assert [f.name for f in fields if isinstance(f, kinds)] == []
    assert isinstance(SealedBallot._meta.pk, models.UUIDField)
    assert not any(isinstance(f, models.AutoField | models.BigAutoField) for f in fields)
    assert {f.name for f in fields} == {"id", "election", "sealed", "receipt"}


def test_sealed_payloads_have_one_length_whatever_the_ranking() -> None:
    from nacl.public import PrivateKey

    public = bytes(PrivateKey.generate().public_key).hex()
    short = seal_ballot(public, (0,), 1)
    long = seal_ballot(public, tuple(range(40)), 120)
    assert len(short) == len(long)


def all_text(token: str) -> list[str]:
    """Every (table, column) whose text contains ``token`` anywhere in the database."""
    hits = []
    with connection.cursor() as cur:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            for f in model._meta.concrete_fields:
                if isinstance(f, models.CharField | models.TextField | models.JSONField):
                    col = connection.ops.quote_name(f.column)
                    cur.execute(f"SELECT {col} FROM {connection.ops.quote_name(table)}")
                    if any(token in str(v) for (v,) in cur.fetchall()):
                        hits.append(f"{table}.{f.column}")
    return hits


@pytest.mark.django_db
def test_no_raw_token_at_rest_or_in_the_logs(
    make_election: Callable[..., Election], caplog: pytest.LogCaptureFixture
) -> None:
    election = make_election(members=3)
    tokens = invite(election)
    assert len(tokens) == 3
    for token in tokens.values():
        assert all_text(token) == []
    entry = RollEntry.objects.get(election=election, email="member0@example.org")
    assert entry.token_hash == token_hash(election.pk, tokens["member0@example.org"])

    caplog.set_level(logging.DEBUG)
    client = Client()
    token = tokens["member0@example.org"]
    first = client.get(f"/vote/{token}/")
    if first.status_code == 404:
        pytest.skip("the voter's pages are not built yet")
    client.get(f"/vote/{'x' * 43}/")  # an unknown link: whatever is logged must not echo it
    cast_ballot(election, entry.token_hash or "", [0])
    client.get(f"/vote/{token}/")  # a spent link
    assert all_text(token) == []
    messages = [r.getMessage() for r in caplog.records]
    # The refused links are logged (django.request's 403/404 lines), with the token redacted.
    assert any("/vote/[redacted]" in m for m in messages), messages
    for record in caplog.records:
        assert token not in record.getMessage()
        assert "x" * 43 not in record.getMessage()


def test_redaction_of_request_lines() -> None:
    tok = "Zm9vYmFyLWJhei1xdXV4LXRva2VuLTQzLWNoYXJzLWxvbmc"
    assert redact(f'"GET /vote/{tok}/ HTTP/1.1" 302') == '"GET /vote/[redacted]/ HTTP/1.1" 302'
    assert redact(f"Not Found: /vote/{tok}") == "Not Found: /vote/[redacted]"
    assert redact("GET /vote/ballot/ 200") == "GET /vote/ballot/ 200"  # a fixed page stays
    assert redact("GET /vote/review/ 200") == "GET /vote/review/ 200"
    # gunicorn logs its format string with a dict of atoms; the filter cleans the result.
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s', None, None
    )
    record.args = {"r": f"GET /vote/{tok}/?a=1 HTTP/1.1", "s": "302"}
    assert RedactTokens().filter(record)
    assert record.getMessage() == '"GET /vote/[redacted]/?a=1 HTTP/1.1" 302'
