"""Where a voter's requests spend their time: the six pages, in process, under pyinstrument.

    .venv/bin/python bench/service_profile.py [--voters 200] [--db postgres|sqlite] [--kind cast]
        [--sql]

Sets up the same election as bench/service_load.py (production settings, DEBUG off, a fresh
PostgreSQL database dropped afterwards), then runs ``--voters`` voters one after another through
Django's test client in this process (no gunicorn, no sockets, no concurrency), timing each
request kind with the CPU clock and profiling one kind with pyinstrument (a bench requirement:
``pip install pyinstrument``).  What it prints is the per-request cost a server pays, without
queueing: the floor under the load test's latencies.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

import service_load as load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--voters", type=int, default=200)
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    ap.add_argument(
        "--kind",
        choices=(*load.KINDS, "none"),
        default="cast",
        help="the request kind to profile (its CPU figure then includes the profiler's cost)",
    )
    ap.add_argument(
        "--sql", action="store_true", help="print the SQL statements of the last voter's requests"
    )
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tellers-profile-") as tmp:
        root = Path(tmp)
        with load.database(a.db) as url:
            env = load.production_env(root, url, 0, workers=1, threads=1)
            load.prepare(env)
            setup = load.child(env, "setup", {"voters": a.voters, "out": tmp, "pgbench_roll": 0})
            os.environ.update(env)
            import django

            django.setup()
            from django.db import connection, connections
            from django.test import Client
            from django.test.utils import CaptureQueriesContext
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            cpu: dict[str, list[float]] = {k: [] for k in load.KINDS}
            wall: dict[str, list[float]] = {k: [] for k in load.KINDS}
            queries: dict[str, list[float]] = {k: [] for k in load.KINDS}
            statements: dict[str, list[str]] = {}
            rankings = load.rankings(a.voters)
            # One client (one handler: its middleware, whitenoise's file scan among them, is
            # built once, as in a gunicorn worker); a fresh cookie jar for each voter.
            c = Client(
                enforce_csrf_checks=True,
                HTTP_HOST="127.0.0.1",
                HTTP_X_FORWARDED_PROTO="https",
                HTTP_ORIGIN="https://127.0.0.1",
            )
            c.get("/")
            for i, (token, ranking) in enumerate(zip(setup["tokens"], rankings, strict=True)):
                c.cookies = SimpleCookie()
                addr = load.address(i)

                def step(
                    kind: str, method: str, path: str, data: dict[str, str] | None, addr: str = addr
                ) -> str:
                    c0, w0 = time.process_time(), time.perf_counter()
                    if kind == a.kind:
                        profiler.start()
                    with CaptureQueriesContext(connection) as q:
                        r = (
                            c.post(path, data, HTTP_X_FORWARDED_FOR=addr)
                            if method == "POST"
                            else c.get(path, HTTP_X_FORWARDED_FOR=addr)
                        )
                    if kind == a.kind:
                        profiler.stop()
                    cpu[kind].append((time.process_time() - c0) * 1000)
                    wall[kind].append((time.perf_counter() - w0) * 1000)
                    queries[kind].append(len(q.captured_queries))
                    statements[kind] = [x["sql"] for x in q.captured_queries]
                    assert r.status_code in (200, 303), (kind, r.status_code)
                    return r.content.decode()

                step("link", "GET", f"/vote/{token}/", None)
                page = step("ballot", "GET", "/vote/ballot/", None)
                marks = {f"c{p}": str(i) for i, p in enumerate(ranking, start=1)}
                csrf = load._CSRF.search(page).group(1)  # type: ignore[union-attr]
                step("mark", "POST", "/vote/ballot/", {"csrfmiddlewaretoken": csrf, **marks})
                page = step("review", "GET", "/vote/review/", None)
                csrf = load._CSRF.search(page).group(1)  # type: ignore[union-attr]
                step("cast", "POST", "/vote/review/", {"csrfmiddlewaretoken": csrf})
                step("receipt", "GET", "/vote/receipt/", None)
            connections.close_all()
    if a.sql:
        for k in load.KINDS:
            print(f"-- {k}: {len(statements[k])} statements")
            for sql in statements[k]:
                print(f"   {sql[:300]}")
    print(f"load average {os.getloadavg()}")
    print("| request | CPU ms (median) | wall ms (median) | SQL statements |")
    print("|---|---:|---:|---:|")
    total = [0.0, 0.0, 0.0]
    for k in load.KINDS:
        med = [load.percentile(x[k], 50) for x in (cpu, wall, queries)]
        total = [t + m for t, m in zip(total, med, strict=True)]
        print(f"| {k} | {med[0]:.1f} | {med[1]:.1f} | {med[2]:.0f} |")
    print(f"| **a voter** (sum) | {total[0]:.1f} | {total[1]:.1f} | {total[2]:.0f} |")
    if a.kind != "none":
        print(profiler.output_text(unicode=True, color=False, show_all="SHOW_ALL" in os.environ))


if __name__ == "__main__":
    main()
