"""Hostile input refused while reading, with the file, the line and the limit (issue 15).

Each class of problem has a case that failed (a traceback, or a wrong or silent result) before
the limits were enforced; the corpus in ``tests/hostile.py`` runs every case of every format in
a memory-limited subprocess (``tests/test_hostile_corpus.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import tellers
from tellers import FormatError
from tellers.limits import MAX_PAPERS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from hostile import CASES


def make(tmp_path: Path, name: str) -> tuple[Path, str]:
    fmt, build = CASES[name]
    suffix = {"nsw-raw": ".zip"}.get(fmt, "." + fmt)
    path = tmp_path / (name + suffix)
    build(path)
    return path, fmt


@pytest.mark.parametrize(
    ("case", "line"),
    [
        ("blt-weight-2^63", 2),
        ("dat-weight-2^63", 5),
        ("soi-weight-2^63", 8),
        ("csv-weight-2^63", 2),
        ("json-weight-2^63", 1),
        ("blt-weight-10^30", 2),
    ],
)
def test_a_weight_past_2_63_is_refused_at_its_line(tmp_path: Path, case: str, line: int) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match=f"{MAX_PAPERS:,}") as e:
        tellers.read(path, fmt)
    assert e.value.path == str(path)
    assert e.value.line == line


@pytest.mark.parametrize(
    "case",
    ["blt-total-2^63", "dat-total-2^63", "soi-total-2^63", "csv-total-2^63", "json-total-2^63"],
)
def test_papers_adding_up_past_2_63_are_refused_while_reading(tmp_path: Path, case: str) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match=f"{MAX_PAPERS:,}") as e:
        tellers.read(path, fmt)
    assert e.value.path == str(path)


@pytest.mark.parametrize(
    "case", ["blt-blank-name", "blt-space-name", "json-blank-name", "dat-blank-name"]
)
def test_a_candidate_without_a_name_is_refused(tmp_path: Path, case: str) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match="candidate 2 has no name"):
        tellers.read(path, fmt)


def test_names_alike_but_for_case_or_spacing_are_refused(tmp_path: Path) -> None:
    path, fmt = make(tmp_path, "blt-alike-names")
    with pytest.raises(FormatError, match="'A' and 'a' differ only in case or spacing"):
        tellers.read(path, fmt)


@pytest.mark.parametrize("case", ["blt-long-name", "json-long-name", "csv-long-name"])
def test_a_long_name_is_refused_unless_the_limit_is_raised(tmp_path: Path, case: str) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match="200,000 characters: more than the limit of 500"):
        tellers.read(path, fmt)
    assert len(tellers.read(path, fmt, max_name_length=200_000).names[0]) == 200_000


@pytest.mark.parametrize(
    "case", ["csv-2000-candidates", "blt-2000-candidates", "json-2000-candidates"]
)
def test_many_candidates_are_refused_unless_the_limit_is_raised(tmp_path: Path, case: str) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match="2,000 candidates: more than the limit of 1,000"):
        tellers.read(path, fmt)
    assert len(tellers.read(path, fmt, max_candidates=2000).candidates) == 2000


def test_a_file_past_max_bytes_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path, fmt = make(tmp_path, "blt-twice")
    with pytest.raises(FormatError, match="larger than the limit of 10"):
        tellers.read(path, fmt, max_bytes=10)


@pytest.mark.parametrize("case", ["json-lone-surrogate"])
def test_a_lone_surrogate_in_a_name_is_refused(tmp_path: Path, case: str) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match="lone surrogate"):
        tellers.read(path, fmt)


@pytest.mark.parametrize("case", ["json-10mb-string", "json-10mb-escapes"])
def test_a_10mb_json_string_is_refused_in_little_memory(tmp_path: Path, case: str) -> None:
    # Read in a subprocess by the corpus test under a 1 GiB limit; here: refused, by the limit.
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match="the title has"):
        tellers.read(path, fmt)


@pytest.mark.parametrize("fmt", ["blt", "dat", "soi", "csv", "json", "nsw-raw"])
def test_a_device_is_not_read(fmt: str) -> None:
    with pytest.raises(FormatError, match="not a regular file"):
        tellers.read("/dev/zero", fmt)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("nsw-bad-crc", "the zip is damaged: Bad CRC"),
        ("nsw-corrupt-deflate", "the zip is damaged"),
        ("nsw-bomb", "would inflate to 268,435,"),
    ],
)
def test_a_damaged_or_inflating_zip_is_refused(tmp_path: Path, case: str, words: str) -> None:
    path, fmt = make(tmp_path, case)
    with pytest.raises(FormatError, match=words):
        tellers.read(path, fmt)


def test_two_candidates_of_one_name_are_told_apart_by_party(tmp_path: Path) -> None:
    # A real ballot paper can carry two John Smiths.  Papers: 3 Red Smith then Blue Smith,
    # 2 Blue Smith then Red Smith, 1 Ann.  One seat, quota floor(6 / 2) + 1 = 4; nobody has it;
    # Ann (1) is excluded, her paper has no further preference; Red Smith (3) and Blue Smith
    # (2) remain for one seat: Blue Smith is excluded, Red Smith is the last continuing.
    path, fmt = make(tmp_path, "dat-same-name-two-parties")
    election = tellers.read(path, fmt)
    assert election.names == ("John Smith (Red)", "John Smith (Blue)", "Ann")
    assert [c.party for c in election.candidates] == ["Red", "Blue", "Green"]
    assert tellers.count(election).elected_names == ("John Smith (Red)",)


def test_a_formula_name_is_quoted_in_csv() -> None:
    election = tellers.Election.from_orders(
        ["=HYPERLINK(1)", "+B", "-C", "@D", "E"], [((0,), 3), ((1,), 1), ((4,), 2)]
    )
    rows = tellers.to_csv(tellers.count(election, "fptp")).splitlines()
    firsts = [r.split(",")[0] for r in rows[1:6]]
    assert firsts == ["'=HYPERLINK(1)", "'+B", "'-C", "'@D", "E"]


def test_a_deeply_nested_rulebook_is_refused(tmp_path: Path) -> None:
    from tellers.rules.loader import load

    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="nested too deep"):
        load(path)


def test_a_deeply_nested_rctab_config_is_refused(tmp_path: Path) -> None:
    from tellers.rctab.config import load_config

    path = tmp_path / "deep.json"
    path.write_text('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(FormatError, match="nested too deep"):
        load_config(path)


def test_an_rctab_config_that_is_a_device_is_refused() -> None:
    from tellers.rctab.config import load_config

    with pytest.raises(FormatError, match="not a regular file"):
        load_config("/dev/zero")


def test_a_blank_name_crashes_no_report() -> None:
    # An election built in code (not read) may still carry a blank name: the stage table must
    # not fail when that candidate is excluded.
    election = tellers.Election.from_orders(["A", " ", "C"], [((0,), 3), ((2,), 2), ((1, 2), 1)])
    text = tellers.render_text(tellers.count(election, "scottish-stv"))
    assert "Elected" in text
