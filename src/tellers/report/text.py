"""The stage table a council publishes: candidates down, stages across, transfers and totals.

Long counts are split into blocks of stages that fit the page width, the way a result sheet
runs over several pages; each block repeats the candidate column.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

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
    p = _shown(result)
    widest = max(len(_fmt(v, p)) + 1 for r in result.rounds for v in (*r.tallies, *r.transfers))
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


def renderables(result: Result, width: int) -> list[RenderableType]:
    """Return the summary, a notes list, and the stage tables for a page ``width`` wide."""
    parts: list[RenderableType] = [summary(result)]
    notes = Text()
    for r in result.rounds:
        if r.number == 1 and r.note == "First preferences":
            continue
        notes.append(f"Stage {r.number}: {r.note}\n", style="dim")
    parts.append(notes)
    parts.extend(stage_table(result, block) for block in _blocks(result, width))
    return parts


def render_text(result: Result, *, width: int = 120, color: bool = False) -> str:
    """Return the stage table as text (plain unless ``color``)."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        no_color=not color,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
    )
    console.print(Group(*renderables(result, width)))
    return buf.getvalue()


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
