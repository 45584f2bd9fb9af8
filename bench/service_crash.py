"""Kill the ballot service under load, again and again, and prove no ballot was lost or doubled.

    .venv/bin/python bench/service_crash.py [--db postgres|sqlite] [--voters N]
        [--concurrency N] [--kills 20] [--db-kills 1] [--seed S] [--json FILE]

The service and its election are set up exactly as in bench/service_load.py (gunicorn with the
production settings on a fresh PostgreSQL database, or on a fresh SQLite file in WAL mode).
Voters then go through the real pages while a killer, at random moments (``--min-gap`` to
``--max-gap`` seconds apart, from ``--seed``), sends SIGKILL to gunicorn's master and every
worker at once and starts it again, ``--kills`` times; on PostgreSQL, halfway through, it also
stops the database server the hard way, gunicorn left running (``pg_ctlcluster 15 main stop
-m immediate``: no shutdown checkpoint, the server's state as after a power cut) and starts it
again.  A voter whose request fails (refused connection, a cut-off response, a 5xx while the
database is down) waits a moment and starts again from their link, as a person would; a voter
whose *cast* got no answer learns from the link whether it went in (the link refuses a spent
credential).

When every voter is done the returning officer closes, counts with the key file and publishes,
and the run proves, from the published bundle alone and the database's roll:

* every receipt a voter was shown is in the published ballot set, beside that voter's ranking;
* the roll's voted-online count equals the number of sealed ballots (nobody marked voted
  without a ballot, no ballot without a voter marked);
* the box holds exactly one ballot per voter who saw a receipt or whose link was spent by a
  cast whose answer was lost (none lost, none counted twice);
* ``tellers verify-result`` on the bundle: the declared result equals a re-count of it.

The exit status is non-zero on any problem.  Not for CI: tests/service/test_crash_smoke.py runs
a small SQLite version (a few voters, two kills).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import service_load as load

PG_CLUSTER = ("15", "main")


def _pg_ctl(action: str, *extra: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, action, *extra],
        check=True,
        timeout=120,
    )


def kill_database() -> float:
    """Stop PostgreSQL with no shutdown checkpoint, start it again; return seconds it was down."""
    t0 = time.monotonic()
    try:
        _pg_ctl("stop", "-m", "immediate")
    finally:
        _pg_ctl("start")  # whatever happens, the database comes back for everyone else
    import psycopg

    while True:
        try:
            with psycopg.connect(load.PG + "/postgres", connect_timeout=2):
                break
        except psycopg.OperationalError:
            time.sleep(0.2)
    return time.monotonic() - t0


async def killer(
    server: load.Server,
    kills: int,
    db_kill_at: set[int],
    rng: random.Random,
    gaps: tuple[float, float],
    done: asyncio.Event,
    log: list[dict[str, Any]],
) -> None:
    """SIGKILL gunicorn ``kills`` times at random moments, restarting it each time.

    Before the app kills numbered in ``db_kill_at`` the database server is stopped the hard
    way instead, with gunicorn left running: transactions in flight lose their server, and
    requests fail until it is back.
    """
    for k in range(1, kills + 1):
        for victim in ("database", "app") if k in db_kill_at else ("app",):
            try:
                await asyncio.wait_for(done.wait(), rng.uniform(*gaps))
                return  # every voter is done: no load left to kill under
            except TimeoutError:
                pass
            entry: dict[str, Any] = {"kill": k, "victim": victim, "at": round(time.monotonic())}
            if victim == "database":
                entry["down_seconds"] = round(await asyncio.to_thread(kill_database), 2)
            else:
                await asyncio.to_thread(server.kill)
                entry["restart_seconds"] = round(await asyncio.to_thread(server.start), 2)
            log.append(entry)
            print(f"kill: {entry}", flush=True)


async def crash_run(
    port: int,
    server: load.Server,
    voters: list[load.Voter],
    concurrency: int,
    stats: load.Stats,
    *,
    kills: int,
    db_kills: int,
    rng: random.Random,
    gaps: tuple[float, float],
    time_limit: float,
) -> tuple[float, list[dict[str, Any]]]:
    done = asyncio.Event()
    log: list[dict[str, Any]] = []
    db_kill_at = {max(1, kills // 2)} if db_kills else set()
    kill_task = asyncio.ensure_future(killer(server, kills, db_kill_at, rng, gaps, done, log))
    wall = await load.run_voters(
        port, voters, concurrency, stats, retry=True, time_limit=time_limit
    )
    done.set()
    await kill_task
    return wall, log


def run(
    *,
    db: str,
    voters: int,
    concurrency: int,
    kills: int,
    db_kills: int,
    seed: int,
    gaps: tuple[float, float] = (0.5, 3.0),
    workers: int = 2,
    threads: int = 8,
    time_limit: float = 1200.0,
) -> dict[str, Any]:
    """Set up, load and kill, count and publish, check; return the findings."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="tellers-crash-") as tmp:
        root = Path(tmp)
        with load.database(db) as url:
            port = load.free_port()
            # Rate limits off: a voter retrying through twenty crashes opens their link more
            # often than the per-link limit allows a person (what is tested is durability).
            env = load.production_env(
                root, url, port, workers=workers, threads=threads, rate_limits=False
            )
            load.prepare(env)
            setup = load.child(env, "setup", {"voters": voters, "out": tmp, "pgbench_roll": 0})
            people = [
                load.Voter(t, r, load.address(i))
                for i, (t, r) in enumerate(
                    zip(setup["tokens"], load.rankings(voters, seed), strict=True)
                )
            ]
            server = load.Server(env, port)
            server.start()
            stats = load.Stats()
            load_before = os.getloadavg()
            try:
                wall, log = asyncio.run(
                    crash_run(
                        port,
                        server,
                        people,
                        concurrency,
                        stats,
                        kills=kills,
                        db_kills=db_kills if db == "postgres" else 0,
                        rng=rng,
                        gaps=gaps,
                        time_limit=time_limit,
                    )
                )
            finally:
                load_after = os.getloadavg()
                server.stop()
            finish = load.child(env, "finish", {"election": setup["election"], "out": tmp})
            problems = load.check_outcome(people, finish)
            cli = subprocess.run(
                [sys.executable, "-m", "tellers", "verify-result", finish["bundle"]],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if cli.returncode != 0:
                problems.append(f"tellers verify-result failed: {cli.stdout}{cli.stderr}")
            without = [p for p in people if not p.receipt and not p.spent]
            problems += [f"a voter never finished: {p.error}" for p in without[:5]]
            if len(without) > 5:
                problems.append(f"... and {len(without) - 5} more voters never finished")
    app_kills = sum(1 for e in log if e["victim"] == "app")
    db_down = [e["down_seconds"] for e in log if e["victim"] == "database"]
    if app_kills < kills:
        problems.append(f"only {app_kills} of {kills} kills happened before the voters finished")
    return {
        "db": db,
        "voters": voters,
        "concurrency": concurrency,
        "workers": workers,
        "threads": threads,
        "seed": seed,
        "app_kills": app_kills,
        "db_kills": len(db_down),
        "database_down_seconds": db_down,
        "restart_seconds_max": max((e.get("restart_seconds", 0) for e in log), default=0),
        "wall_seconds": round(wall, 1),
        "receipts_shown": sum(1 for p in people if p.receipt),
        "receipts_lost_in_crash": sum(1 for p in people if p.spent and not p.receipt),
        "casts_unanswered": sum(p.unknown_casts for p in people),
        "voter_attempts": sum(p.attempts for p in people),
        "roll_voted_online": finish["roll_voted_online"],
        "sealed_ballots": finish["sealed_ballots"],
        "request_errors": stats.errors,
        "verify_result": cli.stdout.strip().splitlines()[-1:] if cli.stdout else [],
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "problems": problems,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    ap.add_argument("--voters", type=int, help="default 1500 (postgres), 400 (sqlite)")
    ap.add_argument("--concurrency", type=int, help="default 200 (postgres), 50 (sqlite)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--db-kills", type=int, default=1, choices=(0, 1))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--min-gap", type=float, default=0.5)
    ap.add_argument("--max-gap", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    pg = a.db == "postgres"
    result = run(
        db=a.db,
        voters=a.voters or (1500 if pg else 400),
        concurrency=a.concurrency or (200 if pg else 50),
        kills=a.kills,
        db_kills=a.db_kills,
        seed=a.seed,
        gaps=(a.min_gap, a.max_gap),
        workers=a.workers,
        threads=a.threads,
    )
    print(json.dumps(result, indent=1))
    if a.json:
        a.json.write_text(json.dumps(result, indent=1) + "\n")
    if result["problems"]:
        sys.exit("PROBLEMS:\n" + "\n".join(result["problems"]))
    print(
        f"OK: {result['app_kills']} SIGKILLs of gunicorn, {result['db_kills']} of the database; "
        f"{result['sealed_ballots']} ballots, every shown receipt published, none lost or doubled"
    )


if __name__ == "__main__":
    main()
