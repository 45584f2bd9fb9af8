"""A count's result sheet as one self-contained HTML page.

API (also exported from :mod:`tellers.report.html` and :mod:`tellers.report`):

``render_count(result, election=None, *, source_sha256=None, source_name=None) -> str``
    A whole document: heading facts, the stage table, the story of the count in words, the
    flow of votes and a bar chart per stage.  Inline CSS and SVG only; its
    Content-Security-Policy forbids every request, so it works (and calls nobody) offline.

``render_count_fragment(result, election=None, *, source_sha256=None, source_name=None,
heading_level=2, id_prefix="count", charts=True) -> str``
    The same content as one ``<section class="tellers-report">`` without the document shell,
    for a host page (the Django results page) that already has its own ``<h1>``; include
    :data:`tellers.report.html.STYLE` in the host page's ``<style>``.  ``id_prefix`` keeps
    element ids unique when a page holds several counts.

``render_counts([Counted(result, election, source_sha256, source_name), ...]) -> str``
    Several counts on one page (``tellers count`` of several files), one section each.

Every figure is the count's own Decimal: shown as the text stage table shows it (at most nine
places, thousands separated), and carried exactly as the JSON report writes it in the cell's
``data-value`` (with ``data-stage``, ``data-candidate`` (the index) and ``data-kind``:
``total``, ``transfer``, ``exhausted``, ``exhausted-transfer``, ``loss``, ``loss-transfer``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ...model import Action, Election, Outcome, Result, Round
from ..text import _shown, tie_words
from ._page import Cell, TableRow, esc, exact, fmt, page, signed, table
from .charts import bar_chart, flow_chart, legend, surname

__all__ = ["Counted", "render_count", "render_count_fragment", "render_counts"]

#: A4 landscape inside 10 mm margins is 277 mm, about 1,047 CSS pixels; the print stylesheet
#: sets tables at 8 pt, where a digit is about 5.8 px wide.  Blocks of stages are cut to fit.
_PRINT_WIDTH = 1040.0
_DIGIT = 5.8
_MOST_STAGES = 6


def _title(result: Result, election: Election | None) -> str:
    return result.title or (election.title if election is not None else "") or "Count result"


def _party(election: Election | None, index: int) -> str:
    if election is None or index >= len(election.candidates):
        return ""
    return election.candidates[index].party


def _stage_heading(result: Result, s: int) -> tuple[str, str]:
    """Return the stage's column heading and what the stage did (with surnames)."""
    r = result.rounds[s - 1]
    if r.action is Action.FIRST:
        return f"Stage {s}", "First preferences"
    who = ", ".join(surname(result.candidates[c]) for c in r.subjects)
    return f"Stage {s}", f"{r.action.value.capitalize()} {who}".rstrip()


def _block_size(result: Result, election: Election | None) -> int:
    """Return how many stages a table block holds so that it fits an A4 landscape sheet, as a
    council's result sheet runs over several pages, repeating the candidate column."""
    p = _shown(result)
    widest = max(
        len(fmt(v, p)) + 1 for r in result.rounds for v in (*r.tallies, *r.transfers, r.exhausted)
    )
    column = widest * _DIGIT + 10
    names = max(
        len(n) + (len(_party(election, i)) + 3 if _party(election, i) else 0)
        for i, n in enumerate(result.candidates)
    )
    room = _PRINT_WIDTH - min(names, 40) * 6.5 - 10 - 100  # names, and the result column
    return max(1, min(_MOST_STAGES, 1 + int((room - column) // (2 * column))))


def _blocks(stages: int, size: int) -> list[list[int]]:
    numbers = list(range(1, stages + 1))
    return [numbers[i : i + size] for i in range(0, stages, size)]


def _num_cell(value: Decimal, places: int, kind: str, stage: int, **data: object) -> Cell:
    return Cell(
        fmt(value, places),
        classes="num",
        data={"kind": kind, "stage": stage, **data, "value": exact(value)},
    )


def _stage_table(result: Result, election: Election | None, stages: list[int], n: int) -> str:
    p = _shown(result)
    last = stages[-1] == len(result.rounds)
    head1: list[Cell] = [Cell("Candidate", header=True, scope="col", classes="name")]
    head2: list[Cell] = []
    for s in stages:
        label, action = _stage_heading(result, s)
        html = f'<span class="stage-action">{esc(action)}</span>'
        if s == 1:
            head1.append(Cell(label, header=True, scope="col", html=html))
            head2.append(Cell("Total", header=True, scope="col"))
        else:
            head1.append(Cell(label, header=True, scope="colgroup", colspan=2, html=html))
            head2 += [
                Cell("Transfer", header=True, scope="col"),
                Cell("Total", header=True, scope="col"),
            ]
    if last:
        head1.append(Cell("Result", header=True, scope="col", classes="name"))
        head2.append(Cell("", header=False))
    # The second header row starts under "Candidate": an empty cell keeps the columns aligned
    # without a rowspan (axe and screen readers read simple two-row headers most reliably).
    head2.insert(0, Cell("", header=False, classes="name"))

    body: list[TableRow] = []
    for i, name in enumerate(result.candidates):
        out_stage = result.stage_of(i)
        outcome = result.outcome_of(i)
        party = _party(election, i)
        cells = [
            Cell(
                name,
                header=True,
                scope="row",
                html=f' <span class="note">({esc(party)})</span>' if party else "",
            )
        ]
        for s in stages:
            r = result.rounds[s - 1]
            state = ""
            if out_stage is not None and s >= out_stage:
                state = " is-elected" if outcome is Outcome.ELECTED else " is-out"
            if s > 1:
                d = r.transfers[i]
                cells.append(
                    Cell(
                        signed(d, p),
                        classes="num transfer",
                        data={"kind": "transfer", "stage": s, "candidate": i, "value": exact(d)},
                    )
                )
            cell = _num_cell(r.tallies[i], p, "total", s, candidate=i)
            cells.append(Cell(cell.text, classes="num" + state, data=cell.data))
        if last:
            status = ""
            if outcome is Outcome.ELECTED:
                status = f"Elected (stage {out_stage})"
            elif outcome is Outcome.EXCLUDED:
                status = f"Excluded (stage {out_stage})"
            cells.append(Cell(status, classes="status"))
        body.append(TableRow(cells, "elected" if outcome is Outcome.ELECTED else ""))

    foot: list[TableRow] = []
    for label, kind, total_attr, delta_attr in (
        ("Non-transferable", "exhausted", "exhausted", "exhausted_transfer"),
        ("Loss from fractions", "loss", "loss", "loss_transfer"),
    ):
        if kind == "loss" and all(r.loss == 0 for r in result.rounds):
            continue
        cells = [Cell(label, header=True, scope="row")]
        for s in stages:
            r = result.rounds[s - 1]
            if s > 1:
                dv: Decimal = getattr(r, delta_attr)
                cells.append(
                    Cell(
                        signed(dv, p),
                        classes="num transfer",
                        data={"kind": f"{kind}-transfer", "stage": s, "value": exact(dv)},
                    )
                )
            cells.append(_num_cell(getattr(r, total_attr), p, kind, s))
        if last:
            cells.append(Cell(""))
        foot.append(TableRow(cells, "sub"))
    totals = [Cell("Total", header=True, scope="row")]
    for s in stages:
        r = result.rounds[s - 1]
        if s > 1:
            totals.append(Cell(""))
        whole = sum(r.tallies, Decimal(0)) + r.exhausted + r.loss
        totals.append(_num_cell(whole, p, "sum", s))
    if last:
        totals.append(Cell(""))
    foot.append(TableRow(totals, "total"))
    for word, outcome in (("Elected", Outcome.ELECTED), ("Excluded", Outcome.EXCLUDED)):
        cells = [Cell(f"{word} at this stage", header=True, scope="row")]
        for s in stages:
            r = result.rounds[s - 1]
            names = [result.candidates[d.candidate] for d in r.decisions if d.outcome is outcome]
            cells.append(
                Cell(
                    ", ".join(names),
                    classes="decided",
                    colspan=1 if s == 1 else 2,
                    data={"kind": word.lower(), "stage": s},
                )
            )
        if last:
            cells.append(Cell(""))
        foot.append(TableRow(cells, "sub"))

    first, end = stages[0], stages[-1]
    span = f"stage {first}" if first == end else f"stages {first} to {end}"
    caption = f"Result sheet, {span} of {n}" if n > 1 else "Result sheet"
    return table(caption, [head1, head2], body, foot, classes="stages")


def _facts(
    result: Result,
    source_sha256: str | None,
    source_name: str | None,
) -> str:
    p = _shown(result)
    rows: list[tuple[str, str]] = [
        ("Method", esc(result.method)),
        ("Seats", esc(result.seats)),
    ]
    if result.quota is not None:
        rows.append(
            (
                "Quota",
                f'<span data-kind="quota" data-value="{esc(exact(result.quota))}">'
                f"{esc(fmt(result.quota, p))}</span>",
            )
        )
    rows.append(
        (
            "Valid papers",
            f'<span data-kind="valid" data-value="{esc(exact(result.valid))}">'
            f"{esc(fmt(result.valid, 0 if result.valid == result.valid.to_integral() else p))}"
            "</span>",
        )
    )
    if result.rejected:
        # Papers not counted, by reason: valid plus these is every paper in the file.
        rows.append(
            (
                "Rejected papers",
                "; ".join(
                    f'{esc(why)} <span data-kind="rejected" data-value="{esc(exact(n))}">'
                    f"{esc(fmt(n, 0))}</span>"
                    for why, n in result.rejected
                ),
            )
        )
    elected = ", ".join(
        f"{esc(result.candidates[c])} (stage {result.stage_of(c)})" for c in result.elected
    )
    rows.append(("Elected", elected or "nobody"))
    if result.seed is not None and any(t.seed is not None for t in result.tiebreaks):
        rows.append(("Seed for lots", esc(result.seed)))
    if source_name:
        rows.append(("Input file", esc(source_name)))
    if source_sha256:
        rows.append(("Input SHA-256", f'<span class="sha">{esc(source_sha256)}</span>'))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    note = ""
    if p < result.places:
        note = (
            f'<p class="note">Figures are shown to {p} decimal places; the count carried '
            f"{result.places}, and each table cell holds the exact value in its "
            "<code>data-value</code> (as the JSON report gives it).</p>"
        )
    return f'<dl class="facts">{body}</dl>{note}'


def _moves(result: Result, r: Round, p: int) -> str:
    """Return where a stage's votes went, in words: receivers largest first."""
    gains = sorted(
        ((d, i) for i, d in enumerate(r.transfers) if d > 0), key=lambda x: (-x[0], x[1])
    )
    parts = [f"{fmt(d, p)} to {result.candidates[i]}" for d, i in gains]
    if r.exhausted_transfer > 0:
        parts.append(f"{fmt(r.exhausted_transfer, p)} non-transferable")
    if r.loss_transfer > 0:
        parts.append(f"{fmt(r.loss_transfer, p)} lost to rounding")
    return "; ".join(parts)


def _account(result: Result) -> tuple[list[str], str]:
    """Return the count as sentences: a list item (trusted HTML) per stage, and who won."""
    p = _shown(result)
    names = result.candidates
    items: list[str] = []
    for r in result.rounds:
        said: list[str] = []
        if r.action is Action.FIRST:
            quota = f" The quota was {fmt(result.quota, p)}." if result.quota is not None else ""
            said.append(
                f"The first preferences on {fmt(result.valid, 0)} valid papers were counted."
                + quota
            )
            lead = max(range(len(names)), key=lambda i: (r.tallies[i], -i), default=None)
            if lead is not None and lead not in r.elected:
                said.append(f"{names[lead]} led with {fmt(r.tallies[lead], p)}.")
        elif r.action is Action.SURPLUS and r.subjects:
            # The Gregory loop's note ends "; transfer value 0.07199" (several values when
            # papers came at different values): say it in the sentence rather than repeat
            # the whole note.
            _, has_value, value = r.note.partition("transfer value ")
            several = "," in value
            at = (
                f" at {'transfer values' if several else 'a transfer value of'} {value}"
                if has_value
                else ""
            )
            for c in r.subjects:
                amount = -r.transfers[c]
                said.append(
                    f"The surplus of {names[c]}, {fmt(amount, p)} votes, was transferred{at}."
                )
            if r.note and not has_value:
                said.append(f"({r.note}.)")
        elif r.action is Action.EXCLUSION and r.subjects:
            # Say who was excluded and why before where the papers went.
            for d in r.decisions:
                if d.outcome is Outcome.EXCLUDED and d.candidate in r.subjects:
                    said.append(f"{names[d.candidate]} was excluded ({d.reason}).")
                    if d.tie is not None:
                        said.append(tie_words(result, d.tie) + ".")
            moved = sum((-r.transfers[c] for c in r.subjects), Decimal(0))
            whose = "Their papers" if len(r.subjects) > 1 else "The papers"
            said.append(f"{whose}, worth {fmt(moved, p)} votes, were transferred.")
        else:
            said.append(f"{r.note}." if r.note else "The votes were counted again.")
        moves = _moves(result, r, p)
        if moves and r.action is not Action.FIRST:
            said.append(f"They went: {moves}.")
        for d in r.decisions:
            excluded_above = r.action is Action.EXCLUSION and d.candidate in r.subjects
            if excluded_above and d.outcome is Outcome.EXCLUDED:
                continue
            verb = "was elected" if d.outcome is Outcome.ELECTED else "was excluded"
            at = (
                f" with {fmt(r.tallies[d.candidate], p)} votes"
                if d.outcome is Outcome.ELECTED
                else ""
            )
            said.append(f"{names[d.candidate]} {verb}{at} ({d.reason}).")
            if d.tie is not None:
                said.append(tie_words(result, d.tie) + ".")
        for t in r.ties:
            said.append(tie_words(result, t) + ".")
        items.append(
            f'<li value="{r.number}"><strong>Stage {r.number}.</strong> '
            # A name ending in a full stop ("Jr.") ends a sentence once, not twice.
            + esc(re.sub(r"\.\.(?=\s|$)", ".", " ".join(said)))
            + "</li>"
        )
    elected = [f"{names[c]} (stage {result.stage_of(c)})" for c in result.elected]
    closing = f"Elected, in order: {', '.join(elected)}." if elected else "Nobody was elected."
    return items, closing


def render_count_fragment(
    result: Result,
    election: Election | None = None,
    *,
    source_sha256: str | None = None,
    source_name: str | None = None,
    heading_level: int = 2,
    id_prefix: str = "count",
    charts: bool = True,
    facts: bool = True,
) -> str:
    """Return the result sheet as a ``<section>`` for embedding in a page that has the CSS.

    ``facts=False`` leaves out the title and the heading facts, for a page that gives them
    itself (the ballot service's results page); the sheet's own headings then start at
    ``heading_level``.
    """
    h = max(1, min(heading_level, 5))
    sub = h + 1 if facts else h
    p = _shown(result)
    n = len(result.rounds)
    out = [f'<section class="tellers-report" id="{esc(id_prefix)}">']
    if facts:
        out += [
            f"<h{h}>{esc(_title(result, election))}</h{h}>",
            _facts(result, source_sha256, source_name),
        ]
    out.append(f"<h{sub}>Result sheet</h{sub}>")
    out += [_stage_table(result, election, b, n) for b in _blocks(n, _block_size(result, election))]
    ties = result.tiebreaks
    if ties:
        out.append(f"<h{sub + 1}>Ties and how they were broken</h{sub + 1}><ul>")
        out += [f"<li>{esc(tie_words(result, t))}</li>" for t in ties]
        out.append("</ul>")
    out.append(f'<section class="account"><h{sub}>The count in words</h{sub}>')
    stages_said, closing = _account(result)
    out.append('<ol class="account">' + "\n".join(stages_said) + "</ol>")
    out.append(f"<p><strong>{esc(closing)}</strong></p></section>")
    if charts and n > 1:
        shared = (
            ""
            if all(len([d for d in r.transfers if d < 0]) <= 1 for r in result.rounds)
            else " Where votes left several candidates at one stage, the drawing shares each "
            "one's votes among the receivers in proportion; the table has the exact figures."
        )
        out.append(
            f'<section class="flow"><h{sub}>How the votes moved</h{sub}>'
            f"{legend(f'{id_prefix}-flow', flows=True)}"
            f'<figure><div class="scroll" tabindex="0" role="region" '
            f'aria-label="Flow of votes (scrolls sideways)">'
            f"{flow_chart(result, places=p, id_prefix=id_prefix)}</div>"
            f"<figcaption>Each row is a candidate, each column a stage; bands show the votes "
            f"each kept and the votes transferred. Hover over a band or a column for its "
            f"figure.{esc(shared)}</figcaption></figure></section>"
        )
    if charts:
        out.append(
            f'<section class="charts-section screen-only"><h{sub}>Totals at each stage</h{sub}>'
            f"{legend(f'{id_prefix}-bars')}"
            '<p class="note">The dashed line is the quota. One scale for every stage.</p>'
            '<div class="charts">'
        )
        for s in range(1, n + 1):
            label, action = _stage_heading(result, s)
            out.append(
                f"<figure>{bar_chart(result, s, places=p, id_prefix=id_prefix)}"
                f"<figcaption>{esc(label)}: {esc(action)}</figcaption></figure>"
            )
        out.append("</div></section>")
    out.append("</section>")
    return "\n".join(out)


def render_count(
    result: Result,
    election: Election | None = None,
    *,
    source_sha256: str | None = None,
    source_name: str | None = None,
) -> str:
    """Return the result sheet as a whole self-contained HTML document."""
    body = render_count_fragment(
        result,
        election,
        source_sha256=source_sha256,
        source_name=source_name,
        heading_level=1,
    )
    return page(_title(result, election), body)


@dataclass(frozen=True, slots=True)
class Counted:
    """One count for :func:`render_counts`: the result, and what it was counted from."""

    result: Result
    election: Election | None = None
    source_sha256: str | None = None
    source_name: str | None = None


def render_counts(counts: Sequence[Counted]) -> str:
    """Return one document holding each count's result sheet in turn (one count: as
    :func:`render_count`)."""
    if len(counts) == 1:
        c = counts[0]
        return render_count(
            c.result, c.election, source_sha256=c.source_sha256, source_name=c.source_name
        )
    sections = [
        render_count_fragment(
            c.result,
            c.election,
            source_sha256=c.source_sha256,
            source_name=c.source_name,
            heading_level=2,
            id_prefix=f"count-{n}",
        )
        for n, c in enumerate(counts, start=1)
    ]
    heading = f"<h1>{len(counts)} counts</h1>"
    return page(f"{len(counts)} counts", heading + "\n".join(sections))
