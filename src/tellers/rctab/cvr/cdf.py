"""NIST SP 1500-103 Common Data Format cast vote records, as JSON or XML (e.g. Unisyn).

A ``CastVoteRecordReport`` declares ``Election``\\ s with ``Candidate``\\ s and ``Contest``\\ s;
the contest whose ``Name`` is the source's ``contestId`` is counted.  Each ``CVR`` has
snapshots; its ``CurrentSnapshotId`` names the one read.  In it, the ``CVRContest`` for the
contest lists ``CVRContestSelection``\\ s: a contest selection (whose ``CandidateIds`` name a
candidate, or whose ``IsWriteIn`` marks a write-in) and the ranks given it, either a ``Rank``
on the selection or one per ``SelectionPosition``.  Positions without an indication
(``HasIndication`` ``no``) or not allocable (``IsAllocable`` ``no``) are skipped, as are
selections whose ``Status`` is ``needs-adjudication`` (XML); a position with a ``CVRWriteIn``
is a write-in.  A candidate whose name is the source's ``overvoteLabel`` is an explicit
overvote.  The ballot's precinct is the name of its ``BallotStyleUnitId`` GpUnit.

JSON uses ``@id`` for object ids; XML uses the ``ObjectId`` attribute.  A CVR without the
contest is not a ballot for it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import FormatError
from ..config import ContestConfig, CvrSource
from ..options import EXPLICIT_OVERVOTE, UNDECLARED_WRITE_IN
from .collector import Collector

__all__ = ["read_cdf"]


@dataclass
class _Node:
    """A CDF object read from JSON or XML: its id, child values and child objects."""

    oid: str
    values: dict[str, list[str]]
    children: dict[str, list[_Node]]

    def value(self, name: str) -> str | None:
        """Return the first value called ``name``."""
        v = self.values.get(name)
        return v[0] if v else None

    def all(self, name: str) -> list[_Node]:
        """Return the child objects called ``name``."""
        return self.children.get(name, [])


def _from_json(obj: dict[str, Any]) -> _Node:
    """Convert a JSON object to a node."""
    values: dict[str, list[str]] = {}
    children: dict[str, list[_Node]] = {}
    for k, v in obj.items():
        items = v if isinstance(v, list) else [v]
        for item in items:
            if isinstance(item, dict):
                children.setdefault(k, []).append(_from_json(item))
            elif item is not None:
                text = ("true" if item else "false") if isinstance(item, bool) else str(item)
                values.setdefault(k, []).append(text)
    oid = obj.get("@id")
    return _Node("" if oid is None else str(oid), values, children)


def _local(tag: str) -> str:
    """Return an element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _from_xml(el: ET.Element) -> _Node:
    """Convert an XML element to a node (child elements with children become objects)."""
    values: dict[str, list[str]] = {}
    children: dict[str, list[_Node]] = {}
    for c in el:
        name = _local(c.tag)
        if len(c) or c.attrib.get("ObjectId") is not None:
            children.setdefault(name, []).append(_from_xml(c))
        else:
            values.setdefault(name, []).append((c.text or "").strip())
    return _Node(el.attrib.get("ObjectId", ""), values, children)


def _load(path: Path) -> _Node:
    """Read a CDF report from JSON or XML by the file's suffix."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            with path.open("rb") as f:
                data = json.load(f)
            if not isinstance(data, dict):
                raise FormatError("a CDF JSON report must be an object", path=path)
            return _from_json(data)
        if suffix == ".xml":
            return _from_xml(ET.parse(path).getroot())
    except json.JSONDecodeError as e:
        raise FormatError(f"not valid JSON: {e.msg}", path=path, line=e.lineno) from None
    except ET.ParseError as e:
        raise FormatError(f"not well-formed XML: {e}", path=path, line=e.position[0]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise FormatError(f"cannot read: {e}", path=path) from None
    raise FormatError("a CDF source must be a .json or .xml file", path=path)


def read_cdf(config: ContestConfig, index: int, out: Collector) -> None:
    """Read a CDF (JSON or XML) source into ``out``."""
    source = config.sources[index]
    path = config.source_path(source)
    report = _load(path)
    _read_report(report, source, index, path, out)


def _read_report(report: _Node, source: CvrSource, index: int, path: Path, out: Collector) -> None:
    """Turn a parsed report into ballots."""
    is_xml = path.suffix.lower() == ".xml"
    if not report.all("Election"):
        raise FormatError("the CDF report has no Election", path=path)
    candidates: dict[str, _Node] = {}
    contest: _Node | None = None
    for election in report.all("Election"):
        for person in election.all("Candidate"):
            if person.oid in candidates:
                raise FormatError(f"candidate id {person.oid!r} appears twice", path=path)
            candidates[person.oid] = person
        for c in election.all("Contest"):
            if contest is None and c.value("Name") == source.contest_id:
                contest = c
    if contest is None:
        raise FormatError(f"no Contest is named {source.contest_id!r}", path=path)
    selections: dict[str, _Node] = {}
    for declared in contest.all("ContestSelection"):
        if declared.oid in selections:
            raise FormatError(f"contest selection id {declared.oid!r} appears twice", path=path)
        selections[declared.oid] = declared
    units = {u.oid: u for u in report.all("GpUnit")}

    for n, cvr in enumerate(report.all("CVR"), start=1):
        ballot = cvr.value("BallotPrePrintedId") if not is_xml else cvr.value("UniqueId")
        where = f"CVR {n}" + (f" ({ballot})" if ballot else "")
        current = cvr.value("CurrentSnapshotId")
        snapshot = next((s for s in cvr.all("CVRSnapshot") if s.oid == current), None)
        if snapshot is None:
            raise FormatError(
                f"{where}: no snapshot has the CurrentSnapshotId {current!r}", path=path
            )
        cvr_contest = next(
            (c for c in snapshot.all("CVRContest") if c.value("ContestId") == contest.oid), None
        )
        if cvr_contest is None:
            continue
        marks: list[tuple[int, str]] = []
        for chosen in cvr_contest.all("CVRContestSelection"):
            if chosen.value("Status") == "needs-adjudication":
                continue
            sid = chosen.value("ContestSelectionId") or ""
            sel = selections.get(sid)
            if sel is None:
                raise FormatError(f"{where}: contest selection {sid!r} is not declared", path=path)
            if (sel.value("IsWriteIn") or "").lower() in ("true", "1", "yes"):
                name = UNDECLARED_WRITE_IN
            else:
                ids = sel.values.get("CandidateIds") or []
                if not ids:
                    raise FormatError(f"contest selection {sid!r} has no CandidateIds", path=path)
                cand = candidates.get(ids[0])
                if cand is None:
                    raise FormatError(
                        f"contest selection {sid!r} names undeclared candidate {ids[0]!r}",
                        path=path,
                    )
                name = cand.value("Name") or ""
                if source.overvote_label and name == source.overvote_label:
                    name = EXPLICIT_OVERVOTE
            rank_text = chosen.value("Rank")
            if rank_text is not None:
                marks.append((_rank(rank_text, where, path), name))
                continue
            for pos in chosen.all("SelectionPosition"):
                token = (
                    UNDECLARED_WRITE_IN
                    if pos.all("CVRWriteIn") or pos.value("CVRWriteIn") is not None
                    else name
                )
                if pos.value("HasIndication") == "no" or pos.value("IsAllocable") == "no":
                    continue
                rank = pos.value("Rank")
                if rank is None:
                    raise FormatError(f"{where}: a selection position has no Rank", path=path)
                marks.append((_rank(rank, where, path), token))
        marks.sort(key=lambda m: m[0])
        precinct = ""
        unit_id = cvr.value("BallotStyleUnitId")
        if unit_id is not None:
            unit = units.get(unit_id)
            if unit is None:
                raise FormatError(f"{where}: GpUnit {unit_id!r} is not declared", path=path)
            precinct = unit.value("Name") or ""
        out.add(
            tuple(marks),
            source=index,
            path=path,
            record_id=f"{path.name}({n})",
            vendor_id=ballot or "",
            precinct=precinct,
            contest_id=source.contest_id,
        )


def _rank(text: str, where: str, path: Path) -> int:
    """Parse a rank, which must be a whole number of at least 1."""
    try:
        rank = int(text)
    except ValueError:
        raise FormatError(f"{where}: rank {text!r} is not a whole number", path=path) from None
    if rank < 1:
        raise FormatError(f"{where}: rank {rank} is below 1", path=path)
    return rank
