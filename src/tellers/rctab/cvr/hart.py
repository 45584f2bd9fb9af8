"""Hart cast vote records: a folder with one XML file per ballot sheet.

Each ``<Cvr>`` file has ``<Contests>``; in the contest whose ``<Id>`` is the source's
``contestId`` each ``<Option>`` is a candidate (``<Id>``, matched to the config through
aliases) and its ``<Value>`` a string of 0/1 digits, one per rank: ``0100`` is rank 2, ``0101``
ranks 2 and 4.  The option whose id is the ``undeclaredWriteInLabel`` is the write-in.  The
record id is ``<CvrGuid>``, the batch ``<BatchNumber>``, the precinct ``<PrecinctSplit><Name>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ...errors import FormatError
from ..config import ContestConfig
from ..options import UNDECLARED_WRITE_IN
from .collector import Collector

__all__ = ["read_hart"]


def _local(tag: str) -> str:
    """Return an element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _child(parent: ET.Element, name: str) -> ET.Element | None:
    """Return the first child called ``name`` (any namespace)."""
    for c in parent:
        if _local(c.tag) == name:
            return c
    return None


def _text(parent: ET.Element | None, name: str) -> str:
    """Return the text of a child element ('' if absent)."""
    if parent is None:
        return ""
    c = _child(parent, name)
    return (c.text or "").strip() if c is not None else ""


def read_hart(config: ContestConfig, index: int, out: Collector) -> None:
    """Read a folder of Hart CVR XML files into ``out``."""
    source = config.sources[index]
    folder = config.source_path(source)
    if not folder.is_dir():
        raise FormatError("a Hart source must be the folder of CVR XML files", path=folder)
    files = sorted(p for p in folder.iterdir() if p.name.lower().endswith("xml"))
    if not files:
        raise FormatError("no XML files in the Hart CVR folder", path=folder)
    uwi = source.undeclared_write_in_label
    for path in files:
        _read_file(path, source.contest_id, uwi, index, out)


def _read_file(path: Path, contest_id: str, uwi: str, index: int, out: Collector) -> None:
    """Read one Hart CVR file."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise FormatError(f"not well-formed XML: {e}", path=path, line=e.position[0]) from None
    except OSError as e:
        raise FormatError(f"cannot read: {e.strerror}", path=path) from None
    if _local(root.tag) != "Cvr":
        raise FormatError(f"a Hart CVR file has a <Cvr> root, not <{_local(root.tag)}>", path=path)
    record = _text(root, "CvrGuid")
    batch = _text(root, "BatchNumber")
    split = _child(root, "PrecinctSplit")
    contests = _child(root, "Contests")
    for contest in contests if contests is not None else []:
        if _local(contest.tag) != "Contest" or _text(contest, "Id") != contest_id:
            continue
        marks: list[tuple[int, str]] = []
        options = _child(contest, "Options")
        for option in options if options is not None else []:
            cid = _text(option, "Id")
            value = _text(option, "Value")
            if not cid or any(ch not in "01" for ch in value):
                raise FormatError(
                    f"record {record}: an option needs an <Id> and a <Value> of 0/1 digits "
                    f"(got {cid!r}, {value!r})",
                    path=path,
                )
            token = UNDECLARED_WRITE_IN if uwi and cid == uwi else cid
            marks.extend((rank, token) for rank, ch in enumerate(value, start=1) if ch == "1")
        marks.sort(key=lambda m: m[0])
        out.add(
            tuple(marks),
            source=index,
            path=path,
            record_id=record or path.stem,
            vendor_id=record,
            precinct=_text(split, "Name"),
            batch=batch,
            contest_id=contest_id,
            precinct_portion=_text(split, "Id"),
        )
