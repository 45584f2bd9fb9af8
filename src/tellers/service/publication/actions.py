"""Close, count, sign off and publish.

The count is the engine's (``tellers.count``, invariant 7): the service opens the sealed
ballots with the returning officer's key in memory, shuffles them, adds the reconciled paper
ballots, and hands the engine an :class:`tellers.Election`.  The opened ballot set is kept
only as the BLT text that will be published, in shuffled order.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import multiprocessing
import os
import zipfile
from typing import Any, TypeVar

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as UserModel
from django.db import transaction
from django.db.models import Count as DbCount
from django.utils import timezone
from nacl.public import PrivateKey, SealedBox

import tellers
from tellers.formats.blt import dumps as blt_dumps
from tellers.service.audit.chain import append

from ..ballots.models import PaperKeying, SealedBallot
from ..ballots.sealing import open_ballot
from ..elections.models import Channel, Election, ReceiptMode, State
from ..elections.roles import SYSTEM, Role, require
from ..errors import ServiceError, WrongState
from .models import Count, Publication, SignOff

__all__ = ["close_ballot", "count_election", "publish", "sign_off"]

User = UserModel | AnonymousUser
_T = TypeVar("_T")


def _signed_in(user: User) -> UserModel:
    # require() has already refused anonymous users; this narrows the type.
    assert isinstance(user, UserModel)
    return user


def _object(election: Election) -> str:
    return f"election {election.pk} {election.organisation.slug}/{election.slug}"


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("organisation").get(pk=election.pk)


def close_ballot(user: User | str, election: Election) -> None:
    """Close the ballot: every unspent link stops working; the box's size is recorded."""
    if user != SYSTEM:
        assert not isinstance(user, str)
        require(user, election, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        if election.state != State.OPEN:
            raise WrongState("Only an open ballot can be closed.")
        election.state = State.CLOSED
        now = timezone.now()
        if election.closes_at is None or election.closes_at > now:
            election.closes_at = now
        election.save(update_fields=["state", "closes_at"])
        election.roll.filter(token_hash__isnull=False).update(token_hash=None)
        append(
            actor=user if isinstance(user, str) else str(user.get_username()),
            role=Role.RETURNING_OFFICER,
            action="close ballot",
            object=_object(election),
            details={
                "ballots_in_box": SealedBallot.objects.filter(election=election).count(),
                "marked_voted": election.roll.filter(voted__isnull=False).count(),
            },
        )


def _candidates(election: Election) -> list[tellers.Candidate]:
    return [
        tellers.Candidate(c.name, withdrawn=c.withdrawn)
        for c in election.candidates.order_by("position")
    ]


#: Below this many ballots the boxes are opened in this process: a pool's start-up costs more.
PARALLEL_FROM = 20_000
#: Sealed ballots fetched from the database, and handed to a worker, at a time.
CHUNK = 5_000

_worker_box: SealedBox[PrivateKey] | None = None


def _init_worker(key_bytes: bytes) -> None:
    global _worker_box
    _worker_box = SealedBox(PrivateKey(key_bytes))


def _open_chunk(sealed: list[bytes]) -> list[tuple[tuple[int, ...], int]]:
    """Open one chunk of sealed ballots in a worker (the key came with the worker's start)."""
    assert _worker_box is not None
    out = []
    for s in sealed:
        o = open_ballot(_worker_box, s)
        out.append((o.ranking, o.weight))
    return out


def _open_all(election: Election, key: PrivateKey) -> list[tuple[tuple[int, ...], int, str]]:
    """Open every sealed ballot: (ranking, weight, receipt) each.

    Opening a box costs some 35 µs, so a national ballot's half a million take most of a
    core-minute: past :data:`PARALLEL_FROM` ballots the chunks go to a pool of forked
    workers, one per core, while this process goes on streaming rows from the database (the
    workers never touch the database; only this thread does, inside the count's transaction).
    """
    if bytes(key.public_key).hex() != election.public_key:
        raise ServiceError("This key file is not the key of this election.")
    rows = (
        SealedBallot.objects.filter(election=election)
        .values_list("sealed", "receipt")
        .iterator(chunk_size=CHUNK)
    )
    n = SealedBallot.objects.filter(election=election).count()
    workers = os.cpu_count() or 1
    if n < PARALLEL_FROM or workers < 2:
        box = SealedBox(key)
        out = []
        for sealed, receipt in rows:
            opened = open_ballot(box, bytes(sealed))
            out.append((opened.ranking, opened.weight, receipt))
        return out
    receipts: list[str] = []
    pending = []
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(bytes(key),)) as pool:
        while batch := list(itertools.islice(rows, CHUNK)):
            receipts.extend(r for _, r in batch)
            pending.append(pool.apply_async(_open_chunk, ([bytes(s) for s, _ in batch],)))
        done = [o for p in pending for o in p.get()]
    return [(r, w, rc) for (r, w), rc in zip(done, receipts, strict=True)]


def _shuffled(items: list[_T]) -> list[_T]:
    """Return ``items`` in an order drawn from the operating system's CSPRNG.

    Sorting by 64-bit keys from ``os.urandom`` is a uniform shuffle (a tie among half a million
    keys has odds near 1e-8, and would only keep two ballots in their stored order) and takes
    milliseconds where ``SystemRandom().shuffle`` spends seconds asking for bits one at a time.
    """
    keys = np.frombuffer(os.urandom(8 * len(items)), dtype=np.uint64)
    return [items[i] for i in np.argsort(keys, kind="stable")]


def ballot_set_blt(
    election: Election,
    ballots: list[tuple[tuple[int, ...], int, str]],
    *,
    with_receipts: bool,
) -> str:
    """Render opened ballots as BLT, one line per ballot in the given order.

    Where receipts are published beside the ballots, each ballot line follows a comment
    ``# receipt XXXX-XXXX-XXXX-XXXX``; BLT readers skip comments, so ``tellers count``
    reads the file as it is.
    """
    cands = _candidates(election)
    head = blt_dumps(tellers.Election(tuple(cands), (), seats=election.seats, title=""))
    lines = head.splitlines()
    # blt_dumps with no ballots gives: header, [withdrawn], "0", names..., title.
    end = lines.index("0")
    body: list[str] = [
        f"# {election.organisation.name}: {election.title}",
        f"# Ballot set as counted by tellers: {len(ballots)} papers in random order.",
        f"# Method: {election.method}; seats: {election.seats}.",
    ]
    body += lines[:end]
    # Rankings repeat a great deal in a large ballot: render each distinct one once.
    rendered: dict[tuple[tuple[int, ...], int], str] = {}
    for ranking, weight, receipt in ballots:
        if with_receipts and receipt:
            body.append(f"# receipt {receipt}")
        line = rendered.get((ranking, weight))
        if line is None:
            line = " ".join([str(weight), *(str(c + 1) for c in ranking), "0"])
            rendered[ranking, weight] = line
        body.append(line)
    body.append("0")
    body += lines[end + 1 : -1]
    body.append('"' + election.title.replace('"', '""') + '"')
    return "\n".join(body) + "\n"


def count_election(user: User, election: Election, key: PrivateKey, *, seed: int = 0) -> Count:
    """Open, shuffle and count the closed ballot by the election's method."""
    require(user, election, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        if election.state != State.CLOSED:
            raise WrongState("Only a closed ballot can be counted.")
        if PaperKeying.objects.filter(election=election, reconciled=False).exists():
            raise ServiceError(
                "Some paper ballots are keyed but not reconciled: resolve them first."
            )
        papers = _reconciled_papers(election)
        # A returned paper that nobody keyed would simply be missing from the count: every
        # envelope recorded as returned must be keyed (a spoilt one as spoilt) first.  More
        # serials than returns cannot happen: key_paper refuses them.
        returned = election.roll.filter(voted=Channel.PAPER).count()
        if len(papers) < returned:
            raise ServiceError(
                f"{returned} paper ballot{'s were' if returned != 1 else ' was'} returned but "
                f"only {len(papers)} {'are' if len(papers) != 1 else 'is'} keyed twice and "
                "reconciled: key every returned paper (a spoilt one as spoilt) before the count."
            )
        online = _open_all(election, key)
        ballots = online + [(r, w, "") for r, w in papers]
        # The box's row order may follow arrival order; the published set must not.
        ballots = _shuffled(ballots)
        engine_election = tellers.Election.from_orders(
            _candidates(election),
            ((r, w) for r, w, _ in ballots),
            seats=election.seats,
            title=election.title,
        )
        result = tellers.count(engine_election, election.method, seats=election.seats, seed=seed)
        blt = ballot_set_blt(
            election, ballots, with_receipts=election.receipt_mode == ReceiptMode.WITH_BALLOTS
        )
        receipts = "\n".join(sorted(rc for _, _, rc in online)) + ("\n" if online else "")
        count = Count.objects.create(
            election=election,
            result_json=tellers.to_json(result),
            result_text=tellers.render_text(result),
            result_csv=tellers.to_csv(result),
            ballots_blt=blt,
            receipts=receipts,
            online_ballots=len(online),
            paper_ballots=len(papers),
            turnout=turnout(election),
            counted_by=_signed_in(user),
        )
        election.state = State.COUNTED
        election.save(update_fields=["state"])
        append(
            actor=str(user.get_username()),
            role=Role.RETURNING_OFFICER,
            action="count",
            object=_object(election),
            details={
                "online_ballots": len(online),
                "paper_ballots": len(papers),
                "method": election.method,
                "seats": election.seats,
                "seed": seed,
                "result_sha256": hashlib.sha256(count.result_json.encode()).hexdigest(),
                "ballots_sha256": hashlib.sha256(blt.encode()).hexdigest(),
            },
        )
    return count


def _reconciled_papers(election: Election) -> list[tuple[tuple[int, ...], int]]:
    """One (ranking, weight) per reconciled paper serial."""
    seen: dict[str, tuple[tuple[int, ...], int]] = {}
    for serial, ranking, weight in PaperKeying.objects.filter(
        election=election, reconciled=True
    ).values_list("serial", "ranking", "weight"):
        seen.setdefault(serial, (tuple(int(c) for c in ranking), int(weight)))
    return list(seen.values())


def turnout(election: Election) -> dict[str, dict[str, Any]]:
    """Eligible members and votes by section and channel (for the results page)."""
    out: dict[str, dict[str, Any]] = {}
    for s in election.sections:
        out[s["id"]] = {"name": s["name"], "eligible": 0, "online": 0, "paper": 0}
    rows = election.roll.values("section", "voted").annotate(n=DbCount("pk"))
    for row in rows:
        sec = out.setdefault(
            row["section"],
            {"name": row["section"], "eligible": 0, "online": 0, "paper": 0},
        )
        sec["eligible"] += row["n"]
        if row["voted"]:
            sec[row["voted"]] += row["n"]
    return out


def sign_off(user: User, election: Election) -> SignOff:
    """Sign the count as returning officer or scrutineer; publication needs every signature."""
    role = require(user, election, Role.RETURNING_OFFICER, Role.SCRUTINEER)
    with transaction.atomic():
        election = _locked(election)
        if election.state not in (State.COUNTED, State.SIGNED_OFF):
            raise WrongState("Only a counted election can be signed off.")
        if SignOff.objects.filter(election=election, role=role).exists():
            raise ServiceError("You have already signed off this count.")
        digest = hashlib.sha256(election.count.result_json.encode()).hexdigest()
        signoff = SignOff.objects.create(
            election=election, user=_signed_in(user), role=role, result_sha256=digest
        )
        roles = set(SignOff.objects.filter(election=election).values_list("role", flat=True))
        needed = {Role.RETURNING_OFFICER} | (
            {Role.SCRUTINEER} if election.scrutineer_signs else set()
        )
        if needed <= roles:
            election.state = State.SIGNED_OFF
            election.save(update_fields=["state"])
        append(
            actor=str(user.get_username()),
            role=role,
            action="sign off",
            object=_object(election),
            details={"result_sha256": digest},
        )
    return signoff


def bundle_files(election: Election) -> dict[str, bytes]:
    """Return the files of the published bundle by name."""
    count = election.count
    settings: dict[str, Any] = {
        "organisation": election.organisation.name,
        "election": election.title,
        "rulebook": election.rulebook_id,
        "office": election.office,
        "method": election.method,
        "seats": election.seats,
        "candidates": [
            {"name": c.name, "position": c.position + 1, "withdrawn": c.withdrawn}
            for c in election.candidates.order_by("position")
        ],
        "receipt_mode": election.receipt_mode,
        "opened_at": election.opens_at.isoformat() if election.opens_at else None,
        "closed_at": election.closes_at.isoformat() if election.closes_at else None,
        "online_ballots": count.online_ballots,
        "paper_ballots": count.paper_ballots,
        "turnout": count.turnout,
        "tellers_version": tellers.__version__,
    }
    files = {
        "ballots.blt": count.ballots_blt.encode(),
        "receipts.txt": count.receipts.encode(),
        "rulebook.toml": election.rulebook_toml.encode(),
        "settings.json": (json.dumps(settings, indent=2, ensure_ascii=False) + "\n").encode(),
        "result.json": count.result_json.encode(),
        "result.csv": count.result_csv.encode(),
        "result.txt": count.result_text.encode(),
    }
    sums = "".join(f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in sorted(files.items()))
    files["SHA256SUMS"] = sums.encode()
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    # Fixed timestamps, so the same files always make the same bundle (and digest).
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"bundle/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name])
    return buf.getvalue()


def publish(user: User, election: Election) -> Publication:
    """Publish the signed-off result and its bundle; the digest goes into the audit chain."""
    require(user, election, Role.RETURNING_OFFICER)
    with transaction.atomic():
        election = _locked(election)
        if election.state != State.SIGNED_OFF:
            raise WrongState("Only a signed-off count can be published.")
        bundle = _zip(bundle_files(election))
        digest = hashlib.sha256(bundle).hexdigest()
        pub = Publication.objects.create(election=election, bundle=bundle, bundle_sha256=digest)
        election.state = State.PUBLISHED
        election.save(update_fields=["state"])
        append(
            actor=str(user.get_username()),
            role=Role.RETURNING_OFFICER,
            action="publish",
            object=_object(election),
            details={"bundle_sha256": digest},
        )
    return pub


__all__ += ["ballot_set_blt", "bundle_files", "turnout"]
