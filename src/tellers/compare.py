"""Count one election under several rules and set the outcomes side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ConfigurationError, TellersError
from .methods import REGISTRY
from .methods.options import Options
from .model import Election, Result

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Results of several methods on one election, and its pairwise matrix where available."""

    election: Election
    results: tuple[tuple[str, Result | None, str], ...]  # (method, result, error message)
    pairwise: tuple[tuple[int, ...], ...] | None
    condorcet_winner: str | None
    condorcet_loser: str | None

    def to_json_dict(self) -> dict[str, Any]:
        """Return the comparison as plain JSON-ready data."""
        return {
            "title": self.election.title,
            "candidates": list(self.election.names),
            "methods": [
                {
                    "method": name,
                    "seats": None if r is None else r.seats,
                    "elected": None if r is None else list(r.elected_names),
                    "stages": None if r is None else len(r.rounds),
                    "error": err or None,
                }
                for name, r, err in self.results
            ],
            "pairwise": None if self.pairwise is None else [list(row) for row in self.pairwise],
            "condorcet_winner": self.condorcet_winner,
            "condorcet_loser": self.condorcet_loser,
        }


def compare(
    election: Election,
    methods: Sequence[str],
    *,
    seats: int | None = None,
    seed: int = 0,
    options: Mapping[str, Mapping[str, Any] | Options] | None = None,
) -> Comparison:
    """Count ``election`` by each method; single-winner methods fill one seat.

    ``options`` gives a method's options by its name (canonical or alias), as
    :func:`tellers.count` takes them; they are checked before anything is counted, so a bad
    option is an error, not one method's failure to count.
    """
    infos = [REGISTRY.get(name) for name in methods]
    given = {REGISTRY.get(name).name: opts for name, opts in (options or {}).items()}
    unknown = sorted(set(given) - {info.name for info in infos})
    if unknown:
        raise ConfigurationError(f"options for {', '.join(unknown)}, which is not compared")
    checked = {info.name: info.parse_options(given.get(info.name)) for info in infos}
    results: list[tuple[str, Result | None, str]] = []
    for info in infos:
        n = 1 if info.single_winner else seats
        try:
            result = info.run(election, seats=n, seed=seed, options=checked[info.name])
            results.append((info.name, result, ""))
        except TellersError as e:
            results.append((info.name, None, str(e)))
    from .methods import condorcet

    m = condorcet.pairwise(election)
    matrix = tuple(tuple(int(x) for x in row) for row in m.tolist())
    cands = condorcet.standing(election)
    w = condorcet.condorcet_winner(m, cands)
    lo = condorcet.condorcet_loser(m, cands)
    winner = None if w is None else election.names[w]
    loser = None if lo is None else election.names[lo]
    return Comparison(election, tuple(results), matrix, winner, loser)
