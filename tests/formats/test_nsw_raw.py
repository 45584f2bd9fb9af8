"""NSW mark-per-row preference files: the Commission's reading, errors, and the real 2023 data."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellers._arrays import ArrayElection
from tellers.errors import FormatError
from tellers.formats import _common, mollison, nsw_raw, preflib, read
from tellers.formats._common import read_text
from tellers.methods import count
from tellers.model import Ballot, Election

from ._helpers import fails_at, shared

HEAD = "District\tPollingPlaceName\tBPNumber\tFormality\tCandidateName\tPrefMarking\tPrefCounted"


def district(tmp_path: Path, rows: list[str], name: str = "Wye.zip") -> Path:
    """Zip a district file made of ``rows`` (tab-separated) under the standard header."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("SG2301 LA Pref Data Wye.txt", "\r\n".join([HEAD, *rows]) + "\r\n")
    return path


ROWS = [
    "Wye\tHall\t1\tFormal\tBO Bob\t1\t1",
    "Wye\tHall\t1\tFormal\tAL Ann\t2\t2",
    "Wye\tHall\t1\tFormal\tCY Cat\tx\t",
    "Wye\tHall\t2\tFormal\tAL Ann\tX\t1",
    "Wye\tHall\tINF_3\tInformal\tCY Cat\t1\t",
    "Wye\tHall\tINF_3\tInformal\tBO Bob\t1\t",
    "Wye\tHall\tINF_4\tInformal\t\t\t",
    "Wye\tPostal\t1\tFormal\tCY Cat\t1\t1",
    "Wye\tPostal\t2\tFormal\tBO Bob\t1\t1",
    "Wye\tPostal\t2\tFormal\tAL Ann\t2\t2",
]


def test_counted_preferences_of_formal_papers(tmp_path: Path) -> None:
    e = read(district(tmp_path, ROWS))
    assert isinstance(e, ArrayElection)
    assert e.title == "Wye"
    assert e.names == ("AL Ann", "BO Bob", "CY Cat")
    # Uncounted marks and informal papers are left out; identical papers merge.
    assert e.ballots == (
        Ballot(((1,), (0,)), 2),
        Ballot(((0,),), 1),
        Ballot(((2,),), 1),
    )
    careful = nsw_raw.load_careful(district(tmp_path, ROWS, "again.zip"))
    assert (careful.names, careful.ballots, careful.title) == (e.names, e.ballots, e.title)


def test_polling_places_keep_papers_apart(tmp_path: Path) -> None:
    # Paper 1 at Hall and paper 1 at Postal are different papers.
    e = read(district(tmp_path, ROWS))
    assert e.total_weight == 4


@pytest.mark.parametrize(
    ("rows", "line", "match"),
    [
        (["Wye\tHall\t1\tFormal\tAL Ann\t1\t1\textra"], 2, "8 fields"),
        (["Wye\tHall\t1\tMaybe\tAL Ann\t1\t1"], 2, "Formality"),
        (["Wye\tHall\t1\tFormal\tAL Ann\t1\tone"], 2, "PrefCounted"),
        # A digit to str.isdigit, not to int(): found by the fuzz test.
        (["Wye\tHall\t1\tFormal\tAL Ann\t1\t\u00b9"], 2, "PrefCounted"),
        (["Wye\tHall\t1\tFormal\tAL Ann\t1\t" + "9" * 5000], 2, "too large"),
        (["Wye\tHall\t1\tInformal\tAL Ann\t1\t1"], 2, "informal"),
        (["Wye\tHall\t1\tFormal\tAL Ann\t1\t1", "Wye\tHall\t1\tFormal\tBO Bob\t1\t1"], 3, "twice"),
        (["Wye\tHall\t1\tFormal\tAL Ann\t1\t1", "Wye\tHall\t1\tFormal\tAL Ann\t2\t2"], 3, "two"),
        (
            ["Wye\tHall\t1\tFormal\tAL Ann\t1\t1", "Wye\tHall\t1\tFormal\tBO Bob\t3\t3"],
            2,
            "missing",
        ),
        (
            ["Wye\tHall\t1\tFormal\tAL Ann\t1\t1", "Zed\tHall\t2\tFormal\tAL Ann\t1\t1"],
            3,
            "district",
        ),
    ],
)
def test_errors_name_the_line(tmp_path: Path, rows: list[str], line: int, match: str) -> None:
    fails_at(read, district(tmp_path, rows), line, match)


def test_bad_header_and_bad_zip(tmp_path: Path) -> None:
    path = tmp_path / "h.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.txt", "A\tB\n1\t2\n")
    fails_at(read, path, 1, "header")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    fails_at(read, bad, None, "not a zip")


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["Albury", "Clarence", "Sydney"])
def test_agrees_with_the_preflib_copy(name: str) -> None:
    """The 2023 raw files hold the same formal ballots as PrefLib's ``.soi`` files 187-279."""
    raw = read(shared("nsw-la", "raw-2023", f"{name}.zip"))
    soi_dir = shared("nsw-la", "soi")
    soi = next(
        e
        for e in (preflib.load(soi_dir / f"00058-{i:08d}.soi") for i in range(187, 280))
        if e.title == f"{name} 2023"
    )
    assert set(raw.names) == set(soi.names)

    def by_name(e: Election) -> list[tuple[tuple[str, ...], int]]:
        return sorted((tuple(e.names[r[0]] for r in b.ranking), b.weight) for b in e.ballots)

    assert by_name(raw) == by_name(soi)
    assert count(raw, "av").elected_names == count(soi, "av").elected_names


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "rel",
    ["nsw-la/soi/00058-00000187.soi", "nsw-la/soi/00058-00000001.soi"],
)
def test_fast_preflib_equals_careful(rel: str) -> None:
    path = shared(*rel.split("/"))
    fast = preflib.load(path)
    assert isinstance(fast, ArrayElection)
    careful = preflib.loads(read_text(path), path=path)
    assert (fast.names, fast.ballots, fast.title) == (careful.names, careful.ballots, careful.title)


@pytest.mark.shared_data
def test_fast_mollison_equals_careful() -> None:
    path = shared("scotland", "2022-dat", "Aberdeen", "10_Midstocket-Rosemount.dat")
    fast = mollison.load(path)
    assert isinstance(fast, ArrayElection)
    careful = mollison.loads(read_text(path), path=path)
    assert (fast.candidates, fast.ballots, fast.seats, fast.title) == (
        careful.candidates,
        careful.ballots,
        careful.seats,
        careful.title,
    )


def _both(path: Path) -> tuple[Election | str, Election | str]:
    """Read with the fast path (in one batch and in small ones) and with the careful parser."""

    def outcome(reader: Callable[[Path], Election]) -> Election | str:
        try:
            return reader(path)
        except FormatError as e:
            return f"{e.line}: {e}"

    return outcome(nsw_raw.load), outcome(nsw_raw.load_careful)


def _same(path: Path) -> None:
    fast, careful = _both(path)
    if isinstance(careful, str):
        assert fast == careful
        return
    assert isinstance(fast, Election)
    assert (fast.names, fast.ballots, fast.title) == (careful.names, careful.ballots, careful.title)


@pytest.mark.parametrize(
    "rows",
    [
        # A paper's rows apart: the careful parser joins them into one paper.
        [ROWS[0], ROWS[3], "Wye\tHall\t1\tFormal\tCY Cat\t3\t3"],
        # A polling place listed twice, its papers numbered apart.
        [ROWS[0], ROWS[7], "Wye\tHall\t9\tFormal\tCY Cat\t1\t1"],
        # ... and a paper number met again under it.
        [ROWS[0], ROWS[7], "Wye\tHall\t1\tFormal\tCY Cat\t3\t3"],
        # Numbers that differ only by a leading zero are different papers.
        [ROWS[0], "Wye\tHall\t01\tFormal\tCY Cat\t1\t1", "Wye\tHall\t001\tFormal\tAL Ann\t1\t1"],
        # Papers out of order, numbers of many lengths, text numbers.
        [
            "Wye\tHall\t100\tFormal\tCY Cat\t1\t1",
            "Wye\tHall\t99\tFormal\tAL Ann\t1\t1",
            "Wye\tHall\t1234567890\tFormal\tBO Bob\t1\t1",
            "Wye\tHall\tB7\tFormal\tBO Bob\t1\t1",
            "Wye\tHall\t\tFormal\tAL Ann\t1\t1",
            "Wye\tHall\t99\tFormal\tCY Cat\t2\t2",
        ],
        # Preferences counted out of row order; a paper naming a candidate twice.
        ["Wye\tHall\t1\tFormal\tAL Ann\t2\t2", "Wye\tHall\t1\tFormal\tBO Bob\t1\t1"],
        ["Wye\tHall\t1\tFormal\tAL Ann\t2\t2", "Wye\tHall\t1\tFormal\tAL Ann\t1\t1"],
    ],
)
def test_fast_path_agrees_on_unusual_layouts(tmp_path: Path, rows: list[str]) -> None:
    _same(district(tmp_path, rows))


NAMES = ["AL Ann", "BO Bob", "CY Cat", "DI Dee", ""]


@st.composite
def papers(draw: st.DrawFn) -> list[str]:
    """Rows of a few papers, mostly well formed, with keys, marks and formality varied."""
    rows: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        place = draw(st.sampled_from(["Hall", "Postal", "Hall2"]))
        bp = draw(st.sampled_from(["1", "2", "3", "01", "10", "INF_1", "x"]))
        formal = draw(st.booleans()) or draw(st.booleans())
        names = draw(st.permutations(NAMES[:4]))[: draw(st.integers(1, 4))]
        if draw(st.integers(0, 9)) == 0:
            names = [*names, draw(st.sampled_from(NAMES))]
        for k, name in enumerate(names, start=1):
            counted = str(k) if formal else ""
            if formal and draw(st.integers(0, 9)) == 0:
                counted = draw(st.sampled_from(["", "0", "1", "3", "12", "99"]))
            rows.append(
                f"Wye\t{place}\t{bp}\t{'Formal' if formal else 'Informal'}\t{name}\t{k}\t{counted}"
            )
    if draw(st.booleans()):
        rows = draw(st.permutations(rows))
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["whole", "one block", "streamed"])
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=papers())
def test_fast_path_agrees_with_careful(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, rows: list[str]
) -> None:
    if layout == "one block":
        # As in a batch worker: no threads, the district parsed as one block.
        monkeypatch.setattr(_common, "library_threads", False)
    elif layout == "streamed":
        # Streamed in blocks of a few rows: papers and places run across batches.
        monkeypatch.setattr(nsw_raw, "_WHOLE", 0)
        monkeypatch.setattr(nsw_raw, "_BLOCK", 160)
    _same(district(tmp_path, rows))


def test_many_candidates_read_through_the_table(tmp_path: Path) -> None:
    # 70 preferences do not fit one bit each of a word: a papers x ranks table checks them.
    rows = [f"Wye\tHall\t1\tFormal\tC{k:02d} X\t{k}\t{k}" for k in range(1, 71)]
    path = district(tmp_path, rows)
    _same(path)
    fast = nsw_raw.load(path)
    assert len(fast.ballots) == 1 and len(fast.ballots[0].ranking) == 70


def test_a_nul_byte_in_a_streamed_district_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nsw_raw, "_WHOLE", 0)
    monkeypatch.setattr(nsw_raw, "_BLOCK", 160)
    rows = [*ROWS[:-1], "Wye\tPostal\t2\tFormal\tAL Ann\t2\x00\t2"]
    with pytest.raises(FormatError, match="NUL") as err:
        nsw_raw.load(district(tmp_path, rows))
    assert err.value.line == len(rows) + 1
