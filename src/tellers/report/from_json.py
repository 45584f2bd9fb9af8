"""Read a result back from the JSON report (``tellers.report.json``'s schema) into a Result.

A published or signed-off count is its JSON: the ballot service keeps that text and its digest,
and pages draw from it rather than counting again.  The JSON holds every figure exactly, the
decisions with their reasons and ties; what it does not hold is re-derived from the figures:

- a stage's ``action`` and ``subjects``: the candidates whose votes fell (negative transfer)
  are the subjects; the stage is an exclusion when any of them has been excluded, a surplus
  otherwise, the first preferences at stage one, and a recount where nobody's votes fell.  For
  the Gregory family and AV this is what the count recorded; a Meek iteration in which elected
  candidates' totals fall reads as a surplus of theirs, where Meek recorded a recount;
- ``exhausted_transfer`` and ``loss_transfer``: the stage's change in the running totals;
- ``places``: the most decimal places among the figures;
- ties broken to choose what a stage did (not an election or exclusion) are listed in the
  JSON only among the result's ``tiebreaks``; they are put with the stage before the next
  decision's tie, which keeps :attr:`Result.tiebreaks` in the count's order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Context, Decimal
from typing import Any

from ..errors import InputError
from ..model import Action, Decision, Outcome, Result, Round, TieBreak, TieMethod

__all__ = ["result_from_json"]

_ZERO = Decimal(0)
#: Differences of running totals exactly (guarded fixed point carries 27 places).
_EXACT = Context(prec=200)


def _places(values: Sequence[str]) -> int:
    return max((len(v.partition(".")[2]) for v in values), default=0)


def _tie(t: Mapping[str, Any], index: Mapping[str, int]) -> TieBreak:
    return TieBreak(
        tied=frozenset(index[n] for n in t["tied"]),
        chosen=index[t["chosen"]],
        purpose=str(t["purpose"]),
        method=TieMethod(t["method"]),
        round=t.get("round"),
        seed=t.get("seed"),
    )


def result_from_json(data: str | Mapping[str, Any]) -> Result:
    """Return the Result a JSON report describes (text, or the parsed mapping)."""
    doc: Mapping[str, Any] = json.loads(data) if isinstance(data, str) else data
    try:
        return _result(doc)
    except (KeyError, TypeError, ValueError, ArithmeticError) as e:
        raise InputError(f"not a tellers result JSON: {type(e).__name__}: {e}") from None


def _result(doc: Mapping[str, Any]) -> Result:
    names: tuple[str, ...] = tuple(doc["candidates"])
    index = {n: i for i, n in enumerate(names)}
    figures: list[str] = []
    decision_ties: list[list[TieBreak]] = []
    for r in doc["rounds"]:
        figures += [*r["tallies"].values(), *r["transfers"].values(), r["exhausted"]]
        decision_ties.append(
            [_tie(d["tie"], index) for d in r.get("decisions", []) if d.get("tie") is not None]
        )
    pending = [_tie(t, index) for t in doc.get("tiebreaks", [])]
    round_ties = _stage_ties(pending, decision_ties)

    # Subjects in the order the count decided on them (exclusion or election), as it lists them.
    decided: dict[int, int] = {}
    for r in doc["rounds"]:
        for d in r.get("decisions", []):
            decided.setdefault(index[d["candidate"]], len(decided))
    excluded_at: dict[int, int] = {}
    elected_at_stage: dict[int, list[int]] = {}
    for r in doc["rounds"]:
        for d in r.get("decisions", []):
            if d["outcome"] == Outcome.EXCLUDED.value:
                excluded_at.setdefault(index[d["candidate"]], int(r["number"]))
            else:
                elected_at_stage.setdefault(int(r["number"]), []).append(index[d["candidate"]])
    rounds: list[Round] = []
    prev_exhausted = prev_loss = _ZERO
    for k, r in enumerate(doc["rounds"]):
        number = int(r["number"])
        tallies = tuple(Decimal(r["tallies"][n]) for n in names)
        transfers = tuple(Decimal(r["transfers"].get(n, "0")) for n in names)
        exhausted = Decimal(r["exhausted"])
        loss = Decimal(r.get("loss", "0"))
        decisions = tuple(
            Decision(
                index[d["candidate"]],
                Outcome(d["outcome"]),
                str(d["reason"]),
                None if d.get("tie") is None else _tie(d["tie"], index),
            )
            for d in r.get("decisions", [])
        )
        fell = [i for i, t in enumerate(transfers) if t < 0]
        out_now = {number} if any(d.outcome is Outcome.EXCLUDED for d in decisions) else set()
        batches = {excluded_at[i] for i in fell if excluded_at.get(i, number + 1) <= number}
        if k == 0:
            action, chosen = Action.FIRST, []
        elif batches or out_now:
            # An exclusion moves the batch excluded together, and only it (under Meek, elected
            # candidates' totals fall too as their keep factors change).
            action = Action.EXCLUSION
            chosen = [i for i, at in excluded_at.items() if at in batches | out_now]
        elif fell:
            action, chosen = Action.SURPLUS, fell
        elif elected_at_stage.get(number - 1):
            # Nothing fell: a surplus of nothing (elected exactly at the threshold).
            action, chosen = Action.SURPLUS, elected_at_stage[number - 1]
        else:
            action, chosen = Action.RECOUNT, []
        subjects = tuple(sorted(chosen, key=lambda i: (decided.get(i, len(names)), i)))
        rounds.append(
            Round(
                number=number,
                tallies=tallies,
                transfers=transfers,
                exhausted=exhausted,
                decisions=decisions,
                note=str(r.get("note", "")),
                loss=loss,
                exhausted_transfer=_EXACT.subtract(exhausted, prev_exhausted) if k else _ZERO,
                loss_transfer=_EXACT.subtract(loss, prev_loss) if k else _ZERO,
                action=action,
                subjects=subjects,
                ties=tuple(round_ties[k]),
            )
        )
        prev_exhausted, prev_loss = exhausted, loss
    quota = doc.get("quota")
    return Result(
        method=str(doc["method"]),
        seats=int(doc["seats"]),
        candidates=names,
        valid=Decimal(doc["valid"]),
        quota=None if quota is None else Decimal(quota),
        rounds=tuple(rounds),
        title=str(doc.get("title") or ""),
        seed=doc.get("seed"),
        places=_places(figures),
        rejected=tuple((str(k), Decimal(v)) for k, v in doc.get("rejected", {}).items()),
    )


def _stage_ties(
    pending: list[TieBreak], decision_ties: list[list[TieBreak]]
) -> list[list[TieBreak]]:
    """Share out the ties that are not decisions' among the stages, keeping the count's order."""
    out: list[list[TieBreak]] = [[] for _ in decision_ties]
    p = 0
    for k, own in enumerate(decision_ties):
        if not own:
            continue
        while p < len(pending) and pending[p] != own[0]:
            out[k].append(pending[p])
            p += 1
        p += len(own)
    if out:
        out[-1].extend(pending[p:])
    return out
