"""Every shipped rulebook renders as a plain-English summary a member can read."""

from __future__ import annotations

import pytest

from tellers.rules.loader import load, shipped
from tellers.rules.render import describe


@pytest.mark.parametrize("name", shipped())
def test_every_rulebook_renders(name: str) -> None:
    """The summary has the title, the sources and, where any, what is not confirmed."""
    book = load(name)
    text = describe(book)
    assert text.startswith(book.title)
    assert "Sources" in text
    if book.unconfirmed():
        assert "Not confirmed" in text
    # Prose is wrapped; only addresses and the title's underline may run long.
    prose = [ln for ln in text.splitlines()[2:] if "://" not in ln]
    assert max(len(line) for line in prose) <= 92


def test_labour_2020_in_plain_english() -> None:
    """The worked thresholds appear: 22 of 212 MPs and MEPs, 33 of 648 CLPs."""
    text = describe(load("labour-leader-2020"))
    assert "22 of 212, rounded up" in text
    assert "33 of 648, rounded up" in text
    assert "Needs ONE of" in text
    assert "at least 2 trade unions" in text
    assert "17:00 on 20 January 2020" in text


def test_conservative_rounds_and_trigger_ballot() -> None:
    """Exhaustive rounds and trigger ballots are explained."""
    con = " ".join(describe(load("conservative-leader-2019")).split())
    assert "Round 1: a candidate with fewer than 17 votes is eliminated" in con
    assert "until 2 remain" in con
    trig = " ".join(describe(load("labour-trigger-2018")).split())
    assert "ANY of these" in trig
    assert "at least one third" in trig
