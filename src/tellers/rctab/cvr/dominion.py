"""Dominion cast vote records: a folder of JSON manifests and one or more ``CvrExport*.json``.

The source's ``filePath`` is the export folder.  ``CvrExport.json`` (or ``CvrExport_<n>.json``
files, read in number order) hold ``Sessions``; each session is one ballot, its ``Original``
rendering used unless that is no longer current and a ``Modified`` (adjudicated) rendering
exists.  A session's ``Cards`` hold ``Contests``; the contest with the config's ``contestId``
gives the ballot, each of its ``Marks`` a (``Rank``, ``CandidateId``) pair.  Ambiguous marks
are ignored, and so is a contest flagged with the ``InvalidContest`` outstack condition.
Candidate ids are matched to the config through candidates' aliases (RCTab configs list
Dominion ids as aliases); the ``undeclaredWriteInLabel`` names the write-in id.

The precinct of a ballot comes from its ``PrecinctPortionId``, through
``PrecinctPortionManifest.json`` to ``PrecinctManifest.json``; an export without a precinct
manifest has no precincts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ...errors import FormatError
from ..config import ContestConfig
from ..options import UNDECLARED_WRITE_IN
from .collector import Collector

__all__ = ["export_files", "read_dominion"]

_EXPORT = re.compile(r"CvrExport(?:_(\d+))?\.json", re.IGNORECASE)


def _load(path: Path) -> Any:
    """Read a JSON file, naming it in any error."""
    try:
        with path.open("rb") as f:
            return json.load(f)
    except FileNotFoundError:
        raise FormatError("Dominion manifest or export file not found", path=path) from None
    except json.JSONDecodeError as e:
        raise FormatError(f"not valid JSON: {e.msg}", path=path, line=e.lineno) from None
    except (OSError, UnicodeDecodeError) as e:
        raise FormatError(f"cannot read: {e}", path=path) from None


def _manifest(folder: Path, name: str, *, required: bool) -> list[dict[str, Any]] | None:
    """Return the ``List`` of a manifest, or ``None`` if an optional one is absent."""
    path = folder / name
    if not path.exists():
        if required:
            raise FormatError(f"the Dominion export has no {name}", path=folder)
        return None
    data = _load(path)
    items = data.get("List") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise FormatError('a Dominion manifest must be an object with a "List"', path=path)
    return [i for i in items if isinstance(i, dict)]


def export_files(folder: Path) -> list[Path]:
    """Return the CVR export files of a Dominion folder, in export-number order."""
    if not folder.is_dir():
        raise FormatError("a Dominion source must be the export folder", path=folder)
    found: list[tuple[int, str, Path]] = []
    for p in folder.iterdir():
        m = _EXPORT.fullmatch(p.name)
        if m:
            found.append((int(m[1]) if m[1] else -1, p.name, p))
    if not found:
        raise FormatError("no CvrExport.json or CvrExport_<n>.json in the folder", path=folder)
    return [p for _, _, p in sorted(found)]


def read_dominion(config: ContestConfig, index: int, out: Collector) -> None:
    """Read a Dominion export folder into ``out``."""
    source = config.sources[index]
    folder = config.source_path(source)
    contest_id = source.contest_id.strip()
    uwi = source.undeclared_write_in_label
    contests = _manifest(folder, "ContestManifest.json", required=True) or []
    if not any(str(c.get("Id")) == contest_id for c in contests):
        raise FormatError(f"contest {contest_id!r} is not in ContestManifest.json", path=folder)
    candidates = _manifest(folder, "CandidateManifest.json", required=True) or []
    valid_ids = {str(c.get("Id")) for c in candidates if str(c.get("ContestId")) == contest_id}
    portions = _manifest(folder, "PrecinctPortionManifest.json", required=False) or []
    precincts = _manifest(folder, "PrecinctManifest.json", required=False)
    precinct_name = {c.get("Id"): str(c.get("Description", "")) for c in precincts or []}
    portion_name = {p.get("Id"): str(p.get("Description", "")) for p in portions}
    portion_precinct = {p.get("Id"): p.get("PrecinctId") for p in portions}
    conditions = _manifest(folder, "OutstackConditionManifest.json", required=False) or []
    # A contest Dominion flags "InvalidContest" (e.g. one card of a ballot counted on a
    # tabulator that cannot read the rest) is not a ballot for it; RCTab leaves it out.
    invalid = {c.get("Id") for c in conditions if c.get("Description") == "InvalidContest"}

    for path in export_files(folder):
        data = _load(path)
        sessions = data.get("Sessions") if isinstance(data, dict) else None
        if not isinstance(sessions, list):
            raise FormatError('a Dominion CVR export must have a "Sessions" list', path=path)
        for n, session in enumerate(sessions, start=1):
            where = f"session {n}"
            try:
                tabulator = str(session["TabulatorId"])
                batch = str(session["BatchId"])
                record = str(session["RecordId"])
                rendering = session["Original"]
                if not rendering.get("IsCurrent", True):
                    if "Modified" not in session:
                        continue  # RCTab skips a superseded ballot with no adjudicated copy
                    rendering = session["Modified"]
            except (KeyError, TypeError, AttributeError):
                raise FormatError(
                    f"{where}: missing TabulatorId, BatchId, RecordId or Original", path=path
                ) from None
            portion_id = rendering.get("PrecinctPortionId")
            if portion_id is not None and portions and portion_id not in portion_name:
                raise FormatError(
                    f"{where} (record {record}): precinct portion {portion_id} is not in "
                    "PrecinctPortionManifest.json",
                    path=path,
                )
            precinct = ""
            if precincts is not None and portion_id is not None:
                precinct = precinct_name.get(portion_precinct.get(portion_id), "")
            cards = rendering.get("Cards")
            contest_lists = (
                [c.get("Contests", []) for c in cards]
                if isinstance(cards, list)
                else [rendering.get("Contests", [])]
            )
            for contest_list in contest_lists:
                for contest in contest_list or []:
                    if str(contest.get("Id")) != contest_id:
                        continue
                    if invalid & set(contest.get("OutstackConditionIds") or ()):
                        continue
                    marks: list[tuple[int, str]] = []
                    for mark in contest.get("Marks", []):
                        if mark.get("IsAmbiguous"):
                            continue
                        cid = str(mark.get("CandidateId"))
                        rank = mark.get("Rank")
                        if not isinstance(rank, int) or rank < 1:
                            raise FormatError(
                                f"{where} (record {record}): mark has no valid Rank", path=path
                            )
                        if cid not in valid_ids:
                            raise FormatError(
                                f"{where} (record {record}): candidate id {cid} is not a "
                                f"candidate of contest {contest_id} in CandidateManifest.json",
                                path=path,
                            )
                        marks.append((rank, UNDECLARED_WRITE_IN if uwi and cid == uwi else cid))
                    marks.sort(key=lambda m: m[0])
                    out.add(
                        tuple(marks),
                        source=index,
                        path=path,
                        record_id=f"{tabulator}-{batch}-{record}",
                        vendor_id=record,
                        precinct=precinct,
                        contest_id=contest_id,
                        tabulator_id=tabulator,
                        batch=batch,
                        precinct_portion=portion_name.get(portion_id, ""),
                    )
