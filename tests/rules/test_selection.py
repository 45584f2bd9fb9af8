"""Trigger ballots and list constraints, on the shipped Labour rulebooks."""

from __future__ import annotations

import pytest

from tellers.errors import InputError
from tellers.rules.loader import load
from tellers.rules.selection import check_list, trigger


def test_2018_one_third_of_either_triggers() -> None:
    """10 branches vote: 4 for a selection is at least a third (3.33); 3 is not."""
    book = load("labour-trigger-2018")
    assert trigger(book, {"branch": (4, 10), "affiliated_branch": (0, 10)}).triggered
    assert not trigger(book, {"branch": (3, 10), "affiliated_branch": (3, 10)}).triggered
    # Exactly one third is "at least a third".
    assert trigger(book, {"branch": (0, 9), "affiliated_branch": (3, 9)}).triggered


def test_2021_needs_half_of_both() -> None:
    """Half of branches AND half of affiliates; either alone is not enough."""
    book = load("labour-trigger-2021")
    assert not trigger(book, {"branch": (10, 10), "affiliated_branch": (2, 5)}).triggered
    out = trigger(book, {"branch": (5, 10), "affiliated_branch": (3, 5)})
    assert out.triggered
    assert out.consequence == "an open selection"


def test_trigger_input_checked() -> None:
    """Impossible results and missing bodies are refused."""
    book = load("labour-trigger-2018")
    with pytest.raises(InputError):
        trigger(book, {"branch": (11, 10), "affiliated_branch": (0, 1)})
    with pytest.raises(InputError):
        trigger(book, {"branch": (1, 10)})


def test_longlist_constraints() -> None:
    """A longlist of 4 with 2 women and 1 minority-ethnic candidate passes; with 1 woman not."""
    book = load("labour-westminster-selection")
    people = [
        {"woman": True, "minority_ethnic": False},
        {"woman": True, "minority_ethnic": True},
        {"woman": False, "minority_ethnic": False},
        {"woman": False, "minority_ethnic": False},
    ]
    assert all(c.met for c in check_list(book, "longlist", people))
    people[0]["woman"] = False
    verdict = {c.attribute: c.met for c in check_list(book, "longlist", people)}
    assert verdict == {"woman": False, "minority_ethnic": True}
