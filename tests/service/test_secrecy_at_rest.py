"""Secrecy at rest (invariants 1 and 3), read below Django: the raw bytes and raw SQL.

``test_secrecy.py`` proves it through the models; these tests read what a database thief
would read.  While the ballot is open, members cast full rankings of seven candidates with
unusual names, in a random order of their own; then

- on SQLite, the database file, its write-ahead log and a backup taken mid-ballot with
  sqlite3's backup API are searched byte for byte, and
- on either database, every column of every table is read back with raw SQL (the tables and
  columns listed by the database itself: ``sqlite_master``, or ``information_schema``),

for any plaintext form of each ranking (a JSON list, 0- or 1-based, compact or spaced; a BLT
ballot line; the candidates' names in ranked order) and for every raw voting link issued.
Neither search may find one.  Each search is also shown to work: the sealed ballots are found
in the same bytes (the box really is in what was read), and after the close and the count,
when the shuffled ballot set is stored in clear by design, the same search finds the rankings.

The ballot table's own schema, as the database reports it, has no timestamp, sequence,
default, trigger or address.  And the published ballot set is shuffled: 200 ballots cast in a
known order come out with no trace of that order.
"""

from __future__ import annotations

import io
import json
import random
import re
import secrets
import sqlite3
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from tellers.service.ballots.actions import cast_ballot
from tellers.service.ballots.models import SealedBallot
from tellers.service.elections.models import Election, ReceiptMode
from tellers.service.elections.tokens import token_hash
from tellers.service.publication import actions as pub

from .conftest import invite, open_key

NAMES = (
    "Xanthe Quarrington",
    "Barnaby Oyelaran",
    "Ilse Vantongeren",
    "Ottoline Marchbanks",
    "Perpetua Zhivago",
    "Desmond Ufford",
    "Wilhelmina Kestrel",
)
VOTERS = 24


def plaintext_forms(ranking: tuple[int, ...]) -> list[bytes]:
    """Every plaintext encoding of ``ranking`` (0-based positions) the search looks for."""
    forms = []
    for base in (0, 1):
        nums = [str(c + base) for c in ranking]
        forms += [
            ("[" + ",".join(nums) + "]").encode(),  # JSON, compact
            ("[" + ", ".join(nums) + "]").encode(),  # JSON, spaced (Python's repr too)
            " ".join(nums).encode(),  # a BLT line's preferences, or any space-joined list
            ",".join(nums).encode(),  # CSV
        ]
    return forms


def names_in_order(ranking: tuple[int, ...]) -> re.Pattern[bytes]:
    """The first three ranked candidates' names in order, a few separators apart."""
    sep = rb"[^A-Za-z]{0,8}"
    return re.compile(sep.join(re.escape(NAMES[c].encode()) for c in ranking[:3]))


def found(blobs: Iterable[bytes], rankings: list[tuple[int, ...]], tokens: list[str]) -> list[str]:
    """Describe every ranking or token found in clear in any one of ``blobs``."""
    hits: set[str] = set()
    for data in blobs:
        hits |= {f"unsealed payload marker {m!r}" for m in (b'"r":[', b'"r": [') if m in data}
        for r in rankings:
            hits |= {f"ranking {r} as {f!r}" for f in plaintext_forms(r) if f in data}
            if names_in_order(r).search(data):
                hits.add(f"ranking {r} as candidates' names")
        hits |= {f"raw token {t[:6]}..." for t in tokens if t.encode() in data}
    return sorted(hits)


def _runs(order: list[int]) -> set[tuple[int, ...]]:
    """Every three candidates consecutive in ``order``, either way round."""
    out = {tuple(order[i : i + 3]) for i in range(len(order) - 2)}
    return out | {t[::-1] for t in out}


#: The candidate list itself is stored by position and, in an index, by name; a ballot whose
#: first three preferences follow either order would look like it, so none is cast.
NOT_BALLOTS = _runs(list(range(7))) | _runs(sorted(range(7), key=lambda c: NAMES[c]))


def random_ranking(rng: random.Random) -> tuple[int, ...]:
    """A full ranking of the seven whose first three are not a run of the candidate list."""
    while True:
        r = tuple(rng.sample(range(7), 7))
        if r[:3] not in NOT_BALLOTS:
            return r


def _as_bytes(v: Any) -> bytes:
    if isinstance(v, bytes | bytearray | memoryview):
        return bytes(v)
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, dict | list):
        return json.dumps(v).encode() + b"\x00" + json.dumps(v, separators=(",", ":")).encode()
    return str(v).encode()


def columns() -> list[tuple[str, str]]:
    """Every (table, column) in the database, as the database itself lists them."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            out = []
            for (table,) in cur.fetchall():
                cur.execute(f"PRAGMA table_info({connection.ops.quote_name(table)})")
                out += [(table, row[1]) for row in cur.fetchall()]
            return out
        cur.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        return [(t, c) for t, c in cur.fetchall()]


def every_value() -> list[bytes]:
    """Every value of every column of every table, read with raw SQL."""
    q = connection.ops.quote_name
    out = []
    with connection.cursor() as cur:
        for table, column in columns():
            cur.execute(f"SELECT {q(column)} FROM {q(table)}")
            out += [_as_bytes(v) for (v,) in cur.fetchall() if v is not None]
    return out


def _file_bytes(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_ranking_or_token_in_clear_in_the_database_its_log_or_a_backup(
    make_election: Callable[..., Election],
    officials: dict[str, User],
    key_file: Path,
    tmp_path: Path,
) -> None:
    election = make_election(candidates=NAMES, members=VOTERS)
    # A fresh random order each run (the seed is in any failure message): nothing a previous
    # run left in the database's free pages can match this run's rankings.
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    tokens = list(invite(election).values())
    rankings: list[tuple[int, ...]] = []
    while len(rankings) < len(tokens):
        if (r := random_ranking(rng)) not in rankings:
            rankings.append(r)
    ballots = [(token_hash(election.pk, t), r) for t, r in zip(tokens, rankings, strict=True)]
    sqlite = connection.vendor == "sqlite"
    db_path = Path(connection.settings_dict["NAME"]) if sqlite else None

    context = f"(seed {seed})"
    # Raw SQL over every column of every table after the invitations, halfway through the
    # voting and at the end (a spent link's hash is cleared, so each moment matters).
    assert found(every_value(), rankings, tokens) == [], f"after the invitations {context}"
    half = VOTERS // 2
    for h, r in ballots[:half]:
        cast_ballot(election, h, r)
    assert found(every_value(), rankings, tokens) == [], f"halfway {context}"
    backup = tmp_path / "mid-ballot-backup.sqlite3"
    if db_path is not None:
        # A backup taken while the ballot is open, as a nightly job (or a thief) would take it.
        src, dst = sqlite3.connect(db_path), sqlite3.connect(backup)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    for h, r in ballots[half:]:
        cast_ballot(election, h, r)

    sealed = [
        bytes(s)
        for s in SealedBallot.objects.filter(election=election).values_list("sealed", flat=True)
    ]
    assert len(sealed) == VOTERS

    # Raw SQL over every column of every table: the box is there, sealed; nothing in clear.
    values = every_value()
    assert all(any(s in v for v in values) for s in sealed), context
    assert found(values, rankings, tokens) == [], context

    if db_path is not None:
        main, wal = _file_bytes(db_path), _file_bytes(Path(f"{db_path}-wal"))
        copy = _file_bytes(backup)
        live = main + b"\x00" + wal
        assert wal, "the database is in WAL mode: its log must exist while the ballot is open"
        # The files read do hold the ballot box: every sealed ballot, the first half in the
        # backup too.
        assert all(s in live for s in sealed), context
        assert sum(s in copy for s in sealed) == half, context
        assert found([main], rankings, tokens) == [], f"database file {context}"
        assert found([wal], rankings, tokens) == [], f"write-ahead log {context}"
        assert found([copy], rankings, tokens) == [], f"mid-ballot backup {context}"

    # The control: once counted, the shuffled ballot set is stored in clear (it is to be
    # published), and the same searches find every ranking as a BLT line.
    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    pub.count_election(ro, election, open_key(key_file))
    after = every_value()
    if db_path is not None:
        after.append(_file_bytes(db_path) + b"\x00" + _file_bytes(Path(f"{db_path}-wal")))
    hits = found(after, rankings, [])
    for r in rankings:
        blt_line = " ".join(str(c + 1) for c in r).encode()
        assert f"ranking {r} as {blt_line!r}" in hits, context


def _ballot_schema() -> list[dict[str, Any]]:
    """The ballot table's columns as the database describes them."""
    table = SealedBallot._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"PRAGMA table_info({connection.ops.quote_name(table)})")
            cols = [
                {"name": name, "type": str(kind).lower(), "default": default, "identity": "NO"}
                for _, name, kind, _, default, _ in cur.fetchall()
            ]
            cur.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
            [(ddl,)] = cur.fetchall()
            assert "autoincrement" not in ddl.lower()
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert cur.fetchall() == []
            return cols
        cur.execute(
            "SELECT column_name, data_type, column_default, is_identity"
            " FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        )
        cols = [
            {"name": n, "type": t.lower(), "default": d, "identity": i}
            for n, t, d, i in cur.fetchall()
        ]
        cur.execute(
            "SELECT trigger_name FROM information_schema.triggers WHERE event_object_table = %s",
            [table],
        )
        assert cur.fetchall() == []
        for c in cols:
            cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, c["name"]])
            assert cur.fetchone() == (None,), c
        return cols


@pytest.mark.django_db
def test_the_ballot_table_has_no_time_sequence_or_address() -> None:
    cols = _ballot_schema()
    assert sorted(c["name"] for c in cols) == ["election_id", "id", "receipt", "sealed"]
    for c in cols:
        assert c["default"] is None, c  # no now(), no nextval(): the row is only what was cast
        assert c["identity"] == "NO", c
        assert not any(w in c["type"] for w in ("time", "date", "inet", "cidr", "serial")), c


def kendall_tau(order: list[int]) -> float:
    """Kendall's tau between ``order`` and 0, 1, 2, ... (1 for the same order, -1 reversed)."""
    n = len(order)
    s = sum((1 if order[j] > order[i] else -1) for i in range(n) for j in range(i + 1, n))
    return s / (n * (n - 1) / 2)


@pytest.mark.django_db
def test_published_ballots_are_not_in_the_order_cast(
    make_election: Callable[..., Election], officials: dict[str, User], key_file: Path
) -> None:
    """200 ballots cast one after another; the bundle's order must not follow the casting.

    Receipts are published beside the ballots, so each published line can be matched to the
    cast that made it.  ``_shuffled`` draws from the operating system (not seedable), so the
    bound is wide: for a uniform shuffle of 200, Kendall's tau against the cast order has
    standard deviation 0.048, and |tau| >= 0.5 (over ten of them) has probability below 4e-6
    even by Hoeffding's crude bound for U-statistics (exp(-100 * 0.5**2 / 2)); stored order
    gives exactly 1.
    """
    n = 200
    election = make_election(members=n)
    election.receipt_mode = ReceiptMode.WITH_BALLOTS
    election.save(update_fields=["receipt_mode"])
    tokens = list(invite(election).values())
    cast = [
        cast_ballot(election, token_hash(election.pk, t), [i % 3, (i + 1) % 3])
        for i, t in enumerate(tokens)
    ]
    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    pub.count_election(ro, election, open_key(key_file))
    pub.sign_off(ro, election)
    if election.scrutineer_signs:
        pub.sign_off(officials["scrutineer"], election)
    publication = pub.publish(ro, election)
    with zipfile.ZipFile(io.BytesIO(bytes(publication.bundle))) as z:
        blt = z.read("bundle/ballots.blt").decode()
    published = re.findall(r"^# receipt (\S+)$", blt, flags=re.M)
    assert sorted(published) == sorted(cast)
    position = {rc: i for i, rc in enumerate(cast)}
    tau = kendall_tau([position[rc] for rc in published])
    assert abs(tau) < 0.5, f"published order follows the cast order (Kendall tau {tau:.3f})"
