"""``tellers compare --format html``: the rules side by side and the pairwise heat map.

The ward is Midstocket/Rosemount, Aberdeen 2022 (Mollison's profile of the council's
ballots).  Its officially elected councillors (the Democracy Club results CSV) must be the
Scottish STV column; each pairwise cell must equal a count of the papers made here directly,
paper by paper, not by the engine's matrix code.
"""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tellers.cli import app
from tellers.compare import Comparison, compare
from tellers.formats import read
from tellers.model import Election
from tellers.report.html.compare import heat_class, render_comparison_html

WARD = Path("scotland") / "2022-dat" / "Aberdeen" / "10_Midstocket-Rosemount.dat"
METHODS = ["fptp", "av", "scottish-stv", "ers97", "meek", "schulze"]


class _Cells(HTMLParser):
    """Collect each ``td``/``th``'s attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.style_attributes = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(k == "style" for k, _ in attrs):
            self.style_attributes += 1
        if tag == "script":
            self.scripts += 1
        if tag in ("td", "th"):
            self._open, self._text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._open is not None:
            self.cells.append((self._open, "".join(self._text)))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def _parse(html: str) -> _Cells:
    p = _Cells()
    p.feed(html)
    return p


def _papers_above(election: Election) -> list[list[int]]:
    """Count, paper by paper, how many rank each candidate above each other (unranked last)."""
    n = len(election.candidates)
    d = [[0] * n for _ in range(n)]
    for b in election.ballots:
        prefs = b.preferences()
        for k, a in enumerate(prefs):
            for c in range(n):
                if c != a and c not in prefs[: k + 1]:
                    d[a][c] += b.weight
    return d


def _official_elected(shared: Path) -> set[str]:
    with (shared / "scotland" / "official-results-2022.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["ward_name"] == "Midstocket/Rosemount"]
    assert len(rows) == 6
    return {r["name"].split()[-1].upper() for r in rows if r["status"] == "Elected"}


@pytest.fixture(scope="module")
def page(shared_data: Path) -> tuple[str, Election]:
    election = read(shared_data / WARD)
    return render_comparison_html(compare(election, METHODS)), election


def test_pairwise_cells_equal_papers_counted_directly(page: tuple[str, Election]) -> None:
    html, election = page
    direct = _papers_above(election)
    cells = [a for a, _ in _parse(html).cells if a.get("data-row") is not None]
    n = len(election.candidates)
    assert len(cells) == n * (n - 1)
    for a in cells:
        i, j = int(a["data-row"] or ""), int(a["data-column"] or "")
        assert int(a["data-value"] or "") == direct[i][j]
        assert heat_class(direct[i][j], direct[j][i]) in (a.get("class") or "").split()


def test_scottish_stv_column_is_the_official_result(
    page: tuple[str, Election], shared_data: Path
) -> None:
    html, election = page
    marked = {
        election.names[int(a["data-candidate"] or "")].split()[-1].upper()
        for a, text in _parse(html).cells
        if a.get("data-method") == "scottish-stv" and text.startswith("elected")
    }
    assert marked == _official_elected(shared_data) == {"CORMIE", "FARQUHAR", "BONSELL"}


def test_winner_of_each_pair_not_shown_by_colour_alone(page: tuple[str, Election]) -> None:
    html, election = page
    direct = _papers_above(election)
    for a, text in _parse(html).cells:
        if a.get("data-row") is None:
            continue
        i, j = int(a["data-row"] or ""), int(a["data-column"] or "")
        wins = direct[i][j] > direct[j][i]
        assert text.endswith("\u2020") is wins
        assert ("beats" in (a.get("title") or "")) is (direct[i][j] != direct[j][i])


def test_page_is_self_contained(page: tuple[str, Election]) -> None:
    html, election = page
    parsed = _parse(html)
    assert parsed.scripts == 0
    assert "Content-Security-Policy" in html and "default-src &#x27;none&#x27;" in html
    direct = _papers_above(election)
    n = len(direct)
    (winner,) = [
        a for a in range(n) if all(direct[a][c] > direct[c][a] for c in range(n) if c != a)
    ]
    assert f"<dt>Condorcet winner</dt><dd>{election.names[winner]}</dd>" in html


@pytest.mark.parametrize(
    ("wins", "losses", "expected"),
    [
        (50, 50, "heat-tie"),
        (55, 45, "heat-w1"),  # exactly 55%: still the lightest shade
        (56, 44, "heat-w2"),
        (65, 35, "heat-w2"),
        (80, 20, "heat-w3"),
        (81, 19, "heat-w4"),
        (19, 81, "heat-l4"),
        (44, 56, "heat-l2"),
        (0, 3, "heat-l4"),
    ],
)
def test_heat_shades(wins: int, losses: int, expected: str) -> None:
    assert heat_class(wins, losses) == expected


def test_names_are_escaped() -> None:
    e = Election.from_orders(["<b>A</b>", 'B "&"', "C"], [((0, 1, 2), 3), ((1, 0), 2), ((2,), 1)])
    html = render_comparison_html(compare(e, ["av", "schulze"]))
    assert "<b>A</b>" not in html
    assert "&lt;b&gt;A&lt;/b&gt;" in html
    assert "B &quot;&amp;&quot;" in html


def test_cli_compare_html(shared_data: Path) -> None:
    run = CliRunner().invoke(app, ["compare", str(shared_data / WARD), "-f", "html"])
    assert run.exit_code == 0, run.output
    assert run.output.startswith("<!DOCTYPE html>")
    assert "Pairwise: papers ranking the row candidate above the column candidate" in run.output


def test_a_rule_that_could_not_count_says_why() -> None:
    e = Election.from_orders(["A", "B"], [((0, 1), 2), ((1,), 1)])
    ok = compare(e, ["av"])
    broken = Comparison(e, (*ok.results, ("wigm", None, "needs <seats>")), ok.pairwise, "A", "B")
    cells = _parse(render_comparison_html(broken)).cells
    texts = [t for _, t in cells]
    assert "Not counted: needs <seats>" in texts  # shown, and escaped in the markup
    # The rule that failed has no column in the side-by-side grid.
    assert [a.get("data-method") for a, _ in cells if a.get("data-method")] == ["av", "av"]
