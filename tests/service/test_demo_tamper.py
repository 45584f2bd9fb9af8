"""The demo's published bundle and audit log are caught when altered, from the command line.

``test_demo.py`` shows ``tellers verify-result`` and ``tellers audit verify`` accept the demo's
own files; here one ballot in the demo's bundle is changed (digests left alone, then with
them recomputed as a forger would), and one audit row in the demo's own SQLite database is
edited, and each command must exit 1 naming what it found.
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from .test_demo import _run

pytest.importorskip("django", reason="the service extra is not installed")


def _rewrite(src: Path, dst: Path, change: dict[str, bytes], *, resum: bool) -> None:
    """Copy the bundle at ``src`` to ``dst`` with files replaced, SHA256SUMS optionally redone."""
    with zipfile.ZipFile(src) as z:
        files = {n.removeprefix("bundle/"): z.read(n) for n in z.namelist()}
    files.update(change)
    if resum:
        files["SHA256SUMS"] = "".join(
            f"{hashlib.sha256(b).hexdigest()}  {n}\n"
            for n, b in sorted(files.items())
            if n != "SHA256SUMS"
        ).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in sorted(files.items()):
            z.writestr(f"bundle/{name}", data)
    dst.write_bytes(buf.getvalue())


def _one_ballot_changed(blt: str) -> str:
    """Give the first ballot line a different first preference (a voter's paper altered)."""
    lines = blt.splitlines()
    content = [i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")]
    candidates = int(lines[content[0]].split()[0])
    first = content[1]  # the first ballot: weight, preferences, 0
    weight, *prefs, end = lines[first].split()
    assert end == "0" and prefs, lines[first]
    unranked = [str(c) for c in range(1, candidates + 1) if str(c) not in prefs]
    if unranked:
        prefs[0] = unranked[0]
    else:  # a full ranking: swap the first two preferences
        prefs[0], prefs[1] = prefs[1], prefs[0]
    lines[first] = " ".join([weight, *prefs, end])
    return "\n".join(lines) + "\n"


# The demo makes its own SQLite database whatever DATABASE_URL says: once per CI run is enough.
@pytest.mark.skipif(
    bool(os.environ.get("TELLERS_IN_POSTGRES_RUN")), reason="the demo runs on its own SQLite"
)
def test_the_demo_bundle_and_audit_log_reject_alterations(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    done = _run(["demo", "--members", "10", "--dir", str(data)], tmp_path)
    assert done.returncode == 0, done.stderr + done.stdout
    bundle = data / "demo-results" / "deputy-leader" / "bundle.zip"
    assert _run(["verify-result", str(bundle)], data).returncode == 0
    assert _run(["audit", "verify"], data).returncode == 0

    with zipfile.ZipFile(bundle) as z:
        blt = z.read("bundle/ballots.blt").decode()
    forged = _one_ballot_changed(blt).encode()
    assert forged != blt.encode()

    # One ballot changed, the digests left as published.
    altered = tmp_path / "altered.zip"
    _rewrite(bundle, altered, {"ballots.blt": forged}, resum=False)
    check = _run(["verify-result", str(altered)], data)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "ballots.blt: its SHA-256 does not match SHA256SUMS (altered)" in check.stderr

    # The same ballot changed with SHA256SUMS recomputed: the fresh count gives it away.
    resummed = tmp_path / "resummed.zip"
    _rewrite(bundle, resummed, {"ballots.blt": forged}, resum=True)
    check = _run(["verify-result", str(resummed)], data)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "result.json: differs from a fresh count of ballots.blt" in check.stderr
    assert "SHA-256 does not match" not in check.stderr

    # One audit row edited in the demo's own database, behind the service's back.
    db = sqlite3.connect(data / "tellers.sqlite3")
    try:
        [(seq, actor)] = db.execute(
            "SELECT seq, actor FROM audit_auditentry WHERE action = 'publish'"
        ).fetchall()
        db.execute("UPDATE audit_auditentry SET actor = 'mallory' WHERE seq = ?", (seq,))
        db.commit()
    finally:
        db.close()
    assert actor != "mallory"
    check = _run(["audit", "verify"], data)
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"entry #{seq}:" in check.stderr
    assert "its contents do not match its hash (altered)" in check.stderr
