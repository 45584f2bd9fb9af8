"""ES&S workbooks: rows as RCTab counts them, read one by one or ahead in worker processes."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tellers.errors import FormatError
from tellers.rctab.config import ContestConfig, load_config
from tellers.rctab.cvr import Collector, build_election, ess, read_sources

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

#: A workbook's parts apart from its sheet: the least calamine and the row scan accept.
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def _row(number: int, cells: list[str | None]) -> str:
    """Return a <row> of inline-string cells from column A (None: no cell there)."""
    xml = "".join(
        f'<c r="{chr(65 + k)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for k, v in enumerate(cells)
        if v is not None
    )
    return f'<row r="{number}">{xml}</row>'


def _xlsx(path: Path, rows: list[str]) -> None:
    """Write a workbook whose first sheet holds the given <row> elements."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)


def _contest(tmp_path: Path, files: list[str], *, id_column: str = "") -> ContestConfig:
    """Write a config reading ``files`` as ES&S sources (precinct in A, ranks in B-D)."""
    config = {
        "tabulatorVersion": "TEST",
        "outputSettings": {"contestName": "Workbooks"},
        "cvrFileSources": [
            {
                "filePath": f,
                "provider": "ess",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": id_column,
                "precinctColumnIndex": "1",
                "overvoteLabel": "overvote",
                "skippedRankLabel": "undervote",
                "undeclaredWriteInLabel": "UWI",
            }
            for f in files
        ],
        "candidates": [{"name": n} for n in ("A", "B", "C")],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "alwaysSkipToNextRank",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": "3",
        },
    }
    path = tmp_path / "workbooks_config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return load_config(path)


def _workbooks(tmp_path: Path) -> list[str]:
    """Write three workbooks with the rows RCTab treats specially; return their names."""
    head = _row(1, ["Precinct", "1st", "2nd", "3rd", "COUNT"])
    specs = [
        [
            head,
            _row(2, ["P1", "A", "B", "undervote", "1"]),
            # An empty <row> element is a ballot with no rankings.
            '<row r="3"/>',
            _row(4, ["P2", "overvote", "C", None, "1"]),
            # Row 5 is missing altogether: no ballot.
            _row(6, ["P1", "A", "B", "undervote", "1"]),
        ],
        [head, _row(2, ["P3", "UWI", "A", "B", "1"]), '<row r="3"></row>'],
        [
            head,
            _row(2, ["P1", "B", "undervote", "undervote", "1"]),
            _row(3, ["P1", "A", "B", "undervote", "1"]),
            _row(4, [None, "C", None, None, None]),
        ],
    ]
    names = []
    for n, rows in enumerate(specs, start=1):
        name = f"cvr_{n}.xlsx"
        _xlsx(tmp_path / name, rows)
        names.append(name)
    return names


def _read(config: ContestConfig, *, ahead: bool, monkeypatch: pytest.MonkeyPatch) -> Collector:
    """Read a contest's sources, ahead in two workers or one by one here."""
    monkeypatch.setattr(ess, "READ_AHEAD_MIN_BYTES", 0 if ahead else 2**62)
    monkeypatch.setattr(ess, "_cores", lambda: 2)
    collector = Collector(slice_kinds=("precinct",))
    read_sources(config, collector)
    return collector


def _seen(collector: Collector) -> dict[str, tuple[str, str]]:
    """Return where each token was first seen."""
    return {t: (e.path.name, e.record_id) for t, e in collector.tokens.items()}


def test_ess_rows_are_read_as_rctab_counts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Empty <row> elements are ballots, missing rows are not; labels become tokens."""
    config = _contest(tmp_path, _workbooks(tmp_path))
    collector = _read(config, ahead=False, monkeypatch=monkeypatch)
    assert collector.count == 9
    assert list(collector.merged.items()) == [
        ((((1, "A"), (2, "B")), ("P1",)), 3),
        (((), ("missing_precinct_id",)), 2),
        ((((1, "overvote"), (2, "C")), ("P2",)), 1),
        ((((1, "Undeclared Write-ins"), (2, "A"), (3, "B")), ("P3",)), 1),
        ((((1, "B"),), ("P1",)), 1),
        ((((1, "C"),), ("missing_precinct_id",)), 1),
    ]
    assert _seen(collector)["C"] == ("cvr_1.xlsx", "cvr_1.xlsx-3")
    election, _ = build_election(config, collector)
    assert election.total_weight == 9


def test_reading_ahead_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workbooks read ahead by worker processes give what reading them in order gives."""
    config = _contest(tmp_path, _workbooks(tmp_path))
    in_order = _read(config, ahead=False, monkeypatch=monkeypatch)
    calls: list[int] = []
    tally = ess.tally_source

    def counted(*args: Any) -> ess.Tally:
        calls.append(1)
        return tally(*args)

    # The workers are forked with this spy, so only a source read here is counted here.
    monkeypatch.setattr(ess, "tally_source", counted)
    ahead = _read(config, ahead=True, monkeypatch=monkeypatch)
    assert calls == []
    assert list(ahead.merged.items()) == list(in_order.merged.items())
    assert _seen(ahead) == _seen(in_order)
    assert ahead.count == in_order.count
    assert not any(isinstance(k, tuple) and k[0] == "ess-ahead" for k in ahead.cache)
    one, _ = build_election(config, in_order)
    other, _ = build_election(config, ahead)
    assert one.ballots == other.ballots


@pytest.mark.parametrize("ahead", [False, True])
def test_unreadable_workbook_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool
) -> None:
    """The first bad source is reported, by file, however the sources are read."""
    names = _workbooks(tmp_path)
    (tmp_path / names[1]).write_bytes(b"not a workbook")
    (tmp_path / names[2]).write_bytes(b"not one either")
    config = _contest(tmp_path, names)
    with pytest.raises(FormatError) as e:
        _read(config, ahead=ahead, monkeypatch=monkeypatch)
    assert e.value.path == str(tmp_path / names[1])
    assert "cannot read the ES&S workbook" in str(e.value)


@pytest.mark.parametrize("ahead", [False, True])
def test_missing_record_id_names_file_and_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool
) -> None:
    """A ballot row without a record id is reported with its file and row number."""
    names = _workbooks(tmp_path)
    # Column E holds the ids; the third workbook's last row has none.
    config = _contest(tmp_path, names[2:] + names[:2], id_column="5")
    with pytest.raises(FormatError, match=r"row 4: the record id column \(5\) is empty") as e:
        _read(config, ahead=ahead, monkeypatch=monkeypatch)
    assert e.value.path == str(tmp_path / names[2])


def test_dead_worker_or_no_workers_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies, or a pool that cannot start, leaves the sources to be read here."""
    config = _contest(tmp_path, _workbooks(tmp_path))
    in_order = list(_read(config, ahead=False, monkeypatch=monkeypatch).merged.items())
    tally = ess.tally_source

    def dying(*args: Any) -> ess.Tally:
        if mp.parent_process() is not None:
            os._exit(1)
        return tally(*args)

    monkeypatch.setattr(ess, "tally_source", dying)
    assert list(_read(config, ahead=True, monkeypatch=monkeypatch).merged.items()) == in_order
    monkeypatch.setattr(ess, "tally_source", tally)

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no processes")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refused)
    assert list(_read(config, ahead=True, monkeypatch=monkeypatch).merged.items()) == in_order


@pytest.mark.parametrize(("ahead", "keep_records"), [(False, False), (True, False), (False, True)])
def test_first_vote_column_past_the_sheet_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool, keep_records: bool
) -> None:
    """A ``firstVoteColumnIndex`` past the last column read every ballot as blank, and the
    winner was drawn by lot; it is refused, naming the workbook and the columns."""
    names = _workbooks(tmp_path)
    _contest(tmp_path, names)
    path = tmp_path / "workbooks_config.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    for source in raw["cvrFileSources"]:
        source["firstVoteColumnIndex"] = "9"  # the sheets run from A to E
    path.write_text(json.dumps(raw), encoding="utf-8")
    config = load_config(path)
    monkeypatch.setattr(ess, "READ_AHEAD_MIN_BYTES", 0 if ahead else 2**62)
    monkeypatch.setattr(ess, "_cores", lambda: 2)
    with pytest.raises(FormatError) as e:
        read_sources(config, Collector(slice_kinds=("precinct",), keep_records=keep_records))
    assert e.value.path == str(tmp_path / names[0])
    assert (
        "firstVoteColumnIndex 9 (I) is past the sheet's last column, 5 (E): no ranking would "
        "be read and every ballot would be blank"
    ) in str(e.value)


def test_column_names_are_the_spreadsheet_s() -> None:
    assert [ess._column_name(n) for n in (1, 5, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "E",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
