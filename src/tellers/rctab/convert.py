"""RCTab's cast-vote-record outputs: the NIST CDF JSON report and RCTab's own CVR CSV.

With ``generateCdfJson`` RCTab writes every ballot as a NIST SP 1500-103 ``CVR``: its original
marks, then one "interpreted" snapshot per round saying which marks count and for how much
(``IsAllocable``, ``NumberVotes``, ``FractionalVotes``).  Its conversion mode writes the same
report without rounds, or a plain CSV with one row per ballot and one column per rank.  Both are
reproduced here as RCTab 2.0.0 writes them (``ResultsWriter.generateCdfJson`` and
``writeRcTabCvrCsv``), including two of its habits: a ballot's selections are named from the
token the CVR used (an alias stays an alias) while the election lists candidates by their
config names, and precincts are numbered in Java ``HashSet`` order.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ._java import hashmap_order
from .config import ContestConfig
from .cvr import CastVote, max_rank
from .cvr.ess import sanitize
from .options import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from .report import JsonValue, csv_record, dump_json
from .tabulator import RctabCount

__all__ = ["cdf_json", "rctab_cvr_csv"]

_CONTEST = "contest-001"
_ELECTION = "election-001"
_SCOPE = "gpu-election"
_DEVICE = "rd-001"

#: Snapshots of one ballot: round -> (candidate, value) pairs it counts for.
Snapshots = dict[int, list[tuple[str, Decimal]]]


def _selection_id(name: str) -> str:
    """Return the CDF contest selection id RCTab derives from a candidate name."""
    return f"cs-{sanitize(name).lower()}"


def _candidate_id(name: str) -> str:
    """Return the CDF candidate id RCTab derives from a candidate name."""
    return f"c-{sanitize(name).lower()}"


def _snapshot_id(record: str, number: int | None) -> str:
    """Return a snapshot id: the ballot's, or with ``-round-N`` for a round."""
    return f"ballot-{record}-round-{number}" if number else f"ballot-{record}"


def _positions(
    marks: tuple[tuple[int, str], ...], held: list[tuple[str, Decimal]] | None
) -> list[JsonValue]:
    """Return a snapshot's contest selections, by best rank then name."""
    ranks: dict[str, list[int]] = {}
    for rank, token in marks:
        ranks.setdefault(token, []).append(rank)
    order = sorted(ranks, key=lambda t: (min(ranks[t]), t))
    out: list[JsonValue] = []
    for token in order:
        allocable = "unknown"
        votes = Decimal(1)
        if held is not None:
            found = next((v for name, v in held if name == token), None)
            allocable = "no" if found is None else "yes"
            if found is not None:
                votes = found
        fractional = None
        if not (votes == 1 and votes.as_tuple().exponent == 0):
            remainder = votes % 1
            if remainder > 0:
                fractional = str(remainder)[1:]
        positions: list[JsonValue] = []
        for rank in sorted(ranks[token]):
            position: dict[str, JsonValue] = {
                "HasIndication": "yes",
                "IsAllocable": allocable,
                "NumberVotes": int(votes),
                "Rank": rank,
                "@type": "CVR.SelectionPosition",
            }
            if fractional is not None:
                position["FractionalVotes"] = fractional
            positions.append(position)
            if allocable == "yes":
                # Only the first mark for a candidate ranked twice counts.
                allocable = "no"
        out.append(
            {
                "ContestSelectionId": _selection_id(token),
                "SelectionPosition": positions,
                "@type": "CVR.CVRContestSelection",
            }
        )
    return out


def _snapshot(
    record: str,
    number: int | None,
    marks: tuple[tuple[int, str], ...],
    held: list[tuple[str, Decimal]] | None,
) -> JsonValue:
    """Return one CVR snapshot (original when ``number`` is None)."""
    contest: dict[str, JsonValue] = {
        "ContestId": _CONTEST,
        "CVRContestSelection": _positions(marks, held),
        "@type": "CVR.CVRContest",
    }
    return {
        "@id": _snapshot_id(record, number),
        "CVRContest": [contest],
        "Type": "interpreted" if number else "original",
        "@type": "CVR.CVRSnapshot",
    }


def cdf_json(
    config: ContestConfig,
    records: list[CastVote],
    *,
    count: RctabCount | None = None,
    ballot_of: list[int] | None = None,
) -> str:
    """Return the CDF CVR report: originals only, or with each round of ``count``.

    ``ballot_of[i]`` is the index, in ``count.snapshots``, of the ballot group record ``i``
    belongs to.
    """
    rounds = len(count.rounds) if count is not None else 0
    by_precinct = config.output.tabulate_by_precinct
    precincts: dict[str, str] = {}
    if by_precinct:
        order = hashmap_order([r.precinct for r in records if r.precinct])
        precincts = {p: f"gpu-{i}" for i, p in enumerate(order, start=1)}
    cvrs: list[JsonValue] = []
    for i, r in enumerate(records):
        rid = sanitize(r.record_id)
        snaps: list[JsonValue] = [_snapshot(rid, None, r.marks, None)]
        if count is not None and ballot_of is not None:
            data: Snapshots = count.snapshots[ballot_of[i]]
            previous: list[tuple[str, Decimal]] | None = None
            for n in range(1, rounds + 1):
                held = data.get(n, previous)
                if held is None:
                    raise ValueError(f"ballot {r.record_id} has no allocation in round {n}")
                snaps.append(_snapshot(rid, n, r.marks, held))
                previous = held
        cvr: dict[str, JsonValue] = {
            "BallotPrePrintedId": rid,
            "CurrentSnapshotId": _snapshot_id(rid, rounds),
            "CVRSnapshot": snaps,
            "ElectionId": _ELECTION,
            "@type": "CVR",
        }
        if by_precinct:
            unit = precincts.get(r.precinct)
            if unit is not None:
                cvr["BallotStyleUnitId"] = unit
        cvrs.append(cvr)

    names = list(config.candidate_names)
    if any(s.overvote_label for s in config.sources):
        names.append(EXPLICIT_OVERVOTE)
    names.sort()
    units: list[JsonValue] = [
        {
            "@id": _SCOPE,
            "Type": "other",
            "OtherType": "Election Scope Jurisdiction",
            "Name": config.output.contest_jurisdiction,
            "@type": "GpUnit",
        }
    ]
    units += [
        {"@id": unit, "Type": "precinct", "Name": name, "@type": "GpUnit"}
        for name, unit in precincts.items()
    ]
    election: dict[str, JsonValue] = {
        "@id": _ELECTION,
        "Candidate": [{"@id": _candidate_id(n), "Name": n} for n in names],
        "Contest": [
            {
                "@id": _CONTEST,
                "@type": "CandidateContest",
                "ContestSelection": [
                    {
                        "@id": _selection_id(n),
                        "@type": "ContestSelection",
                        "CandidateIds": [_candidate_id(n)],
                    }
                    for n in names
                ],
                "Name": config.output.contest_name,
            }
        ],
        "ElectionScopeId": _SCOPE,
        "@type": "Election",
    }
    document: dict[str, JsonValue] = {
        "CVR": cvrs,
        "Election": [election],
        "GeneratedDate": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "GpUnit": units,
        "ReportGeneratingDeviceIds": [_DEVICE],
        "ReportingDevice": [
            {
                "@id": _DEVICE,
                "@type": "CVR.ReportingDevice",
                "Application": "RCTab",
                "Manufacturer": "Bright Spots",
            }
        ],
        "Version": "1.0.0",
        "@type": "CVR.CastVoteRecordReport",
    }
    return dump_json(document)


def rctab_cvr_csv(config: ContestConfig, records: list[CastVote]) -> str:
    """Return RCTab's CVR CSV: one row per ballot, candidates by config name per rank."""
    ranks = max_rank(config)
    names = config.name_lookup()
    lines = [
        csv_record(
            "Source Filepath",
            "CVR Provider",
            "Contest Id",
            "RCTab CVR Id",
            "Tabulator Id",
            "Batch Id",
            "Vendor Id",
            "Precinct",
            "Precinct Portion",
            *(f"Rank {k}" for k in range(1, ranks + 1)),
        )
    ]
    by_precinct = config.output.tabulate_by_precinct
    for r in records:
        source = config.sources[r.source]
        at: dict[int, list[str]] = {}
        for rank, token in r.marks:
            if token == UNDECLARED_WRITE_IN:
                shown = source.undeclared_write_in_label
            elif token == EXPLICIT_OVERVOTE:
                shown = EXPLICIT_OVERVOTE
            else:
                shown = names.get(token, token)
            at.setdefault(rank, []).append(shown)
        cells = ["\n".join(at[k]) if k in at else "undervote" for k in range(1, ranks + 1)]
        lines.append(
            csv_record(
                source.file_path,
                source.provider.value,
                r.contest_id if source.provider.value != "cdf" else "",
                r.record_id,
                r.tabulator_id,
                r.batch,
                r.vendor_id,
                r.precinct if by_precinct else "",
                r.precinct_portion,
                *cells,
            )
        )
    return "".join(lines)
