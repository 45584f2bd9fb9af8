"""The pieces of tellers rctab on small inputs: Java's generator, configs, readers, ties."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import tellers
from tellers.errors import ConfigurationError, FormatError
from tellers.rctab import RctabRules, TiebreakMode, WinnerMode, tabulate
from tellers.rctab._java import JavaRandom, hashmap_order, shuffle
from tellers.rctab.config import load_config
from tellers.rctab.report import dump_json
from tellers.rctab.run import run_config
from tellers.rctab.tabulator import percent


def test_java_random_matches_java() -> None:
    """java.util.Random(0).nextInt(10) and Random(42).nextDouble() as Java gives them."""
    r = JavaRandom(0)
    assert [r.next_int(10) for _ in range(5)] == [0, 8, 9, 7, 5]
    assert JavaRandom(42).next_double() == 0.7275636800328681
    items = list(range(5))
    shuffle(items, JavaRandom(1))
    assert sorted(items) == [0, 1, 2, 3, 4]


def test_hashmap_order_is_javas() -> None:
    """Candidates tied on first-round votes keep Java HashMap order (as RCTab's report)."""
    assert hashmap_order(["Banana", "Kumquat", "Durian"]) == ["Kumquat", "Durian", "Banana"]


def test_percent_truncates_like_rctab() -> None:
    """DECIMAL32 division, truncated to hundredths, printed as a Java double."""
    assert percent(Decimal(28951), Decimal(79312)) == "36.5%"
    assert percent(Decimal(10), Decimal(15)) == "66.66%"
    assert percent(Decimal(1), Decimal(1)) == "100.0%"


def test_json_layout_is_jacksons() -> None:
    """Sorted keys, two-space objects, inline arrays, empty containers spaced."""
    text = dump_json({"b": [{"x": Decimal("1.50")}], "a": {}, "c": []})
    assert text == '{\n  "a" : { },\n  "b" : [ {\n    "x" : "1.50"\n  } ],\n  "c" : [ ]\n}'


def _config(tmp_path: Path, **rules: object) -> Path:
    """Write a small generic-CSV contest and its config; return the config path."""
    (tmp_path / "cvr.csv").write_text(
        "id,A,B,C\n1,1,2,\n2,1,,2\n3,2,1,\n4,,1,2\n5,,,1\n", encoding="utf-8"
    )
    base: dict[str, object] = {
        "tiebreakMode": "useCandidateOrder",
        "overvoteRule": "alwaysSkipToNextRank",
        "winnerElectionMode": "singleWinnerMajority",
        "numberOfWinners": "1",
        "decimalPlacesForVoteArithmetic": "4",
        "maxSkippedRanksAllowed": "1",
        "maxRankingsAllowed": "3",
    }
    base.update(rules)
    config = {
        "tabulatorVersion": "TEST",
        "outputSettings": {"contestName": "Small"},
        "cvrFileSources": [
            {
                "filePath": "cvr.csv",
                "provider": "genericCsv",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
            }
        ],
        "candidates": [{"name": n} for n in ("A", "B", "C")],
        "rules": base,
    }
    path = tmp_path / "small_config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_small_contest_runs_and_writes_reports(tmp_path: Path) -> None:
    """A small contest: C is eliminated, then A and B tie 2-2 and A wins by config order."""
    written = run_config(_config(tmp_path), tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == [
        "small_detailed_report.csv",
        "small_detailed_report.json",
        "small_summary_report.csv",
    ]
    report = json.loads((tmp_path / "out" / "small_detailed_report.json").read_text())
    assert report["results"][0]["tally"] == {"A": "2", "B": "2", "C": "1"}
    csv = (tmp_path / "out" / "small_detailed_report.csv").read_text()
    assert "Winner(s),A\n" in csv


def test_config_errors_name_file_and_key(tmp_path: Path) -> None:
    """Every bad option is named by its key, in one error naming the file."""
    path = _config(tmp_path, overvoteRule="sometimes", randomSeed="x", ranomSeed="1")
    with pytest.raises(FormatError) as e:
        load_config(path)
    message = str(e.value)
    assert str(path) in message
    assert "rules.overvoteRule: 'sometimes' is not one of" in message
    assert "rules.randomSeed: must be" in message
    assert "rules.ranomSeed: unknown key (did you mean 'randomSeed'?)" in message


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    """A key given twice is an error, not the last one silently winning."""
    path = tmp_path / "dup_config.json"
    path.write_text('{"rules": {}, "rules": {}}', encoding="utf-8")
    with pytest.raises(FormatError, match="'rules' appears twice"):
        load_config(path)


def test_bad_cvr_cell_names_file_and_record(tmp_path: Path) -> None:
    """A rank that is not a number is reported with the file, line and record."""
    path = _config(tmp_path)
    (tmp_path / "cvr.csv").write_text("id,A,B,C\n1,1,x,\n", encoding="utf-8")
    with pytest.raises(FormatError) as e:
        run_config(path, tmp_path / "out")
    assert "cvr.csv:2:" in str(e.value)
    assert "record '1'" in str(e.value)


def test_unknown_candidate_is_listed(tmp_path: Path) -> None:
    """A CVR naming an undeclared candidate fails, naming it, its count and first record."""
    path = _config(tmp_path)
    (tmp_path / "cvr.csv").write_text("id,A,B,D\n1,1,2,3\n2,,,1\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"'D' 2 time\(s\), first in record 1 of cvr.csv"):
        run_config(path, tmp_path / "out")


def test_ask_mode_uses_answers_or_stops() -> None:
    """The "ask" tie-break mode takes the operator's answer, or stops with a clear error."""
    election = tellers.Election.from_orders(["A", "B", "C"], [((0,), 2), ((1,), 2), ((2,), 1)])
    rules = RctabRules(tiebreak_mode=TiebreakMode.ASK, max_skipped_ranks_allowed=None)
    with pytest.raises(ConfigurationError, match="asks the operator"):
        tabulate(election, rules)
    answered = RctabRules(
        tiebreak_mode=TiebreakMode.ASK, max_skipped_ranks_allowed=None, ask=lambda _: "B"
    )
    # C is eliminated; A and B then tie 2-2 with neither at the threshold, so the operator
    # picks the winner.
    count = tabulate(election, answered)
    assert count.eliminated == {"C": 1}
    assert count.winners == {"B": 2}
    assert "B" in count.tie_broken


def test_registered_method_counts_an_election() -> None:
    """``tellers.count(election, "rctab")`` gives tellers' result model."""
    election = tellers.read(Path(tellers.__file__).parent / "examples" / "example.blt")
    result = tellers.count(election, "rctab")
    assert result.method == "rctab"
    assert len(result.elected) == (election.seats or 1)
    rules = RctabRules(winner_mode=WinnerMode.MULTI_WINNER_MANY_PER_ROUND, number_of_winners=2)
    assert tabulate(election, rules).winners


def test_cli_command_writes_reports_and_fails_cleanly(tmp_path: Path) -> None:
    """``rctab_command`` writes the reports (exit 0); a bad config exits 2 with one message."""
    import typer
    from typer.testing import CliRunner

    from tellers.rctab.cli import rctab_command

    app = typer.Typer()
    app.command("rctab")(rctab_command)
    app.command("other")(lambda: None)
    runner = CliRunner()
    ok = runner.invoke(app, ["rctab", str(_config(tmp_path)), "--out", str(tmp_path / "o")])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "o" / "small_detailed_report.json").exists()
    bad = _config(tmp_path, tiebreakMode="coin")
    failed = runner.invoke(app, ["rctab", str(bad), "--out", str(tmp_path / "p")])
    assert failed.exit_code == 2
    assert "rules.tiebreakMode" in failed.output
    assert not (tmp_path / "p").exists()


def test_first_vote_column_past_the_header_is_refused(tmp_path: Path) -> None:
    """Past the header's last column every ballot was blank and the winner drawn by lot."""
    path = _config(tmp_path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["cvrFileSources"][0]["firstVoteColumnIndex"] = "5"  # id,A,B,C: four columns
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(FormatError) as e:
        run_config(path, tmp_path / "out")
    assert str(e.value).startswith(f"{tmp_path / 'cvr.csv'}:1: ")
    assert "firstVoteColumnIndex 5 is past the header's last column, 4" in str(e.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # The last column is still a column: C's rankings alone are read.
    raw["cvrFileSources"][0]["firstVoteColumnIndex"] = "4"
    path.write_text(json.dumps(raw), encoding="utf-8")
    run_config(path, tmp_path / "out")
