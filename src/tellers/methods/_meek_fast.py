"""Meek-family distributions [B.2.a] computed once per kind of paper instead of once per paper.

Why this is exact and fast.  Under every keep rule of ``meek.py`` a candidate whose keep factor
is exactly 1 (every hopeful one) keeps all the weight that reaches them, so a paper's walk ends
at its first such candidate; candidates with keep factor 0 (defeated, withdrawn) are passed
over; only elected candidates keep part and pass part on.  What a distribution does with a paper
therefore depends only on its *signature*: the elected candidates it passes through, in order,
and the candidate (or the end of the paper) where it stops.  All papers with one signature
receive identical per-paper values, so

    sum over those papers of (value x 1) = value x (number of papers),

exactly, in any arithmetic.  With 5 seats and 30 candidates a million papers have at most a few
thousand signatures, and the walk is done in Python integers (or whatever the arithmetic's
values are) once per prefix of elected candidates.

Signatures change only when a candidate's keep factor leaves 1: at a defeat (it becomes 0) and
after an election (it falls below 1 at the first update [B.2.f]).  Then only the papers that
stopped at that candidate move on, through the array piles of ``_fast.py``, as an AV exclusion
moves papers.  Any other change (a keep factor returning to 1, say) is not followed: the caller
falls back to walking every ballot, which is always correct.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._arrays import StrictArrays, arrays_of, group_sum, strict_arrays
from ..arithmetic import Arithmetic, Value
from ..model import Election
from ._fast import _Piles, supports
from ._meek_keep import KeepRule

__all__ = ["MeekArrays"]

Index = npt.NDArray[np.intp]

ZERO, PARTIAL, FULL = 0, 1, 2


class MeekArrays:
    """An election's papers grouped by signature, kept up to date as keep factors change.

    ``sig[t]`` maps a prefix node to the number of papers that pass through that node's
    elected candidates and stop at candidate ``t``; ``sig[n]`` holds the papers that run out.
    Node 0 is the empty prefix; node ``p`` is ``nodes[p] = (parent, candidate)``, parents
    always numbered before their children.
    """

    def __init__(self, strict: StrictArrays, ncand: int) -> None:
        self.n = ncand
        self.valid = strict.valid
        self.weights = strict.weights
        # Every paper starts at its first preference, where every keep factor is 1 or the
        # candidate was withdrawn (and left out of the arrays).
        self.piles = _Piles(strict, ncand)
        self.node_of = np.zeros(strict.weights.shape[0], dtype=np.intp)
        self.nodes: list[tuple[int, int]] = [(-1, -1)]
        self.child: dict[tuple[int, int], int] = {}
        self.status = [FULL] * ncand
        self.sig: list[dict[int, int]] = [{} for _ in range(ncand + 1)]
        first = strict.prefs[:, 0].astype(np.intp)
        for t, w in enumerate(group_sum(first, self.weights, ncand, self.valid)):
            if w:
                self.sig[t][0] = w

    @classmethod
    def build(cls, election: Election, *, equal_ranks: bool) -> MeekArrays | None:
        """Return the arrays for an election, or None where the grouping does not apply.

        Equal rankings share a paper among several candidates (the generic rules), which a
        single stopping candidate cannot describe; int64 sums need fewer than 2**63 papers.
        """
        arrays = arrays_of(election)
        if (equal_ranks and arrays.multi) or not supports(election):
            return None
        n = len(election.candidates)
        return cls(strict_arrays(arrays, n, election.withdrawn), n)

    # -- following keep factors ---------------------------------------------------------------

    def _group(self, nodes: Index, cands: Index) -> tuple[list[int], Index]:
        """Return the distinct (node, candidate) keys, and each row's place among them."""
        space = len(self.nodes) * (self.n + 1)
        keys = nodes.astype(np.int64) * (self.n + 1) + cands
        if space > 4 * keys.size + 65536:
            uniq, inverse = np.unique(keys, return_inverse=True)
            return uniq.tolist(), inverse
        # Few nodes: a table over every possible key beats sorting the rows.
        present = np.flatnonzero(np.bincount(keys, minlength=space))
        place = np.empty(space, dtype=np.intp)
        place[present] = np.arange(present.size)
        return present.tolist(), place[keys]

    def _extend(self, nodes: Index, cands: Index) -> Index:
        """Return the child of each node by each candidate, making the children not yet made."""
        if nodes.size == 0:
            return nodes
        uniq, inverse = self._group(nodes, cands)
        made = np.empty(len(uniq), dtype=np.intp)
        for i, key in enumerate(uniq):
            pair = divmod(key, self.n + 1)
            node = self.child.get(pair)
            if node is None:
                node = self.child[pair] = len(self.nodes)
                self.nodes.append(pair)
            made[i] = node
        return made[inverse]

    def _stop(self, nodes: Index, terms: Index, rows: Index) -> None:
        """Count ``rows`` as stopping at ``terms`` (``n`` for the end) after ``nodes``."""
        uniq, inverse = self._group(nodes, terms)
        sums = group_sum(inverse, self.weights[rows], len(uniq), self.valid)
        for key, w in zip(uniq, sums, strict=True):
            node, t = divmod(key, self.n + 1)
            self.sig[t][node] = self.sig[t].get(node, 0) + w

    def _follow(self, changed: list[int]) -> None:
        """Move on the papers that stopped at candidates whose keep factor left 1."""
        n = self.n
        nonzero = np.zeros(n + 1, dtype=bool)  # the spare last slot is what PAD reads
        partial = np.zeros(n + 1, dtype=bool)
        for c, s in enumerate(self.status):
            nonzero[c] = s != ZERO
            partial[c] = s == PARTIAL
        piles = self.piles
        taken = [piles.take(c) for c in changed]
        for c in changed:
            self.sig[c] = {}
        rows = np.concatenate(taken) if len(taken) > 1 else taken[0]
        nodes = self.node_of[rows]
        # A candidate now keeping part of each paper joins the prefix of the papers on it.
        at = piles.prefs[rows, piles.pos[rows]].astype(np.intp)
        joins = partial[at]
        nodes[joins] = self._extend(nodes[joins], at[joins])
        while rows.size:
            moved, to, gone = piles.advance(rows, nonzero)
            if gone.size:
                self._stop(nodes[gone], np.full(gone.size, n, dtype=np.intp), rows[gone])
            rows, nodes = rows[moved], nodes[moved]
            joins = partial[to]
            stays = ~joins
            if stays.any():
                r, t = rows[stays], to[stays]
                piles.file(r, t)
                self.node_of[r] = nodes[stays]
                self._stop(nodes[stays], t, r)
            rows = rows[joins]
            nodes = self._extend(nodes[joins], to[joins])

    # -- B.2.a --------------------------------------------------------------------------------

    def distribute(
        self, a: Arithmetic, kf: Sequence[Value], keep: KeepRule
    ) -> tuple[list[Value], Value, Value] | None:
        """Return every candidate's vote, the exhausted value and the truncation loss.

        Exactly what walking every ballot gives (``_MeekCount._walk``); None where a keep
        factor changed in a way the signatures do not follow.
        """
        zero, one = a.of(0), a.of(1)
        status = [ZERO if v == zero else FULL if v == one else PARTIAL for v in kf]
        changed = [c for c in range(self.n) if status[c] != self.status[c]]
        if changed:
            if any(self.status[c] != FULL or status[c] == FULL for c in changed):
                return None
            self.status = status
            self._follow(changed)
        # Per paper along each prefix: weight left, value kept, whether the walk has ended
        # (the weight reached 0), and what the node's own candidate kept.
        count = len(self.nodes)
        left: list[Value] = [one] * count
        kept: list[Value] = [zero] * count
        ended = [False] * count
        took: list[Value] = [zero] * count
        for p in range(1, count):
            parent, c = self.nodes[p]
            w = left[parent]
            if ended[parent]:
                left[p], kept[p], ended[p] = w, kept[parent], True
                continue
            k, w = keep(a, kf[c], w)
            took[p], left[p], kept[p] = k, w, kept[parent] + k
            ended[p] = a.compare(w, zero) <= 0
        votes: list[Value] = [zero] * self.n
        under = [0] * count  # papers passing through each node
        exhausted = loss = zero
        for t, groups in enumerate(self.sig):
            for p, papers in groups.items():
                under[p] += papers
                if t == self.n or ended[p]:
                    rest, got = left[p], kept[p]
                else:
                    # A keep factor of 1: the candidate takes what is left (and the walk ends).
                    k, rest = keep(a, kf[t], left[p])
                    if a.compare(rest, zero) > 0:
                        return None  # a rule whose whole keep passes weight on: not grouped
                    votes[t] += k * papers
                    got = kept[p] + k
                exhausted += rest * papers
                loss += (one - got - rest) * papers
        for p in range(count - 1, 0, -1):
            parent, c = self.nodes[p]
            votes[c] += took[p] * under[p]
            under[parent] += under[p]
        return votes, exhausted, loss
