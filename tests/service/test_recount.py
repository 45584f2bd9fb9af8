"""Invariant 6, end to end: anyone can re-count the published bundle and get the declared result.

An election runs through the real actions, is published, and its bundle is downloaded through
the public view; the engine's own command line (``tellers count``) re-counts the published
ballot set and must print exactly the published ``result.json``; ``verify_bundle`` must pass
the bundle and catch a single altered ballot line.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from tellers.cli import app as tellers_app
from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.elections.models import Election, ReceiptMode, State
from tellers.service.publication import actions as pub
from tellers.service.publication.verify import BundleError, verify_bundle

from .conftest import invite, open_key

pytestmark = pytest.mark.django_db


def _run(election: Election, officials, key_file, rankings) -> list[str]:
    """Cast ``rankings`` (one per roll member), close, count, sign off, publish; return receipts."""
    links = invite(election)
    receipts = []
    for token, ranking in zip(links.values(), rankings, strict=True):
        voter = voter_for_token(None, token)
        assert voter is not None
        receipts.append(cast_ballot(election, voter.token_hash, ranking))
    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    pub.count_election(ro, election, open_key(key_file))
    pub.sign_off(ro, election)
    if election.scrutineer_signs:
        pub.sign_off(officials["scrutineer"], election)
    pub.publish(ro, election)
    election.refresh_from_db()
    assert election.state == State.PUBLISHED
    return receipts


def _download(election: Election) -> bytes:
    """Fetch the bundle as a member of the public would."""
    url = reverse("publication:bundle", args=[election.organisation.slug, election.slug])
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(body).hexdigest() == election.publication.bundle_sha256
    return body


def _files(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        return {n.removeprefix("bundle/"): z.read(n) for n in z.namelist()}


def _rezip(files: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(f"bundle/{name}", data)
    return path


def _cli_count(blt: Path, method: str, seats: int) -> str:
    result = CliRunner().invoke(
        tellers_app,
        ["count", str(blt), "--method", method, "--seats", str(seats), "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _resummed(files: dict[str, bytes]) -> dict[str, bytes]:
    """Recompute SHA256SUMS, as a forger covering their tracks would."""
    out = {n: b for n, b in files.items() if n != "SHA256SUMS"}
    sums = "".join(f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in sorted(out.items()))
    out["SHA256SUMS"] = sums.encode()
    return out


def test_nine_ballots_by_hand(make_election, officials, key_file, tmp_path):
    # Worked on paper, AV, Ann=0 Ben=1 Cal=2:
    #   first preferences  Ann 4 (A, AB, AC, ABC), Ben 3 (B, BA, BC), Cal 2 (CB, CBA)
    #   stage 1: nobody has a majority of 9 (needs 5); Cal, lowest, is excluded
    #   stage 2: both of Cal's papers go to Ben: Ann 4, Ben 5; Ben elected (5 > 4.5)
    rankings = [[0], [0, 1], [0, 2], [0, 1, 2], [1], [1, 0], [1, 2], [2, 1], [2, 1, 0]]
    election = make_election(members=9)
    assert election.method == "av"
    receipts = _run(election, officials, key_file, rankings)
    files = _files(_download(election))
    published = json.loads(files["result.json"])
    assert published["elected"] == ["Ben"]
    first, last = published["rounds"][0], published["rounds"][-1]
    assert {n: Decimal(v) for n, v in first["tallies"].items()} == {"Ann": 4, "Ben": 3, "Cal": 2}
    assert "Cal" in [n for r in published["rounds"] for n in r["excluded"]]
    assert Decimal(last["tallies"]["Ann"]) == 4
    assert Decimal(last["tallies"]["Ben"]) == 5
    assert Decimal(published["valid"]) == 9
    # The receipts list is every receipt handed out, and nothing else.
    assert files["receipts.txt"].decode().split() == sorted(receipts)

    blt = tmp_path / "ballots.blt"
    blt.write_bytes(files["ballots.blt"])
    assert _cli_count(blt, "av", 1) == files["result.json"].decode() + "\n"

    good = _rezip(files, tmp_path / "good.zip")
    assert verify_bundle(good) == []
    # One ballot line altered (a Ben-first paper now says Ann), digests left alone.
    text = files["ballots.blt"].decode()
    lines = text.splitlines()
    i = lines.index("1 2 0")
    lines[i] = "1 1 0"
    forged = {**files, "ballots.blt": ("\n".join(lines) + "\n").encode()}
    problems = verify_bundle(_rezip(forged, tmp_path / "forged.zip"))
    assert any("ballots.blt" in p and "SHA-256" in p for p in problems)
    # Even with SHA256SUMS recomputed, the recount no longer gives the published result.
    problems = verify_bundle(_rezip(_resummed(forged), tmp_path / "forged2.zip"))
    assert any(p.startswith("result.json: differs") for p in problems), problems
    # A ballot added, and one removed, sums recomputed: the recount no longer gives the result.
    header_end = next(k for k, ln in enumerate(lines) if ln.startswith("1 "))
    added = [*lines[:header_end], "1 1 0", *lines[header_end:]]
    removed = lines[:header_end] + lines[header_end + 1 :]
    for changed in (added, removed):
        forged = {**files, "ballots.blt": ("\n".join(changed) + "\n").encode()}
        problems = verify_bundle(_rezip(_resummed(forged), tmp_path / "changed.zip"))
        assert any(p.startswith("result.json: differs") for p in problems), problems
    # A receipt removed from the list, sums recomputed: the list no longer matches the ballots.
    short = {**files, "receipts.txt": "\n".join(sorted(receipts)[1:]).encode() + b"\n"}
    problems = verify_bundle(_rezip(_resummed(short), tmp_path / "short.zip"))
    assert any("receipts" in p for p in problems), problems


def test_a_few_hundred_voters_recount_to_the_published_result(
    make_election, officials, key_file, tmp_path, monkeypatch
):
    # Open the boxes in the forked pool a national ballot uses, several chunks of them.
    monkeypatch.setattr(pub, "PARALLEL_FROM", 100)
    monkeypatch.setattr(pub, "CHUNK", 64)
    names = ("Ann", "Ben", "Cal", "Dee", "Eve")
    election = make_election(members=300, candidates=names)
    # Count it by STV for two seats, so fractional transfers must survive the round trip.
    Election.objects.filter(pk=election.pk).update(method="scottish-stv", seats=2)
    election.refresh_from_db()
    patterns = [[0, 1, 2], [1, 0], [2, 3, 4, 0], [3, 2], [4, 3, 1, 0, 2], [0, 4], [1], [2, 1, 0]]
    rankings = [patterns[(i * 7 + i // 11) % len(patterns)] for i in range(300)]
    _run(election, officials, key_file, rankings)
    files = _files(_download(election))
    published = json.loads(files["result.json"])
    # Stage 1 holds each candidate's first preferences, counted here from the rankings cast.
    firsts = Counter(names[r[0]] for r in rankings)
    assert {n: Decimal(v) for n, v in published["rounds"][0]["tallies"].items()} == {
        n: firsts[n] for n in names
    }
    assert len(published["elected"]) == 2

    blt = tmp_path / "ballots.blt"
    blt.write_bytes(files["ballots.blt"])
    assert _cli_count(blt, "scottish-stv", 2) == files["result.json"].decode() + "\n"

    path = tmp_path / "bundle.zip"
    path.write_bytes(_download(election))
    assert verify_bundle(path) == []
    cli = CliRunner().invoke(tellers_app, ["verify-result", str(path)])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout.startswith("verified: ")


def test_separate_receipts_are_not_beside_the_ballots(make_election, officials, key_file, tmp_path):
    election = make_election(members=4)
    Election.objects.filter(pk=election.pk).update(receipt_mode=ReceiptMode.SEPARATE)
    election.refresh_from_db()
    receipts = _run(election, officials, key_file, [[0], [1], [0, 2], [2, 1]])
    files = _files(_download(election))
    blt = files["ballots.blt"].decode()
    assert not any(rc in blt for rc in receipts)
    assert files["receipts.txt"].decode().split() == sorted(receipts)
    path = tmp_path / "bundle.zip"
    path.write_bytes(_download(election))
    assert verify_bundle(path) == []


def test_verify_result_refuses_what_is_not_a_bundle(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(BundleError):
        verify_bundle(junk)
    cli = CliRunner().invoke(tellers_app, ["verify-result", str(junk)])
    assert cli.exit_code == 2
    assert "junk.zip" in cli.output
    cli = CliRunner().invoke(tellers_app, ["verify-result", str(tmp_path / "missing.zip")])
    assert cli.exit_code == 2
    assert "missing.zip" in cli.output
