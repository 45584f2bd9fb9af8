"""``tellers rctab`` writes tellers' HTML result sheet beside RCTab's own reports.

The figures on the sheet are checked against RCTab's expected report for the case (RCTab's
output, in ../shared/data/rctab), read in place; the reports go to a temporary folder.
"""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from tellers.cli import app

CASE = "2013_minneapolis_park"


class _Totals(HTMLParser):
    """Collect (row name, stage) -> exact total from the stage tables' body rows."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: dict[tuple[str, int], Decimal] = {}
        self._row = ""
        self._in_th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self._row = ""
        elif tag == "th" and a.get("scope") == "row":
            self._in_th = True
        elif tag == "td" and a.get("data-kind") == "total" and a.get("data-candidate"):
            self.totals[(self._row, int(a["data-stage"] or ""))] = Decimal(a["data-value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_th = False

    def handle_data(self, data: str) -> None:
        if self._in_th:
            self._row += data


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_rctab_writes_html_beside_its_reports(shared_data: Path, tmp_path: Path) -> None:
    config = shared_data / "rctab" / CASE / f"{CASE}_config.json"
    _run(["rctab", str(config), "--out", str(tmp_path)])
    sheet = tmp_path / f"{CASE}_report.html"
    assert (tmp_path / f"{CASE}_detailed_report.json").exists()
    html = sheet.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "2013 Minneapolis Park Board" in html
    expected = json.loads(
        (shared_data / "rctab" / CASE / f"{CASE}_expected_detailed_report.json").read_text(
            encoding="utf-8"
        )
    )
    parser = _Totals()
    parser.feed(html)
    checked = 0
    for rnd in expected["results"]:
        stage = rnd["round"]
        names = {name for name, s in parser.totals if s == stage}
        assert names, f"no totals for stage {stage}"
        for name in names:
            want = Decimal(rnd["tally"].get(name, "0"))  # eliminated: gone from RCTab's tally
            assert parser.totals[(name, stage)] == want, (name, stage)
            checked += 1
    assert checked == 11 * len(expected["results"])
    winners = [
        t["elected"] for r in expected["results"] for t in r["tallyResults"] if "elected" in t
    ]
    assert len(winners) == 3
    for name in winners:
        assert f'<tr class="elected"><th scope="row">{name}</th>' in html


def test_no_html_writes_only_rctabs_files(shared_data: Path, tmp_path: Path) -> None:
    config = shared_data / "rctab" / CASE / f"{CASE}_config.json"
    _run(["rctab", str(config), "--out", str(tmp_path), "--no-html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{CASE}_detailed_report.csv",
        f"{CASE}_detailed_report.json",
        f"{CASE}_summary_report.csv",
    ]
