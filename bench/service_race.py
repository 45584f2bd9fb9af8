"""Races on one voting link: many rounds of simultaneous casts, exactly one ballot each round.

    .venv/bin/python bench/service_race.py [--rounds 1000] [--ways 8] [--sqlite] [--json FILE]

Each round spends a fresh member's link: ``--ways`` threads, each with its own database
connection, wait at a barrier and then call ``cast_ballot`` with that one link at the same
moment, as the voter's page would.  After each round the script reads the database itself:
the box must hold exactly one more ballot (the winner's receipt), the member must be marked
voted online with the link spent, and every other thread must have been refused with
``AlreadyVoted``, never a database error.  Any other outcome is counted and printed, and the
script exits 1.

It runs on a throwaway PostgreSQL database (created on postgresql://postgres@127.0.0.1:5432
and dropped afterwards), or with ``--sqlite`` on a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from typing import Any

PG = os.environ.get("TELLERS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def run(rounds: int, ways: int) -> dict[str, Any]:
    """Set up an open election with one member per round and race each member's link."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from nacl.public import PrivateKey

    call_command("migrate", verbosity=0)
    from tellers.service.ballots.actions import cast_ballot
    from tellers.service.ballots.models import SealedBallot
    from tellers.service.elections import actions
    from tellers.service.elections.models import Election, RollEntry
    from tellers.service.elections.tokens import token_hash
    from tellers.service.errors import AlreadyVoted

    def user(name: str, group: str) -> Any:
        u = User.objects.create_user(name, password=secrets.token_hex(8))
        u.groups.add(Group.objects.get(name=group))
        return User.objects.get(pk=u.pk)

    organiser = user("race-organiser", "Organisers")
    officer = user("race-officer", "Returning officers")
    org = actions.create_organisation(organiser, name="Race", slug="race")
    election = actions.create_election(
        organiser, org, title="Race", slug="race", rulebook="labour-leader-2020", office="deputy"
    )
    actions.appoint(organiser, election, officer, "returning_officer")
    for name in ("Ann", "Ben", "Cal"):
        actions.add_candidate(organiser, election, name=name, statement="")
    section = election.sections[0]["id"]
    raw = [secrets.token_urlsafe(32) for _ in range(rounds)]
    RollEntry.objects.bulk_create(
        RollEntry(
            election=election,
            membership_number=f"R{i:06d}",
            name=f"Racer {i}",
            email=f"racer{i}@example.org",
            section=section,
            token_hash=token_hash(election.pk, raw[i]),
        )
        for i in range(rounds)
    )
    actions.set_public_key(officer, election, bytes(PrivateKey.generate().public_key).hex())
    actions.open_ballot(officer, election)
    election = Election.objects.get(pk=election.pk)
    hashes = [token_hash(election.pk, t) for t in raw]

    start = threading.Barrier(ways + 1)
    finish = threading.Barrier(ways + 1)
    outcomes: list[Any] = [None] * ways
    current: dict[str, Any] = {"hash": None, "stop": False}

    def worker(i: int) -> None:
        try:
            while True:
                start.wait()
                if current["stop"]:
                    return
                try:
                    outcomes[i] = cast_ballot(election, current["hash"], [i % 3, (i + 1) % 3])
                except Exception as e:  # counted and reported by the main thread
                    outcomes[i] = e
                finish.wait()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(ways)]
    for t in threads:
        t.start()

    tally: Counter[str] = Counter()
    failures: list[str] = []
    winners_per_round: Counter[int] = Counter()
    t0 = time.perf_counter()
    for r in range(rounds):
        current["hash"] = hashes[r]
        start.wait()
        finish.wait()
        receipts = [o for o in outcomes if isinstance(o, str)]
        refused = [o for o in outcomes if isinstance(o, AlreadyVoted)]
        other = [o for o in outcomes if not isinstance(o, str | AlreadyVoted)]
        winners_per_round[len(receipts)] += 1
        tally["already voted"] += len(refused)
        tally["other errors"] += len(other)
        stored = SealedBallot.objects.filter(election=election).count()
        entry = RollEntry.objects.get(election=election, membership_number=f"R{r:06d}")
        if len(receipts) != 1 or other or len(refused) != ways - 1:
            failures.append(f"round {r}: {len(receipts)} receipts, outcomes {outcomes!r}")
        if stored != r + 1:
            failures.append(f"round {r}: {stored} ballots stored after {r + 1} rounds")
        if receipts and not SealedBallot.objects.filter(receipt=receipts[0]).exists():
            failures.append(f"round {r}: the winner's receipt is not in the box")
        if entry.voted != "online" or entry.token_hash is not None:
            failures.append(f"round {r}: roll entry voted={entry.voted!r}, link not spent")
        outcomes[:] = [None] * ways
    elapsed = time.perf_counter() - t0
    current["stop"] = True
    start.wait()
    for t in threads:
        t.join(timeout=30)
    return {
        "database": connection.vendor,
        "rounds": rounds,
        "ways": ways,
        "ballots_stored": SealedBallot.objects.filter(election=election).count(),
        "rounds_by_winners": {str(k): v for k, v in sorted(winners_per_round.items())},
        "already_voted": tally["already voted"],
        "other_errors": tally["other errors"],
        "failures": failures[:20],
        "failure_count": len(failures),
        "seconds": round(elapsed, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--ways", type=int, default=8)
    ap.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TELLERS_DATA_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "tellers.service.settings"
        os.environ["TELLERS_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        db = None
        if args.sqlite:
            os.environ.pop("DATABASE_URL", None)
        else:
            import psycopg

            db = f"tellers_bench_race_{os.getpid()}"
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            os.environ["DATABASE_URL"] = f"{PG}/{db}"
        try:
            import django

            django.setup()
            result = run(args.rounds, args.ways)
        finally:
            if db is not None:
                from django.db import connections

                connections.close_all()
                with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    result["loadavg_1m_before"] = round(load[0], 2)
    result["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    ok = (
        result["failure_count"] == 0
        and result["ballots_stored"] == args.rounds
        and result["rounds_by_winners"] == {"1": args.rounds}
    )
    print(
        f"{result['database']}: {args.rounds} rounds of {args.ways} simultaneous casts with one "
        f"link: {result['ballots_stored']} ballots, {result['already_voted']} 'already voted', "
        f"{result['other_errors']} other errors, {result['failure_count']} failed rounds "
        f"in {result['seconds']} s (load {result['loadavg_1m_before']} before, "
        f"{result['loadavg_1m_after']} after)",
        file=sys.stderr,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
