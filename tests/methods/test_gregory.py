"""The Gregory loop's hook contract (methods/gregory.py) holds for every rule built on it.

After every stage, under each rule's own hooks and arithmetic: the candidates' totals, the
non-transferable votes and the rounding loss add up exactly to the valid papers at value one;
each candidate is in exactly one of continuing, elected, excluded or withdrawn; the pending
surpluses belong to elected candidates.  The elections are Droop's test files (with its CfER
and Minneapolis ones) and Scottish wards; the invariants come from the contract, not from any
count's output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tellers
from tellers.arithmetic import Arithmetic, FixedArithmetic, GuardedArithmetic, RationalArithmetic
from tellers.methods.cfer import CferCount
from tellers.methods.ers97 import Ers97Count
from tellers.methods.gregory import GregoryCount
from tellers.methods.mpls import MplsCount
from tellers.methods.scottish import PLACES, ScottishCount
from tellers.methods.wigm import WigmCount, WigmPrfCount
from tellers.model import Election

#: Each rule on the loop: its class, arithmetic, constructor keywords and attributes to set.
RULES: list[tuple[str, type[GregoryCount], Arithmetic, dict[str, Any], dict[str, Any]]] = [
    ("scottish", ScottishCount, FixedArithmetic(PLACES), {}, {}),  # array rows where they apply
    ("scottish parcels", ScottishCount, FixedArithmetic(PLACES), {"arrays": False}, {}),
    ("wigm guarded", WigmCount, GuardedArithmetic(18, 9), {}, {}),
    ("wigm rational", WigmCount, RationalArithmetic(), {}, {}),
    ("wigm-prf", WigmPrfCount, FixedArithmetic(4), {}, {}),
    ("wigm-prf batch", WigmPrfCount, FixedArithmetic(4), {}, {"defeat_batch": True}),
    ("cfer", CferCount, FixedArithmetic(5), {}, {}),
    ("cfer batch", CferCount, FixedArithmetic(5), {"defeat_batch": True}, {}),
    ("mpls", MplsCount, FixedArithmetic(4), {}, {}),
    ("ers97", Ers97Count, FixedArithmetic(2), {}, {}),
]


def check_stage(count: GregoryCount) -> None:
    """Assert the contract's invariants on the stage just closed."""
    stage = len(count.rounds)
    held = sum(count.totals, count.zero) + count.exhausted + count.loss
    assert held == count.arith.of(count.valid), f"stage {stage}: votes not conserved"
    withdrawn = count.election.withdrawn
    groups = [count.continuing, set(count.elected), set(count.excluded), set(withdrawn)]
    assert sum(map(len, groups)) == count.ncand, f"stage {stage}: a candidate in two places"
    assert set().union(*groups) == set(range(count.ncand)), f"stage {stage}: a candidate lost"
    assert set(count.pending) <= set(count.elected), f"stage {stage}: pending but not elected"
    assert len(count.history) == stage


def checked(rule: type[GregoryCount]) -> type[GregoryCount]:
    """Return ``rule`` with the invariants asserted as each stage closes."""

    class Checked(rule):  # type: ignore[valid-type,misc]
        def record(self, *args: Any, **kwargs: Any) -> None:
            super().record(*args, **kwargs)
            check_stage(self)

    return Checked


def elections(shared: Path) -> list[Election]:
    """Droop's test elections and a spread of Scottish wards (3 to 14 candidates)."""
    files = sorted((shared / "droop" / "blt").glob("*.blt"))
    for rule in ("cfer", "mpls"):
        files.extend(sorted((shared / "droop" / "blt" / rule).glob("*.blt")))
    for sub in sorted((shared / "scotland" / "blt").iterdir()):
        files.extend(sorted(sub.glob("*2022*.blt"))[:2])
    return [tellers.read(f) for f in files]


@pytest.mark.parametrize(
    ("name", "rule", "arith", "kwargs", "attrs"), RULES, ids=[r[0] for r in RULES]
)
def test_contract_holds_after_every_stage(
    shared_data: Path,
    name: str,
    rule: type[GregoryCount],
    arith: Arithmetic,
    kwargs: dict[str, Any],
    attrs: dict[str, Any],
) -> None:
    counted = 0
    for election in elections(shared_data):
        count = checked(rule)(election, seats=None, seed=0, arithmetic=arith, **kwargs)
        for key, value in attrs.items():
            setattr(count, key, value)
        result = count.run()
        assert len(count.elected) <= count.seats, f"{name}: {election.title}: too many elected"
        assert result.rounds, name
        counted += 1
    assert counted >= 10
