"""One election under several rules, as a self-contained HTML page (``tellers compare -f html``).

``render_comparison_html(comparison) -> str`` gives a whole document: the election's facts;
who each rule elects, in order of election, with its stage count (or the rule's error); the
same side by side as a grid of candidates against rules; and the pairwise matrix as a heat
map with the Condorcet winner and loser.

Every pairwise cell carries the exact number of papers in ``data-value`` (with ``data-row``
and ``data-column``, candidate indices) and says who wins the pair in its ``title``.  The heat
map's shade is the share of the pair's papers that rank the row candidate higher (blue where
the row candidate wins the pair, orange where it loses, darker the wider the margin); a win is
also in bold and a dagger marks it, so the colour is never the only sign.
"""

from __future__ import annotations

from ...compare import Comparison
from ._page import Cell, TableRow, esc, page, table

__all__ = ["heat_class", "render_comparison_fragment", "render_comparison_html"]

#: Upper bounds, in hundredths, of the winning share for shades 1..3 (above: 4); losses mirror.
_SHADES = (55, 65, 80)


def heat_class(wins: int, losses: int) -> str:
    """Return a pair's heat-map class: ``heat-w1``..``heat-w4``, ``heat-l1``.., ``heat-tie``.

    The share is ``wins / (wins + losses)`` in exact integer arithmetic: 0.5 < share <= 0.55
    is shade 1, <= 0.65 shade 2, <= 0.8 shade 3, above that shade 4.
    """
    if wins == losses:
        return "heat-tie"
    hi, lo = max(wins, losses), min(wins, losses)
    total = hi + lo
    shade = 4
    for k, bound in enumerate(_SHADES, start=1):
        if hi * 100 <= bound * total:  # hi / total <= bound / 100, in integers
            shade = k
            break
    return f"heat-{'w' if wins > losses else 'l'}{shade}"


def _methods_table(comparison: Comparison) -> str:
    head = [
        [
            Cell("Method", header=True, scope="col", classes="name"),
            Cell("Seats", header=True, scope="col"),
            Cell("Elected, in order of election", header=True, scope="col", classes="name"),
            Cell("Stages", header=True, scope="col"),
        ]
    ]
    body: list[TableRow] = []
    for name, result, error in comparison.results:
        if result is None:
            body.append(
                TableRow(
                    [
                        Cell(name, header=True, scope="row"),
                        Cell(""),
                        Cell(f"Not counted: {error}", classes="note"),
                        Cell(""),
                    ],
                    classes="error",
                )
            )
            continue
        body.append(
            TableRow(
                [
                    Cell(name, header=True, scope="row"),
                    Cell(str(result.seats), classes="num"),
                    Cell(", ".join(result.elected_names) or "nobody"),
                    Cell(str(len(result.rounds)), classes="num"),
                ]
            )
        )
    return table("Who each rule elects", head, body, classes="methods")


def _grid(comparison: Comparison) -> str:
    """Candidates down, rules across: the order in which each rule elected each candidate."""
    names = comparison.election.names
    counted = [(n, r) for n, r, _ in comparison.results if r is not None]
    head = [
        [Cell("Candidate", header=True, scope="col", classes="name")]
        + [Cell(n, header=True, scope="col") for n, _ in counted]
        + [Cell("Rules electing", header=True, scope="col")]
    ]
    body: list[TableRow] = []
    for i, name in enumerate(names):
        cells = [Cell(name, header=True, scope="row")]
        electing = 0
        for method, r in counted:
            order = r.elected.index(i) + 1 if i in r.elected else None
            if order is None:
                cells.append(Cell("", data={"method": method, "candidate": i}))
            else:
                electing += 1
                cells.append(
                    Cell(
                        f"elected {order}",
                        classes="num is-elected",
                        data={"method": method, "candidate": i, "order": order},
                    )
                )
        cells.append(Cell(f"{electing} of {len(counted)}", classes="num"))
        body.append(TableRow(cells, classes="elected" if electing else ""))
    return table("The rules side by side: who is elected, and in what order", head, body)


def _heat_map(comparison: Comparison) -> str:
    matrix = comparison.pairwise
    assert matrix is not None
    names = comparison.election.names
    head = [
        [Cell("Ranked higher \u2193 than \u2192", header=True, scope="col", classes="name")]
        + [Cell(str(j + 1), header=True, scope="col", title=name) for j, name in enumerate(names)]
    ]
    body: list[TableRow] = []
    for i, row in enumerate(matrix):
        cells = [Cell(f"{i + 1}. {names[i]}", header=True, scope="row")]
        for j, v in enumerate(row):
            if i == j:
                cells.append(Cell("\u2014", classes="num heat-self"))
                continue
            against = matrix[j][i]
            cls = heat_class(v, against)
            verdict = (
                f"{names[i]} beats {names[j]}"
                if v > against
                else f"{names[j]} beats {names[i]}"
                if v < against
                else f"{names[i]} and {names[j]} tie"
            )
            cells.append(
                Cell(
                    f"{v:,}" + ("\u2020" if v > against else ""),
                    classes=f"num heat {cls}" + (" is-elected" if v > against else ""),
                    data={"value": v, "row": i, "column": j},
                    title=f"{verdict}: {v:,} to {against:,}",
                )
            )
        body.append(TableRow(cells))
    return table(
        "Pairwise: papers ranking the row candidate above the column candidate",
        head,
        body,
        classes="pairwise",
    )


def _heat_legend() -> str:
    items = [
        ("heat-w4", "row wins by far (over 80%)"),
        ("heat-w2", "row wins narrowly"),
        ("heat-tie", "tie"),
        ("heat-l2", "row loses narrowly"),
        ("heat-l4", "row loses by far"),
    ]
    spans = "".join(
        f'<li><span class="swatch {cls}" aria-hidden="true"></span>{esc(text)}</li>'
        for cls, text in items
    )
    return (
        f'<ul class="legend">{spans}</ul>'
        '<p class="note">A dagger (\u2020) and bold type mark the winner of each pair; '
        "hover over a cell for both figures.</p>"
    )


def render_comparison_fragment(comparison: Comparison, *, heading_level: int = 2) -> str:
    """Return the comparison as a ``<section>`` for a page that already has the stylesheet."""
    e = comparison.election
    h = max(1, min(heading_level, 5))
    sub = h + 1
    title = e.title or "Comparison of counting rules"
    out = [
        '<section class="tellers-report compare">',
        f"<h{h}>{esc(title)}</h{h}>",
        '<dl class="facts">'
        f"<dt>Candidates</dt><dd>{len(e.candidates)}</dd>"
        f"<dt>Ballot papers</dt><dd>{e.total_weight:,}</dd>"
        f"<dt>Seats</dt><dd>{esc(e.seats if e.seats is not None else 'as each rule')}</dd>"
        "</dl>",
        f"<h{sub}>Outcomes by rule</h{sub}>",
        '<p class="note">Single-winner rules fill one seat whatever the election\'s seats.</p>',
        _methods_table(comparison),
        _grid(comparison),
    ]
    if comparison.pairwise is not None:
        winner = comparison.condorcet_winner or "none (a cycle or a tie)"
        loser = comparison.condorcet_loser or "none"
        out += [
            f"<h{sub}>Head to head</h{sub}>",
            _heat_legend(),
            _heat_map(comparison),
            '<dl class="facts">'
            f"<dt>Condorcet winner</dt><dd>{esc(winner)}</dd>"
            f"<dt>Condorcet loser</dt><dd>{esc(loser)}</dd></dl>",
        ]
    out.append("</section>")
    return "\n".join(out)


def render_comparison_html(comparison: Comparison) -> str:
    """Return the comparison as a whole self-contained HTML document."""
    title = comparison.election.title or "Comparison of counting rules"
    return page(f"{title}: rules compared", render_comparison_fragment(comparison, heading_level=1))
