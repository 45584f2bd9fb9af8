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
from contextlib import ExitStack

from ..._arrays import ArrayElection, BallotArrays
from ..._types import Ranking
from ...errors import FormatError
from ...model import Candidate, Election
from ..config import ContestConfig, CvrSource, Provider
from ..options import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from .collector import CastVote, Collector, Marks, SourceReader, TokenSeen, max_rank

__all__ = [
    "CastVote",
    "Collector",
    "Marks",
    "SourceReader",
    "TokenSeen",
    "build_election",
    "max_rank",
    "read_sources",
]


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
