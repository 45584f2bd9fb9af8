"""A rulebook in plain English: what a member needs to know, with sources and doubts."""

from __future__ import annotations

import datetime as dt
import textwrap
from fractions import Fraction

from ..methods import REGISTRY
from .schema import Cited, Condition, Route, Rulebook, Stage, whole

__all__ = ["describe"]

_WIDTH = 92


def _pct(share: Fraction) -> str:
    pct = share * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return {Fraction(1, 3): "one third", Fraction(2, 3): "two thirds"}.get(
        share, f"{share.numerator}/{share.denominator}"
    )


def _date(d: dt.date | None) -> str:
    if d is None:
        return ""
    text = f"{d.day} {d:%B %Y}"
    if isinstance(d, dt.datetime) and (d.hour or d.minute):
        text = f"{d:%H:%M} on {text}"
    return text


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    text = " ".join(text.split())
    return textwrap.wrap(
        text,
        _WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [indent]


def _condition(book: Rulebook, c: Condition) -> str:
    body = book.bodies[c.body]
    who = body.plural
    if c.category:
        who = f"{c.category.replace('_', ' ')}s"
    if c.at_least is not None:
        return f"at least {c.at_least} {who}" + ("" if c.category else f" ({body.name})")
    if c.distinct_groups is not None:
        return f"drawn from at least {c.distinct_groups} different {body.group or 'groups'}"
    if c.membership_share is not None:
        total = f" ({body.membership_total:,})" if body.membership_total else ""
        return f"who together hold at least {_pct(c.membership_share)} of the membership{total}"
    assert c.share is not None
    other = "the other " if c.exclude_candidate else ""
    text = f"{_pct(c.share)} of {other}{body.name}"
    if body.size is not None:
        base = body.size - 1 if c.exclude_candidate else body.size
        n = whole(c.share, base, c.rounding)
        text += f" - {n} of {base}, rounded {c.rounding}"
    else:
        text += f", rounded {c.rounding} to a whole number"
    return text


def _route(book: Rulebook, r: Route) -> str:
    return "; ".join(_condition(book, c) for c in r.conditions)


def _cites(obj: Cited) -> str:
    return f" [{', '.join(obj.cite)}]" if obj.cite else ""


def _stage(book: Rulebook, n: int, s: Stage) -> list[str]:
    when = ""
    if s.opens and s.closes:
        when = f", {_date(s.opens)} to {_date(s.closes)}"
    elif s.closes:
        when = f", closing {_date(s.closes)}"
    scope = []
    if s.occasions:
        scope.append(" or ".join(s.occasions))
    if s.offices:
        scope.append(" and ".join(book.offices[o].name for o in s.offices))
    head = f"{n}. {s.name}{when}" + (f" ({'; '.join(scope)})" if scope else "") + _cites(s)
    lines = _wrap(head, "     ", "  ")
    if s.requires:
        names = [next(x.name for x in book.stages if x.id == r) for r in s.requires]
        lines += _wrap(f"Only for candidates who passed: {', '.join(names)}.", "     ")
    if s.incumbent_exempt:
        lines += _wrap("The sitting office-holder does not need these nominations.", "     ")
    if len(s.routes) == 1:
        lines += _wrap(f"Needs {_route(book, s.routes[0])}.", "     ")
    else:
        lines += _wrap("Needs ONE of:", "     ")
        for r in s.routes:
            text = _route(book, r) if len(r.conditions) == 1 else f"{r.name}: {_route(book, r)}"
            lines += _wrap(f"{text}{_cites(r)}", "         ", "     - ")
    if s.note:
        lines += _wrap(s.note, "     ")
    return lines


def describe(book: Rulebook) -> str:
    """Describe a rulebook in plain English, a member-readable summary."""
    out: list[str] = []
    out += [book.title, "=" * len(book.title)]
    out += _wrap(f"Organisation: {book.organisation}.")
    if book.rules_of:
        out += _wrap(f"Rules: {book.rules_of}.")
    out += ["", *_wrap(book.summary), ""]

    if book.offices:
        out.append("Offices and how the votes are counted")
        for o in book.offices.values():
            info = REGISTRY.get(o.method)
            seats = "one seat" if o.seats == 1 else f"{o.seats} seats"
            out += _wrap(
                f"{o.name}: {seats}, counted by {info.name} ({info.summary}).{_cites(o)}",
                "    ",
                "  - ",
            )
            if o.eligibility:
                out += _wrap(f"Who may stand: {o.eligibility}.", "    ")
        out.append("")

    if book.stages:
        out.append("Getting on the ballot")
        for occasion in book.occasions:
            stages = [s for s in book.stages if not s.occasions or occasion in s.occasions]
            if not stages:
                continue
            if len(book.occasions) > 1:
                label = {
                    "vacancy": "When the post is vacant",
                    "challenge": "When a sitting office-holder is challenged",
                }.get(occasion, f"Occasion: {occasion}")
                out.append(f" {label}:")
            for n, s in enumerate(stages, start=1):
                out += _stage(book, n, s)
        nr = book.nominations
        rules = []
        if nr.one_per_nominator_per_office:
            rules.append("each nominator may nominate one candidate for each office")
        if nr.self_nomination is False:
            rules.append("a candidate may not nominate themselves")
        if nr.candidate_consent:
            rules.append("a candidate must accept their nomination")
        if rules:
            out += _wrap(f"Nominators: {'; '.join(rules)}.{_cites(nr)}", "    ", "  ")
        w = book.withdrawal
        may = "may" if w.candidate_may_withdraw else "may not"
        text = f"Candidates {may} withdraw"
        text += "; nominations made after a withdrawal do not count"
        if w.nominators_freed:
            text += "; a withdrawn candidate's nominators may nominate someone else"
        if w.nominator_may_retract:
            text += "; a nominator may retract a nomination"
        if w.deadline:
            text += f"; {w.deadline}"
        out += _wrap(f"Withdrawals: {text}.{_cites(w)}", "    ", "  ")
        out.append("")

    eb = book.exhaustive_ballot
    if eb is not None:
        out.append("Rounds of voting by " + book.bodies[eb.body].name)
        for t in eb.thresholds:
            out += _wrap(
                f"Round {t.round}: a candidate with fewer than {t.at_least} votes is eliminated; "
                "if every candidate reaches that, the one with fewest votes is.",
                "    ",
                "  - ",
            )
        out += _wrap(
            "Later rounds: the candidate with fewest votes is eliminated. Rounds continue "
            f"until {eb.until_remaining} remain, who go to the ballot for "
            f"{book.offices[eb.then].name}.{_cites(eb)}",
            "    ",
            "  - ",
        )
        if eb.ties:
            out += _wrap(f"Ties: {eb.ties}", "    ", "  - ")
        out.append("")

    el = book.electorate
    if el is not None:
        out.append("Who votes")
        for sec in el.sections:
            bits = [sec.name]
            if sec.eligibility:
                bits.append(sec.eligibility)
            if sec.fee:
                bits.append(f"fee {sec.fee}")
            out += _wrap(
                ": ".join(bits[:2]) + (f" ({bits[2]})" if len(bits) > 2 else "") + ".",
                "    ",
                "  - ",
            )
        out += _wrap(f"Weighting: {el.weighting}.", "    ", "  ")
        if el.freeze:
            out += _wrap(f"Freeze date: {_date(el.freeze)}.", "    ", "  ")
        if el.freeze_rule:
            out += _wrap(f"Freeze rule: {el.freeze_rule}.", "    ", "  ")
        out.append("")

    b = book.ballot
    if b is not None:
        out.append("The ballot")
        for label, value in (
            ("Voting", b.channels),
            ("Run by", b.administrator),
            ("Independent scrutineer", b.scrutineer),
        ):
            if value:
                out += _wrap(f"{label}: {value}.", "    ", "  ")
        if b.opens or b.closes:
            out += _wrap(f"Open: {_date(b.opens)} to {_date(b.closes)}.", "    ", "  ")
        if b.duties:
            out.append("  Duties:")
            for duty in b.duties:
                out += _wrap(duty, "      ", "    - ")
        if b.note:
            out += _wrap(b.note, "    ", "  ")
        out.append("")

    tb = book.trigger_ballot
    if tb is not None:
        out.append("Trigger ballot")
        out += _wrap(f"Applies to: {tb.applies_to}.", "    ", "  ")
        if tb.unit_decision:
            out += _wrap(f"Each unit decides: {tb.unit_decision}.", "    ", "  ")
        joiner = "ANY" if tb.combine == "any" else "ALL"
        out += _wrap(f"An open selection is triggered if {joiner} of these is reached:", "    ")
        for r in tb.routes:
            cmp = "more than" if r.more_than else "at least"
            base = "of those that vote" if r.of == "voting" else "of all of them"
            out += _wrap(
                f"{r.name}: {cmp} {_pct(r.share)} of {book.bodies[r.body].name} {base}{_cites(r)}",
                "        ",
                "    - ",
            )
        if tb.if_triggered:
            out += _wrap(f"If triggered: {tb.if_triggered}.", "    ", "  ")
        if tb.otherwise:
            out += _wrap(f"Otherwise: {tb.otherwise}.", "    ", "  ")
        out.append("")

    sel = book.selection
    if sel is not None:
        out.append("Selection")
        if sel.eligibility:
            out += _wrap(f"Who may apply: {sel.eligibility}.", "    ", "  ")
        for n, step in enumerate(sel.steps, start=1):
            out += _wrap(f"{step.name}: {step.description}{_cites(step)}", "      ", f"  {n}. ")
        for c in sel.constraints:
            what = c.attribute.replace("_", " ")
            if c.all:
                req = f"every candidate {what}"
            elif c.at_least is not None:
                req = f"at least {c.at_least} {what}"
            else:
                assert c.at_least_share is not None
                req = f"at least {_pct(c.at_least_share)} {what}"
            when = f" ({c.when})" if c.when else ""
            out += _wrap(f"The {c.applies_to}: {req}{when}.{_cites(c)}", "    ", "  - ")
        out.append("")

    doubts = book.unconfirmed()
    if doubts:
        out.append("Not confirmed")
        for where, note in doubts:
            out += _wrap(f"{where or 'this rulebook'}: {note}", "    ", "  - ")
        out.append("")

    out.append("Sources")
    for key, src in book.sources.items():
        line = f"[{key}] {src.title}" + (" (primary)" if src.primary else "")
        out += _wrap(line, "    ", "  ")
        if src.url:
            out.append(f"    {src.url}")
    return "\n".join(out) + "\n"
