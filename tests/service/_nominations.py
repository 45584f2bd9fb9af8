"""Helpers for the nominations tests: a draft election with named members, signed-in clients,
the service's clock moved to a given day, and the tracker read back from its HTML."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from tellers.service.elections import actions as eactions
from tellers.service.elections.models import Election, RollEntry
from tellers.service.nominations import clock

_n = itertools.count()
NAMES = {
    "organiser": "olive",
    "returning_officer": "rita",
    "scrutineer": "sam",
    "teller": "tom",
    "outsider": "otto",
}


def number(name: str) -> str:
    """The test roll's membership number for a member called ``name``."""
    return "M-" + re.sub(r"[^A-Za-z0-9]+", "-", name)


def draft_election(
    officials: dict[str, User],
    members: Iterable[str],
    *,
    rulebook: str = "labour-leader-2020",
    office: str = "leader",
) -> Election:
    """A draft election with the usual officials appointed and ``members`` on its roll."""
    org_user = officials["organiser"]
    k = next(_n)
    org = eactions.create_organisation(org_user, name=f"Party {k}", slug=f"party-{k}")
    election = eactions.create_election(
        org_user, org, title=f"{office.title()} {k}", slug=office, rulebook=rulebook, office=office
    )
    for role, who in [
        ("returning_officer", "returning_officer"),
        ("scrutineer", "scrutineer"),
        ("teller", "teller"),
    ]:
        eactions.appoint(org_user, election, officials[who], role)
    section = election.sections[0]["id"]
    RollEntry.objects.bulk_create(
        RollEntry(
            election=election,
            membership_number=number(name),
            name=name,
            email=f"{number(name).lower()}@example.org",
            section=section,
        )
        for name in members
    )
    return election


def client(who: str | None) -> Client:
    """A browser signed in as ``who`` (a role in NAMES), or anonymous."""
    c = Client()
    if who is not None:
        user = User.objects.get(username=NAMES[who])
        c.force_login(user)
    return c


def on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Move the service's clock to noon on ``day`` (UTC)."""
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: at)


def messages_of(response: Any) -> list[str]:
    """The flash messages a followed response shows."""
    return [str(m) for m in response.context["messages"]] if response.context else []


def link_for(c: Client, election: Election, name: str) -> Client:
    """Have the organiser e-mail ``name`` their link; return a browser that has opened it."""
    mail.outbox.clear()
    r = c.post(
        f"/nominations/manage/{election.pk}/links/",
        {"membership_number": number(name)},
        follow=True,
    )
    assert r.status_code == 200, messages_of(r)
    [message] = mail.outbox
    token = message.body.split("/nominations/link/")[1].split("/")[0]
    member = Client()
    r = member.get(f"/nominations/link/{token}/")
    assert r.status_code == 303 and r["Location"] == "/nominations/me/"
    return member


@dataclass
class Row:
    text: str
    have: str
    need: str
    met: str


@dataclass
class Shown:
    """What the tracker shows for one candidate."""

    status: str
    explanation: str
    rows: list[Row] = field(default_factory=list)
    nominators: list[str] = field(default_factory=list)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def read_tracker(page: str) -> tuple[dict[str, Shown], list[str], list[str]]:
    """Return each standing candidate's tracker entry, the withdrawn, and the ballot paper."""
    shown: dict[str, Shown] = {}
    for art in re.findall(r'<article class="candidate.*?</article>', page, re.S):
        name = _text(re.search(r"<h2[^>]*>(.*?)</h2>", art, re.S)[1])  # type: ignore[index]
        status = re.search(r'<p class="status"><strong>(.*?)</strong>(.*?)</p>', art, re.S)
        assert status is not None
        s = Shown(_text(status[1]), _text(status[2]).lstrip(": "))
        for cells in re.findall(
            r'<tr><th scope="row" class="cond">(.*?)</th><td class="num">(.*?)</td>'
            r'<td class="num">(.*?)</td><td>(.*?)</td></tr>',
            art,
            re.S,
        ):
            s.rows.append(Row(*(_text(c) for c in cells)))
        s.nominators = [
            _text(n).removeprefix("Nominated by: ")
            for n in re.findall(r'class="nominators">(.*?)</td>', art, re.S)
        ]
        shown[name] = s
    wsec = re.search(r'<ul class="withdrawn">(.*?)</ul>', page, re.S)
    withdrawn = (
        [_text(li).split(",")[0] for li in re.findall(r"<li>(.*?)</li>", wsec[1])] if wsec else []
    )
    bsec = re.search(r'<section aria-labelledby="h-ballot".*?<ol>(.*?)</ol>', page, re.S)
    ballot = [_text(li) for li in re.findall(r"<li>(.*?)</li>", bsec[1])] if bsec else []
    return shown, withdrawn, ballot


def row(shown: Shown, starts: str) -> Row:
    """The condition row whose text starts with ``starts``."""
    found = [r for r in shown.rows if r.text.startswith(starts)]
    assert len(found) == 1, (starts, shown.rows)
    return found[0]
