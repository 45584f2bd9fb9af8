"""The plain-text stage table: the same table whatever its size, in time linear in its size."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import tellers
from tellers.examples import path as example
from tellers.model import Election
from tellers.report import text


def _one_by_one(folder: Path, n: int, *, name: str = "Candidate {i}") -> Election:
    """Return an election of ``n`` candidates with 1, 2, ... n first preferences: every AV
    stage excludes one, so the table has n rows by n - 1 stages."""
    lines = [f"{n} 1", *(f"{i + 1} {i + 1} 0" for i in range(n)), "0"]
    lines += [f'"{name.format(i=i)}"' for i in range(n)] + ['"One by one"']
    path = folder / f"one-by-one-{n}.blt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tellers.read(path)


@contextmanager
def _within(seconds: int) -> Iterator[None]:
    """Fail, rather than wait, if the block takes longer than ``seconds``."""

    def late(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_table_of_many_candidates_is_drawn_in_time_linear_in_its_size(tmp_path: Path) -> None:
    """400 candidates excluded one by one: some 320,000 cells, which rich took minutes to lay
    out (0.2 ms a cell); now well under a second, and every row of every block is there."""
    result = tellers.count(_one_by_one(tmp_path, 400), "av")
    assert len(result.rounds) == 399
    with _within(20):
        start = time.process_time()
        table = text.render_text(result, width=120)
        spent = time.process_time() - start
    assert spent < 10, spent
    blocks = text._blocks(result, 120)
    assert table.count("┏") == len(blocks)
    # Every block lists every candidate, and the last says who won.
    assert table.count("│Candidate 0 ") == len(blocks)
    assert "│Candidate 399 " in table and "Elected (399)" in table


def _results(shared_data: Path, folder: Path) -> Iterator[tuple[str, tellers.Result]]:
    """Yield counts whose tables cover what the table draws: transfers, losses from
    fractions, non-transferable papers, and names that wrap."""
    ward = tellers.read(example("example.blt"))
    for method in ("scottish-stv", "meek", "av"):
        yield f"example {method}", tellers.count(ward, method)
    dat = sorted((shared_data / "scotland" / "2022-dat").glob("*/*.dat"))
    for path in dat[::150]:
        yield path.name, tellers.count(tellers.read(path), "scottish-stv")
    long_names = _one_by_one(folder, 9, name="Candidate {i} Of A Name Far Too Long For The Column")
    yield "long names", tellers.count(long_names, "av")


def test_the_plain_table_is_what_rich_draws(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past RICH_CELLS the table is drawn without rich: it is the same table, character for
    character, wherever it fits the page (rich crops figures where it does not; this
    never does)."""
    for name, result in _results(shared_data, tmp_path):
        for width in (100, 120, 200):
            monkeypatch.setattr(text, "RICH_CELLS", 10**9)
            by_rich = text.render_text(result, width=width)
            monkeypatch.setattr(text, "RICH_CELLS", 0)
            assert text.render_text(result, width=width) == by_rich, (name, width)
