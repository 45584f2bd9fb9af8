"""Type aliases shared across tellers."""

from __future__ import annotations

from typing import TypeAlias

#: Candidates are referred to by their 0-based position in the election's candidate list.
CandidateIndex: TypeAlias = int

#: One position on a ballot: the candidates marked at that rank.  ``()`` is a skipped rank,
#: one index a normal preference, several an equal ranking or an overvote (the method decides).
Rank: TypeAlias = tuple[CandidateIndex, ...]

#: A whole ranking, first preference first.
Ranking: TypeAlias = tuple[Rank, ...]

#: A ranking read as a strict order of distinct candidates.
Preferences: TypeAlias = tuple[CandidateIndex, ...]
