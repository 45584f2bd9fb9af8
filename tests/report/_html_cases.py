"""The counts the HTML report tests render, and a reader for the figures a page carries.

Four real counts: a Scottish ward (Edinburgh City Centre 2022, 13 candidates, 13 stages,
official figures for every stage), the Labour deputy leadership 2020 reconstruction (AV, the
published round table), a Meek count (Edinburgh Leith Walk 2022 under the PR Foundation's
reference Meek rule) and an RCTab case (Portland 2015 mayor: 16 candidates, 14 rounds, with
RCTab's own expected report).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import tellers
from tellers.model import Election, Result
from tellers.report.html import render_count
from tellers.rules.replays import demo_path

CITY_CENTRE = Path("scotland/2022-dat/Edinburgh/11_City_Centre.dat")
LEITH_WALK = Path("scotland/2022-dat/Edinburgh/12_Leith_Walk.dat")
PORTLAND = "2015_portland_mayor"
CASES = ("scottish", "deputy", "meek", "rctab")


@dataclass(frozen=True)
class Rendered:
    """A count and its page."""

    name: str
    result: Result
    election: Election | None
    html: str


def _file(path: Path, method: str) -> tuple[Result, Election, str]:
    election = tellers.read(path)
    result = tellers.count(election, method)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return result, election, sha


def render_case(name: str, data: Path) -> Rendered:
    """Count and render one of :data:`CASES`."""
    if name == "rctab":
        from tellers.rctab.config import load_config
        from tellers.rctab.run import tabulate_config

        config = load_config(data / "rctab" / PORTLAND / f"{PORTLAND}_config.json")
        result = tabulate_config(config).counts[0].to_result(config.output.contest_name)
        return Rendered(name, result, None, render_count(result))
    path = {
        "scottish": data / CITY_CENTRE,
        "deputy": demo_path("labour-deputy-2020.blt"),
        "meek": data / LEITH_WALK,
    }[name]
    method = {"scottish": "scottish-stv", "deputy": "av", "meek": "meek-prf"}[name]
    result, election, sha = _file(path, method)
    page = render_count(result, election, source_sha256=sha, source_name=path.name)
    return Rendered(name, result, election, page)


@dataclass(frozen=True)
class Figure:
    """One figure on the page: what it shows, and the exact value it carries."""

    shown: str
    value: str


class FigureReader(HTMLParser):
    """Collect every element with ``data-kind`` and ``data-value``: (kind, stage, candidate)."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[tuple[str, int | None, int | None], Figure] = {}
        self.decided: dict[tuple[str, int], str] = {}
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-kind" in a:
            self._open.append((tag, a, []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, a, text = self._open.pop()
            kind = a["data-kind"] or ""
            stage_text, cand_text = a.get("data-stage"), a.get("data-candidate")
            stage = int(stage_text) if stage_text else None
            cand = int(cand_text) if cand_text else None
            shown = "".join(text).strip()
            if "data-value" in a:
                self.figures[(kind, stage, cand)] = Figure(shown, a["data-value"] or "")
            elif stage is not None:
                self.decided[(kind, stage)] = shown


def read_figures(page: str) -> FigureReader:
    """Return the figures a page carries."""
    reader = FigureReader()
    reader.feed(page)
    reader.close()
    return reader


def shown_value(text: str) -> Decimal:
    """Return the number a cell shows (thousands separators and a leading + dropped)."""
    return Decimal(text.replace(",", "").lstrip("+"))
