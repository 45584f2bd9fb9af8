"""`tellers rules` and `tellers nominations`: output, exit codes, file:line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tellers.rules.cli import nominations_app, rules_app
from tellers.rules.loader import shipped, shipped_path

runner = CliRunner()


def test_check_and_show_every_shipped_rulebook() -> None:
    """Every shipped rulebook checks and shows, addressed by name."""
    for name in shipped():
        r = runner.invoke(rules_app, ["check", name])
        assert r.exit_code == 0, r.output
        assert r.output.startswith("ok: ")
        r = runner.invoke(rules_app, ["show", name])
        assert r.exit_code == 0, r.output
        assert "Sources" in r.output


def test_list() -> None:
    """`rules list` names the shipped rulebooks."""
    r = runner.invoke(rules_app, ["list"])
    assert r.exit_code == 0
    assert "labour-leader-2020" in r.output


def test_bad_rulebook_exits_2_with_file_and_line(tmp_path: Path) -> None:
    """A schema error prints file:line: problem and exits 2."""
    text = shipped_path("libdem-leader").read_text(encoding="utf-8")
    text = text.replace('method = "av"', 'method = "borda"', 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if 'method = "borda"' in ln)
    r = runner.invoke(rules_app, ["check", str(bad)])
    assert r.exit_code == 2
    flat = "".join(r.output.split())
    assert f"{bad}:{line}:offices.leader.method:unknownmethod'borda'" in flat


NOMS = """kind,date,office,candidate,nominator,body,count
candidate,,leader,Ann,,,
candidate,,leader,Bo,,,
nomination,2020-01-08,leader,Ann,,plp_eplp,22
nomination,2020-01-08,leader,Bo,,plp_eplp,21
nomination,2020-01-20,leader,Ann,,clp,33
nomination,2020-01-20,leader,Cy,Hackney,clp,
"""


def test_report_text_and_json(tmp_path: Path) -> None:
    """The report says who is on the ballot, who is short and what was rejected."""
    p = tmp_path / "n.csv"
    p.write_text(NOMS, encoding="utf-8")
    r = runner.invoke(nominations_app, ["report", "labour-leader-2020", str(p), "--final"])
    assert r.exit_code == 0, r.output
    assert "Ann: ON THE BALLOT" in r.output
    assert "Bo: OUT" in r.output
    assert "line 7:" in r.output and "unknown candidate 'Cy'" in r.output
    r = runner.invoke(
        nominations_app,
        [
            "report",
            "labour-leader-2020",
            str(p),
            "-f",
            "json",
            "--as-of",
            "2020-01-10",
            "--size",
            "plp_eplp=200",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    ann = data["candidates"][0]
    assert ann["stages"][0]["routes"][0]["conditions"][0]["need"] == 20
    assert ann["status"] == "not yet qualified"


def test_report_bad_csv_exits_2_with_line(tmp_path: Path) -> None:
    """A malformed nominations file names file and line, exit 2."""
    p = tmp_path / "n.csv"
    p.write_text("candidate,nominator,body,date\nAnn,MP1,plp_eplp,13/01/2020\n", encoding="utf-8")
    r = runner.invoke(nominations_app, ["report", "labour-leader-2020", str(p)])
    assert r.exit_code == 2
    assert f"{p}:2:" in "".join(r.output.split())


def test_report_bad_as_of() -> None:
    """A bad --as-of date is refused with exit 2."""
    r = runner.invoke(
        nominations_app, ["report", "labour-leader-2020", "x.csv", "--as-of", "13 Jan"]
    )
    assert r.exit_code == 2
