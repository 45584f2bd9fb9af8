"""The HTML result sheet: its figures are the JSON report's, and the published results'.

Each page is read back with html.parser: every cell carries the exact value in ``data-value``
and shows it as the stage table does; both are compared with ``tellers.report.to_json_dict``,
and the figures are compared with independent sources (the councils' declarations, the
Labour Party's published round table, RCTab's own report).
"""

from __future__ import annotations

import csv
import html
import itertools
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tellers.cli import app
from tellers.model import Result
from tellers.report import to_json_dict
from tellers.report.html import STYLE, render_count, render_count_fragment

from ._html_cases import (
    CASES,
    CITY_CENTRE,
    LEITH_WALK,
    PORTLAND,
    Rendered,
    read_figures,
    render_case,
)

SHOWN_AT_MOST = 9  # the stage table's limit (report.text.MAX_SHOWN)


@pytest.fixture(scope="module")
def rendered(shared_data: Path) -> dict[str, Rendered]:
    """Each case counted and rendered once for the module."""
    return {name: render_case(name, shared_data) for name in CASES}


def _as_shown(value: str, places: int) -> str:
    d = Decimal(value)
    if places:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:,.{places}f}"


@pytest.mark.parametrize("case", CASES)
def test_every_figure_equals_the_json_report(case: str, rendered: dict[str, Rendered]) -> None:
    """Every total, transfer, non-transferable and rounding figure of every stage is on the
    page with the JSON report's exact value, and is shown as that value to the shown places."""
    r = rendered[case]
    doc = to_json_dict(r.result)
    places = min(r.result.places, SHOWN_AT_MOST)
    figures = read_figures(r.html).figures
    expected: dict[tuple[str, int | None, int | None], str] = {}
    for rnd in doc["rounds"]:
        s = rnd["number"]
        for i, name in enumerate(doc["candidates"]):
            expected[("total", s, i)] = rnd["tallies"][name]
            if s > 1:
                expected[("transfer", s, i)] = rnd["transfers"][name]
        expected[("exhausted", s, None)] = rnd["exhausted"]
        if any(Decimal(x["loss"]) != 0 for x in doc["rounds"]):
            expected[("loss", s, None)] = rnd["loss"]
    expected[("valid", None, None)] = doc["valid"]
    if doc["quota"] is not None:
        expected[("quota", None, None)] = doc["quota"]
    assert len(expected) > 3 * len(doc["rounds"])
    for key, value in expected.items():
        assert key in figures, f"{case}: no figure for {key}"
        f = figures[key]
        assert f.value == value, f"{case} {key}: data-value {f.value}, JSON {value}"
        if key[0] == "transfer" and Decimal(value) == 0:
            assert f.shown == ""
        elif key[0] == "valid" and Decimal(value) == Decimal(value).to_integral():
            assert f.shown == _as_shown(value, 0)
        else:
            shown = f.shown if key[0] != "transfer" else f.shown.lstrip("+")
            assert shown == _as_shown(value, places), f"{case} {key}: shows {f.shown}"
    # Stage by stage, the names under "elected/excluded at this stage" are the JSON's.
    decided = read_figures(r.html).decided
    for rnd in doc["rounds"]:
        for kind in ("elected", "excluded"):
            shown = decided[(kind, rnd["number"])]
            assert shown == ", ".join(rnd[kind])


def test_scottish_ward_stages_equal_the_official_declaration(
    rendered: dict[str, Rendered], shared_data: Path
) -> None:
    """Edinburgh City Centre 2022: every stage total on the page agrees with the council's
    declaration to the places it printed, and so do the quota, valid poll and the elected."""
    r = rendered["scottish"]
    rows = [
        row
        for row in csv.DictReader(
            (shared_data / "scotland" / "official-results-2022.csv").open(encoding="utf-8")
        )
        if row["council_name"] == "City of Edinburgh" and row["ward_name"] == "City Centre"
    ]
    assert len(rows) == len(r.result.candidates) == 13
    by_surname = {n.split()[-1].upper(): i for i, n in enumerate(r.result.candidates)}
    figures = read_figures(r.html).figures
    compared = 0
    for row in rows:
        i = by_surname[row["name"].split()[-1].upper()]
        official = {1: row["first_prefs"]}
        official.update(
            {int(k[-2:]): v for k, v in row.items() if k.startswith("total_votes") and v}
        )
        for stage, text in official.items():
            printed = Decimal(text)
            ours = Decimal(figures[("total", stage, i)].value)
            places = len(text.partition(".")[2])
            assert abs(ours - printed) < Decimal(1).scaleb(-places), (row["name"], stage)
            compared += 1
        assert (r.result.candidates[i] in r.result.elected_names) == (row["status"] == "Elected")
    assert compared > 13 * 12
    assert Decimal(figures[("quota", None, None)].value) == Decimal(rows[0]["quota"])
    assert Decimal(figures[("valid", None, None)].value) == Decimal(rows[0]["valid_poll"])
    sha = re.search(r'class="sha">([0-9a-f]{64})<', r.html)
    assert sha is not None and CITY_CENTRE.name in r.html


def test_deputy_2020_rounds_equal_the_published_table(
    rendered: dict[str, Rendered], shared_data: Path
) -> None:
    """The 2020 deputy leadership: each round's totals are the Labour Party's published ones."""
    published = json.loads((shared_data / "uk-party" / "published-results.json").read_text())
    rounds = published["labour_deputy_2020"]["rounds"]
    r = rendered["deputy"]
    figures = read_figures(r.html).figures
    names = r.result.candidates
    assert len(r.result.rounds) == len(rounds) == 3
    for rnd in rounds:
        for who, votes in rnd["votes"].items():
            f = figures[("total", rnd["round"], names.index(who))]
            assert Decimal(f.value) == votes
            assert f.shown == f"{votes:,}"
    assert r.result.elected_names == ("Rayner",)
    assert "Rayner was elected" in r.html


def test_meek_count_first_preferences_equal_the_declaration(
    rendered: dict[str, Rendered], shared_data: Path
) -> None:
    """Leith Walk under Meek: the first preferences are the council's; the page says the
    quota changes as Meek's does (each stage's note carries it)."""
    r = rendered["meek"]
    rows = [
        row
        for row in csv.DictReader(
            (shared_data / "scotland" / "official-results-2022.csv").open(encoding="utf-8")
        )
        if row["council_name"] == "City of Edinburgh" and row["ward_name"] == "Leith Walk"
    ]
    figures = read_figures(r.html).figures
    by_surname = {n.split()[-1].upper(): i for i, n in enumerate(r.result.candidates)}
    # The declaration spells one name "David Jon Jacobson", the ballot file "David Don JACOBSEN".
    by_surname["JACOBSON"] = by_surname["JACOBSEN"]
    assert len(rows) == 12
    for row in rows:
        i = by_surname[row["name"].split()[-1].upper()]
        assert Decimal(figures[("total", 1, i)].value) == Decimal(row["first_prefs"])
    assert r.result.method == "meek-prf" and r.result.places == 9
    assert "keep factors" in r.html


def test_rctab_rounds_equal_rctabs_own_report(
    rendered: dict[str, Rendered], shared_data: Path
) -> None:
    """Portland 2015: every round's tally on the page is the one RCTab's expected report
    gives, and the winner is RCTab's."""
    expected = json.loads(
        (shared_data / "rctab" / PORTLAND / f"{PORTLAND}_expected_detailed_report.json").read_text()
    )
    r = rendered["rctab"]
    figures = read_figures(r.html).figures
    names = r.result.candidates
    compared = 0
    for rnd in expected["results"]:
        for who, votes in rnd["tally"].items():
            assert Decimal(figures[("total", rnd["round"], names.index(who))].value) == Decimal(
                votes
            )
            compared += 1
    assert compared > 100
    winners = [w for rnd in expected["results"] for w in _winners(rnd)]
    assert list(r.result.elected_names) == winners


def _winners(rnd: dict[str, Any]) -> list[str]:
    return [a["elected"] for a in rnd.get("tallyResults", []) if "elected" in a]


@pytest.mark.parametrize("case", CASES)
def test_page_is_self_contained_and_accessible_in_its_markup(
    case: str, rendered: dict[str, Rendered]
) -> None:
    """No script, no external address, a policy forbidding requests, captions and scoped
    headers on every table, and a name on every chart."""
    page = rendered[case].html
    assert "<script" not in page.lower()
    assert "default-src 'none'" in html.unescape(page)
    addresses = set(re.findall(r"(?:https?:)?//[^\s\"'<>)]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg"}
    assert "@import" not in page and "url(http" not in page
    tables = page.count("<table")
    assert tables >= 1 and page.count("<caption>") == tables
    assert 'scope="col"' in page and 'scope="row"' in page
    for svg in re.findall(r"<svg[^>]*>", page):
        assert 'aria-hidden="true"' in svg or ('role="img"' in svg and "aria-labelledby" in svg), (
            svg
        )
    assert '<html lang="en">' in page and "@media print" in STYLE
    assert "size: A4 landscape" in STYLE


def test_names_from_files_are_escaped() -> None:
    """A candidate called <script> is text, not markup, everywhere it appears."""
    import tellers

    election = tellers.Election.from_orders(
        ["<script>alert(1)</script>", 'Ann "A" & Co', "Bob"],
        [([0, 1], 3), ([1, 0], 2), ([1], 1), ([2, 1], 1)],
        seats=1,
        title="<b>Title</b>",
    )
    result = tellers.count(election, "av")
    page = render_count(result, election)
    assert "<script>" not in page and "<b>Title" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Ann &quot;A&quot; &amp; Co" in page


def test_fragment_has_no_document_shell(rendered: dict[str, Rendered]) -> None:
    """The fragment for a host page: one section, its own ids, no html/head/style."""
    r = rendered["scottish"]
    frag = render_count_fragment(r.result, r.election, id_prefix="ward-11", heading_level=2)
    assert frag.startswith('<section class="tellers-report" id="ward-11">')
    assert "<html" not in frag and "<style" not in frag and "<h1" not in frag
    assert 'id="ward-11-flow-title"' in frag
    ids = re.findall(r'\sid="([^"]+)"', r.html)
    assert len(ids) == len(set(ids)), "element ids repeat"


def test_account_says_what_happened(rendered: dict[str, Rendered]) -> None:
    """The count in words names the surplus, its transfer value and the exclusions, with the
    stage's own figures."""
    r = rendered["scottish"]
    res: Result = r.result
    first_surplus = next(x for x in res.rounds if x.action.value == "surplus")
    who = res.candidates[first_surplus.subjects[0]]
    amount = -first_surplus.transfers[first_surplus.subjects[0]]
    text = re.sub(r"<[^>]+>", "", r.html)
    assert f"The surplus of {who}, {amount:,f} votes, was transferred at a transfer value" in text
    assert "was excluded (fewest votes [50])" in text
    assert (
        "Elected, in order: "
        + ", ".join(f"{res.candidates[c]} (stage {res.stage_of(c)})" for c in res.elected)
        in text
    )


def test_cli_writes_the_html_report(shared_data: Path, tmp_path: Path) -> None:
    """``tellers count FILE --format html --out result.html`` writes the page, with the
    file's SHA-256, and nothing else on stdout."""
    import hashlib

    ward = shared_data / CITY_CENTRE
    out = tmp_path / "result.html"
    run = CliRunner().invoke(app, ["count", str(ward), "--format", "html", "--out", str(out)])
    assert run.exit_code == 0, run.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert hashlib.sha256(ward.read_bytes()).hexdigest() in page
    assert re.search(r"Result sheet, stages 1 to \d+ of 13", page)


def test_pdf_is_an_a4_landscape_result_sheet(rendered: dict[str, Rendered]) -> None:
    """``--format pdf``: WeasyPrint lays the print sheet out on A4 landscape pages, with no
    browser, and the CLI writes it."""
    weasyprint = pytest.importorskip("weasyprint")
    from tellers.report.html.pdf import to_pdf

    r = rendered["scottish"]
    document = weasyprint.HTML(string=r.html).render()
    # A4 is 297 x 210 mm; WeasyPrint measures pages in CSS pixels (96 an inch).
    mm = 96 / 25.4
    for p in document.pages:
        assert (round(p.width / mm), round(p.height / mm)) == (297, 210)
    assert 2 <= len(document.pages) <= 8
    assert to_pdf(r.html).startswith(b"%PDF-")


def test_cli_writes_a_pdf(shared_data: Path, tmp_path: Path) -> None:
    """``tellers count FILE --format pdf --out result.pdf`` writes a PDF."""
    pytest.importorskip("weasyprint")
    out = tmp_path / "result.pdf"
    ward = str(shared_data / CITY_CENTRE)
    run = CliRunner().invoke(app, ["count", ward, "--format", "pdf", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_ties_are_said_in_words() -> None:
    """A tie broken by lot and one broken by an earlier stage are said in words, in the list of
    ties and at the stage they decided, with the seed."""
    import tellers

    # Bob and Cat tie on 2 at stage 1 (lot); then Ann and Bob tie on 4 at stage 2 and the
    # earlier stage (Ann 4, Bob 2) decides.
    election = tellers.Election.from_orders(
        ["Ann", "Bob", "Cat", "Dan"], [([0], 4), ([1, 0], 2), ([2, 1], 2), ([3], 3)], seats=1
    )
    result = tellers.count(election, "av", seed=7)
    page = html.unescape(re.sub(r"<[^>]+>", "", render_count(result, election)))
    lot = "Tie (exclusion) between Bob, Cat: Cat by lot (seed 7)"
    earlier = "Tie (exclusion) between Ann, Bob: Bob by stage 1"
    assert page.count(lot) == 2 and page.count(earlier) == 2
    assert "Stage 2. Cat was excluded" in page
    assert "Seed for lots7" in page


def test_flow_labels_never_collide(rendered: dict[str, Rendered]) -> None:
    """Portland 2015 (16 candidates, 14 rounds): each lane's label sits at least a line below
    the one above, inside the drawing."""
    page = rendered["rctab"].html
    flow = page[page.index('<section class="flow">') :]
    flow = flow[flow.index("<figure>") :]
    flow = flow[: flow.index("</svg>")]
    labels = [
        (float(x), float(y), text)
        for x, y, text in re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="end">([^<]*)</text>', flow
        )
        if text != "Stage"
    ]
    assert len(labels) == 16 + 1  # the candidates and the non-transferable lane
    ys = sorted(y for _, y, _ in labels)
    assert min(b - a for a, b in itertools.pairwise(ys)) >= 14
    stage_numbers = re.findall(r'y="20.0" text-anchor="middle">(\d+)</text>', flow)
    assert stage_numbers == [str(s) for s in range(1, 15)]
    assert {t for _, _, t in labels} >= set(rendered["rctab"].result.candidates[:3])


def test_cli_puts_several_files_on_one_page(shared_data: Path, tmp_path: Path) -> None:
    """Several files: one page, a section per file with its own SHA-256, no id twice."""
    import hashlib

    wards = [shared_data / CITY_CENTRE, shared_data / LEITH_WALK]
    out = tmp_path / "two.html"
    run = CliRunner().invoke(
        app, ["count", *map(str, wards), "--format", "html", "--out", str(out)]
    )
    assert run.exit_code == 0, run.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="tellers-report" id="count-') == 2
    for ward in wards:
        assert hashlib.sha256(ward.read_bytes()).hexdigest() in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
