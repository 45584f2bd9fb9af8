"""The format registry: choosing a reader by name, suffix or CSV header, and the write helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.batch import expand
from tellers.errors import FormatError
from tellers.formats import FORMATS, SUFFIXES, WRITERS, format_for, read, suffix_for, write
from tellers.model import Election

from ._helpers import put


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"blt", "dat", "soi", "toi", "irish", "csv", "json", "nsw-raw"}
    assert set(WRITERS) == {"blt", "csv", "json"}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.BLT", "", "blt"),
        ("a.dat", "", "dat"),
        ("a.soi", "", "soi"),
        ("a.toi", "", "toi"),
        ("a.json", "", "json"),
        ("Albury.zip", "", "nsw-raw"),
        ("a.csv", "rank1,rank2,count\n", "csv"),
        ("a.csv", "\n,,\nRANK1 , Weight\n", "csv"),
        ("a.csv", "No.,FF,FG\n", "irish"),
        ("a.csv", "\ufeff,FF,FG\n", "irish"),
        ("a.csv", "rank1,candidate\n", "irish"),
    ],
)
def test_format_for(tmp_path: Path, name: str, content: str, expected: str) -> None:
    assert format_for(put(tmp_path, name, content)) == expected


def test_unknown_suffix_and_format(tmp_path: Path) -> None:
    path = put(tmp_path, "a.txt", "x")
    with pytest.raises(FormatError, match=r"suffix '\.txt'") as info:
        read(path)
    assert info.value.path == str(path)
    with pytest.raises(FormatError, match="unknown format 'xls'"):
        read(path, "xls")


def test_named_format_overrides_suffix(tmp_path: Path) -> None:
    path = put(tmp_path, "ballots.txt", '2 1\n1 2 0\n0\n"A"\n"B"\n"T"\n')
    assert read(path, "blt").names == ("A", "B")


def test_missing_csv_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        read(tmp_path / "gone.csv")


@pytest.mark.parametrize("suffix", [".blt", ".csv", ".json"])
def test_write_by_suffix_reads_back(tmp_path: Path, suffix: str) -> None:
    e = Election.from_rankings(["A", "B"], [(((0,), (1,)), 3), (((1,),), 1)], seats=1, title="T")
    path = tmp_path / f"out{suffix}"
    write(e, path)
    again = read(path)
    assert again.names == e.names
    assert again.ballots == e.ballots


def test_write_named_format_and_refusals(tmp_path: Path) -> None:
    e = Election.from_rankings(["A"], [(((0,),), 1)], seats=1, title="T")
    write(e, tmp_path / "x.txt", "json")
    assert read(tmp_path / "x.txt", "json").names == ("A",)
    with pytest.raises(FormatError, match="cannot write format 'dat'"):
        write(e, tmp_path / "x.dat")
    with pytest.raises(FormatError, match="cannot write format 'soi'"):
        write(e, tmp_path / "x.txt", "soi")


def test_one_suffix_table_serves_reading_folders_and_standard_input(tmp_path: Path) -> None:
    """``SUFFIXES`` is the only suffix table: every entry names a reader, every reader but the
    Irish layout (sniffed from ``.csv``) has one, a folder is searched for exactly these, and
    standard input is named with one for whatever format its first bytes imply."""
    from tellers.cli import _sniff_format

    assert set(SUFFIXES.values()) == set(FORMATS) - {"irish"}
    assert all(suffix_for(name) in SUFFIXES for name in FORMATS)
    assert suffix_for("irish") == ".csv"
    with pytest.raises(FormatError, match="unknown format 'xls'"):
        suffix_for("xls")
    for suffix in SUFFIXES:
        put(tmp_path, f"a{suffix.upper()}", "")
    put(tmp_path, "a.txt", "")
    assert {p.suffix.lower() for p in expand([tmp_path])} == set(SUFFIXES)
    heads = {
        b"PK\x03\x04": "nsw-raw",
        b"[]": "json",
        b"# FILE NAME: x\n": "soi",
        b"# DATA TYPE: toi\n": "toi",
        b"2 1\n": "blt",
        b"3 1 Ward\n": "dat",
        b"rank1,rank2\n": "csv",
    }
    for head, name in heads.items():
        sniffed = _sniff_format(head)
        assert sniffed == name
        assert SUFFIXES[suffix_for(sniffed)] == name
