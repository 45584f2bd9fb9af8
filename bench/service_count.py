"""Time close → count → sign off → publish of 500,000 sealed ballots on SQLite and PostgreSQL.

    .venv/bin/python bench/service_count.py [--ballots N] [--only sqlite|postgres]

Each database runs in its own subprocess (Django reads its settings from the environment once,
at import) with its own ``TELLERS_DATA_DIR``; the PostgreSQL case creates a fresh database on
postgresql://postgres@127.0.0.1:5432 and drops it afterwards.  The ballots are sealed to the
election's key in a process pool and bulk-inserted (with a roll of as many members, marked as
having voted online) before the clock starts; the timed part is the returning officer's: close,
count (open every box, shuffle, count with the engine, render the bundle's files), sign off and
publish.  Opening the key file (Argon2id, deliberately slow) is timed apart.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 30.0
PG = "postgresql://postgres@127.0.0.1:5432"
PASSPHRASE = "bench passphrase, not secret"
CANDIDATES = ("Ann", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus", "Hal")

_public = ""


def _init_sealer(public: str) -> None:
    global _public
    _public = public


def _seal_chunk(args: tuple[int, int]) -> list[tuple[bytes, str]]:
    """Seal ``n`` random rankings (from seed ``start``); return (sealed, receipt) pairs."""
    from tellers.service.ballots.sealing import receipt_code, seal_ballot

    start, n = args
    rng = random.Random(start)
    weights = [8, 7, 6, 5, 4, 3, 2, 1]
    out = []
    for _ in range(n):
        order = list(range(len(CANDIDATES)))
        # Popular candidates first more often: keys drawn with weights, then a random length.
        order.sort(key=lambda c: -(rng.random() ** (1 / weights[c])))
        ranking = order[: rng.randint(1, len(order))]
        sealed = seal_ballot(_public, ranking)
        out.append((sealed, receipt_code(sealed)))
    return out


def _cpu() -> float:
    """Return CPU seconds used so far by this process and its reaped children."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child(ballots: int) -> None:
    """Fill one database, then time the count acts on it; print JSON timings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellers.service.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from tellers.service.ballots.models import SealedBallot
    from tellers.service.ballots.sealing import new_key_file, read_key_file
    from tellers.service.elections import actions
    from tellers.service.elections.models import RollEntry
    from tellers.service.publication import actions as pub

    def user(name: str, group: str) -> User:
        u = User.objects.create_user(name, password="x")
        u.groups.add(Group.objects.get(name=group))
        return User.objects.get(pk=u.pk)

    org_user, ro = user("organiser", "Organisers"), user("ro", "Returning officers")
    org = actions.create_organisation(org_user, name="Bench", slug="bench")
    election = actions.create_election(
        org_user, org, title="Bench", slug="bench", rulebook="labour-leader-2020", office="deputy"
    )
    actions.appoint(org_user, election, ro, "returning_officer")
    for name in CANDIDATES:
        actions.add_candidate(org_user, election, name=name, statement="")
    key_path = Path(os.environ["TELLERS_DATA_DIR"]) / "election.key"
    public = new_key_file(key_path, PASSPHRASE)
    actions.set_public_key(ro, election, public)
    section = election.sections[0]["id"]
    RollEntry.objects.bulk_create(
        (
            RollEntry(
                election=election,
                membership_number=f"M{i:07d}",
                name=f"Member {i}",
                email=f"m{i}@example.org",
                section=section,
                voted="online",
            )
            for i in range(ballots)
        ),
        batch_size=10_000,
    )
    actions.open_ballot(ro, election)
    election.refresh_from_db()

    t0 = time.perf_counter()
    chunk = 10_000
    jobs = [(i, min(chunk, ballots - i)) for i in range(0, ballots, chunk)]
    # Close the connection before forking: the sealers never touch the database.
    connection.close()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(initializer=_init_sealer, initargs=(public,)) as pool:
        for sealed in pool.imap_unordered(_seal_chunk, jobs):
            SealedBallot.objects.bulk_create(
                (SealedBallot(election=election, sealed=s, receipt=r) for s, r in sealed),
                batch_size=chunk,
            )
    fill_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    key = read_key_file(key_path.read_bytes(), PASSPHRASE)
    key_s = time.perf_counter() - t0
    times: dict[str, float] = {}
    # Other work on the machine shares its cores with the pool: say how much there was.
    load = os.getloadavg()[0]
    t = time.perf_counter()
    pub.close_ballot(ro, election)
    times["close_s"] = time.perf_counter() - t
    t, cpu = time.perf_counter(), _cpu()
    count = pub.count_election(ro, election, key)
    times["count_s"] = time.perf_counter() - t
    # CPU seconds of this process and its (reaped) workers: what the count costs whatever the load.
    times["count_cpu_s"] = _cpu() - cpu
    t = time.perf_counter()
    pub.sign_off(ro, election)
    times["signoff_s"] = time.perf_counter() - t
    t = time.perf_counter()
    publication = pub.publish(ro, election)
    times["publish_s"] = time.perf_counter() - t
    assert count.online_ballots == ballots
    result = json.loads(count.result_json)
    print(
        json.dumps(
            {
                "ballots": ballots,
                "fill_s": fill_s,
                "key_s": key_s,
                **times,
                "elected": result["elected"],
                "bundle_bytes": len(bytes(publication.bundle)),
                "cores": os.cpu_count(),
                "load": load,
            }
        )
    )


def run(name: str, env: dict[str, str], ballots: int) -> dict[str, float]:
    """Run the child for one database and return its timings."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--ballots", str(ballots)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    r: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    total = r["close_s"] + r["count_s"] + r["signoff_s"] + r["publish_s"]
    print(
        f"{name:10} ballots {r['ballots']:,} (sealed and stored in {r['fill_s']:.1f} s; "
        f"key file opened in {r['key_s']:.2f} s)\n"
        f"{'':10} close {r['close_s']:.2f} s  count {r['count_s']:.2f} s "
        f"({r['count_cpu_s']:.1f} CPU s)  "
        f"sign off {r['signoff_s']:.2f} s  publish {r['publish_s']:.2f} s  "
        f"total {total:.1f} s = {total / TARGET:.2f} of the {TARGET:.0f} s target  "
        f"(bundle {r['bundle_bytes'] / 1e6:.1f} MB, {r['cores']} cores, "
        f"load average {r['load']:.2f} at the close)",
        flush=True,
    )
    return r


def main() -> None:
    """Time the count acts on each database."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--ballots", type=int, default=500_000)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.ballots)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sqlite"):
            d = Path(tmp) / "sqlite"
            d.mkdir()
            os.environ.pop("DATABASE_URL", None)
            run("SQLite", {"TELLERS_DATA_DIR": str(d)}, args.ballots)
        if args.only in (None, "postgres"):
            import psycopg

            db = f"tellers_bench_count_{os.getpid()}"
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            try:
                d = Path(tmp) / "pg"
                d.mkdir()
                run(
                    "PostgreSQL",
                    {"TELLERS_DATA_DIR": str(d), "DATABASE_URL": f"{PG}/{db}"},
                    args.ballots,
                )
            finally:
                with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
