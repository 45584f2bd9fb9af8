"""Cast-vote-record readers, one module per vendor format, feeding one collector.

Each reader turns its vendor's records into ``(rank, token)`` marks and hands them to a
:class:`Collector`, which merges identical ballots (a million-ballot contest usually has a few
tens of thousands of distinct ones) and, only when a report needs each record (the CDF and
RCTab-CVR conversions), keeps them one by one.  Tokens are what the voter marked after the
source's labels are applied: a candidate's name or alias, ``"overvote"`` for an explicit
overvote mark and ``"Undeclared Write-ins"`` for a write-in.  :func:`read_sources` reads every
source of a config and :func:`build_election` checks the tokens against the declared candidates
and returns the :class:`~tellers.model.Election` the RCTab rules count.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..._arrays import ArrayElection, BallotArrays
from ..._types import Ranking
from ...errors import FormatError
from ...methods.rctab import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from ...model import Candidate, Election
from ..config import ContestConfig, CvrSource, Provider

__all__ = ["CastVote", "Collector", "SourceReader", "build_election", "read_sources"]

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


def _reader(provider: Provider) -> SourceReader:
    """Return the reader for a provider (imported lazily: only what a config uses)."""
    if provider is Provider.ESS:
        from .ess import read_ess

        return read_ess
    if provider is Provider.GENERIC_CSV:
        from .generic_csv import read_generic_csv

        return read_generic_csv
    if provider is Provider.DOMINION:
        from .dominion import read_dominion

        return read_dominion
    if provider is Provider.HART:
        from .hart import read_hart

        return read_hart
    if provider is Provider.CLEAR_BALLOT:
        from .clear_ballot import read_clear_ballot

        return read_clear_ballot
    from .cdf import read_cdf

    return read_cdf


def read_sources(config: ContestConfig, collector: Collector) -> None:
    """Read every CVR source of ``config`` into ``collector``, in order."""
    # Reading creates millions of short-lived tuples and lists and no reference cycles; the
    # cyclic collector would rescan them all again and again (a third of the reading time
    # for a million ballots), so it is paused while reading.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with ExitStack() as stack:
            if any(s.provider is Provider.ESS for s in config.sources):
                from .ess import read_ahead

                stack.enter_context(read_ahead(config, collector))
            for i, source in enumerate(config.sources):
                _reader(source.provider)(config, i, collector)
    finally:
        if enabled:
            gc.enable()


def max_rank(config: ContestConfig) -> int:
    """Return the highest rank a ballot may use ("max" means one per declared candidate)."""
    limit = config.rules.max_rankings_allowed
    return len(config.candidates) if limit is None else limit


def build_election(
    config: ContestConfig, collector: Collector
) -> tuple[Election, list[tuple[str, ...]]]:
    """Check the read tokens against the candidates; return the election and ballot slices.

    Every token must be a declared candidate's name or alias, an undeclared write-in or an
    explicit overvote; otherwise the error lists each unrecognised name, how many times it
    appears and the first file and record that has it (RCTab: "unrecognized candidate").
    """
    lookup = config.name_lookup()
    unknown = [
        (t, e)
        for t, e in collector.tokens.items()
        if t not in lookup and t not in (UNDECLARED_WRITE_IN, EXPLICIT_OVERVOTE)
    ]
    if unknown:
        for token, entry in unknown:
            entry.count = sum(
                w for (marks, _), w in collector.merged.items() if any(t == token for _, t in marks)
            )
        first_path = unknown[0][1].path
        listed = "; ".join(
            f"{t!r} {e.count} time(s), first in record {e.record_id} of {e.path.name}"
            for t, e in unknown[:20]
        )
        more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        raise FormatError(
            f"cast vote records name candidates the config does not declare: {listed}{more}",
            path=first_path,
        )
    names = [c.name for c in config.candidates]
    candidates = [Candidate(c.name, withdrawn=c.excluded) for c in config.candidates]
    if config.uses_undeclared_write_ins or UNDECLARED_WRITE_IN in collector.tokens:
        names.append(UNDECLARED_WRITE_IN)
        candidates.append(Candidate(UNDECLARED_WRITE_IN))
    if EXPLICIT_OVERVOTE in collector.tokens:
        names.append(EXPLICIT_OVERVOTE)
        candidates.append(Candidate(EXPLICIT_OVERVOTE, withdrawn=True))
    index = {n: i for i, n in enumerate(names)}
    code = {t: index[lookup.get(t, t)] for t in collector.tokens}
    rankings: list[Ranking] = []
    weights: list[int] = []
    slices: list[tuple[str, ...]] = []
    for (marks, slice_ids), weight in collector.merged.items():
        top = max((r for r, _ in marks), default=0)
        ranks: list[list[int]] = [[] for _ in range(top)]
        for r, token in marks:
            ranks[r - 1].append(code[token])
        rankings.append(tuple(tuple(x) for x in ranks))
        weights.append(weight)
        slices.append(slice_ids)
    # Held as arrays, as the other fast readers hold theirs: the counts work on arrays, and
    # the ballots are made from them only if something asks.
    election = ArrayElection.create(
        candidates,
        BallotArrays.from_rankings(rankings, weights, len(candidates)),
        seats=max(config.rules.number_of_winners, 1),
        title=config.output.contest_name,
        source=str(config.path),
    )
    return election, slices


def source_label(source: CvrSource) -> str:
    """Name a source for messages."""
    return f"{source.provider} source {source.file_path!r}"
