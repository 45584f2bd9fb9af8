"""Load the ballot service: concurrent voters through the real pages, gunicorn on PostgreSQL.

    .venv/bin/python bench/service_load.py [--voters 2000] [--concurrency 200]
        [--workers 2] [--threads 8] [--db postgres|sqlite] [--burst] [--no-pgbench]
        [--json FILE]
    .venv/bin/python bench/service_load.py --floor [--floor-requests 10000]

The service runs as docs/deploy.md has it: ``gunicorn -c python:tellers.service.gunicorn_conf``
with ``TELLERS_DEBUG=0``, the production checks satisfied, static files collected, on a fresh
PostgreSQL database (created on postgresql://postgres@127.0.0.1:5432 and dropped afterwards)
or, with ``--db sqlite``, a fresh SQLite file in WAL mode.  TLS is the proxy's job, so the
driver speaks plain HTTP on loopback with the proxy's ``X-Forwarded-Proto: https`` and
``X-Forwarded-For`` (each voter from an address of their own), one connection per request (as
nginx talks to its upstream by default).  The rate limits stay on, their counters in Redis as
docs/deploy.md asks wherever several processes serve.

The election (five candidates, a roll of ``--voters`` members, the returning officer's key) is
set up by a child process through the same action functions the pages call, and the links are
issued by the real invitation task (to an in-memory outbox).  Then ``--concurrency`` voters at
a time, each with their own cookie jar, do what a person does (demo.py's flow): open the link
(``link``), which redirects to the ballot page (``ballot``); post a random ranking (``mark``),
redirected to the review (``review``); press "Cast my vote" (``cast``), redirected to the
receipt page (``receipt``), whose code they keep.  Every request's latency is recorded by kind.

With ``--burst`` there are exactly ``--concurrency`` voters; each goes as far as the review
page and waits until all are there, and then all cast at once: the cast request's latency
with that many casts in flight together, and the rate the box fills at.

Afterwards the returning officer closes, counts with the key file, signs off and publishes, and
the run checks that every receipt a voter was shown is in the published ballot set beside the
ranking that voter marked, that the roll's voted-online count equals the ballots in the box,
and that the bundle re-counts to its declared result (``verify_bundle``).

Finally ``pgbench`` measures the same database's ceiling for the cast transaction alone, on our
own tables: the four statements ``cast_ballot`` issues (find the roll row by its token hash,
read the election, the conditional UPDATE that spends the credential, the INSERT of a 304-byte
sealed ballot with its receipt), one transaction each, against a second election with a roll
of a million rows, with as many clients as gunicorn holds connections and with 64.

``--floor`` sets up no election: it measures the requests per second this machine serves, with
the same environment, gunicorn config and driver, of a bare WSGI app (``floor_hello.py``), of
the service's whole middleware in front of an empty view (``floor_django.py``) and of the home
page; a voter's six requests can go no faster than six of the second.

The driver is a small asyncio HTTP/1.1 client on raw streams (no dependency, and far less CPU
than a general client: on two cores the driver competes with the server it measures; its CPU
seconds are reported).  Bounded in count (``--voters``) and time (``--time-limit``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PG = "postgresql://postgres@127.0.0.1:5432"
CANDIDATES = ("Ann", "Ben", "Cal", "Dee", "Eve")
PASSPHRASE = "bench passphrase, not secret"
KINDS = ("link", "ballot", "mark", "review", "cast", "receipt")
TARGET_CAST_P99_MS = 100.0
TARGET_CASTS_PER_S = 300.0
PGBENCH_ROLL = 1_000_000
#: The rate limits' shared counters (a Redis database the tests do not use).
CACHE = "redis://127.0.0.1:6379/12"

BENCH = str(Path(__file__).resolve().parent)
_PYTHONPATH = os.environ.get("PYTHONPATH", "")
_TICK = os.sysconf("SC_CLK_TCK")

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_RECEIPT = re.compile(r'class="receipt-code"><code>([^<]+)</code>')


# ---------------------------------------------------------------------------------------------
# The service: a database, the production environment, gunicorn.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(kind: str) -> Iterator[str | None]:
    """Yield a fresh PostgreSQL URL (dropped afterwards), or None for SQLite.

    SQLite's file is the service's default, in the data directory production_env sets.
    """
    if kind == "sqlite":
        yield None
        return
    import psycopg

    name = f"tellers_load_{secrets.token_hex(4)}"
    with psycopg.connect(PG + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        for _ in range(30):  # the server may be restarting after a crash test
            try:
                with psycopg.connect(PG + "/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(1)


def production_env(
    root: Path,
    database_url: str | None,
    port: int,
    *,
    workers: int,
    threads: int,
    rate_limits: bool = True,
) -> dict[str, str]:
    """The environment docs/deploy.md describes (DEBUG off, every production check met).

    The rate limits' counters are shared in Redis, as deploy.md asks wherever more than one
    process serves; the voters come from addresses of their own (``X-Forwarded-For``).
    """
    (root / "data").mkdir(exist_ok=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELLERS_", "CELERY_"))}
    clean.pop("DATABASE_URL", None)
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "tellers.service.settings",
        "TELLERS_DEBUG": "0",
        "TELLERS_SECRET_KEY": secrets.token_urlsafe(50),
        "TELLERS_ALLOWED_HOSTS": "127.0.0.1",
        "TELLERS_BASE_URL": "https://ballot.example.org",
        "TELLERS_BEHIND_PROXY": "1",
        "TELLERS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TELLERS_EMAIL_HOST": "127.0.0.1",
        "TELLERS_EMAIL_PORT": "9",
        "TELLERS_DATA_DIR": str(root / "data"),
        "TELLERS_STATIC_ROOT": str(root / "static"),
        "TELLERS_BIND": f"127.0.0.1:{port}",
        "TELLERS_WORKERS": str(workers),
        "TELLERS_THREADS": str(threads),
        "TELLERS_ACCESS_LOG": str(root / "access.log"),
        "TELLERS_ERROR_LOG": str(root / "error.log"),
        "TELLERS_CACHE_URL": CACHE,
        "TELLERS_RATE_LIMITS": "1" if rate_limits else "0",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(env: dict[str, str]) -> None:
    """Migrate and collect static files (side by side), as a deployment does before gunicorn."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tellers.service", *args, "--no-input"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for args in (["migrate"], ["collectstatic"])
    ]
    for p in procs:
        out, _ = p.communicate(timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"{p.args!r}: {out}")


def child(env: dict[str, str], command: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run ``command`` (setup or finish) in a Django process of its own; return its JSON."""
    r = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", command, json.dumps(args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if r.returncode != 0:
        raise RuntimeError(f"child {command} failed:\n{r.stdout}\n{r.stderr}")
    out: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


class Server:
    """gunicorn in a session of its own, so SIGKILL reaches the master and every worker."""

    def __init__(self, env: dict[str, str], port: int, app: str = "tellers.service.wsgi") -> None:
        self.env, self.port, self.app = env, port, app
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 120.0) -> float:
        """Start gunicorn and wait until it answers; return the seconds that took."""
        t0 = time.monotonic()
        cmd = [sys.executable, "-m", "gunicorn", "-c", "python:tellers.service.gunicorn_conf"]
        threads = int(self.env.get("TELLERS_THREADS", "1"))
        if threads > 1:
            cmd += ["--worker-class", "gthread", "--threads", str(threads)]
        self.proc = subprocess.Popen(
            [*cmd, self.app],
            # The --floor apps are modules beside this script.
            env={**self.env, "PYTHONPATH": os.pathsep.join(filter(None, (BENCH, _PYTHONPATH)))},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.starts += 1
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    s.sendall(
                        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                    if s.recv(12).startswith(b"HTTP/1.1 200"):
                        return time.monotonic() - t0
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"gunicorn did not answer within {timeout} s")
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by gunicorn's master and its living workers."""
        return 0.0 if self.proc is None else session_cpu(self.proc.pid)

    def kill(self) -> None:
        """SIGKILL the master and all its workers at once, and reap the master."""
        assert self.proc is not None
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


# ---------------------------------------------------------------------------------------------
# The voters.


class Refused(Exception):
    """The service answered a voter with something other than the next page of the flow."""

    def __init__(self, kind: str, status: int, detail: str = "") -> None:
        super().__init__(f"{kind}: HTTP {status} {detail}".strip())
        self.kind, self.status = kind, status


@dataclass
class Stats:
    """Latencies (ms) by request kind, and failures by kind and cause."""

    ms: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def http(
    port: int,
    method: str,
    path: str,
    cookies: dict[str, str],
    form: dict[str, str] | None = None,
    *,
    timeout: float = 60.0,
    address: str = "192.0.2.1",
) -> tuple[int, dict[str, str], str]:
    """One request on its own connection; update ``cookies``; return status, headers, body.

    The headers are the TLS proxy's: ``X-Forwarded-Proto: https`` and the voter's address.
    """
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https"]
    lines.append(f"X-Forwarded-For: {address}")
    lines.append("Connection: close")
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    data = b""
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        lines += [
            "Origin: https://127.0.0.1",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(data)}",
        ]

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
            return await reader.read()
        finally:
            writer.close()

    raw = await asyncio.wait_for(exchange(), timeout)
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ConnectionError("connection closed before a whole response")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    for h in header_lines:
        name, _, value = h.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            k, _, v = value.split(";", 1)[0].partition("=")
            if v and "max-age=0" not in value.lower():
                cookies[k] = v
            else:
                cookies.pop(k, None)
        else:
            headers[name] = value
    length = headers.get("content-length")
    if length is not None and len(body) < int(length):
        raise ConnectionError("connection closed mid-body")
    return status, headers, body.decode("utf-8", "replace")


@dataclass
class Voter:
    """One member: their link, the ranking they mean to cast, and what became of it."""

    token: str
    ranking: list[int]
    #: Where this voter connects from (a private address of their own).
    address: str = "192.0.2.1"
    receipt: str | None = None
    #: A cast request was sent and its answer never came (the server died, or timed out).
    unknown_casts: int = 0
    #: The link was refused after an unknown cast: the ballot went in, the receipt was lost.
    spent: bool = False
    attempts: int = 0
    error: str = ""


async def vote(
    port: int,
    voter: Voter,
    stats: Stats,
    *,
    gate: asyncio.Event | None = None,
    arrived: list[int] | None = None,
    timeout: float = 60.0,
) -> None:
    """Be one voter, once through the flow; raise on anything unexpected."""
    cookies: dict[str, str] = {}

    async def step(
        kind: str, method: str, path: str, form: dict[str, str] | None, expect: int
    ) -> tuple[dict[str, str], str]:
        t0 = time.perf_counter()
        try:
            status, headers, body = await http(
                port, method, path, cookies, form, timeout=timeout, address=voter.address
            )
        except (TimeoutError, OSError, ValueError, IndexError) as e:
            stats.error(f"{kind}: {type(e).__name__}")
            raise
        stats.ms[kind].append((time.perf_counter() - t0) * 1000)
        if status != expect:
            stats.error(f"{kind}: HTTP {status}")
            raise Refused(kind, status, body[-300:] if status >= 429 else "")
        return headers, body

    def csrf(page: str) -> str:
        m = _CSRF.search(page)
        if m is None:
            raise Refused("csrf", 0, "no CSRF token on the page")
        return m.group(1)

    try:
        await step("link", "GET", f"/vote/{voter.token}/", None, 303)
    except Refused as e:
        if e.status == 404 and voter.unknown_casts:
            voter.spent = True  # the earlier cast committed; its answer was lost
            return
        raise
    _, page = await step("ballot", "GET", "/vote/ballot/", None, 200)
    marks = {f"c{p}": str(i) for i, p in enumerate(voter.ranking, start=1)}
    await step("mark", "POST", "/vote/ballot/", {"csrfmiddlewaretoken": csrf(page), **marks}, 303)
    _, page = await step("review", "GET", "/vote/review/", None, 200)
    token = csrf(page)
    if gate is not None and arrived is not None:
        arrived[0] += 1
        await gate.wait()
    try:
        await step("cast", "POST", "/vote/review/", {"csrfmiddlewaretoken": token}, 303)
    except Refused as e:
        if e.status < 500:
            raise
        voter.unknown_casts += 1  # a 5xx may come after the commit (the database restarting)
        raise
    except Exception:
        voter.unknown_casts += 1
        raise
    # The cast is in; the receipt cookie is in the jar.  Read the receipt page until it answers.
    for _ in range(100):
        try:
            _, page = await step("receipt", "GET", "/vote/receipt/", None, 200)
        except (TimeoutError, OSError, Refused, ValueError):
            await asyncio.sleep(0.5)
            continue
        m = _RECEIPT.search(page)
        if m is None:
            raise Refused("receipt", 200, "no receipt code on the receipt page")
        voter.receipt = m.group(1)
        return
    raise Refused("receipt", 0, "the receipt page never answered")


async def run_voters(
    port: int,
    voters: list[Voter],
    concurrency: int,
    stats: Stats,
    *,
    retry: bool = False,
    burst: bool = False,
    time_limit: float = 600.0,
) -> float:
    """Run every voter, ``concurrency`` at a time; return the wall-clock seconds taken.

    With ``retry`` a voter whose flow fails (the server killed, the database down) starts again
    from the link after a short pause, as a person would, until they have a receipt or their
    link is refused after a cast whose answer was lost.
    """
    sem = asyncio.Semaphore(concurrency)
    gate = asyncio.Event() if burst else None
    arrived = [0]
    deadline = time.monotonic() + time_limit
    rng = random.Random(7)

    async def one(v: Voter) -> None:
        async with sem:
            while time.monotonic() < deadline:
                v.attempts += 1
                try:
                    await vote(port, v, stats, gate=gate, arrived=arrived)
                    return
                except Exception as e:  # every failure is a voter's failure
                    v.error = f"{type(e).__name__}: {e}"[:300]
                    if not retry:
                        return
                    await asyncio.sleep(0.2 + rng.random())
            v.error = v.error or "time limit"

    async def release() -> None:
        assert gate is not None
        while arrived[0] < len(voters) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        gate.set()

    t0 = time.perf_counter()
    tasks = [asyncio.ensure_future(one(v)) for v in voters]
    if burst:
        await release()
        t0 = time.perf_counter()
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0


def address(i: int) -> str:
    """A distinct private address for voter ``i``."""
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def rankings(n: int, seed: int = 13) -> list[list[int]]:
    """Random rankings of the five candidates' positions (popular ones first more often)."""
    rng = random.Random(seed)
    weights = [5, 4, 3, 2, 1]
    out = []
    for _ in range(n):
        order = list(range(len(CANDIDATES)))
        order.sort(key=lambda c: -(rng.random() ** (1 / weights[c])))
        out.append(order[: rng.randint(1, len(order))])
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def summary(stats: Stats) -> dict[str, dict[str, float]]:
    return {
        k: {
            "n": len(v),
            "p50": round(percentile(v, 50), 1),
            "p95": round(percentile(v, 95), 1),
            "p99": round(percentile(v, 99), 1),
            "max": round(max(v), 1) if v else float("nan"),
        }
        for k, v in stats.ms.items()
    }


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _procs() -> Iterator[tuple[int, list[str]]]:
    """Each process's id and its /proc/PID/stat fields after the command name."""
    for d in os.listdir("/proc"):
        if d.isdigit():
            with suppress(OSError):
                stat = Path(f"/proc/{d}/stat").read_text()
                yield int(d), stat.rpartition(")")[2].split()


def session_cpu(sid: int) -> float:
    """CPU seconds (user + system) of the living processes in session ``sid``."""
    # After the command name: state, ppid, pgrp, session, ..., utime (11), stime (12).
    ticks = sum(int(f[11]) + int(f[12]) for _, f in _procs() if int(f[3]) == sid)
    return ticks / _TICK


def postgres_cpu(dbname: str) -> float:
    """CPU seconds of the living PostgreSQL backends connected to ``dbname``.

    A backend's command line names its database ("postgres: [CLUSTER:] USER DB HOST(PORT)
    STATE"); the app's connections persist (CONN_MAX_AGE), so read before gunicorn stops they
    hold the run's whole share of PostgreSQL's CPU (less its background and WAL writers').
    """
    ticks = 0
    for pid, f in _procs():
        with suppress(OSError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
            if cmd[:1] == [b"postgres:"] and dbname.encode() in cmd[1:4]:
                ticks += int(f[11]) + int(f[12])
    return ticks / _TICK


# ---------------------------------------------------------------------------------------------
# The election's life around the load: set up before, counted and checked after.


def setup_election(voters: int, out: Path, pgbench_roll: int) -> dict[str, Any]:
    """Child: users, an election with its roll and key, opened, links issued to an outbox."""
    os.environ["TELLERS_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core import mail
    from django.db import connection

    from tellers.service.ballots.sealing import new_key_file
    from tellers.service.elections import actions
    from tellers.service.elections.models import Election, RollEntry
    from tellers.service.tasks import send_invitations

    def user(name: str, group: str) -> Any:
        u = User.objects.create_user(name, password=secrets.token_urlsafe(12))
        u.groups.add(Group.objects.get(name=group))
        return User.objects.get(pk=u.pk)

    organiser = user("bench-organiser", "Organisers")
    officer = user("bench-officer", "Returning officers")
    scrutineer = user("bench-scrutineer", "Scrutineers")
    org = actions.create_organisation(organiser, name="Bench Union", slug="bench")

    def election(slug: str, members: int) -> Election:
        e = actions.create_election(
            organiser, org, title=f"Load ({slug})", slug=slug, rulebook="labour-leader-2020",
            office="deputy",
        )  # fmt: skip
        actions.appoint(organiser, e, officer, "returning_officer")
        actions.appoint(organiser, e, scrutineer, "scrutineer")
        for name in CANDIDATES:
            actions.add_candidate(organiser, e, name=name, statement=f"{name} will serve.")
        section = e.sections[0]["id"]
        RollEntry.objects.bulk_create(
            (
                RollEntry(
                    election=e,
                    membership_number=f"M{i:07d}",
                    name=f"Member {i}",
                    email=f"member{i}@example.org",
                    section=section,
                )
                for i in range(members)
            ),
            batch_size=5000,
        )
        return e

    e = election("load", voters)
    public = new_key_file(out / "election.key", PASSPHRASE, label="bench")
    actions.set_public_key(officer, e, public)
    actions.open_ballot(officer, e)
    mail.outbox = []
    send_invitations.apply(args=(e.pk,))
    tokens = [m.body.split("/vote/")[1].split("/")[0] for m in mail.outbox]

    bench_id = None
    if pgbench_roll:
        # A second election for pgbench: its roll carries known token hashes to spend.
        b = election("pgbench", 0)
        section = b.sections[0]["id"]
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO elections_rollentry (election_id, membership_number, name, email,
                    section, weight, token_hash, paper_issued, invite_status, invite_error,
                    reminders_sent, links_issued)
                SELECT %s, 'P' || i, 'Member ' || i, 'p' || i || '@example.org', %s, 1,
                    md5(i::text) || md5(i::text), false, 'sent', '', 0, 1
                FROM generate_series(1, %s) AS i
                """,
                [b.pk, section, pgbench_roll],
            )
            cur.execute("ANALYZE")
        actions.set_public_key(officer, b, public)
        actions.open_ballot(officer, b)
        bench_id = b.pk
    return {"election": e.pk, "tokens": tokens, "pgbench_election": bench_id}


def finish_election(election_id: int, out: Path) -> dict[str, Any]:
    """Child: close, count with the key file, sign off, publish; write the bundle; report."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    from tellers.service.ballots.models import SealedBallot
    from tellers.service.ballots.sealing import read_key_file
    from tellers.service.elections.models import Election, RollEntry
    from tellers.service.publication import actions as publication
    from tellers.service.publication.verify import verify_bundle

    officer = User.objects.get(username="bench-officer")
    scrutineer = User.objects.get(username="bench-scrutineer")
    election = Election.objects.get(pk=election_id)
    before = {
        "roll_voted_online": RollEntry.objects.filter(election=election, voted="online").count(),
        "sealed_ballots": SealedBallot.objects.filter(election=election).count(),
    }
    publication.close_ballot(officer, election)
    election.refresh_from_db()
    key = read_key_file((out / "election.key").read_bytes(), PASSPHRASE)
    t0 = time.perf_counter()
    publication.count_election(officer, election, key, seed=1)
    count_s = time.perf_counter() - t0
    election.refresh_from_db()
    publication.sign_off(officer, election)
    election.refresh_from_db()
    if election.scrutineer_signs:
        publication.sign_off(scrutineer, election)
        election.refresh_from_db()
    pub = publication.publish(officer, election)
    bundle = out / "bundle.zip"
    bundle.write_bytes(bytes(pub.bundle))
    return {
        **before,
        "roll_voted_online_after": RollEntry.objects.filter(
            election=election, voted="online"
        ).count(),
        "roll_size": RollEntry.objects.filter(election=election).count(),
        # Rows in the database's session table (none where sessions live in the cache).
        "session_rows": Session.objects.count(),
        "count_seconds": round(count_s, 2),
        "bundle": str(bundle),
        "problems": verify_bundle(bundle),
    }


def published_ballots(bundle: Path) -> dict[str, tuple[int, ...]]:
    """Read the bundle's ballot set: receipt → ranking (0-based positions), as published."""
    import zipfile

    blt = zipfile.ZipFile(bundle).read("bundle/ballots.blt").decode()
    out: dict[str, tuple[int, ...]] = {}
    receipt = None
    for line in blt.splitlines():
        m = re.match(r"^#\s*receipt\s+(\S+)\s*$", line)
        if m:
            receipt = m.group(1)
        elif receipt is not None and line and not line.startswith("#"):
            _weight, *prefs = line.split()
            if receipt in out:
                raise ValueError(f"receipt {receipt} appears twice in the ballot set")
            out[receipt] = tuple(int(p) - 1 for p in prefs[:-1])
            receipt = None
    return out


def check_outcome(voters: list[Voter], finish: dict[str, Any]) -> list[str]:
    """Every way the published box could disagree with what voters saw; empty when none."""
    problems = list(finish["problems"])
    box = published_ballots(Path(finish["bundle"]))
    shown = [v for v in voters if v.receipt]
    spent = [v for v in voters if v.spent and not v.receipt]
    if finish["roll_voted_online"] != finish["sealed_ballots"]:
        problems.append(
            f"roll says {finish['roll_voted_online']} voted online, "
            f"the box holds {finish['sealed_ballots']} ballots"
        )
    if len(box) != finish["sealed_ballots"]:
        problems.append(f"bundle has {len(box)} ballots, the box held {finish['sealed_ballots']}")
    for v in shown:
        assert v.receipt is not None
        if v.receipt not in box:
            problems.append(f"receipt {v.receipt} was shown to a voter but is not published")
        elif box[v.receipt] != tuple(v.ranking):
            problems.append(f"receipt {v.receipt}: published ranking is not the voter's")
    if len({v.receipt for v in shown}) != len(shown):
        problems.append("two voters were shown the same receipt")
    if len(box) != len(shown) + len(spent):
        problems.append(
            f"the box holds {len(box)} ballots but {len(shown)} voters saw a receipt and "
            f"{len(spent)} lost theirs in a crash (a ballot lost or counted twice)"
        )
    # A voter whose cast went in without a receipt must have one ballot whose ranking is theirs.
    unclaimed = [r for r in box.values()]
    for v in shown:
        if v.receipt in box:
            unclaimed.remove(box[v.receipt])
    for v in spent:
        if tuple(v.ranking) in unclaimed:
            unclaimed.remove(tuple(v.ranking))
        else:
            problems.append("a voter's lost-receipt cast has no matching ballot in the box")
    return problems


# ---------------------------------------------------------------------------------------------
# pgbench: the database's ceiling for the cast transaction alone.


PGBENCH_SCRIPT = """\
\\set i random(1, {roll})
BEGIN;
SELECT id, weight FROM elections_rollentry WHERE election_id = {e} AND token_hash = md5(:i::text) || md5(:i::text) AND voted IS NULL ORDER BY id LIMIT 1;
SELECT id, state, closes_at, public_key FROM elections_election WHERE id = {e} LIMIT 21;
UPDATE elections_rollentry SET voted = 'online', token_hash = NULL WHERE election_id = {e} AND token_hash = md5(:i::text) || md5(:i::text) AND voted IS NULL AND election_id IN (SELECT U0.id FROM elections_election U0 WHERE U0.id = {e} AND U0.state = 'open');
INSERT INTO ballots_sealedballot (id, election_id, sealed, receipt) VALUES (gen_random_uuid(), {e}, decode(repeat(md5(random()::text), 19), 'hex'), md5(random()::text));
END;
"""  # noqa: E501


def pgbench(database_url: str, election_id: int, clients: int, seconds: int) -> dict[str, Any]:
    """Run the cast transaction alone in pgbench; return tps and latency figures."""
    exe = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "cast.sql"
        script.write_text(PGBENCH_SCRIPT.format(roll=PGBENCH_ROLL, e=election_id))
        log_prefix = Path(tmp) / "lat"
        r = subprocess.run(
            [exe, "-n", "-f", str(script), "-c", str(clients), "-j", "2", "-T", str(seconds),
             "-l", "--log-prefix", str(log_prefix), database_url],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )  # fmt: skip
        if r.returncode != 0:
            raise RuntimeError(f"pgbench: {r.stdout}\n{r.stderr}")
        lat: list[float] = []
        for f in Path(tmp).glob("lat*"):
            for line in f.read_text().splitlines():
                parts = line.split()
                lat.append(int(parts[2]) / 1000)  # microseconds → ms
    tps = float(re.search(r"tps = ([\d.]+)", r.stdout).group(1))  # type: ignore[union-attr]
    return {
        "clients": clients,
        "seconds": seconds,
        "tps": round(tps),
        "p50": round(percentile(lat, 50), 1),
        "p95": round(percentile(lat, 95), 1),
        "p99": round(percentile(lat, 99), 1),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


# ---------------------------------------------------------------------------------------------
# --floor: the most this machine serves of any request, with the same gunicorn and driver.

#: (name, WSGI app for gunicorn, path): a bare WSGI app; the service's whole middleware in front
#: of a view that does nothing; the service's cheapest real page (home: one small template).
FLOOR_TARGETS = (
    ("bare WSGI hello", "floor_hello:application", "/"),
    ("Django, full middleware, empty view", "floor_django:application", "/floor/"),
    ("the service's home page", "tellers.service.wsgi", "/"),
)


async def hammer(
    port: int, path: str, total: int, concurrency: int, time_limit: float
) -> tuple[float, list[float], dict[str, int]]:
    """GET ``path`` ``total`` times, ``concurrency`` at once; wall seconds, latencies, errors."""
    sem = asyncio.Semaphore(concurrency)
    ms: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + time_limit

    async def one(i: int) -> None:
        async with sem:
            if time.monotonic() > deadline:
                errors["time limit"] = errors.get("time limit", 0) + 1
                return
            t0 = time.perf_counter()
            try:
                status, _, _ = await http(port, "GET", path, {}, address=address(i))
            except (TimeoutError, OSError, ValueError, IndexError) as e:
                errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                return
            if status != 200:
                errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
                return
            ms.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(total)))
    return time.perf_counter() - t0, ms, errors


def floor(a: argparse.Namespace) -> dict[str, Any]:
    """Requests per second of each FLOOR_TARGETS app under the service's gunicorn config."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="tellers-floor-") as tmp:
        root = Path(tmp)
        with database(a.db) as url:
            port = free_port()
            env = production_env(root, url, port, workers=a.workers, threads=a.threads)
            prepare(env)
            for name, app, path in FLOOR_TARGETS:
                server = Server(env, port, app=app)
                server.start()
                try:
                    # Warm every worker and thread (imports, connections, template cache).
                    asyncio.run(hammer(port, path, 200, a.concurrency, a.time_limit))
                    load_before = os.getloadavg()
                    cpu0, srv0 = cpu_seconds(), server.cpu_seconds()
                    wall, ms, errors = asyncio.run(
                        hammer(port, path, a.floor_requests, a.concurrency, a.time_limit)
                    )
                    server_cpu = server.cpu_seconds() - srv0
                    driver_cpu = cpu_seconds() - cpu0
                    load_after = os.getloadavg()
                finally:
                    server.stop()
                results.append(
                    {
                        "target": name,
                        "app": app,
                        "path": path,
                        "requests": len(ms),
                        "errors": errors,
                        "wall_seconds": round(wall, 2),
                        "requests_per_second": round(len(ms) / wall, 1),
                        "p50": round(percentile(ms, 50), 1),
                        "p99": round(percentile(ms, 99), 1),
                        "server_cpu_ms_per_request": round(server_cpu * 1000 / max(len(ms), 1), 2),
                        "driver_cpu_ms_per_request": round(driver_cpu * 1000 / max(len(ms), 1), 2),
                        "load_before": [round(x, 2) for x in load_before],
                        "load_after": [round(x, 2) for x in load_after],
                    }
                )
                print(json.dumps(results[-1]), flush=True)
    django = results[1]["requests_per_second"]
    return {
        "concurrency": a.concurrency,
        "workers": a.workers,
        "threads": a.threads,
        "targets": results,
        # A voter is six requests: with zero work in each, no more voters a second than this.
        "voters_per_second_ceiling": round(django / len(KINDS), 1),
        "bare_wsgi_voters_per_second_ceiling": round(
            results[0]["requests_per_second"] / len(KINDS), 1
        ),
    }


def floor_table(r: dict[str, Any]) -> str:
    rows = [
        "| target | requests/s | p50 ms | p99 ms | gunicorn CPU ms/req | driver CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in r["targets"]:
        rows.append(
            f"| {t['target']} | {t['requests_per_second']} | {t['p50']} | {t['p99']} | "
            f"{t['server_cpu_ms_per_request']} | {t['driver_cpu_ms_per_request']} |"
        )
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------


def table(s: dict[str, dict[str, float]]) -> str:
    rows = ["| request | n | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for k, v in s.items():
        rows.append(f"| {k} | {v['n']} | {v['p50']} | {v['p95']} | {v['p99']} | {v['max']} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--voters", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--threads", type=int, default=8, help="threads per worker (gthread if > 1)")
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    ap.add_argument("--burst", action="store_true", help="all voters cast at the same moment")
    ap.add_argument("--no-pgbench", action="store_true")
    ap.add_argument("--pgbench-seconds", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=900.0)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--floor",
        action="store_true",
        help="no voters: requests/s of a bare WSGI app, of the service's middleware around an "
        "empty view, and of the home page, under the same gunicorn and driver",
    )
    ap.add_argument("--floor-requests", type=int, default=10_000)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        command, args = a.child[0], json.loads(a.child[1])
        if command == "setup":
            result = setup_election(args["voters"], Path(args["out"]), args["pgbench_roll"])
        else:
            result = finish_election(args["election"], Path(args["out"]))
        print(json.dumps(result))
        return
    if a.floor:
        r = floor(a)
        print(floor_table(r))
        print(
            f"six requests a voter: at most {r['voters_per_second_ceiling']} voters/s through the "
            f"service's middleware with no work at all ({r['bare_wsgi_voters_per_second_ceiling']}"
            f" through a bare WSGI app); target {TARGET_CASTS_PER_S:.0f}"
        )
        if a.json:
            a.json.write_text(json.dumps(r, indent=1) + "\n")
        return
    if a.burst:
        a.voters = a.concurrency

    with tempfile.TemporaryDirectory(prefix="tellers-load-") as tmp:
        root = Path(tmp)
        with database(a.db) as url:
            port = free_port()
            env = production_env(root, url, port, workers=a.workers, threads=a.threads)
            t0 = time.perf_counter()
            prepare(env)
            with_pgbench = a.db == "postgres" and not a.no_pgbench
            setup = child(
                env,
                "setup",
                {
                    "voters": a.voters,
                    "out": str(root),
                    "pgbench_roll": PGBENCH_ROLL if with_pgbench else 0,
                },
            )
            print(f"set up {a.voters} voters in {time.perf_counter() - t0:.1f} s", flush=True)
            pairs = zip(setup["tokens"], rankings(a.voters), strict=True)
            voters = [Voter(t, r, address(i)) for i, (t, r) in enumerate(pairs)]
            server = Server(env, port)
            server.start()
            stats = Stats()
            dbname = url.rpartition("/")[2] if url else ""
            load_before = os.getloadavg()
            cpu0, srv0 = cpu_seconds(), server.cpu_seconds()
            pg0 = postgres_cpu(dbname) if url else 0.0
            try:
                wall = asyncio.run(
                    run_voters(
                        port, voters, a.concurrency, stats, burst=a.burst, time_limit=a.time_limit
                    )
                )
            finally:
                load_after = os.getloadavg()
                server_cpu = server.cpu_seconds() - srv0
                pg_cpu = postgres_cpu(dbname) - pg0 if url else float("nan")
                server.stop()
            driver_cpu = cpu_seconds() - cpu0
            cast = len(stats.ms["cast"])
            failed = [v.error for v in voters if not v.receipt]
            print(table(summary(stats)), flush=True)
            if failed:
                print(f"{len(failed)} voters failed: {sorted(set(failed))[:5]}", flush=True)
            finish = child(env, "finish", {"election": setup["election"], "out": str(root)})
            problems = check_outcome(voters, finish)
            ceiling = []
            if with_pgbench:
                # 16 connections is what the app holds (2 workers x 8 threads); 64 shows the
                # curve (the server's max_connections is 100, so 200 clients cannot connect).
                for clients in (a.workers * a.threads, 64):
                    ceiling.append(
                        pgbench(str(url), setup["pgbench_election"], clients, a.pgbench_seconds)
                    )
        result = {
            "db": a.db,
            "voters": a.voters,
            "concurrency": a.concurrency,
            "workers": a.workers,
            "threads": a.threads,
            "burst": a.burst,
            "wall_seconds": round(wall, 2),
            "casts": cast,
            "casts_per_second": round(cast / wall, 1),
            "voters_failed": len(failed),
            "failures": sorted(set(failed))[:5],
            "errors": stats.errors,
            "driver_cpu_seconds": round(driver_cpu, 1),
            # CPU per ballot cast: gunicorn (master and workers) and PostgreSQL's backends.
            "server_cpu_seconds": round(server_cpu, 1),
            "postgres_cpu_seconds": round(pg_cpu, 1),
            "cpu_ms_per_voter": {
                "gunicorn": round(server_cpu * 1000 / max(cast, 1), 1),
                "postgres": round(pg_cpu * 1000 / max(cast, 1), 1),
                "driver": round(driver_cpu * 1000 / max(cast, 1), 1),
            },
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
            "latency_ms": summary(stats),
            "count_seconds": finish["count_seconds"],
            "session_rows": finish["session_rows"],
            "problems": problems,
            "pgbench": ceiling,
        }
    print(json.dumps({k: v for k, v in result.items() if k != "latency_ms"}, indent=1))
    p99 = result["latency_ms"]["cast"]["p99"]
    print(
        f"cast p99 {p99} ms (target ≤ {TARGET_CAST_P99_MS:.0f}); "
        f"{result['casts_per_second']} casts/s (target ≥ {TARGET_CASTS_PER_S:.0f})"
    )
    if a.json:
        a.json.write_text(json.dumps(result, indent=1) + "\n")
    if problems:
        sys.exit("PROBLEMS:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
