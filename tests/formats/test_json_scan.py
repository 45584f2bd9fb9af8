"""Issue 15: the JSON reader's scan (ballots counted by their text, then decoded once each)
reads what the careful parser reads, and leaves everything else to the paths behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tellers.errors import FormatError
from tellers.formats import json_ballots
from tellers.formats.json_ballots import _load_fast, _load_scanned
from tellers.model import Election

HEAD = '{"title": "T", "seats": 2, "candidates": ["A", "B", {"name": "C", "party": "P"}],\n'


def _same(a: Election, b: Election) -> None:
    assert (a.candidates, a.ballots, a.seats, a.title, a.tie_order) == (
        b.candidates,
        b.ballots,
        b.seats,
        b.title,
        b.tie_order,
    )
    assert dict(a.options) == dict(b.options)


def _file(tmp_path: Path, ballots: str, head: str = HEAD) -> tuple[str, Path]:
    text = head + '"ballots": [\n' + ballots + "\n]}\n"
    path = tmp_path / "e.json"
    path.write_text(text, encoding="utf-8")
    return text, path


SCANNED = {
    "as dumps writes them": (
        '{"ranking": [["A"], ["B", "C"], []], "count": 3},\n'
        '{"ranking": [["C"]], "count": 1},\n{"ranking": [], "count": 2}'
    ),
    "shorthand names and no count": '{"ranking": ["A", ["B"], "C"]},\n{"ranking": ["B"]}',
    # One ranking written three ways is one ballot, listed where it first came.
    "the same ranking spaced otherwise": (
        '{"ranking": ["B"]}, {"ranking":[["A"],"C"]},{ "ranking" : [ [ "A" ] , "C" ] , '
        '"count" : 4 },\n\t{"ranking": ["B"], "count": 2}'
    ),
    # Listed where it first had papers, as Election.from_rankings merges.
    "a count of 0 first": '{"ranking": ["C"], "count": 0}, {"ranking": ["A"]}, {"ranking": ["C"]}',
    "an escape in a name": '{"ranking": ["\\u0041", ["B"]]}, {"ranking": ["A", "B"], "count": 2}',
    "brackets and commas in names": '{"ranking": ["A"]}',
    "no ballots": "",
}


@pytest.mark.parametrize("ballots", SCANNED.values(), ids=SCANNED.keys())
def test_the_scan_reads_what_the_careful_parser_reads(tmp_path: Path, ballots: str) -> None:
    head = HEAD
    if ballots == SCANNED["brackets and commas in names"]:
        head = '{"candidates": ["A", "B [x], \\"y\\"", "C, ["],\n'
        ballots = '{"ranking": ["A", ["B [x], \\"y\\""], "C, ["]}, {"ranking": ["C, ["]}'
    text, path = _file(tmp_path, ballots, head)
    scanned = _load_scanned(text, path)
    assert scanned is not None
    _same(scanned, json_ballots.loads(text, path=path))
    _same(scanned, _load_fast(text, path) or json_ballots.loads(text, path=path))


ELSEWHERE = {
    # Keys in another order, a count that is not plain, ballots not last, braces in a name,
    # the word "ballots" in a title: read by the C decoder's path instead, alike.
    "count first": '{"count": 2, "ranking": ["A"]}',
    "a brace in a name": '{"ranking": ["A}"]}, {"ranking": ["A"]}',
}


@pytest.mark.parametrize("ballots", ELSEWHERE.values(), ids=ELSEWHERE.keys())
def test_what_the_scan_does_not_take_is_read_alike(tmp_path: Path, ballots: str) -> None:
    head = HEAD
    if "A}" in ballots:
        head = '{"candidates": ["A", "A}", "B, {x}"],\n'
        ballots = '{"ranking": ["A}"]}, {"ranking": [["B, {x}"], "A"]}, {"ranking": ["A}"]}'
    text, path = _file(tmp_path, ballots, head)
    assert _load_scanned(text, path) is None
    _same(json_ballots.load(path), json_ballots.loads(text, path=path))


def test_ballots_not_last_or_named_in_a_title_are_read_alike(tmp_path: Path) -> None:
    for text in (
        '{"ballots": [{"ranking": ["A"]}], "candidates": ["A", "B"]}',
        '{"title": "the \\"ballots\\": [", "candidates": ["A"], "ballots": [{"ranking": ["A"]}]}',
        '{"title": "ballots", "candidates": ["A"], "ballots": [{"ranking": ["A"]}]}',
    ):
        path = tmp_path / "e.json"
        path.write_text(text, encoding="utf-8")
        careful = json_ballots.loads(text, path=path)
        scanned = _load_scanned(text, path)
        if scanned is not None:  # an escaped quote before the word cannot open a key
            assert '\\"ballots' in text
            _same(scanned, careful)
        _same(json_ballots.load(path), careful)


FAULTS = {
    "a key twice": '{"ranking": ["A"], "ranking": ["B"]}',
    "a trailing comma": '{"ranking": ["A"]},',
    "no comma": '{"ranking": ["A"]} {"ranking": ["B"]}',
    "a bad escape": '{"ranking": ["\\q"]}',
    "a name not a candidate": '{"ranking": ["Z"]}',
    # Read by the scan, and by the C decoder's path too since this change: a ballot of no
    # papers still names candidates.
    "a name not a candidate, on no papers": '{"ranking": ["A"]}, {"ranking": ["Z"], "count": 0}',
    "a count of 20 digits": '{"ranking": ["A"], "count": 10000000000000000000}',
    "too many papers": '{"ranking": ["A"], "count": 9223372036854775807}, {"ranking": ["B"]}',
    "a float": '{"ranking": ["A"], "count": 1.0}',
    "an object for a rank": '{"ranking": [{"ranking": ["A"]}]}',
    "a rank nested too deep": '{"ranking": [[["A"]]]}',
    "a raw newline in a name": '{"ranking": ["A\nB"]}',
}


@pytest.mark.parametrize("ballots", FAULTS.values(), ids=FAULTS.keys())
def test_every_fault_is_named_by_the_careful_parser(tmp_path: Path, ballots: str) -> None:
    """The scan and the C decoder's path leave each fault to the careful parser, which
    names its line: the message is the same whichever path the file first tried."""
    text, path = _file(tmp_path, ballots)
    assert _load_scanned(text, path) is None
    assert _load_fast(text, path) is None
    with pytest.raises(FormatError) as careful:
        json_ballots.loads(text, path=path)
    with pytest.raises(FormatError) as read:
        json_ballots.load(path)
    assert str(read.value) == str(careful.value)
    assert read.value.line is not None and read.value.line >= 2


def test_a_million_ballots_decode_once_per_distinct_ranking(tmp_path: Path) -> None:
    """20,000 ballots of 2 rankings: the scan decodes 2 texts, not 20,000 objects."""
    ballots = ",\n".join(
        json.dumps({"ranking": [["A"], ["B"]] if i % 3 else ["C"], "count": 1 + i % 2})
        for i in range(20_000)
    )
    text, path = _file(tmp_path, ballots)
    scanned = _load_scanned(text, path)
    assert scanned is not None
    _same(scanned, json_ballots.loads(text, path=path))
    # i % 3 == 0 for 6,667 of them, half of those with a count of 2.
    assert [b.weight for b in scanned.ballots] == [6667 + 3333, 13333 + 6667]
