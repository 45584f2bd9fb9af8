"""The demo election: a whole ballot, from roll to published result, on the embedded default.

``tellers demo`` sets up a Labour-deputy-style election from the shipped 2020 rulebook, imports
a roll of synthetic members through the same validation report an organiser reads (with a few
bad rows, so the report has something to say), e-mails every member a link (to an in-memory
outbox), and then has each voting member open their link and cast a ranked ballot **through
the service's real HTTP pages** — CSRF tokens, sessions, the review step and the receipt —
served by a WSGI server on a free loopback port.  The returning officer then closes, counts with
the key file the demo made, signs off, and publishes; the published files are written out and
checked with :func:`~tellers.service.publication.verify.verify_bundle`, as anyone would.

The members' preferences are drawn from the reconstruction of the 2020 deputy ballot shipped
with tellers (``tellers/rules/demo/labour-deputy-2020.blt``), in proportion, so the result
looks like the real one: Rayner elected in the third round.

Nothing here is a shortcut around the service: every act is the action function a page calls,
under the role a person would hold, and it all lands in the audit chain.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
import re
import secrets
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

__all__ = ["SEED", "DemoError", "DemoResult", "run_demo"]

#: The real candidates behind the reconstruction's surnames, in the BLT file's order.
FULL_NAMES = {
    "Rayner": "Angela Rayner",
    "Burgon": "Richard Burgon",
    "Allin-Khan": "Rosena Allin-Khan",
    "Murray": "Ian Murray",
    "Butler": "Dawn Butler",
}
_FIRST = "Aisha Ben Cara Dev Ella Finn Gita Hugo Iris Jack Kofi Lena Mo Nia Owen Priya Rhys Sian"
_LAST = "Ahmed Brown Davies Evans Hughes Jones Khan Lewis Morgan Patel Roberts Smith Taylor Walsh"
#: Each section's share of the roll (the 2020 electorate was mostly members).
_SECTIONS = (0.80, 0.15, 0.05)
#: The seed for any tie decided by lot, published in the result (small demos do tie).
SEED = 2020
#: The share of members who vote (2020's deputy turnout was about 63%; a demo can be keener).
TURNOUT = 0.75


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo made, for the command line to print."""

    organisation_slug: str
    election_slug: str
    election_id: int
    members: int
    rejected: list[str]
    voted: int
    result_text: str
    files: dict[str, Path]
    key_file: Path
    passphrase: str
    logins: dict[str, str]
    problems: list[str]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing per request: the demo shows a progress bar instead."""


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def _serving() -> Iterator[str]:
    """Serve the Django project on a free loopback port; yield its base URL.

    The rate limits are off while it serves: every demo voter comes from 127.0.0.1, faster
    than the per-address limit on voting links allows any one address.
    """
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    limits = getattr(settings, "RATELIMIT_ENABLE", True)
    settings.RATELIMIT_ENABLE = False
    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        settings.RATELIMIT_ENABLE = limits


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_RECEIPT = re.compile(r'class="receipt-code"><code>([^<]+)</code>')


class DemoError(RuntimeError):
    """The service did not answer a demo voter as it should have."""


def _vote(base: str, token: str, fields: dict[str, str]) -> str:
    """Be one voter: open the link, mark the paper, review, cast; return the receipt code."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def fetch(path: str, body: bytes | None = None) -> tuple[str, str]:
        try:
            with opener.open(base + path, data=body, timeout=60) as r:
                return r.geturl(), r.read().decode()
        except OSError as e:  # urllib's errors, a refused connection or a timeout
            shown = "/vote/<token>/" if token in path else path
            raise DemoError(f"{'POST' if body else 'GET'} {shown}: {e}") from None

    def get(path: str) -> tuple[str, str]:
        return fetch(path)

    def post(path: str, data: dict[str, str], page: str) -> tuple[str, str]:
        m = _CSRF.search(page)
        if m is None:
            raise DemoError(f"no CSRF token on {path}")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": m.group(1), **data}).encode()
        return fetch(path, body)

    url, page = get(f"/vote/{token}/")
    if not url.endswith("/vote/ballot/"):
        raise DemoError(f"the link led to {url}, not the ballot")
    url, page = post("/vote/ballot/", fields, page)
    if not url.endswith("/vote/review/"):
        raise DemoError(f"the marked ballot led to {url}, not the review")
    url, page = post("/vote/review/", {}, page)
    m = _RECEIPT.search(page)
    if not url.endswith("/vote/receipt/") or m is None:
        raise DemoError(f"casting led to {url} without a receipt code")
    return html.unescape(m.group(1))


def _apportion(weights: Sequence[int], n: int) -> list[int]:
    """Split ``n`` ballots among rankings in proportion to ``weights`` (largest remainder)."""
    total = sum(weights)
    quotas = [w * n for w in weights]
    counts = [q // total for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] % total), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _roll_csv(members: int, sections: Sequence[str], cutoff: dt.date | None) -> bytes:
    """A synthetic roll, with three rows an organiser's report should reject."""
    rng = random.Random(2020)
    first, last = _FIRST.split(), _LAST.split()
    joined_before = cutoff or dt.date(2020, 1, 20)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["membership_number", "name", "email", "section", "joined"])
    bounds = [round(sum(_SECTIONS[: i + 1]) * members) for i in range(len(_SECTIONS))]
    for i in range(members):
        section = sections[min(next(k for k, b in enumerate(bounds) if i < b), len(sections) - 1)]
        joined = joined_before - dt.timedelta(days=rng.randrange(1, 20 * 365))
        name = f"{rng.choice(first)} {rng.choice(last)}"
        w.writerow([f"L{i + 1:06d}", name, f"member{i + 1}@example.org", section, joined])
    # The kinds of row every real roll has a few of.
    w.writerow(["L000001", "Duplicate Number", "dup@example.org", sections[0], "2019-05-01"])
    w.writerow([f"L{members + 1:06d}", "No Address", "not-an-address", sections[0], "2019-05-01"])
    late = (joined_before + dt.timedelta(days=10)).isoformat()
    w.writerow([f"L{members + 2:06d}", "Too Late", "late@example.org", sections[0], late])
    return out.getvalue().encode()


def _user(username: str, group: str, password: str) -> Any:
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh, so the permission cache sees the group


def run_demo(
    *,
    members: int = 2000,
    out_dir: Path,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 4,
) -> DemoResult:
    """Run the demo election to a published result; return what it made.

    ``progress(done, total)`` is called as ballots are cast.  Django must be set up already
    (``tellers.service.setup()``), with the database migrated.
    """
    from django.core import mail

    import tellers
    from tellers.rules.replays import demo_path

    from .ballots.sealing import new_key_file, read_key_file
    from .elections import actions
    from .elections.models import Election, Organisation
    from .elections.roll import accept_roll_upload, upload_roll
    from .publication import actions as publication
    from .publication.verify import verify_bundle
    from .tasks import send_invitations

    if members < 10:
        raise ValueError("the demo needs at least 10 members")
    password = secrets.token_urlsafe(9)
    organiser = _user("organiser", "Organisers", password)
    officer = _user("returning-officer", "Returning officers", password)
    scrutineer = _user("scrutineer", "Scrutineers", password)
    logins = {u.username: password for u in (organiser, officer, scrutineer)}

    org = Organisation.objects.filter(slug="demo-labour").first()
    if org is None:
        org = actions.create_organisation(organiser, name="Demo Labour Party", slug="demo-labour")
    n = Election.objects.filter(organisation=org).count() + 1
    slug = "deputy-leader" if n == 1 else f"deputy-leader-{n}"
    election = actions.create_election(
        organiser,
        org,
        title="Deputy Leader (demo)" if n == 1 else f"Deputy Leader (demo {n})",
        slug=slug,
        rulebook="labour-leader-2020",
        office="deputy",
    )
    actions.appoint(organiser, election, officer, "returning_officer")
    actions.appoint(organiser, election, scrutineer, "scrutineer")

    # The ballot paper lists candidates alphabetically by surname, as Labour's did.
    source = tellers.read(demo_path("labour-deputy-2020.blt"))
    surnames = [c.name for c in source.candidates]
    paper = sorted(surnames, key=str.casefold)
    for name in paper:
        actions.add_candidate(
            organiser,
            election,
            name=FULL_NAMES.get(name, name),
            statement=f"{FULL_NAMES.get(name, name)} asks for your first preference.",
        )
    position = {name: paper.index(name) for name in surnames}

    out_dir.mkdir(parents=True, exist_ok=True)
    key_path = out_dir / f"{slug}.key"
    if key_path.exists():
        key_path.unlink()  # a previous demo's key for an election of the same name
    passphrase = secrets.token_urlsafe(12)
    public = new_key_file(key_path, passphrase, label=f"{org.name}: {election.title}")
    actions.set_public_key(officer, election, public)

    # The roll, through the organiser's report: nothing is imported until it is accepted.
    sections = [s["id"] for s in election.sections]
    upload = upload_roll(
        organiser,
        election,
        "demo-roll.csv",
        _roll_csv(members, sections, election.eligibility_cutoff),
    )
    rejected = [f"line {r['line']}: {r['reason']}" for r in upload.rejections]
    accept_roll_upload(organiser, upload)

    actions.open_ballot(officer, election)
    election.refresh_from_db()
    mail.outbox = []
    send_invitations.apply(args=(election.pk,))
    tokens = [m.body.split("/vote/")[1].split("/")[0] for m in mail.outbox]

    # Who votes, and how: rankings in the reconstruction's proportions, dealt out at random.
    rng = random.Random(2020)
    voters = rng.sample(tokens, round(len(tokens) * TURNOUT))
    rankings: list[list[int]] = []
    shares = _apportion([b.weight for b in source.ballots], len(voters))
    for b, k in zip(source.ballots, shares, strict=True):
        prefs = [position[surnames[c]] for c in b.preferences()]
        rankings.extend([prefs] * k)
    rng.shuffle(rankings)

    receipts: list[str] = []
    with _serving() as base, ThreadPoolExecutor(workers) as pool:
        jobs = [
            pool.submit(_vote, base, t, {f"c{p}": str(i) for i, p in enumerate(r, start=1)})
            for t, r in zip(voters, rankings, strict=True)
        ]
        for done, job in enumerate(jobs, start=1):
            receipts.append(job.result())
            if progress:
                progress(done, len(jobs))

    publication.close_ballot(officer, election)
    election.refresh_from_db()
    key = read_key_file(key_path.read_bytes(), passphrase)
    count = publication.count_election(officer, election, key, seed=SEED)
    election.refresh_from_db()
    publication.sign_off(officer, election)
    election.refresh_from_db()
    if election.scrutineer_signs:
        publication.sign_off(scrutineer, election)
        election.refresh_from_db()
    pub = publication.publish(officer, election)

    folder = out_dir / slug
    folder.mkdir(exist_ok=True)
    files: dict[str, Path] = {}
    for name, data in publication.bundle_files(election).items():
        (folder / name).write_bytes(data)
        files[name] = folder / name
    files["bundle.zip"] = folder / "bundle.zip"
    files["bundle.zip"].write_bytes(bytes(pub.bundle))
    problems = verify_bundle(files["bundle.zip"])
    published = set(count.receipts.split())
    problems += [
        f"receipt {r} is not in the published list" for r in receipts if r not in published
    ]
    return DemoResult(
        organisation_slug=org.slug,
        election_slug=slug,
        election_id=election.pk,
        members=members,
        rejected=rejected,
        voted=len(receipts),
        result_text=count.result_text,
        files=files,
        key_file=key_path,
        passphrase=passphrase,
        logins=logins,
        problems=problems,
    )
