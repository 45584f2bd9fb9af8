"""Condorcet methods: the pairwise matrix, the Condorcet winner and loser, Schulze, ranked pairs.

Every Condorcet method starts from the same table: for each ordered pair of candidates (a, b),
the number of ballot papers that rank a above b.  A candidate who beats every other candidate
head to head (more papers rank them above the other than the other way round) is the Condorcet
winner; one beaten by every other candidate is the Condorcet loser.  Schulze and ranked pairs
both elect the Condorcet winner when there is one, and differ in how they resolve a cycle.

Reading a paper [pairwise], as Markus Schulze states it for his method (electowiki.org,
"Schulze method", the path heuristic; a stored copy was read): "When a given voter does not rank
all candidates, then it is presumed that this voter strictly prefers all ranked candidates to all
not ranked candidates and that this voter is indifferent between all not ranked candidates."
pref_voting reads a ``ProfileWithTies`` this way only after ``use_extended_strict_preference()``.
So:

- a paper prefers a to b if it marks a at an earlier rank than b, or marks a and not b;
- candidates the paper leaves unranked are equal to one another: no preference either way;
- candidates marked at the same rank (an equal ranking, or what an STV count would call an
  overvote) are equal: no preference either way, both above everyone marked later;
- a skipped rank changes nothing (the marks after it are still later, and still above the
  unranked); a candidate marked twice counts at their first mark;
- withdrawn candidates are struck out: their rows and columns are zero and they never stand.

Unlike an STV count, a paper's preferences do not stop at a gap or at a doubled mark.

Schulze [S], winning votes.  Source: the same electowiki page, with d[V,W] "the number of voters
who strictly prefer candidate V to candidate W":

[S1] "A path from candidate X to candidate Y of strength p is a sequence of candidates
     C(1),...,C(n)" from X to Y such that "For all i = 1,...,(n-1): d[C(i),C(i+1)] >
     d[C(i+1),C(i)]" and "d[C(i),C(i+1)] ≥ p".
[S2] "p[A,B], the strength of the strongest path from candidate A to candidate B, is the maximum
     value such that there is a path from candidate A to candidate B of that strength.  If there
     is no path from candidate A to candidate B at all, then p[A,B] : = 0."
[S3] "Candidate D is a potential winner if and only if p[D,E] ≥ p[E,D] for every other
     candidate E."
[S4] "p[X,Y] > p[Y,X] and p[Y,Z] > p[Z,Y] together imply p[X,Z] > p[Z,X]" (Remark).

A link's strength is therefore its winning votes d[X,Y], not the margin d[X,Y] - d[Y,X]; the two
agree when every paper ranks every candidate, and can differ on truncated ballots.  The widest paths
are found Floyd-Warshall fashion.  The ranking reports the relation "X beats Y when p[X,Y] > p[Y,X]"
[S4] in tiers: the potential winners, then the potential winners among those left, and so on.  If
several candidates are potential winners, the one standing highest in the tie-breaking ranking
(below) wins [tie]: the same ranking ranked pairs uses, so one seed settles a tie between the same
candidates the same way in both.  Schulze's paper (Social Choice and Welfare 36, 2011; not
retrieved) gives its own tie-breaking procedure; this one is NOT claimed to match it.  pref_voting
calls the method ``beat_path``; its default link strength is the margin, so the cross-check passes
``strength_function=profile.support`` to compare like with like.

Ranked pairs [RP] (Tideman 1987), by margins, as pref_voting's ``ranked_pairs`` counts by
default: "Order the edges in the margin graph from largest to smallest and lock them in in that
order, skipping edges that create a cycle" (pref_voting 1.18 docstring).  Tideman's paper itself
("Independence of clones as a criterion for voting rules", Social Choice and Welfare 4 (1987))
was not retrieved, so its wording is not quoted.  Here:

- [RP1] each majority (a over b with margin d[a,b] - d[b,a] > 0) is a pair; pairs are taken in
  order of margin, largest first;
- [RP2] a pair is locked in unless its loser already stands above its winner through pairs
  locked before it (locking it would close a cycle); then it is skipped;
- [RP3] the winner is the candidate whom no locked pair ranks below another; the ranking is the
  order the locked pairs give, reported in tiers like Schulze's;
- [tie] pairs of equal margin: if locking all of them would close no cycle, the order among them
  cannot matter and they are locked together.  Otherwise they are taken in an order set by the
  tie-breaking ranking of the candidates (the idea of Zavist and Tideman, "Complete independence
  of clones in the ranked pairs rule", 1989, whose exact rule was not retrieved and is NOT
  claimed here): the pair whose winner stands higher in that ranking first, and for the same
  winner the pair whose loser stands lower first (this project's order).  Pairs with margin zero
  are not majorities and are never locked; if several candidates are then unbeaten (all of them
  level head to head), the one higher in the tie-breaking ranking wins.  pref_voting returns
  every candidate who wins under some order of equal pairs (pairs of margin zero included), so
  our winner is always one of its winners.  The order of equal pairs is recorded as a tie of the
  round (it chose what the count did); a tie among unbeaten candidates with the election.

The tie-breaking ranking [tie] is the election's predetermined tie-breaking order if it has one
(``Election.tie_order``, e.g. a BLT ``[tie ...]`` line); otherwise it is drawn by lot from the
count's seeded source, one candidate at a time, the first drawn highest, and only when a tie
first needs it.

A count returns one :class:`Round`: ``tallies`` are first preferences (the candidate alone at a
paper's first marked rank, withdrawn candidates struck out), shown because a returning officer
expects them; they do NOT decide the result.  Papers whose first marked rank holds several
candidates are in no candidate's total (the note says how many) but count pairwise.  The round's
note says whether a Condorcet winner exists and gives the method's ranking; ``valid`` is the
number of papers that rank at least one standing candidate.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypedDict

import numpy as np
import numpy.typing as npt

from .._arrays import has_repeats, held_arrays, total
from .._types import CandidateIndex
from ..errors import ConfigurationError
from ..model import Action, Decision, Election, Outcome, Result, Round, TieBreak, TieMethod
from ._ties import Lot
from .base import check_papers, resolve_seats

__all__ = [
    "CondorcetSummary",
    "LockedPairs",
    "Pair",
    "condorcet_loser",
    "condorcet_summary",
    "condorcet_winner",
    "count_ranked_pairs",
    "count_schulze",
    "first_preferences",
    "pairwise",
    "ranked_pairs",
    "schulze_ranking",
    "schulze_strengths",
    "standing",
]

IntMatrix = npt.NDArray[np.int64]

# A position later than any rank a paper can have: the unranked candidates' shared place.
_UNRANKED = np.iinfo(np.int32).max


def standing(election: Election) -> list[CandidateIndex]:
    """Return the candidates not withdrawn, in file order."""
    withdrawn = election.withdrawn
    return [c for c in range(len(election.candidates)) if c not in withdrawn]


def _positions(election: Election) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Return each merged ballot's rank position per candidate, and the ballots' weights.

    Row i, column c holds the index of the rank at which ballot i first marks candidate c, or
    ``_UNRANKED``; withdrawn candidates are always ``_UNRANKED``.  Only the marks are visited in
    Python; everything pairwise is then array arithmetic.
    """
    n = len(election.candidates)
    withdrawn = election.withdrawn
    ballots = election.ballots
    rows: list[int] = []
    cols: list[int] = []
    vals: list[int] = []
    for i, ballot in enumerate(ballots):
        seen: set[CandidateIndex] = set()
        for r, rank in enumerate(ballot.ranking):
            for c in rank:
                # [pairwise] a candidate marked twice counts at the first mark.
                if c not in seen and c not in withdrawn:
                    seen.add(c)
                    rows.append(i)
                    cols.append(c)
                    vals.append(r)
    positions = np.full((len(ballots), n), _UNRANKED, dtype=np.int32)
    positions[rows, cols] = vals
    weights = np.fromiter((b.weight for b in ballots), dtype=np.int64, count=len(ballots))
    return positions, weights


def _matrix(
    positions: npt.NDArray[np.int32], weights: npt.NDArray[np.int64], withdrawn: frozenset[int]
) -> IntMatrix:
    """Return the pairwise matrix from the ballots' position vectors."""
    n = positions.shape[1]
    matrix = np.zeros((n, n), dtype=np.int64)
    for a in range(n):
        # One pass per candidate over all ballots: O(ballots x n) each, exact int64 sums.
        above = (positions[:, a, None] < positions).astype(np.int64)
        matrix[a] = weights @ above
    for w in withdrawn:
        matrix[w, :] = 0
        matrix[:, w] = 0
    return matrix


def _plain_marks(election: Election) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]] | None:
    """Return the election's ballot arrays as single marks, -1 for no mark; None if unsuitable.

    Suitable: the election already holds arrays (a million Ballot objects cost more to make
    than to count), no rank marks several candidates, no candidate is marked twice on a paper,
    and the papers number fewer than 2**53 (float64 sums below are then exact).  Withdrawn
    candidates' marks are struck out; a skipped rank is simply no mark.
    """
    arrays = held_arrays(election)
    if arrays is None or arrays.multi:
        return None
    n = len(election.candidates)
    weights = arrays.weights
    if total(weights) >= 2**53 or has_repeats(arrays.marks, n):
        return None
    marks = np.where(arrays.marks >= 0, arrays.marks, -1).astype(np.int64)
    if election.withdrawn:
        struck = np.zeros(n + 1, dtype=bool)
        struck[list(election.withdrawn)] = True
        marks[struck[marks]] = -1  # -1 reads the spare last slot, never struck
    return marks, weights


def _tally_marks(
    marks: npt.NDArray[np.int64],
    weights: npt.NDArray[np.int64],
    n: int,
    withdrawn: frozenset[CandidateIndex],
) -> tuple[IntMatrix, list[int], int]:
    """Return the pairwise matrix, first-preference totals and papers counted, from marks.

    A ranked above b on a paper exactly when a is marked and b is not marked before a, so
    d[a, b] = R[a] - C[b, a]: the papers marking a, less those marking b before a.  C counts
    the ordered pairs of marks within papers, one pair of columns at a time, over the papers
    long enough to reach the later column (sorted longest first, they are a prefix).
    """
    if marks.size == 0:
        return np.zeros((n, n), dtype=np.int64), [0] * n, 0
    marked = marks >= 0
    # One past each row's last mark (0 for a row with none).
    last = np.where(marked.any(axis=1), marks.shape[1] - np.argmax(marked[:, ::-1], axis=1), 0)
    order = np.argsort(-last, kind="stable")
    marks, weights, last = marks[order], weights[order].astype(np.float64), last[order]
    marked = marked[order]
    width = int(last[0]) if last.size else 0
    # Rows reaching column j: a prefix of the sorted rows.
    reach = [int(np.count_nonzero(last > j)) for j in range(width)]
    spare = n * n  # the bin for pairs where a cell holds no mark
    pairs = np.zeros(spare + 1, dtype=np.float64)
    ranked = np.zeros(n + 1, dtype=np.float64)
    # Without skipped ranks every cell before a paper's last mark is a mark: no masking.
    holes = bool((marked.sum(axis=1) != last).any())
    # Column by column: each column contiguous, so a pass reads only its own cells.
    columns = np.ascontiguousarray(marks.T)
    scaled = columns * n
    for j in range(width):
        k = reach[j]
        b = columns[j, :k]
        papers_w = weights[:k]
        if holes:
            ranked += np.bincount(np.where(b >= 0, b, n), papers_w, minlength=n + 1)
            for i in range(j):
                a = columns[i, :k]
                key = np.where((a >= 0) & (b >= 0), scaled[i, :k] + b, spare)
                pairs += np.bincount(key, papers_w, minlength=spare + 1)
        else:
            ranked[:n] += np.bincount(b, papers_w, minlength=n)
            for i in range(j):
                pairs[:spare] += np.bincount(scaled[i, :k] + b, papers_w, minlength=spare)
    before = np.rint(pairs[:spare]).astype(np.int64).reshape(n, n)
    papers = np.rint(ranked[:n]).astype(np.int64)
    matrix = papers[:, None] - before.T
    np.fill_diagonal(matrix, 0)
    for w in withdrawn:  # struck out: no row, and nobody is ranked above them
        matrix[:, w] = 0
    # First preferences: each paper's first mark (no rank marks several candidates here).
    has = last > 0
    first = marks[np.arange(marks.shape[0]), np.argmax(marked, axis=1)][has]
    counted_w = weights[has]
    firsts = np.rint(np.bincount(first, counted_w, minlength=n)).astype(np.int64)
    return matrix, [int(t) for t in firsts], round(float(counted_w.sum()))


def _tally(election: Election) -> tuple[IntMatrix, list[int], int, int]:
    """Return the pairwise matrix, first-preference totals, papers counted and papers with
    several candidates marked first."""
    # Every pairwise figure is at most the number of papers: below 2**63, int64 holds them.
    check_papers(election.total_weight)
    plain = _plain_marks(election)
    if plain is not None:
        matrix, firsts, counted = _tally_marks(*plain, len(election.candidates), election.withdrawn)
        return matrix, firsts, counted, 0
    positions, weights = _positions(election)
    matrix = _matrix(positions, weights, election.withdrawn)
    return (matrix, *_firsts(positions, weights))


def pairwise(election: Election) -> IntMatrix:
    """Return the matrix whose entry [a, b] is the number of papers ranking a above b.

    Indexed like ``election.candidates``; withdrawn candidates' rows and columns are zero and
    the diagonal is zero.  See the module docstring for how unranked candidates, equal ranks
    and skipped ranks are read.
    """
    return _tally(election)[0]


def _firsts(
    positions: npt.NDArray[np.int32], weights: npt.NDArray[np.int64]
) -> tuple[list[int], int, int]:
    """Return first-preference totals, papers counted, and papers with several marked first."""
    n = positions.shape[1]
    if not len(weights):
        return [0] * n, 0, 0
    first = positions.min(axis=1)
    ranked = first < _UNRANKED
    at_first = (positions == first[:, None]) & ranked[:, None]
    alone = at_first.sum(axis=1) == 1
    totals = weights[alone] @ at_first[alone].astype(np.int64)
    counted = int(weights[ranked].sum())
    several = int(weights[ranked & ~alone].sum())
    return [int(t) for t in totals], counted, several


def first_preferences(election: Election) -> tuple[list[int], int, int]:
    """Return first-preference totals, papers counted, and papers with several marked first.

    A paper's first preference is the standing candidate alone at its earliest marked rank; a
    paper whose earliest such rank marks several candidates counts in no candidate's total, but
    still counts in the pairwise matrix.  Papers marking no standing candidate are not counted.
    """
    return _tally(election)[1:]


def _in_play(matrix: IntMatrix, candidates: Sequence[CandidateIndex] | None) -> list[int]:
    """Return ``candidates``, or by default every candidate with a non-zero row or column."""
    if candidates is not None:
        return list(candidates)
    # pairwise() zeroes withdrawn candidates' rows and columns.  A standing candidate can only
    # have both zero if every paper leaves them level with every other, so pass ``candidates``
    # (standing(election)) to be exact in that corner.
    active = (matrix != 0).any(axis=0) | (matrix != 0).any(axis=1)
    return [int(c) for c in np.flatnonzero(active)]


def condorcet_winner(
    matrix: IntMatrix, candidates: Sequence[CandidateIndex] | None = None
) -> CandidateIndex | None:
    """Return the candidate who beats every other head to head, or None."""
    cands = _in_play(matrix, candidates)
    for a in cands:
        if all(matrix[a, b] > matrix[b, a] for b in cands if b != a):
            return a
    return None


def condorcet_loser(
    matrix: IntMatrix, candidates: Sequence[CandidateIndex] | None = None
) -> CandidateIndex | None:
    """Return the candidate every other beats head to head, or None (always None for one)."""
    cands = _in_play(matrix, candidates)
    if len(cands) < 2:
        return None
    for a in cands:
        if all(matrix[b, a] > matrix[a, b] for b in cands if b != a):
            return a
    return None


def schulze_strengths(matrix: IntMatrix, candidates: Sequence[CandidateIndex]) -> IntMatrix:
    """Return p[X, Y], the strength of the strongest path from X to Y (winning votes).

    Entries for candidates outside ``candidates``, and the diagonal, are zero.
    """
    n = matrix.shape[0]
    idx = np.asarray(candidates, dtype=np.intp)
    d = matrix[np.ix_(idx, idx)]
    # [S1] a link X->Y exists only where d[X,Y] > d[Y,X]; its strength is d[X,Y].
    # [S2] no path: 0, below every real link (a link has d[X,Y] > d[Y,X] >= 0).
    p = np.where(d > d.T, d, 0)
    for k in range(len(idx)):
        # Widest path through k: a path's strength is its weakest link, keep the strongest.
        p = np.maximum(p, np.minimum(p[:, k, None], p[None, k, :]))
    np.fill_diagonal(p, 0)
    out = np.zeros((n, n), dtype=np.int64)
    out[np.ix_(idx, idx)] = p
    return out


def _tiers(
    beats: Callable[[CandidateIndex, CandidateIndex], bool], candidates: Sequence[CandidateIndex]
) -> list[list[CandidateIndex]]:
    """Split candidates into tiers: those nobody beats, then those nobody left beats, ..."""
    remaining = list(candidates)
    tiers: list[list[CandidateIndex]] = []
    while remaining:
        top = [a for a in remaining if not any(beats(b, a) for b in remaining if b != a)]
        if not top:  # pragma: no cover - both relations used here are transitive and acyclic
            raise AssertionError("the beats relation has a cycle")
        tiers.append(top)
        remaining = [c for c in remaining if c not in top]
    return tiers


def schulze_ranking(
    matrix: IntMatrix, candidates: Sequence[CandidateIndex]
) -> list[list[CandidateIndex]]:
    """Return the Schulze ranking in tiers; the first tier holds the potential winners [S3]."""
    p = schulze_strengths(matrix, candidates)
    # [S4] X beats Y when p[X,Y] > p[Y,X]; the relation is transitive, so tiers exist.
    return _tiers(lambda a, b: bool(p[a, b] > p[b, a]), candidates)


class Pair(NamedTuple):
    """A majority: its winner, its loser and the margin between them."""

    winner: CandidateIndex
    loser: CandidateIndex
    margin: int


@dataclass(frozen=True)
class LockedPairs:
    """The outcome of ranked pairs: pairs locked and skipped, the ranking, and any ties.

    ``tie_order`` is the tie-breaking ranking of the candidates if one was needed (else None);
    ``pair_tie`` records equal pairs whose order it decided (the candidates in them, and the
    one it put first); ``winner_tie`` records several unbeaten candidates, level head to head.
    ``listing_order`` says that some equal pairs could not all be locked but every order of
    them leaves the same unbeaten candidates, so they were taken in listing order: the order
    below the winner may then follow the candidates' numbering.
    """

    locked: tuple[Pair, ...]
    skipped: tuple[Pair, ...]
    tiers: tuple[tuple[CandidateIndex, ...], ...]
    winner: CandidateIndex
    tie_order: tuple[CandidateIndex, ...] | None
    pair_tie: TieBreak | None
    winner_tie: TieBreak | None
    listing_order: bool = False


class _TieOrder:
    """The tie-breaking ranking: the election's predetermined order, else drawn when needed."""

    def __init__(
        self, candidates: Sequence[CandidateIndex], lot: Lot, given: Sequence[CandidateIndex] = ()
    ) -> None:
        self._candidates = sorted(candidates)
        self._lot = lot
        self.by_lot = not given
        self._order = tuple(c for c in given if c in set(candidates)) if given else None
        self.used = False

    @property
    def order(self) -> tuple[CandidateIndex, ...] | None:
        """Return the ranking if it was consulted, else None."""
        return self._order if self.used else None

    def place(self) -> dict[CandidateIndex, int]:
        """Return each candidate's place in the ranking (0 = highest), drawing it if needed."""
        self.used = True
        if self._order is None:
            pool = list(self._candidates)
            drawn: list[CandidateIndex] = []
            while pool:
                # [tie] the first drawn stands highest.
                c = self._lot.draw(pool)
                drawn.append(c)
                pool.remove(c)
            self._order = tuple(drawn)
        return {c: i for i, c in enumerate(self._order)}

    def first(self, tied: Sequence[CandidateIndex], purpose: str) -> tuple[int, TieBreak]:
        """Choose the highest of ``tied`` in the ranking and record how."""
        place = self.place()
        chosen = min(tied, key=lambda c: place[c])
        if self.by_lot:
            tie = TieBreak(frozenset(tied), chosen, purpose, TieMethod.LOT, seed=self._lot.seed)
        else:
            tie = TieBreak(frozenset(tied), chosen, purpose, TieMethod.ORDER)
        return chosen, tie

    def how(self) -> str:
        """Say how the ranking was made, for reasons and notes."""
        return "by lot" if self.by_lot else "by the predetermined order"


def ranked_pairs(
    matrix: IntMatrix,
    candidates: Sequence[CandidateIndex],
    lot: Lot,
    *,
    order: Sequence[CandidateIndex] = (),
) -> LockedPairs:
    """Lock majorities largest margin first, skipping any that would close a cycle.

    Ties use ``order`` (the election's predetermined tie-breaking order) if given, else a
    ranking drawn from ``lot`` when first needed.
    """
    cands = sorted(candidates)
    margins = matrix - matrix.T
    # [RP1] every majority, largest margin first.
    pairs = sorted(
        (Pair(a, b, int(margins[a, b])) for a in cands for b in cands if margins[a, b] > 0),
        key=lambda p: (-p.margin, p.winner, p.loser),
    )
    below: dict[CandidateIndex, set[CandidateIndex]] = {c: set() for c in cands}

    def closes_cycle(pair: Pair, reach: dict[CandidateIndex, set[CandidateIndex]]) -> bool:
        return pair.winner in reach[pair.loser]

    def lock(pair: Pair, reach: dict[CandidateIndex, set[CandidateIndex]]) -> None:
        gained = {pair.loser} | reach[pair.loser]
        for c in cands:
            if c == pair.winner or pair.winner in reach[c]:
                reach[c] |= gained

    def conflicts(group: Sequence[Pair], reach: dict[CandidateIndex, set[CandidateIndex]]) -> bool:
        """Whether locking every open pair of ``group`` would close a cycle."""
        trial = {c: set(s) for c, s in reach.items()}
        for p in group:
            if not closes_cycle(p, reach):
                if closes_cycle(p, trial):
                    return True
                lock(p, trial)
        return False

    groups = [list(g) for _, g in itertools.groupby(pairs, key=lambda p: p.margin)]
    # Where every order of the equal pairs gives the same unbeaten candidates, the order changes
    # nothing that matters: no lot is drawn and none is recorded.  (Whether a group's pairs
    # conflict depends on the groups locked before it, so _same_top walks them in order.)
    fixed = _same_top(groups, cands, conflicts, closes_cycle, lock)
    ranking = _TieOrder(cands, lot, order)
    locked: list[Pair] = []
    skipped: list[Pair] = []
    contested: set[CandidateIndex] = set()
    listing_order = False
    for group in groups:
        if not conflicts(group, below):
            pass  # every pair of the group is locked, in whatever order
        elif fixed:
            listing_order = True  # already in (winner, loser) order; any order, same unbeaten
        else:
            # [tie] the order of these equal pairs decides which are locked.
            open_pairs = [p for p in group if not closes_cycle(p, below)]
            place = ranking.place()
            group.sort(key=lambda p: (place[p.winner], -place[p.loser]))
            contested.update(c for p in open_pairs for c in (p.winner, p.loser))
        for p in group:
            if closes_cycle(p, below):
                skipped.append(p)  # [RP2] would close a cycle
            else:
                lock(p, below)  # [RP2]
                locked.append(p)

    pair_tie = None
    if contested:
        _, pair_tie = ranking.first(sorted(contested), "order of equal pairs")
    # [RP3] the order the locked pairs give.
    tiers = _tiers(lambda a, b: b in below[a], cands)
    top = tiers[0]
    winner_tie = None
    if len(top) == 1:
        winner = top[0]
    else:
        # [tie] several unbeaten, all level head to head: the higher in the ranking.
        winner, winner_tie = ranking.first(top, "election")
    return LockedPairs(
        locked=tuple(locked),
        skipped=tuple(skipped),
        tiers=tuple(tuple(t) for t in tiers),
        winner=winner,
        tie_order=ranking.order,
        pair_tie=pair_tie,
        winner_tie=winner_tie,
        listing_order=listing_order,
    )


#: How many orders of equal pairs :func:`_same_top` tries before assuming the order matters.
_ORDERS_TRIED = 5000


def _same_top(
    groups: Sequence[Sequence[Pair]],
    cands: Sequence[CandidateIndex],
    conflicts: Callable[[Sequence[Pair], dict[CandidateIndex, set[CandidateIndex]]], bool],
    closes_cycle: Callable[[Pair, dict[CandidateIndex, set[CandidateIndex]]], bool],
    lock: Callable[[Pair, dict[CandidateIndex, set[CandidateIndex]]], None],
) -> bool:
    """Whether every order of the equal pairs leaves the same candidates unbeaten.

    Tries every order of each group of equal pairs that cannot all be locked (distinct
    outcomes only); False if they differ, or if more than ``_ORDERS_TRIED`` would be needed.
    """
    tops: set[frozenset[CandidateIndex]] = set()
    tried = 0

    def walk(k: int, reach: dict[CandidateIndex, set[CandidateIndex]]) -> bool:
        nonlocal tried
        if k == len(groups):
            unbeaten = frozenset(c for c in cands if not any(c in reach[o] for o in cands))
            tops.add(unbeaten)
            return len(tops) == 1
        group = groups[k]
        orders: Iterable[Sequence[Pair]] = (
            itertools.permutations(group) if conflicts(group, reach) else (group,)
        )
        seen: set[tuple[tuple[CandidateIndex, frozenset[CandidateIndex]], ...]] = set()
        for ordered in orders:
            tried += 1
            if tried > _ORDERS_TRIED:
                return False
            after = {c: set(s) for c, s in reach.items()}
            for p in ordered:
                if not closes_cycle(p, after):
                    lock(p, after)
            key = tuple((c, frozenset(after[c])) for c in cands)
            if key in seen:
                continue
            seen.add(key)
            if not walk(k + 1, after):
                return False
        return True

    return walk(0, {c: set() for c in cands})


def _order_text(tiers: Sequence[Sequence[CandidateIndex]], names: Sequence[str]) -> str:
    """Render tiers as ``A > B = C > D``."""
    return " > ".join(" = ".join(names[c] for c in tier) for tier in tiers)


def _plural(n: int, word: str, plural: str = "") -> str:
    """Return ``n word``, the word made plural (``plural``, else with an ``s``) unless n is 1."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


@dataclass(frozen=True)
class _Setup:
    """What both counts share: the candidates standing, the matrix and the first round's data."""

    cands: list[CandidateIndex]
    matrix: IntMatrix
    firsts: list[int]
    valid: int
    note: str
    condorcet: CandidateIndex | None


def _setup(election: Election, seats: int | None) -> _Setup:
    """Check the seats, build the matrix and describe first preferences and the Condorcet winner."""
    # A BLT file may say several seats; these methods fill one, so only an argument can object.
    resolve_seats(election, seats, single=True)
    cands = standing(election)
    if not cands:
        raise ConfigurationError("no candidates to count: all are withdrawn")
    matrix, firsts, valid, several = _tally(election)
    names = election.names
    note = "First preferences"
    unused = election.total_weight - valid
    if unused:
        note += f"; {_plural(unused, 'paper')} ranking no standing candidate not counted"
    if several:
        note += (
            f"; {_plural(several, 'paper')} with several candidates equal first "
            "counted pairwise only"
        )
    cw = condorcet_winner(matrix, cands)
    if cw is not None:
        note += f"; Condorcet winner {names[cw]}"
    else:
        note += "; no Condorcet winner"
    return _Setup(cands, matrix, firsts, valid, note, cw)


def _result(
    method: str,
    election: Election,
    setup: _Setup,
    decision: Decision,
    note: str,
    seed: int,
    ties: tuple[TieBreak, ...] = (),
) -> Result:
    """Build the one-round result every Condorcet count returns."""
    n = len(election.candidates)
    zero = Decimal(0)
    rnd = Round(
        number=1,
        tallies=tuple(Decimal(v) for v in setup.firsts),
        transfers=(zero,) * n,
        exhausted=zero,
        decisions=(decision,),
        note=note,
        action=Action.FIRST,
        ties=ties,
    )
    return Result(
        method=method,
        seats=1,
        candidates=election.names,
        valid=Decimal(setup.valid),
        quota=None,
        rounds=(rnd,),
        title=election.title,
        seed=seed,
        places=0,
    )


def _schulze_winner(
    tiers: Sequence[Sequence[CandidateIndex]], ranking: _TieOrder
) -> tuple[CandidateIndex, TieBreak | None]:
    """Return the potential winner [S3], the highest in the tie-breaking ranking if several."""
    potential = tiers[0]
    if len(potential) == 1:
        return potential[0], None
    return ranking.first(potential, "election")


def count_schulze(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` by the Schulze method, winning votes."""
    setup = _setup(election, seats)
    names = election.names
    tiers = schulze_ranking(setup.matrix, setup.cands)
    ranking = _TieOrder(setup.cands, Lot(seed), election.tie_order)
    winner, tie = _schulze_winner(tiers, ranking)
    if len(setup.cands) == 1:
        reason = "the only candidate standing"
    elif setup.condorcet is not None:
        reason = "Condorcet winner: beats every other candidate head to head [S3]"
    else:
        reason = "strongest paths at least as strong as every opponent's [S3]"
    if tie is not None:
        reason += f", equal potential winners decided {ranking.how()} [tie]"
    note = f"{setup.note}; Schulze ranking (winning votes) {_order_text(tiers, names)}"
    decision = Decision(winner, Outcome.ELECTED, reason, tie)
    return _result("schulze", election, setup, decision, note, seed)


def count_ranked_pairs(election: Election, *, seats: int | None = None, seed: int = 0) -> Result:
    """Count ``election`` by ranked pairs (Tideman), pairs ordered by margin."""
    setup = _setup(election, seats)
    names = election.names
    rp = ranked_pairs(setup.matrix, setup.cands, Lot(seed), order=election.tie_order)
    how = "by lot" if not election.tie_order else "by the predetermined order"
    if len(setup.cands) == 1:
        reason = "the only candidate standing"
    elif setup.condorcet is not None:
        reason = "Condorcet winner: beats every other candidate head to head [RP3]"
    else:
        reason = "first in the order of the locked pairs [RP3]"
    if rp.winner_tie is not None:
        reason += f", unbeaten candidates level head to head decided {how} [tie]"
    elif rp.pair_tie is not None:
        reason += f", pairs of equal margin ordered {how} [tie]"
    majorities = _plural(len(rp.locked) + len(rp.skipped), "majority", "majorities")
    note = f"{setup.note}; ranked pairs (margins): {majorities} "
    if rp.skipped:
        skipped = ", ".join(f"{names[p.winner]}>{names[p.loser]} +{p.margin}" for p in rp.skipped)
        note += f"of which {len(rp.skipped)} not locked as closing a cycle ({skipped})"
    else:
        note += "all locked"
    if rp.tie_order is not None:
        note += f"; tie-breaking ranking {how} " + " > ".join(names[c] for c in rp.tie_order)
    if rp.listing_order:
        note += "; equal pairs taken in listing order (no order of them changes the winner)"
    note += f"; order {_order_text(rp.tiers, names)}"
    decision = Decision(rp.winner, Outcome.ELECTED, reason, rp.winner_tie)
    # The order of equal pairs chose what the count did, not directly who won: a round tie.
    ties = () if rp.pair_tie is None else (rp.pair_tie,)
    return _result("ranked-pairs", election, setup, decision, note, seed, ties)


class CondorcetSummary(TypedDict):
    """Everything a side-by-side comparison shows about an election's pairwise contests.

    ``names`` are the standing candidates; ``matrix[i][j]`` is the number of papers ranking
    ``names[i]`` above ``names[j]``; rankings are tiers of names, best first.
    """

    names: list[str]
    matrix: list[list[int]]
    winner: str | None
    loser: str | None
    schulze: list[list[str]]
    schulze_winner: str
    ranked_pairs: list[list[str]]
    ranked_pairs_winner: str
    seed: int


def condorcet_summary(election: Election, *, seed: int = 0) -> CondorcetSummary:
    """Return the pairwise matrix, Condorcet winner and loser, and both methods' rankings."""
    cands = standing(election)
    if not cands:
        raise ConfigurationError("no candidates to count: all are withdrawn")
    matrix = pairwise(election)
    names = election.names
    cw = condorcet_winner(matrix, cands)
    cl = condorcet_loser(matrix, cands)
    schulze = schulze_ranking(matrix, cands)
    schulze_winner, _ = _schulze_winner(schulze, _TieOrder(cands, Lot(seed), election.tie_order))
    rp = ranked_pairs(matrix, cands, Lot(seed), order=election.tie_order)
    return CondorcetSummary(
        names=[names[c] for c in cands],
        matrix=[[int(matrix[a, b]) for b in cands] for a in cands],
        winner=None if cw is None else names[cw],
        loser=None if cl is None else names[cl],
        schulze=[[names[c] for c in tier] for tier in schulze],
        schulze_winner=names[schulze_winner],
        ranked_pairs=[[names[c] for c in tier] for tier in rp.tiers],
        ranked_pairs_winner=names[rp.winner],
        seed=seed,
    )
