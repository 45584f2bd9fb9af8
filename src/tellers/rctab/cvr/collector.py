"""The collector every cast-vote-record reader feeds: identical ballots merged, records kept.

A module of its own so that each vendor's reader imports it, not the package that dispatches
to the readers: no import circle between :mod:`tellers.rctab.cvr` and its vendor modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ContestConfig

__all__ = ["CastVote", "Collector", "Marks", "SourceReader", "TokenSeen", "max_rank"]

#: Marks of one ballot: (rank number, token), in file order.
Marks = tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class CastVote:
    """One cast vote record as read, kept only when a report needs records one by one."""

    source: int
    #: RCTab's own id for the record (file and position, or Dominion tabulator-batch-record)
    record_id: str
    marks: Marks
    precinct: str = ""
    batch: str = ""
    contest_id: str = ""
    tabulator_id: str = ""
    precinct_portion: str = ""
    #: the vendor's id for the record, where the file gives one
    vendor_id: str = ""


@dataclass(slots=True)
class TokenSeen:
    """Where a token was first seen and how often it appears (for the unknown-name check)."""

    path: Path
    record_id: str
    count: int = 0


@dataclass
class Collector:
    """Gathers the ballots of every source, merging identical ones."""

    slice_kinds: tuple[str, ...] = ()
    keep_records: bool = False
    #: (marks, slice ids) -> number of ballots
    merged: dict[tuple[Marks, tuple[str, ...]], int] = field(default_factory=dict)
    records: list[CastVote] = field(default_factory=list)
    tokens: dict[str, TokenSeen] = field(default_factory=dict)
    count: int = 0
    #: readers' caches shared across sources of one contest (e.g. decoded ES&S rows)
    cache: dict[object, Any] = field(default_factory=dict)

    def add(
        self,
        marks: Marks,
        *,
        source: int,
        path: Path,
        record_id: str,
        precinct: str = "",
        batch: str = "",
        contest_id: str = "",
        tabulator_id: str = "",
        precinct_portion: str = "",
        vendor_id: str = "",
        weight: int = 1,
    ) -> None:
        """Add ``weight`` identical ballots (the ids name the first of them)."""
        slices = tuple(precinct if k == "precinct" else batch for k in self.slice_kinds)
        key = (marks, slices)
        seen = self.merged.get(key)
        if seen is None:
            self.merged[key] = weight
            # Where each token first appears is enough here; counts are summed only if a
            # token turns out to be unknown.
            for _, token in marks:
                if token not in self.tokens:
                    self.tokens[token] = TokenSeen(path, vendor_id or record_id)
        else:
            self.merged[key] = seen + weight
        self.count += weight
        if self.keep_records:
            self.records.append(
                CastVote(
                    source,
                    record_id,
                    marks,
                    precinct,
                    batch,
                    contest_id,
                    tabulator_id,
                    precinct_portion,
                    vendor_id,
                )
            )


#: A reader: (config, source index, collector) -> None.
SourceReader = Callable[[ContestConfig, int, Collector], None]


def max_rank(config: ContestConfig) -> int:
    """Return the highest rank a ballot may use ("max" means one per declared candidate)."""
    limit = config.rules.max_rankings_allowed
    return len(config.candidates) if limit is None else limit
