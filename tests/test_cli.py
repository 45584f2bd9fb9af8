"""The command line: exit codes, output formats, and no output file on failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tellers.cli import app
from tellers.examples import path as example

runner = CliRunner()


def test_count_example_prints_stage_table() -> None:
    """The shipped example counts and prints a stage table with every candidate."""
    r = runner.invoke(app, ["count", str(example("example.blt")), "--width", "160"])
    assert r.exit_code == 0, r.output
    for name in ("Avery", "Blake", "Casey", "Drew", "Ellis", "Stage 1", "Non-transferable"):
        assert name in r.output


def test_count_json_has_the_contract_keys(tmp_path: Path) -> None:
    """JSON output carries exactly the promised keys, numbers as decimal strings."""
    out = tmp_path / "r.json"
    r = runner.invoke(app, ["count", str(example("example.blt")), "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    for key in ("method", "seats", "quota", "valid", "candidates", "elected", "rounds"):
        assert key in data
    first = data["rounds"][0]
    for key in ("number", "tallies", "transfers", "exhausted", "elected", "excluded", "note"):
        assert key in first
    assert data["candidates"] == ["Avery", "Blake", "Casey", "Drew", "Ellis"]
    # 100 papers, 2 seats: quota floor(100 / 3) + 1 = 34 [r.46]; Avery's 40 first preferences
    # pass it at stage 1.
    assert data["quota"] == "34.00000"
    assert first["tallies"]["Avery"] == "40.00000"
    assert first["elected"] == ["Avery"]
    assert data["valid"] == "100"


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        ("", 1, "empty"),
        ("3 1\n1 1 2 0\n", 2, "closes the ballots"),
        ('3 1\n1 1 4 0\n0\n"A"\n"B"\n"C"\n', 2, "out of range"),
        ('3 1\n-1x 1 0\n0\n"A"\n"B"\n"C"\n', 2, "not a whole number"),
        ('3 1\nx 1 0\n0\n"A"\n"B"\n"C"\n', 2, "not a whole number"),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n', 5, "2 of 3 candidate names"),
    ],
)
def test_bad_input_exits_2_naming_file_and_line(
    tmp_path: Path, content: str, line: int, problem: str
) -> None:
    """Malformed files give one message with file:line, exit code 2, and no output file."""
    bad = tmp_path / "bad.blt"
    bad.write_text(content)
    out = tmp_path / "out.json"
    r = runner.invoke(app, ["count", str(bad), "-f", "json", "-o", str(out)])
    assert r.exit_code == 2
    assert f"{bad}:{line}:" in r.output
    assert problem in r.output
    assert not out.exists()


def test_bad_encoding_exits_2(tmp_path: Path) -> None:
    """Invalid UTF-8 is reported with its line."""
    bad = tmp_path / "bad.blt"
    bad.write_bytes(b'2 1\n1 1 0\n0\n"\xff"\n"B"\n')
    r = runner.invoke(app, ["count", str(bad)])
    assert r.exit_code == 2
    assert f"{bad}:4:" in r.output
    assert "UTF-8" in r.output


def test_unknown_method_exits_2() -> None:
    """An unknown method name is a usage error listing the choices."""
    r = runner.invoke(app, ["count", str(example("example.blt")), "-m", "borda"])
    assert r.exit_code == 2
    assert "scottish-stv" in r.output


def test_verify_guesses_no_path(tmp_path: Path) -> None:
    """``tellers verify`` needs --data and --out; a missing data folder is named; no output."""
    out = tmp_path / "v.md"
    r = runner.invoke(app, ["verify", "droop", "--out", str(out)])
    assert r.exit_code == 2
    assert "--data" in r.output
    r = runner.invoke(app, ["verify", "droop", "--data", str(tmp_path)])
    assert r.exit_code == 2
    assert "--out" in r.output
    gone = tmp_path / "no-such-data"
    for dataset in ("droop", "scotland-2022", "ers97-2017", "condorcet", "rctab"):
        r = runner.invoke(app, ["verify", dataset, "--data", str(gone), "--out", str(out)])
        assert r.exit_code == 2, r.output
        assert f"{gone}: no such folder" in r.output
    assert not out.exists()


def test_count_real_ward_text(shared_data: Path) -> None:
    """A 2022 ward prints the stage table a councillor would recognise."""
    ward = shared_data / "scotland/2022-dat/Aberdeen/10_Midstocket-Rosemount.dat"
    r = runner.invoke(app, ["count", str(ward), "--width", "200"])
    assert r.exit_code == 0, r.output
    # Figures from the official declaration (official-results-2022.csv): quota 1173, Emma
    # Farquhar 1221.09557 at stage 3, Bill Cormie's surplus of 91 at stage 2.
    assert "quota 1,173.00000" in r.output
    assert "1,221.09557" in r.output
    assert "-91.00000" in r.output
    assert "Elected (1)" in r.output
