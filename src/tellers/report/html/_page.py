"""The page shell every HTML report shares: inline CSS (screen and print), escaping, tables.

Everything here builds strings; nothing is fetched.  A page carries a Content-Security-Policy
that forbids every network request (no scripts at all, styles and images only inline), so a
result sheet opened from a USB stick or an e-mail shows what it holds and calls nobody.

Public to the other renderers in this package (``count``, ``compare``, ``rctab``):

- :func:`esc` / :func:`attrs` — every name and note comes from a file: escape it.
- :class:`Cell` and :func:`table` — a table with a caption, header cells with ``scope`` and
  any ``data-*`` attributes a test or a script may read the exact numbers back from.
- :data:`STYLE` — the stylesheet, also for a host page embedding a fragment (Django).
- :func:`page` — a whole document around a body.
- :func:`fmt` / :func:`signed` / :func:`exact` — numbers as the text report shows them, and
  as the JSON report gives them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..text import _fmt, _signed

__all__ = [
    "CSP",
    "STYLE",
    "Cell",
    "Row",
    "TableRow",
    "attrs",
    "esc",
    "exact",
    "fmt",
    "page",
    "signed",
    "table",
]

#: No script, no font, no stylesheet or image from anywhere: only what the file holds.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)

# Colours are chosen for WCAG 2.2 AA: body text #1a1a1a and muted text #4d4d4d on white are
# above 7:1; the chart fills (Okabe-Ito blue, vermillion darkened) are above 3:1 against white
# and differ in lightness as well as hue, so they survive greyscale printing and the common
# colour-vision deficiencies; excluded candidates are drawn hatched, not by colour alone.
STYLE = """
:root {
  --ink: #1a1a1a; --muted: #4d4d4d; --rule: #8c8c8c; --faint: #f2f2f2; --paper: #ffffff;
  --elected: #0b4f8a; --continuing: #b34700; --excluded: #595959; --kept: #c9c9c9;
  --surplus: #5b9bd5; --exclusion: #e0894a; --nontransferable: #7a7a7a;
}
.tellers-report { color: var(--ink); background: var(--paper);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  max-width: 90rem; margin: 0 auto; padding: 1rem; }
.tellers-report .tellers-report { max-width: none; padding: 0; }
.tellers-report h1 { font-size: 1.6rem; margin: 0 0 .5rem; line-height: 1.2; }
.tellers-report h2 { font-size: 1.25rem; margin: 2rem 0 .5rem;
  border-bottom: 1px solid var(--rule); }
.tellers-report h3 { font-size: 1.05rem; margin: 1.25rem 0 .25rem; }
.tellers-report dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .5rem 0 1rem; }
.tellers-report dl.facts dt { font-weight: 600; }
.tellers-report dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.tellers-report .sha { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; }
.tellers-report .note { color: var(--muted); }
.tellers-report .scroll { overflow-x: auto; margin: .5rem 0 1rem; }
.tellers-report .scroll:focus { outline: 2px solid var(--elected); outline-offset: 2px; }
.tellers-report table { border-collapse: collapse; font-variant-numeric: tabular-nums;
  font-size: .9rem; }
.tellers-report caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.tellers-report th, .tellers-report td { padding: .2rem .45rem; border-bottom: 1px solid #d9d9d9;
  vertical-align: top; }
.tellers-report thead td { border-bottom: 2px solid var(--ink); }
.tellers-report thead th { border-bottom: 2px solid var(--ink); text-align: right;
  font-weight: 600; white-space: nowrap; vertical-align: bottom; }
.tellers-report thead th.name, .tellers-report tbody th { text-align: left; }
.tellers-report tbody th, .tellers-report tfoot th { font-weight: 400;
  white-space: nowrap; }
.tellers-report td.num { text-align: right; white-space: nowrap; }
.tellers-report table.stages tbody th, .tellers-report table.stages tfoot th,
.tellers-report table.stages .name { position: sticky; left: 0; z-index: 1;
  background: var(--paper); box-shadow: 1px 0 0 #d9d9d9; }
.tellers-report td.transfer { color: var(--muted); }
.tellers-report tr.elected th { font-weight: 700; }
.tellers-report td.is-elected { font-weight: 700; }
.tellers-report td.is-out { color: var(--muted); }
.tellers-report tfoot th { text-align: left; }
.tellers-report tfoot tr:first-child th, .tellers-report tfoot tr:first-child td,
.tellers-report tr.total th, .tellers-report tr.total td { border-top: 2px solid var(--ink); }
.tellers-report tr.sub th { font-style: italic; }
.tellers-report .stage-action { display: block; font-weight: 400; color: var(--muted);
  font-size: .8rem; white-space: normal; }
.tellers-report .status { white-space: nowrap; }
.tellers-report .charts { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(27rem, 1fr)); }
.tellers-report figure { margin: 0; }
.tellers-report figcaption { font-size: .9rem; color: var(--muted); margin-top: .25rem; }
.tellers-report svg { display: block; max-width: 100%; height: auto; }
.tellers-report svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.tellers-report .flow svg { max-width: none; }
.tellers-report .legend { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0;
  list-style: none; font-size: .9rem; }
.tellers-report .legend svg { display: inline-block; vertical-align: middle; margin-right: .3rem; }
.tellers-report ol.account { padding-left: 1.5rem; }
.tellers-report ol.account li { margin-bottom: .4rem; }
.tellers-report td.heat { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.tellers-report .heat-w1 { background: #e3eef8; } .tellers-report .heat-w2 { background: #c0d8ef; }
.tellers-report .heat-w3 { background: #8dbbe3; }
.tellers-report .heat-w4 { background: #0b4f8a; color: #ffffff; }
.tellers-report .heat-l1 { background: #fbe8dc; } .tellers-report .heat-l2 { background: #f6cdb0; }
.tellers-report .heat-l3 { background: #eea57a; }
.tellers-report .heat-l4 { background: #a34000; color: #ffffff; }
.tellers-report .heat-tie { background: #f2f2f2; }
.tellers-report .heat-self { color: var(--muted); text-align: center; }
.tellers-report .swatch { display: inline-block; width: 1em; height: 1em; margin-right: .3rem;
  vertical-align: middle; border: 1px solid var(--rule); }
@media (max-width: 40rem) {
  .tellers-report { padding: .5rem; font-size: 15px; }
  .tellers-report h1 { font-size: 1.3rem; }
  .tellers-report .charts { grid-template-columns: 1fr; }
  .tellers-report table.stages tbody th, .tellers-report table.stages tfoot th {
    white-space: normal; min-width: 6.5rem; max-width: 8.5rem; }
  .tellers-report dl.facts { grid-template-columns: 1fr; }
  .tellers-report dl.facts dd { margin-bottom: .3rem; }
}
@page { size: A4 landscape; margin: 10mm; }
@media print {
  .tellers-report { max-width: none; padding: 0; font-size: 9pt; }
  .tellers-report h1 { font-size: 14pt; }
  .tellers-report h2 { font-size: 11pt; margin-top: 6mm; }
  .tellers-report .screen-only, .tellers-report .charts, .tellers-report .flow { display: none; }
  .tellers-report .scroll { overflow: visible; break-inside: avoid; page-break-inside: avoid; }
  .tellers-report table { font-size: 8pt; width: 100%; page-break-inside: avoid;
    break-inside: avoid; }
  .tellers-report .stage-action { font-size: 7pt; }
  .tellers-report th, .tellers-report td { padding: .5mm 1.2mm; }
  .tellers-report table.stages tbody th, .tellers-report table.stages tfoot th,
  .tellers-report table.stages .name { position: static; box-shadow: none; }
  .tellers-report thead { display: table-header-group; }
  .tellers-report section.account { break-before: page; page-break-before: always; }
}
"""


def esc(text: object) -> str:
    """Return ``text`` escaped for HTML text and attribute values (quotes included)."""
    return html.escape(str(text), quote=True)


def attrs(values: Mapping[str, object | None]) -> str:
    """Return `` name="value"`` pairs, escaped, skipping None values; keys are trusted."""
    return "".join(f' {k}="{esc(v)}"' for k, v in values.items() if v is not None)


def exact(d: Decimal) -> str:
    """Return a number exactly as the JSON report writes it."""
    return f"{d:f}"


def fmt(d: Decimal, places: int) -> str:
    """Return a number as the stage table shows it (thousands separated, ``places`` places)."""
    return _fmt(d, places)


def signed(d: Decimal, places: int) -> str:
    """Return a transfer as the stage table shows it: signed, and empty for zero."""
    return _signed(d, places)


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its text is escaped; ``html`` is trusted markup placed after it."""

    text: str = ""
    header: bool = False
    scope: str | None = None
    classes: str = ""
    data: Mapping[str, object | None] = field(default_factory=dict)
    html: str = ""
    colspan: int = 1
    title: str | None = None

    def render(self) -> str:
        tag = "th" if self.header else "td"
        extra: dict[str, object | None] = {
            "scope": self.scope,
            "class": self.classes or None,
            "colspan": self.colspan if self.colspan > 1 else None,
            "title": self.title,
        }
        extra.update({f"data-{k}": v for k, v in self.data.items()})
        return f"<{tag}{attrs(extra)}>{esc(self.text)}{self.html}</{tag}>"


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row with a class (``elected``, ``sub``...) on its ``<tr>``."""

    cells: Sequence[Cell]
    classes: str = ""


Row = Sequence[Cell] | TableRow


def _rows(rows: Iterable[Row]) -> str:
    out = []
    for row in rows:
        if isinstance(row, TableRow):
            open_tag = f"<tr{attrs({'class': row.classes or None})}>"
            cells: Sequence[Cell] = row.cells
        else:
            open_tag, cells = "<tr>", row
        out.append(open_tag + "".join(c.render() for c in cells) + "</tr>")
    return "\n".join(out)


def table(
    caption: str,
    head: Iterable[Row],
    body: Iterable[Row],
    foot: Iterable[Row] = (),
    *,
    classes: str = "",
    label: str | None = None,
) -> str:
    """Return a table in a keyboard-scrollable wrapper; rows are cell lists or :class:`TableRow`.

    The wrapper is focusable and named by the caption, so a keyboard user can scroll a wide
    table (axe's scrollable-region-focusable rule).
    """
    foot_html = _rows(foot)
    name = label or caption
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{esc(name)}">'
        f"<table{attrs({'class': classes or None})}>"
        f"<caption>{esc(caption)}</caption>\n"
        f"<thead>{_rows(head)}</thead>\n"
        f"<tbody>{_rows(body)}</tbody>\n"
        + (f"<tfoot>{foot_html}</tfoot>\n" if foot_html else "")
        + "</table></div>"
    )


def page(title: str, body: str, *, lang: str = "en") -> str:
    """Return a whole self-contained document: ``body`` (trusted markup) inside the shell."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tellers">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body>\n<main class="tellers-report">\n{body}\n</main>\n</body>\n</html>\n'
    )
