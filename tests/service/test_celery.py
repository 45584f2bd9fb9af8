"""Invitations sent by a real Celery worker on Redis, as production runs them.

Settings read the environment at import, so the Redis-backed configuration lives in
subprocesses: one worker, and one client that sets up an election and enqueues the task.
Both share a SQLite file in a temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ._services import require_redis

pytestmark = pytest.mark.redis

CLIENT = r"""
import json, sys
import django
django.setup()
from django.contrib.auth.models import Group, User
from nacl.public import PrivateKey
from tellers.service.elections import actions
from tellers.service.elections.models import RollEntry
from tellers.service.tasks import send_invitations

org_user = User.objects.create_user("olive")
org_user.groups.add(Group.objects.get(name="Organisers"))
ro = User.objects.create_user("rita")
ro.groups.add(Group.objects.get(name="Returning officers"))
org_user, ro = User.objects.get(pk=org_user.pk), User.objects.get(pk=ro.pk)
org = actions.create_organisation(org_user, name="Org", slug="org")
election = actions.create_election(
    org_user, org, title="Chair", slug="chair", rulebook="labour-leader-2020", office="deputy"
)
actions.appoint(org_user, election, ro, "returning_officer")
for name in ("Ann", "Ben"):
    actions.add_candidate(org_user, election, name=name, statement="")
section = election.sections[0]["id"]
for i in range(3):
    RollEntry.objects.create(
        election=election, membership_number=f"M{i}", name=f"Member {i}",
        email=f"member{i}@example.org", section=section,
    )
actions.set_public_key(ro, election, bytes(PrivateKey.generate().public_key).hex())
actions.open_ballot(ro, election)
result = send_invitations.delay(election.pk)
sent = result.get(timeout=90)
hashes = list(RollEntry.objects.filter(election=election).values_list("token_hash", flat=True))
print(json.dumps({"sent": sent, "hashes": hashes}))
"""


def test_a_worker_on_redis_sends_the_invitations(tmp_path: Path) -> None:
    import json

    broker = require_redis()
    outbox = tmp_path / "outbox"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELLERS_", "DATABASE_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "tellers.service.settings",
        "TELLERS_DATA_DIR": str(tmp_path),
        "CELERY_BROKER_URL": broker,
        "TELLERS_BASE_URL": "https://ballot.example.org",
        "TELLERS_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TELLERS_EMAIL_FILE_PATH": str(outbox),
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "tellers.service", "migrate", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tellers.service.celery",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        client = subprocess.run(
            [sys.executable, "-c", CLIENT],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert client.returncode == 0, client.stderr + "\n" + log.read_text()
    report = json.loads(client.stdout.strip().splitlines()[-1])
    assert report["sent"] == 3
    assert len(report["hashes"]) == 3 and all(len(h or "") == 64 for h in report["hashes"])
    # The worker ran the task (not the client in-process), and wrote three e-mails.
    assert "tellers.send_invitations" in log.read_text()
    messages = "".join(p.read_text() for p in outbox.iterdir())
    assert messages.count("https://ballot.example.org/vote/") == 3
    for i in range(3):
        assert f"member{i}@example.org" in messages
