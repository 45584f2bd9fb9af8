"""Check a published bundle with nothing but the zip (invariant 6).

``verify_bundle`` recomputes every file's SHA-256 against ``SHA256SUMS``, re-counts
``ballots.blt`` with the engine by the method and seats ``settings.json`` names, and compares
the recount's JSON with ``result.json`` character for character.  It needs no database and no
Django: anyone holding the bundle can run it (``tellers verify-result BUNDLE.zip``).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import tellers

__all__ = ["BundleError", "verify_bundle"]

PREFIX = "bundle/"
REQUIRED = ("SHA256SUMS", "ballots.blt", "receipts.txt", "result.json", "settings.json")
_RECEIPT = re.compile(r"^#\s*receipt\s+(\S+)\s*$")


class BundleError(ValueError):
    """The file is not a readable bundle at all (not a zip, or a required file missing)."""


def _files(path: str | Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as z:
            return {
                n.removeprefix(PREFIX): z.read(n)
                for n in z.namelist()
                if n.startswith(PREFIX) and not n.endswith("/")
            }
    except (OSError, zipfile.BadZipFile) as e:
        raise BundleError(f"{path}: not a readable zip file ({e})") from None


def _check_sums(files: dict[str, bytes]) -> list[str]:
    problems = []
    listed: dict[str, str] = {}
    for i, line in enumerate(files["SHA256SUMS"].decode("utf-8", "replace").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
            problems.append(f"SHA256SUMS line {i}: not '<sha256>  <name>'")
            continue
        listed[name] = digest
    for name, digest in sorted(listed.items()):
        if name not in files:
            problems.append(f"{name}: listed in SHA256SUMS but missing from the bundle")
        elif hashlib.sha256(files[name]).hexdigest() != digest:
            problems.append(f"{name}: its SHA-256 does not match SHA256SUMS (altered)")
    for name in sorted(set(files) - set(listed) - {"SHA256SUMS"}):
        problems.append(f"{name}: in the bundle but not listed in SHA256SUMS")
    return problems


def _ballot_receipts(blt: str) -> tuple[list[str], int]:
    """Return the receipt comments and the number of ballot lines in a bundle's BLT."""
    receipts: list[str] = []
    ballots = 0
    lines = [ln.strip() for ln in blt.splitlines()]
    content = [ln for ln in lines if ln and not ln.startswith("#")]
    # The header line, then (optionally) withdrawn candidates, then ballot lines until "0".
    body = content[1:]
    while body and body[0].startswith("-"):
        body = body[1:]
    for ln in body:
        if ln == "0":
            break
        ballots += 1
    for ln in lines:
        m = _RECEIPT.match(ln)
        if m:
            receipts.append(m.group(1))
    return receipts, ballots


def verify_bundle(path: str | Path) -> list[str]:
    """Return every problem found in the bundle at ``path``; an empty list means verified.

    Raises :class:`BundleError` when the file cannot be read as a bundle at all.
    """
    files = _files(path)
    missing = [n for n in REQUIRED if n not in files]
    if missing:
        raise BundleError(f"{path}: not a tellers bundle (missing {', '.join(missing)})")
    problems = _check_sums(files)
    try:
        settings: dict[str, Any] = json.loads(files["settings.json"])
        published: dict[str, Any] = json.loads(files["result.json"])
        method, seats = str(settings["method"]), int(settings["seats"])
        online, paper = int(settings["online_ballots"]), int(settings["paper_ballots"])
    except (ValueError, KeyError, TypeError) as e:
        return [*problems, f"settings.json or result.json unreadable: {e}"]
    seed = int(published.get("seed") or 0)
    blt_text = files["ballots.blt"].decode("utf-8", "replace")
    with tempfile.TemporaryDirectory() as tmp:
        blt = Path(tmp) / "ballots.blt"
        blt.write_bytes(files["ballots.blt"])
        try:
            recount = tellers.count(tellers.read(blt), method, seats=seats, seed=seed)
        except tellers.TellersError as e:
            return [*problems, f"ballots.blt: cannot be re-counted ({e})"]
    if tellers.to_json(recount) != files["result.json"].decode("utf-8", "replace"):
        problems.append(
            f"result.json: differs from a fresh count of ballots.blt by {method}, {seats} seat(s)"
        )
    receipts_in_blt, n_ballots = _ballot_receipts(blt_text)
    if n_ballots != online + paper:
        problems.append(
            f"ballots.blt holds {n_ballots} ballots; settings.json says "
            f"{online} online + {paper} paper = {online + paper}"
        )
    listed = files["receipts.txt"].decode("utf-8", "replace").split()
    if len(listed) != online:
        problems.append(f"receipts.txt lists {len(listed)} receipts for {online} online ballots")
    if settings.get("receipt_mode") == "with_ballots" and sorted(receipts_in_blt) != sorted(listed):
        problems.append("receipts.txt does not match the receipts beside the ballots")
    return problems
