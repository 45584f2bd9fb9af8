"""The stage table a council publishes: candidates down, stages across, transfers and totals.

Long counts are split into blocks of stages that fit the page width, the way a result sheet
runs over several pages; each block repeats the candidate column.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from rich.cells import cell_len, set_cell_size
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..compare import Comparison
from ..model import Action, Outcome, Result, TieBreak, TieMethod

__all__ = ["render_comparison", "render_text", "stage_table", "summary", "tie_words"]

_NAME_WIDTH = 28


#: The most decimal places a stage table shows; longer exact values (guarded fixed point carries
#: 27) are rounded half up for display only; the JSON and CSV keep every digit.
MAX_SHOWN = 9


def _shown(result: Result) -> int:
    """Return the decimal places the table shows for this result."""
    return min(result.places, MAX_SHOWN)


def _fmt(d: Decimal, places: int) -> str:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places else d
    return f"{q:,.{places}f}"


def _formatter(places: int) -> Callable[[Decimal], str]:
    """Return :func:`_fmt` at ``places``, remembering each value's text: a long count shows
    the same tallies stage after stage."""
    seen: dict[Decimal, str] = {}

    def fmt(d: Decimal) -> str:
        text = seen.get(d)
        if text is None:
            text = seen[d] = _fmt(d, places)
        return text

    return fmt


def _signed(d: Decimal, places: int) -> str:
    if d == 0:
        return ""
    return ("+" if d > 0 else "") + _fmt(d, places)


def summary(result: Result) -> Text:
    """Return the heading lines: title, method, seats, valid votes, quota, who was elected."""
    p = _shown(result)
    t = Text()
    if result.title:
        t.append(result.title + "\n", style="bold")
    t.append(f"{result.method}, {result.seats} seat{'s' if result.seats != 1 else ''}. ")
    t.append(f"Valid votes {_fmt(result.valid, 0)}")
    if result.quota is not None:
        t.append(f", quota {_fmt(result.quota, p)}")
    if p < result.places:
        t.append(f" (figures shown to {p} places; the JSON has all {result.places})")
    t.append(".\n")
    if result.rejected:
        papers = sum((n for _, n in result.rejected), Decimal(0))
        why = "; ".join(f"{w} {_fmt(n, 0)}" for w, n in result.rejected)
        t.append(f"Rejected papers {_fmt(papers, 0)} ({why}).\n")
    elected = [f"{result.candidates[c]} (stage {result.stage_of(c)})" for c in result.elected]
    t.append("Elected: ", style="bold")
    t.append(", ".join(elected) or "nobody", style="bold green")
    t.append("\n")
    for tie in result.tiebreaks:
        t.append(tie_words(result, tie) + "\n")
    return t


def tie_words(result: Result, tie: TieBreak) -> str:
    """Return a tie and how it was broken, in words (the HTML report says it the same way)."""
    names = ", ".join(sorted(result.candidates[c] for c in tie.tied))
    if tie.method is TieMethod.LOT:
        how = f"by lot (seed {tie.seed})"
    elif tie.method is TieMethod.ORDER:
        how = "by the predetermined order"
    else:
        how = f"by stage {tie.round}"
    return f"Tie ({tie.purpose}) between {names}: {result.candidates[tie.chosen]} {how}"


def _stage_label(result: Result, s: int) -> str:
    """Return a two-line header: the stage and what it did, with the candidate's surname."""
    r = result.rounds[s - 1]
    if r.action is Action.FIRST:
        return f"Stage {s}\nFirst prefs"
    who = ", ".join((result.candidates[c].split() or [""])[-1] for c in r.subjects)
    return f"Stage {s}\n{r.action.value.capitalize()} {who}".rstrip()


#: The most cells (candidates and totals by stage columns, over every block) the stage table is
#: laid out by rich, whose cost per cell is about 0.2 ms; past it the same table is written by
#: :func:`_plain_tables`, in time proportional to its size.  A count of 150 candidates
#: excluded one by one has some 45,000 cells and took rich 10 s; 1,000 candidates, 45 times
#: as many.
RICH_CELLS = 10_000


def _fates(result: Result) -> dict[int, tuple[int, Outcome]]:
    """Return the stage at which each candidate was elected or excluded, and which, by index.

    One pass over the count: :meth:`Result.stage_of` for every candidate would go over it
    once a candidate, and a stage table of n candidates excluded one by one has n stages.
    """
    fates: dict[int, tuple[int, Outcome]] = {}
    for r in result.rounds:
        for d in r.decisions:
            fates.setdefault(d.candidate, (r.number, d.outcome))
    return fates


def _cells(result: Result, blocks: Sequence[Sequence[int]]) -> int:
    """Return how many cells the stage tables of ``blocks`` hold."""
    rows = len(result.candidates) + 3
    return sum(rows * (2 * len(b) + 2) for b in blocks)


def _columns(
    result: Result, stages: Sequence[int], fates: dict[int, tuple[int, Outcome]]
) -> list[tuple[list[str], str, list[str]]]:
    """Return each column of a stage table: its header lines, justification and cells.

    The cells are those :func:`stage_table` gives rich, as plain strings: one a candidate,
    then the non-transferable and loss rows where they are not all zero, then the total.
    """
    fmt = _formatter(_shown(result))
    rounds = result.rounds
    extra = [
        (label, total, delta)
        for label, total, delta in (
            ("Non-transferable", "exhausted", "exhausted_transfer"),
            ("Loss from fractions", "loss", "loss_transfer"),
        )
        if not all(getattr(r, total) == 0 for r in rounds)
    ]
    columns: list[tuple[list[str], str, list[str]]] = []
    names = [*result.candidates, *(label for label, _, _ in extra), "Total"]
    columns.append((["Candidate"], "left", names))
    for s in stages:
        r = rounds[s - 1]
        if s > 1:
            moves = [*r.transfers, *(getattr(r, delta) for _, _, delta in extra)]
            # _signed: nothing for no transfer, a sign before a gain.
            cells = ["" if t == 0 else "+" + fmt(t) if t > 0 else fmt(t) for t in moves]
            columns.append((_stage_label(result, s).splitlines(), "header-left", [*cells, ""]))
        cells = [*map(fmt, r.tallies), *(fmt(getattr(r, total)) for _, total, _ in extra)]
        cells.append(fmt(sum(r.tallies, Decimal(0)) + r.exhausted + r.loss))
        columns.append((["Stage 1", "First prefs"] if s == 1 else ["", "Total"], "right", cells))
    if stages[-1] == len(rounds):
        status = []
        for i in range(len(result.candidates)):
            stage, outcome = fates.get(i, (0, None))
            if outcome is Outcome.ELECTED:
                status.append(f"Elected ({stage})")
            elif outcome is Outcome.EXCLUDED:
                status.append(f"Excluded ({stage})")
            else:
                status.append("")
        columns.append((["Result"], "left", status + [""] * (len(extra) + 1)))
    return columns


def _wrap(text: str, width: int) -> list[str]:
    """Return ``text`` in lines of at most ``width`` cells, broken at spaces; a word longer
    than a line is cut short with an ellipsis (rich's wrapping of a table cell)."""
    if cell_len(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    return [ln if cell_len(ln) <= width else set_cell_size(ln, width - 1) + "…" for ln in lines]


def _plain_table(
    result: Result, stages: Sequence[int], page: int, fates: dict[int, tuple[int, Outcome]]
) -> str:
    """Return :func:`stage_table` as rich draws it without colour, in time linear in its size.

    The box is rich's heavy head; cells are padded by one space, but at the table's edges;
    the header is aligned to the bottom; the names' column narrows (to one character at
    least) where the table would be wider than the ``page``, and a name longer than the
    column wraps to lines of its own, the other cells on its first line, as rich does.  The
    figures are never cut: a block too wide for the page even so runs past it.
    """
    columns = _columns(result, stages, fates)
    names = columns[0][2]
    widths = [min(max(12, len("Candidate"), max(map(cell_len, names))), _NAME_WIDTH)] + [
        max(max(map(len, head)), max(map(len, cells), default=0)) for head, _, cells in columns[1:]
    ]
    last = len(columns) - 1
    pads = [(0 if k == 0 else 1, 0 if k == last else 1) for k in range(len(columns))]
    spans = [w + left + right for w, (left, right) in zip(widths, pads, strict=True)]
    excess = sum(spans) + len(spans) + 1 - page
    if excess > 0:
        widths[0] = max(1, widths[0] - excess)
        spans[0] = widths[0] + pads[0][1]
    wrapped = [_wrap(n, widths[0]) for n in names]

    def rule(left: str, fill: str, join: str, right: str) -> str:
        return left + join.join(fill * n for n in spans) + right + "\n"

    def pad(k: int, text: str, align: str) -> str:
        # By cells, not characters: a name or a surname in a header may hold wide ones.
        gap = " " * (widths[k] - cell_len(text))
        body = gap + text if align == "right" else text + gap
        return " " * pads[k][0] + body + " " * pads[k][1]

    height = max(len(head) for head, _, _ in columns)
    parts = [rule("┏", "━", "┳", "┓")]
    for line in range(height):
        cells = []
        for k, (head, align, _) in enumerate(columns):
            # The header sits at the bottom; a stage's label reads from the left.
            top = height - len(head)
            text = head[line - top] if line >= top else ""
            cells.append(pad(k, text, "left" if align == "header-left" else align))
        parts.append("┃" + "┃".join(cells) + "┃\n")
    parts.append(rule("┡", "━", "╇", "┩"))
    # Column by column: the figures are ASCII, so str.rjust pads them by cells.
    body: list[list[str]] = [[pad(0, lines[0], "left") for lines in wrapped]]
    for k, (_, align, cells) in enumerate(columns[1:], start=1):
        left, right = " " * pads[k][0], " " * pads[k][1]
        w = widths[k]
        if align == "left":
            body.append([left + c.ljust(w) + right for c in cells])
        else:
            body.append([left + c.rjust(w) + right for c in cells])
    blank = "│".join(" " * n for n in spans[1:])
    n = len(result.candidates)
    for i, row in enumerate(zip(*body, strict=True)):
        if i == n:
            parts.append(rule("├", "─", "┼", "┤"))
        parts.append("│" + "│".join(row) + "│\n")
        parts.extend(f"│{pad(0, more, 'left')}│{blank}│\n" for more in wrapped[i][1:])
    parts.append(rule("└", "─", "┴", "┘"))
    return "".join(parts)


def stage_table(result: Result, stages: Sequence[int]) -> Table:
    """Return a table of the given stage numbers (1-based)."""
    p = _shown(result)
    table = Table(header_style="bold", pad_edge=False, expand=False)
    table.add_column("Candidate", min_width=12, max_width=_NAME_WIDTH)
    for s in stages:
        if s > 1:
            table.add_column(
                Text(_stage_label(result, s), justify="left"), justify="right", no_wrap=True
            )
        table.add_column(
            Text("Stage 1\nFirst prefs" if s == 1 else "\nTotal", justify="right"),
            justify="right",
            no_wrap=True,
        )
    status_col = stages[-1] == len(result.rounds)
    if status_col:
        table.add_column("Result", no_wrap=True)

    for i, name in enumerate(result.candidates):
        row: list[RenderableType] = [Text(name)]  # a name is text, never markup
        out_stage = result.stage_of(i)
        outcome = result.outcome_of(i)
        for s in stages:
            r = result.rounds[s - 1]
            style = ""
            if out_stage is not None and s >= out_stage:
                style = "bold green" if outcome is Outcome.ELECTED else "dim"
            if s > 1:
                row.append(Text(_signed(r.transfers[i], p)))
            row.append(Text(_fmt(r.tallies[i], p), style=style))
        if status_col:
            if outcome is Outcome.ELECTED:
                row.append(Text(f"Elected ({out_stage})", style="bold green"))
            elif outcome is Outcome.EXCLUDED:
                row.append(Text(f"Excluded ({out_stage})", style="dim"))
            else:
                row.append(Text(""))
        table.add_row(*row)

    table.add_section()
    for label, total_attr, delta_attr in (
        ("Non-transferable", "exhausted", "exhausted_transfer"),
        ("Loss from fractions", "loss", "loss_transfer"),
    ):
        if all(getattr(r, total_attr) == 0 for r in result.rounds):
            continue
        row = [Text(label, style="italic")]
        for s in stages:
            r = result.rounds[s - 1]
            if s > 1:
                row.append(Text(_signed(getattr(r, delta_attr), p)))
            row.append(Text(_fmt(getattr(r, total_attr), p)))
        if status_col:
            row.append(Text(""))
        table.add_row(*row)
    totals: list[RenderableType] = [Text("Total", style="bold")]
    for s in stages:
        r = result.rounds[s - 1]
        if s > 1:
            totals.append(Text(""))
        totals.append(Text(_fmt(sum(r.tallies, Decimal(0)) + r.exhausted + r.loss, p)))
    if status_col:
        totals.append(Text(""))
    table.add_row(*totals)
    return table


def _blocks(result: Result, width: int) -> list[list[int]]:
    """Split the stages into runs whose columns fit ``width`` characters."""
    fmt = _formatter(_shown(result))
    # A figure's width grows with its size (and a minus sign): the widest is that of the
    # largest or the most negative, found without formatting every one of them.
    figures = [Decimal(0)]
    for r in result.rounds:
        for column in (r.tallies, r.transfers):
            figures += (max(column, default=Decimal(0)), min(column, default=Decimal(0)))
    widest = max(len(fmt(v)) + 1 for v in (max(figures), min(figures)))
    label = max(
        len(line)
        for s in range(1, len(result.rounds) + 1)
        for line in _stage_label(result, s).splitlines()
    )
    name = min(_NAME_WIDTH, max(len(n) for n in (*result.candidates, "Loss from fractions")))
    used = name + 2
    blocks: list[list[int]] = [[]]
    for s in range(1, len(result.rounds) + 1):
        need = (max(widest, 11) + 3) if s == 1 else (max(widest, label) + 3 + widest + 3)
        last = s == len(result.rounds)
        if blocks[-1] and used + need + (15 if last else 0) > width:
            blocks.append([])
            used = name + 2
        blocks[-1].append(s)
        used += need
    return blocks


def _notes(result: Result) -> Text:
    """Return what each stage did, a line a stage."""
    notes = Text()
    for r in result.rounds:
        if r.number == 1 and r.note == "First preferences":
            continue
        notes.append(f"Stage {r.number}: {r.note}\n", style="dim")
    return notes


def renderables(result: Result, width: int) -> list[RenderableType]:
    """Return the summary, a notes list, and the stage tables for a page ``width`` wide."""
    parts: list[RenderableType] = [summary(result), _notes(result)]
    parts.extend(stage_table(result, block) for block in _blocks(result, width))
    return parts


def render_text(result: Result, *, width: int = 120, color: bool = False) -> str:
    """Return the stage table as text (plain unless ``color``).

    A table of more than :data:`RICH_CELLS` cells is written without rich, and so without
    colour: the same table, in time proportional to its size rather than rich's 0.2 ms a cell.
    """
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        no_color=not color,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
    )
    blocks = _blocks(result, width)
    if _cells(result, blocks) <= RICH_CELLS:
        parts: list[RenderableType] = [summary(result), _notes(result)]
        console.print(Group(*parts, *(stage_table(result, block) for block in blocks)))
        return buf.getvalue()
    console.print(Group(summary(result), _notes(result)))
    fates = _fates(result)
    return buf.getvalue() + "".join(_plain_table(result, b, width, fates) for b in blocks)


def render_comparison(comparison: Comparison, *, width: int = 120, color: bool = False) -> str:
    """Return the side-by-side table of who each rule elects, and the pairwise matrix."""
    e = comparison.election
    parts: list[RenderableType] = []
    head = Text()
    if e.title:
        head.append(e.title + "\n", style="bold")
    head.append(f"{len(e.candidates)} candidates, {e.total_weight:,} ballots.\n")
    parts.append(head)
    table = Table(header_style="bold", pad_edge=False)
    table.add_column("Method", no_wrap=True)
    table.add_column("Seats", justify="right")
    table.add_column("Elected, in order of election")
    table.add_column("Stages", justify="right")
    for name, result, error in comparison.results:
        if result is None:
            table.add_row(Text(name), "", Text(error, style="red"), "")
        else:
            table.add_row(
                Text(name),
                str(result.seats),
                Text(", ".join(result.elected_names)),
                str(len(result.rounds)),
            )
    parts.append(table)
    if comparison.pairwise is not None:
        names = e.names
        m = Table(
            title="Pairwise: papers ranking the row candidate above the column candidate",
            header_style="bold",
            pad_edge=False,
        )
        m.add_column("")
        for j in range(len(names)):
            m.add_column(str(j + 1), justify="right")
        for i, row in enumerate(comparison.pairwise):
            cells = [
                Text(
                    "-" if i == j else f"{v:,}",
                    style="bold" if v > comparison.pairwise[j][i] else "",
                )
                for j, v in enumerate(row)
            ]
            m.add_row(Text(f"{i + 1}. {names[i]}"), *cells)
        parts.append(m)
        verdict = Text()
        verdict.append("Condorcet winner: ", style="bold")
        verdict.append(comparison.condorcet_winner or "none (a cycle or a tie)")
        verdict.append("; Condorcet loser: ", style="bold")
        verdict.append(comparison.condorcet_loser or "none")
        parts.append(verdict)
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        no_color=not color,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
    )
    console.print(Group(*parts))
    return buf.getvalue()
