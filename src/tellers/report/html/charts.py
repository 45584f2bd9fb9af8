"""SVG drawings of a count: a bar chart per stage and the flow of votes across the stages.

Both are drawn here as plain SVG strings (no library, no script).  Each is an image with a
name and a description that point to the stage table, which holds every figure the drawing
shows: the table is the text alternative.  Coordinates are floats only for drawing; every
figure written out as text comes from the count's own Decimals.

Colours and patterns: elected is a dark blue fill, still in the count a light orange fill with
a dark outline, excluded a hatched outline.  Blue and orange are the pair that colour-blind
readers tell apart best, and dark / light / hatched also survive greyscale printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ...model import Outcome, Result
from ._page import esc, fmt

__all__ = ["CONTINUING", "ELECTED", "bar_chart", "flow_chart", "legend", "surname"]

ELECTED = "#0b4f8a"
CONTINUING = "#f0b04a"
OUTLINE = "#1a1a1a"
HATCH = "#595959"
KEPT = "#cfcfcf"
SURPLUS_FLOW = "#3d8fd1"
EXCLUSION_FLOW = "#e69f00"
NON_TRANSFERABLE = "#7a7a7a"
QUOTA = "#b00020"

_ROW = 20
_BAR_LABEL = 150
_BAR_WIDTH = 200
_VALUE = 105


def surname(name: str) -> str:
    """Return the last word of a name, as a council sheet heads a stage column.

    A name written "Surname, Forenames" (as US cast vote records do) gives the part before
    the comma.
    """
    if "," in name:
        return name.split(",", 1)[0].strip() or name
    words = name.split()
    return words[-1] if words else name


def _text_width(text: str) -> float:
    """Return roughly how wide ``text`` is at 12 px in a sans-serif face (capitals are wider;
    names in capitals are common on ballot papers)."""
    return sum(8.3 if c.isupper() else 6.7 for c in text)


def _fit(text: str, width: float) -> str:
    """Return ``text``, cut with an ellipsis to fit ``width`` pixels at 12 px."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "\u2026") > width:
        text = text[:-1]
    return text + "\u2026"


def _hatch(pid: str) -> str:
    return (
        f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2.5"/></pattern>'
    )


def _state(result: Result, candidate: int, stage: int) -> str:
    """Return "elected", "excluded" or "continuing" for a candidate as the stage ends."""
    out = result.stage_of(candidate)
    if out is None or stage < out:
        return "continuing"
    return "elected" if result.outcome_of(candidate) is Outcome.ELECTED else "excluded"


def _fill(state: str, hatch_id: str) -> str:
    if state == "elected":
        return f'fill="{ELECTED}" stroke="{OUTLINE}" stroke-width="1"'
    if state == "excluded":
        return f'fill="url(#{hatch_id})" stroke="{HATCH}" stroke-width="1"'
    return f'fill="{CONTINUING}" stroke="{OUTLINE}" stroke-width="1"'


def bar_chart(result: Result, stage: int, *, places: int, id_prefix: str = "t") -> str:
    """Return one stage's totals as horizontal bars, to one scale for every stage.

    The quota is drawn as a dashed vertical line.  Names and values are written beside the
    bars, so the chart reads without colour.
    """
    r = result.rounds[stage - 1]
    n = len(result.candidates)
    top = 22
    height = top + n * _ROW + 8
    width = _BAR_LABEL + _BAR_WIDTH + _VALUE
    biggest = max(max(rr.tallies, default=Decimal(0)) for rr in result.rounds)
    if result.quota is not None:
        biggest = max(biggest, result.quota)
    scale = _BAR_WIDTH / float(biggest) if biggest > 0 else 0.0
    uid = f"{id_prefix}-bars-{stage}"
    hatch = f"{uid}-hatch"
    title = f"Stage {stage}: each candidate's total as a bar"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{esc(title)}</title>',
        f'<desc id="{uid}-desc">The same figures are in the stage table, stage {stage}.</desc>',
        f"<defs>{_hatch(hatch)}</defs>",
    ]
    # The quota line goes under the bars and figures, so the figures' halo covers it.
    if result.quota is not None and scale:
        qx = _BAR_LABEL + float(result.quota) * scale
        parts.append(
            f'<line x1="{qx:.2f}" y1="{top - 4}" x2="{qx:.2f}" y2="{height - 4}" '
            f'stroke="{QUOTA}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{qx:.2f}" y="{top - 8}" text-anchor="middle">'
            f"quota {esc(fmt(result.quota, places))}</text>"
        )
    for i, name in enumerate(result.candidates):
        y = top + i * _ROW
        v = r.tallies[i]
        state = _state(result, i, stage)
        w = float(v) * scale
        label = _fit(name, _BAR_LABEL - 10)
        parts.append(
            f'<text x="{_BAR_LABEL - 6}" y="{y + 14}" text-anchor="end">{esc(label)}</text>'
        )
        if w > 0:
            parts.append(
                f'<rect x="{_BAR_LABEL}" y="{y + 3}" width="{w:.2f}" height="{_ROW - 6}" '
                f"{_fill(state, hatch)}><title>{esc(name)}: {esc(fmt(v, places))} ({state})"
                "</title></rect>"
            )
        shown = fmt(v, places) + (" \u2713" if state == "elected" else "")
        if state == "excluded" and v == 0:
            shown = "excluded"
        # A white halo keeps the figure legible where the quota line runs behind it.
        parts.append(
            f'<text x="{_BAR_LABEL + w + 4:.2f}" y="{y + 14}" paint-order="stroke" '
            f'stroke="#ffffff" stroke-width="3">{esc(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Lane:
    label: str
    values: Sequence[Decimal]  # this lane's total at each stage
    deltas: Sequence[Decimal]  # what each stage moved into (+) or out of (-) the lane
    candidate: int | None  # None for the non-transferable and rounding lanes


def _lanes(result: Result) -> list[_Lane]:
    """Return the lanes top to bottom: elected in order, the rest by how long they lasted."""
    rounds = result.rounds
    last = len(rounds) + 1

    def key(c: int) -> tuple[int, int, Decimal]:
        stage = result.stage_of(c)
        if result.outcome_of(c) is Outcome.ELECTED:
            return (0, stage or 0, Decimal(0))
        return (1, -(stage or last), -rounds[-1].tallies[c])

    order = sorted(range(len(result.candidates)), key=key)
    lanes = [
        _Lane(
            result.candidates[c],
            [r.tallies[c] for r in rounds],
            [r.transfers[c] for r in rounds],
            c,
        )
        for c in order
    ]
    lanes.append(
        _Lane(
            "Non-transferable",
            [r.exhausted for r in rounds],
            [r.exhausted_transfer for r in rounds],
            None,
        )
    )
    if any(r.loss != 0 for r in rounds):
        lanes.append(
            _Lane(
                "Lost to rounding",
                [r.loss for r in rounds],
                [r.loss_transfer for r in rounds],
                None,
            )
        )
    return lanes


def flow_chart(result: Result, *, places: int, id_prefix: str = "t") -> str:
    """Return the flow of votes across the stages (a Sankey diagram) as SVG.

    Each candidate has a lane of its own, as high as the most votes it ever held, so labels
    never collide however many candidates there are; a column per stage shows each lane's
    total, and bands between columns show the votes each lane kept and what moved.  Where one
    stage moves votes out of several lanes at once (a bulk exclusion, or Meek's keep factors),
    the count records only each lane's net change, so the drawing shares each outgoing lane's
    votes among the receiving lanes in proportion; the caption says so.
    """
    rounds = result.rounds
    lanes = _lanes(result)
    stages = len(rounds)
    # Wide enough for the longest name, within reason; longer names are cut with an ellipsis
    # (the full name is in the stage table).
    label_w = min(max(max((_text_width(lane.label) for lane in lanes), default=80.0), 80.0), 250.0)
    label_w = float(round(label_w + 16))
    right_w = 150.0
    node_w = 12.0
    col = 84.0 if stages <= 12 else 62.0
    gap = 7.0
    min_lane = 15.0
    top = 34.0
    peaks = [max(max(lane.values, default=Decimal(0)), Decimal(0)) for lane in lanes]
    total_peak = float(sum(peaks, Decimal(0))) or 1.0
    k = 560.0 / total_peak
    heights = [max(float(p) * k, min_lane) for p in peaks]
    ys: list[float] = []
    y = top
    for h in heights:
        ys.append(y)
        y += h + gap
    height = y + 6
    width = label_w + (stages - 1) * col + node_w + right_w
    uid = f"{id_prefix}-flow"
    hatch = f"{uid}-hatch"

    def x_of(stage: int) -> float:
        return label_w + (stage - 1) * col

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">Flow of votes across {stages} stage'
        f"{'s' if stages != 1 else ''}</title>",
        f'<desc id="{uid}-desc">Each column is a stage and each row a candidate; bands show the '
        "votes each candidate kept and the votes transferred between them. The stage table "
        "gives every figure.</desc>",
        f"<defs>{_hatch(hatch)}</defs>",
    ]
    for s in range(1, stages + 1):
        parts.append(
            f'<text x="{x_of(s) + node_w / 2:.1f}" y="{top - 14}" text-anchor="middle">{s}</text>'
        )
    parts.append(f'<text x="{label_w - 10}" y="{top - 14}" text-anchor="end">Stage</text>')

    # Bands first, so the stage columns are drawn over their ends.
    for s in range(2, stages + 1):
        r = rounds[s - 1]
        x0 = x_of(s - 1) + node_w
        x1 = x_of(s)
        xm = (x0 + x1) / 2
        kind = EXCLUSION_FLOW if r.action.value == "exclusion" else SURPLUS_FLOW
        out_used: list[float] = []  # where each lane's outgoing bands start, at stage s-1
        in_used: list[float] = []  # where each lane's incoming bands start, at stage s
        sources: list[tuple[int, Decimal]] = []
        sinks: list[tuple[int, Decimal]] = []
        for j, lane in enumerate(lanes):
            before = lane.values[s - 2]
            d = lane.deltas[s - 1]
            kept = before + d if d < 0 else before
            kept = max(kept, Decimal(0))
            out_used.append(ys[j] + float(kept) * k)
            in_used.append(ys[j] + float(kept) * k)
            if kept > 0:
                parts.append(_band(x0, ys[j], x1, ys[j], float(kept) * k, xm, KEPT, None))
            if d < 0:
                sources.append((j, -d))
            elif d > 0:
                sinks.append((j, d))
        total_out = sum((a for _, a in sources), Decimal(0))
        total_in = sum((a for _, a in sinks), Decimal(0))
        whole = max(total_out, total_in)
        if whole <= 0:
            continue
        single = len(sources) == 1
        for j, out in sources:
            for m, inn in sinks:
                share = float(out * inn / whole) * k
                tip = (
                    f"Stage {s}: {fmt(inn, places)} from {lanes[j].label} to {lanes[m].label}"
                    if single
                    else f"Stage {s}: part of the votes moved from {lanes[j].label} "
                    f"to {lanes[m].label}"
                )
                parts.append(_band(x0, out_used[j], x1, in_used[m], share, xm, kind, tip))
                out_used[j] += share
                in_used[m] += share

    for j, lane in enumerate(lanes):
        for s in range(1, stages + 1):
            v = lane.values[s - 1]
            if v <= 0:
                continue
            h = max(float(v) * k, 1.0)
            if lane.candidate is None:
                fill = f'fill="{NON_TRANSFERABLE}" stroke="{OUTLINE}" stroke-width="0.5"'
                state = "non-transferable" if lane.label.startswith("Non") else "rounding"
            else:
                state = _state(result, lane.candidate, s)
                fill = _fill(state, hatch)
            parts.append(
                f'<rect x="{x_of(s):.1f}" y="{ys[j]:.2f}" width="{node_w}" height="{h:.2f}" '
                f"{fill}><title>{esc(lane.label)}, stage {s}: {esc(fmt(v, places))}"
                f"</title></rect>"
            )
        ty = ys[j] + 11
        parts.append(
            f'<text x="{label_w - 10}" y="{ty:.1f}" text-anchor="end">'
            f"{esc(_fit(lane.label, label_w - 14))}</text>"
        )
        end = lane.values[-1]
        if lane.candidate is not None:
            stage_out = result.stage_of(lane.candidate)
            outcome = result.outcome_of(lane.candidate)
            tail = (
                f"elected, stage {stage_out}"
                if outcome is Outcome.ELECTED
                else f"excluded, stage {stage_out}"
                if outcome is Outcome.EXCLUDED
                else fmt(end, places)
            )
        else:
            tail = fmt(end, places)
        parts.append(f'<text x="{x_of(stages) + node_w + 8:.1f}" y="{ty:.1f}">{esc(tail)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _band(
    x0: float, y0: float, x1: float, y1: float, h: float, xm: float, colour: str, tip: str | None
) -> str:
    """Return a band of thickness ``h`` from (x0, y0) to (x1, y1), curved between."""
    if h <= 0:
        return ""
    d = (
        f"M{x0:.1f},{y0:.2f} C{xm:.1f},{y0:.2f} {xm:.1f},{y1:.2f} {x1:.1f},{y1:.2f} "
        f"L{x1:.1f},{y1 + h:.2f} C{xm:.1f},{y1 + h:.2f} {xm:.1f},{y0 + h:.2f} "
        f"{x0:.1f},{y0 + h:.2f} Z"
    )
    title = f"<title>{esc(tip)}</title>" if tip else ""
    return f'<path d="{d}" fill="{colour}" fill-opacity="0.55">{title}</path>'


def legend(id_prefix: str = "t", *, flows: bool = False) -> str:
    """Return the key to the fills (and, with ``flows``, the bands) as an HTML list."""
    hatch = f"{id_prefix}-legend-hatch"
    items = [
        (f'fill="{ELECTED}" stroke="{OUTLINE}"', "Elected (solid dark)"),
        (f'fill="{CONTINUING}" stroke="{OUTLINE}"', "Still in the count (light)"),
        (f'fill="url(#{hatch})" stroke="{HATCH}"', "Excluded (hatched)"),
    ]
    if flows:
        items += [
            (f'fill="{KEPT}" fill-opacity="0.55"', "Votes kept from the stage before"),
            (f'fill="{SURPLUS_FLOW}" fill-opacity="0.55"', "Transferred from a surplus"),
            (f'fill="{EXCLUSION_FLOW}" fill-opacity="0.55"', "Transferred on an exclusion"),
            (f'fill="{NON_TRANSFERABLE}" stroke="{OUTLINE}"', "Non-transferable"),
        ]
    out = ['<ul class="legend">']
    for n, (fill, text) in enumerate(items):
        defs = f"<defs>{_hatch(hatch)}</defs>" if n == 0 else ""
        out.append(
            '<li><svg width="18" height="14" viewBox="0 0 18 14" aria-hidden="true">'
            f'{defs}<rect x="0.5" y="0.5" width="17" height="13" {fill}/></svg>'
            f"{esc(text)}</li>"
        )
    out.append("</ul>")
    return "".join(out)
