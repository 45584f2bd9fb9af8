"""First past the post: the candidates with the most first-preference votes are elected.

Source: the parliamentary elections rules, Representation of the People Act 1983, Schedule 1
(legislation.gov.uk/ukpga/1983/2/schedule/1).  Rule numbers cited in brackets below are theirs.

18. "the result shall be ascertained by counting the votes given to each candidate and the
    candidate to whom the majority of votes have been given shall be declared to have been
    elected."  (Confirmed from the legislation.gov.uk text of Part III.)
47. Rejected ballot papers.  Only the heading was confirmed; the text was not retrieved.  The
    parallel rule for police and crime commissioner elections (SI 2012/1917, Sch. 3 r.53(1))
    makes void a paper "(b) on which more than one ... vote is given" or "(d) which is unmarked".
49. Equality of votes.  Only the heading was confirmed; that the returning officer decides by lot
    is confirmed only at second hand (a minister on the Parliamentary Voting System and
    Constituencies Bill, 2010: under first past the post "a tie between candidates is resolved by
    the returning officer drawing lots").

Readings:

- One vote per paper: only the first rank is read.  A paper whose first rank is skipped or
  names several candidates is not counted for anyone [47]; nor is one whose first rank names a
  withdrawn candidate, because a first-past-the-post paper has no later preference to fall back
  on.  The round note says how many papers were set aside and why.
- With ``seats`` above one, the ``seats`` candidates with the most votes are elected, each paper
  still giving one vote.  That is a single non-transferable vote, NOT the block vote of English
  multi-member wards, where each elector has as many votes as there are seats.
- Candidates tied at the boundary of the elected set are decided by lot [49], one draw per
  remaining seat, from the count's seeded source; ties wholly inside or outside the elected set
  need no decision.  If no more candidates stand than there are seats, all are elected.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from .._arrays import MULTI, PAD, SKIP, exact_sum, group_sum, held_arrays, total
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak, TieMethod
from ._ties import Lot
from .base import resolve_seats

__all__ = ["count"]


def _plural(n: int, word: str) -> str:
    """Return ``n word`` with an ``s`` unless ``n`` is one."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _first_ranks_of_ballots(election: Election, n: int) -> tuple[list[int], int, int]:
    """Return the papers whose first rank marks each candidate alone, and those set aside.

    Set aside: papers with no first rank (unmarked [47]) and papers marking several
    candidates first (more than one vote given [47]).
    """
    totals = [0] * n
    skipped = several = 0
    for ballot in election.ballots:
        marked = set(ballot.ranking[0]) if ballot.ranking else set()
        if not marked:
            skipped += ballot.weight
        elif len(marked) > 1:
            several += ballot.weight
        else:
            totals[marked.pop()] += ballot.weight
    return totals, skipped, several


def _first_ranks(election: Election, n: int) -> tuple[list[int], int, int] | None:
    """Return what :func:`_first_ranks_of_ballots` returns, from the first column of the
    election's ballot arrays; None where the election holds no arrays (its ballots are read).
    """
    arrays = held_arrays(election)
    if arrays is None:
        return None
    weights = arrays.weights
    bound = total(weights)
    if not len(arrays):
        return [0] * n, 0, 0
    first = arrays.marks[:, 0] if arrays.marks.shape[1] else np.full(len(arrays), PAD)
    single = first >= 0
    totals = group_sum(first[single].astype(np.intp), weights[single], n, bound)
    skipped = exact_sum(weights[(first == PAD) | (first == SKIP)], bound)
    several = 0
    # A rank marked several times for one candidate is one vote for them.
    for r in np.flatnonzero(first == MULTI).tolist():
        marked = set(arrays.multi[(r, 0)])
        if len(marked) > 1:
            several += int(weights[r])
        else:
            totals[marked.pop()] += int(weights[r])
    return totals, skipped, several


def count(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` by first past the post."""
    nseats = resolve_seats(election, seats)
    n = len(election.candidates)
    withdrawn = election.withdrawn
    standing = [c for c in range(n) if c not in withdrawn]
    if not standing:
        raise ConfigurationError("no candidates to count: all are withdrawn")

    # [18] count the votes given to each candidate: the first rank only.
    counted = _first_ranks(election, n)
    totals, skipped, several = (
        counted if counted is not None else _first_ranks_of_ballots(election, n)
    )
    to_withdrawn = sum(totals[c] for c in withdrawn)
    for c in withdrawn:
        totals[c] = 0
    valid = sum(totals)

    lot = Lot(seed)
    order = sorted(standing, key=lambda c: (-totals[c], c))
    decisions: list[Decision] = []
    if len(standing) <= nseats:
        decisions = [
            Decision(c, Outcome.ELECTED, "no more candidates than seats [18]") for c in order
        ]
    else:
        cutoff = totals[order[nseats - 1]]
        above = [c for c in order if totals[c] > cutoff]
        tied = [c for c in order if totals[c] == cutoff]
        decisions = [Decision(c, Outcome.ELECTED, "most votes [18]") for c in above]
        need = nseats - len(above)
        if len(tied) == need:
            decisions += [Decision(c, Outcome.ELECTED, "most votes [18]") for c in tied]
        else:
            # [49] equal votes at the last seat(s): decided by lot, one draw per seat.
            pool = list(tied)
            for _ in range(need):
                chosen = lot.draw(pool)
                tie = TieBreak(frozenset(pool), chosen, "election", TieMethod.LOT, seed=seed)
                pool.remove(chosen)
                reason = "most votes, equal votes decided by lot [49]"
                decisions.append(Decision(chosen, Outcome.ELECTED, reason, tie))

    note = "First preferences"
    unused = skipped + several + to_withdrawn
    if unused:
        reasons = []
        if skipped:
            reasons.append(f"{skipped:,} with no first preference")
        if several:
            reasons.append(f"{several:,} with several candidates marked first")
        if to_withdrawn:
            reasons.append(f"{to_withdrawn:,} for a withdrawn candidate")
        note += f"; {_plural(unused, 'paper')} not counted ({', '.join(reasons)})"

    zero = Decimal(0)
    rounds = (
        Round(
            number=1,
            tallies=tuple(Decimal(v) for v in totals),
            transfers=(zero,) * n,
            exhausted=zero,
            decisions=tuple(decisions),
            note=note,
            action=Action.FIRST,
        ),
    )
    return Result(
        method="fptp",
        seats=nseats,
        candidates=election.names,
        valid=Decimal(valid),
        quota=None,
        rounds=rounds,
        title=election.title,
        seed=seed,
        places=0,
    )
