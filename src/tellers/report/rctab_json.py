"""Any count as RCTab's summary JSON: the file rcvis and other RCTab readers import.

RCTab (and the Universal RCV Tabulator format rcvis reads) describe a count round by round:
``tally`` is every continuing or elected candidate's votes, and ``tallyResults`` lists who was
elected or eliminated in the round with ``transfers``: where that candidate's votes went in the
*next* round (to candidates, ``exhausted``, or ``residual surplus``).  An eliminated candidate
leaves the tallies from the round after.  Numbers are decimal strings.

tellers' :class:`~tellers.model.Result` records a stage's transfers as each candidate's net
change, with ``subjects`` naming whose votes moved; so the mapping is:

- an exclusion's flows are the stage that empties the candidate's pile; its ``eliminated`` entry
  sits in the round before that stage.  A candidate excluded at the end with votes still in
  hand (RCTab stopping early, Meek declaring the rest defeated) has no entry: there is no next
  round, and rcvis refuses a file with an elimination in its last round (RCTab itself writes
  one when it stops early, and rcvis cannot load that file);
- an elected candidate's entry sits in the round before their surplus moves (the round they
  were elected, unless the rule deferred the surplus), otherwise in the round they were elected;
- where one stage moves several candidates' votes together (bulk exclusion, Meek's surpluses)
  the result holds only the sum, so the flows are listed under the first of them and the rest
  have none; the tallies stay exact either way;
- flows are the positive changes of candidates other than the subjects, plus the stage's
  non-transferable (``exhausted``) and rounding loss (``residual surplus``).  A stage without
  subjects (a Meek recount) moves votes no entry can name; only its tallies show it.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from .. import __version__
from ..model import Action, Outcome, Result, Round

__all__ = ["to_rctab_dict", "to_rctab_json"]

EXHAUSTED = "exhausted"
RESIDUAL = "residual surplus"


def _num(d: Decimal) -> str:
    return f"{d:f}"


def _flows(result: Result, stage: Round) -> dict[str, str]:
    """Return where a stage's moved votes went: gains of non-subjects, exhausted, loss."""
    out: dict[str, str] = {}
    subjects = set(stage.subjects)
    for i, t in enumerate(stage.transfers):
        if i not in subjects and t > 0:
            out[result.candidates[i]] = _num(t)
    if stage.exhausted_transfer > 0:
        out[EXHAUSTED] = _num(stage.exhausted_transfer)
    if stage.loss_transfer > 0:
        out[RESIDUAL] = _num(stage.loss_transfer)
    return out


def _first_subject(stage: Round, candidate: int) -> bool:
    """Return whether ``candidate`` is the first subject of the stage (who carries its flows)."""
    return bool(stage.subjects) and stage.subjects[0] == candidate


def _placements(result: Result) -> tuple[dict[int, int], list[list[dict[str, Any]]]]:
    """Return the stage from which each excluded candidate leaves the tallies, and each
    round's tallyResults."""
    rounds = result.rounds
    gone: dict[int, int] = {}
    entries: list[list[dict[str, Any]]] = [[] for _ in rounds]
    for r in rounds:
        for d in r.decisions:
            c = d.candidate
            name = result.candidates[c]
            at, flows = r.number, {}
            if d.outcome is Outcome.EXCLUDED:
                # The stage that empties the pile (ERS97 may take several stages to do it).
                empty = next((s for s in rounds[r.number - 1 :] if s.tallies[c] == 0), None)
                if empty is not None and empty.number > 1:
                    gone[c] = empty.number
                    at = empty.number - 1
                    flows = _flows(result, empty) if _first_subject(empty, c) else {}
                elif empty is not None and len(rounds) > 1:
                    gone[c] = 2  # no votes from the start: shown once, at round one
                else:
                    # Excluded at the end with votes still in hand (the count stopped, or
                    # Meek's last defeats): no later round, and rcvis refuses an elimination
                    # in the last round, so the candidate simply ends as not elected.
                    continue
                entries[at - 1].append({"eliminated": name, "transfers": flows})
            else:
                surplus = next(
                    (
                        s
                        for s in rounds[r.number :]
                        if s.action is Action.SURPLUS and c in s.subjects
                    ),
                    None,
                )
                if surplus is not None:
                    at = surplus.number - 1
                    flows = _flows(result, surplus) if _first_subject(surplus, c) else {}
                entries[at - 1].append({"elected": name, "transfers": flows})
    return gone, entries


def to_rctab_dict(
    result: Result,
    *,
    contest: str | None = None,
    date: str = "",
    jurisdiction: str = "",
    office: str = "",
    withdrawn: Collection[str] = (),
) -> dict[str, Any]:
    """Return the result as RCTab's summary JSON data (numbers as decimal strings).

    ``contest`` defaults to the result's title; ``date`` is ``YYYY-MM-DD`` or empty.
    ``withdrawn`` names candidates who were not in the count (the election's withdrawn
    candidates): the result lists them with no votes, RCTab leaves them out.
    """
    gone, entries = _placements(result)
    for name in withdrawn:
        # Never in the count: RCTab lists no candidate its config excludes.
        gone[result.candidates.index(name)] = 1
    results: list[dict[str, Any]] = []
    for r, actions in zip(result.rounds, entries, strict=True):
        tally = {
            name: _num(r.tallies[i])
            for i, name in enumerate(result.candidates)
            if gone.get(i, r.number + 1) > r.number
        }
        # RCTab lists a round's winners before its eliminations, each sorted by name.
        actions.sort(key=lambda a: ("eliminated" in a, a.get("elected") or a["eliminated"]))
        round_out: dict[str, Any] = {
            "round": r.number,
            "tally": tally,
            "tallyResults": actions,
            "inactiveBallots": {"exhaustedChoices": _num(r.exhausted)},
        }
        results.append(round_out)
    config: dict[str, Any] = {
        "contest": result.title if contest is None else contest,
        "date": date,
        "jurisdiction": jurisdiction,
        "office": office,
        "generatedBy": f"tellers {__version__} ({result.method})",
    }
    if result.quota is not None:
        config["threshold"] = _num(result.quota)
    summary: dict[str, Any] = {
        "numWinners": result.seats,
        "numCandidates": len(result.candidates),
        "totalNumBallots": _num(result.valid),
    }
    if result.quota is not None:
        summary["finalThreshold"] = _num(result.quota)
    return {
        "config": config,
        "jsonFormatVersion": "1",
        "results": results,
        "summary": summary,
    }


def to_rctab_json(
    result: Result,
    *,
    contest: str | None = None,
    date: str = "",
    jurisdiction: str = "",
    office: str = "",
    withdrawn: Collection[str] = (),
) -> str:
    """Return the result as RCTab summary JSON text, laid out as RCTab writes it."""
    from ..rctab.report import dump_json

    data = to_rctab_dict(
        result,
        contest=contest,
        date=date,
        jurisdiction=jurisdiction,
        office=office,
        withdrawn=withdrawn,
    )
    return dump_json(data) + "\n"
