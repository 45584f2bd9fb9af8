"""Time a 500,000-member roll import (check + accept) on SQLite and on PostgreSQL.

    .venv/bin/python bench/service_roll.py [--rows N] [--only sqlite|postgres]

Each database runs in its own subprocess, because Django reads its settings (the database
among them) from the environment once, at import.  The PostgreSQL case creates a fresh
database on postgresql://postgres@127.0.0.1:5432 and drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 60.0
PG = "postgresql://postgres@127.0.0.1:5432"


def make_csv(path: Path, rows: int, sections: list[str]) -> None:
    """Write a synthetic roll: every row valid except one in a thousand (a bad e-mail)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("membership_number,name,email,section,joined,eligible,weight\n")
        for i in range(rows):
            email = (
                f"member{i}@example"
                if i % 1000 == 999
                else f"member.{i}@branch{i % 97}.example.org"
            )
            f.write(
                f"M{i:07d},Member Number {i},{email},{sections[i % len(sections)]},"
                f"20{10 + i % 10}-0{1 + i % 9}-1{i % 10},yes,{1 + i % 3}\n"
            )


def child(rows: int) -> None:
    """Run one import against the database the environment names; print JSON timings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tellers.service.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tellers.service.elections import actions
    from tellers.service.elections.models import RollEntry
    from tellers.service.elections.roll import accept_roll_upload, upload_roll

    user = User.objects.create_user("bench-organiser", password="x")
    user.groups.add(Group.objects.get(name="Organisers"))
    user = User.objects.get(pk=user.pk)
    org = actions.create_organisation(user, name="Bench", slug="bench")
    election = actions.create_election(
        user, org, title="Bench", slug="bench", rulebook="labour-leader-2020", office="deputy"
    )
    election.eligibility_cutoff = None
    election.save(update_fields=["eligibility_cutoff"])
    path = Path(os.environ["TELLERS_DATA_DIR"]) / "roll.csv"
    make_csv(path, rows, [s["id"] for s in election.sections])
    content = path.read_bytes()
    t0 = time.perf_counter()
    upload = upload_roll(user, election, "roll.csv", content)
    t1 = time.perf_counter()
    imported = accept_roll_upload(user, upload)
    t2 = time.perf_counter()
    assert RollEntry.objects.filter(election=election).count() == imported == upload.rows_accepted
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": len(content),
                "accepted": upload.rows_accepted,
                "rejected": len(upload.rejections),
                "upload_s": t1 - t0,
                "accept_s": t2 - t1,
            }
        )
    )


def run(name: str, env: dict[str, str], rows: int) -> dict[str, float]:
    """Run the child for one database and return its timings."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows)],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    total = result["upload_s"] + result["accept_s"]
    print(
        f"{name:10} rows {result['rows']:,}  rejected {result['rejected']:,}  "
        f"upload+check {result['upload_s']:.1f} s  accept+import {result['accept_s']:.1f} s  "
        f"total {total:.1f} s  = {total / TARGET:.2f} of the {TARGET:.0f} s target"
    )
    return result


def main() -> None:
    """Time the import on each database."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--only", choices=["sqlite", "postgres"])
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "sqlite"):
            d = Path(tmp) / "sqlite"
            d.mkdir()
            env = {"TELLERS_DATA_DIR": str(d)}
            os.environ.pop("DATABASE_URL", None)
            run("SQLite", env, args.rows)
        if args.only in (None, "postgres"):
            import psycopg

            db = f"tellers_bench_roll_{os.getpid()}"
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            try:
                d = Path(tmp) / "pg"
                d.mkdir()
                run(
                    "PostgreSQL",
                    {"TELLERS_DATA_DIR": str(d), "DATABASE_URL": f"{PG}/{db}"},
                    args.rows,
                )
            finally:
                with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
