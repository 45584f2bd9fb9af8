"""Case (e): a generated 1,000,000-ballot, 30-candidate, 5-seat election (fixed seed).

Each ballot is a Plackett-Luce order (candidate popularity drawn once, Gumbel keys per ballot)
cut to a length drawn uniformly from 1..30, so long rankings make duplicates rare.  The same
seed always gives the same election.  ``python bench/generate.py out.soi`` writes it as PrefLib
``.soi`` (merged identical orders) for tools that read files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 20260601
BALLOTS = 1_000_000
CANDIDATES = 30
SEATS = 5


def generate(
    seed: int = SEED, ballots: int = BALLOTS, candidates: int = CANDIDATES
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return (names, orders padded with -1, weights) of merged identical ballots."""
    rng = np.random.default_rng(seed)
    popularity = np.log(rng.gamma(0.8, size=candidates))
    keys = popularity + rng.gumbel(size=(ballots, candidates))
    orders = np.argsort(-keys, axis=1).astype(np.int8)
    lengths = rng.integers(1, candidates + 1, size=ballots)
    orders[np.arange(candidates) >= lengths[:, None]] = -1
    view = np.ascontiguousarray(orders).view(np.dtype((np.void, candidates))).ravel()
    _, first, counts = np.unique(view, return_index=True, return_counts=True)
    keep = np.sort(first)
    weight_of = dict(zip(first.tolist(), counts.tolist(), strict=True))
    weights = np.array([weight_of[i] for i in keep.tolist()], dtype=np.int64)
    names = [f"Candidate {i + 1:02d}" for i in range(candidates)]
    return names, orders[keep], weights


def write_soi(path: Path) -> None:
    """Write the generated election as a PrefLib ``.soi`` file."""
    names, orders, weights = generate()
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# TITLE: Generated {BALLOTS} ballots, seed {SEED}\n# DATA TYPE: soi\n")
        f.write(f"# NUMBER ALTERNATIVES: {len(names)}\n# NUMBER VOTERS: {int(weights.sum())}\n")
        f.write(f"# NUMBER UNIQUE ORDERS: {len(weights)}\n")
        for i, n in enumerate(names, start=1):
            f.write(f"# ALTERNATIVE NAME {i}: {n}\n")
        for row, w in zip(orders.tolist(), weights.tolist(), strict=True):
            f.write(f"{w}: {','.join(str(c + 1) for c in row if c >= 0)}\n")


if __name__ == "__main__":
    write_soi(Path(sys.argv[1]))
