"""JSON election reader and writer: hand-checked files, exact round trips, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tellers.errors import FormatError
from tellers.formats import json_ballots, read, write
from tellers.model import Ballot, Candidate, Election

from ._helpers import fails_at, put, shared

SIMPLE = """\
{
  "title": "Committee 2024",
  "seats": 2,
  "candidates": [
    {"name": "Alice", "party": "Red"},
    {"name": "Bob", "withdrawn": true},
    "Carol"
  ],
  "ballots": [
    {"ranking": [["Alice"], ["Bob", "Carol"], []], "count": 3},
    {"ranking": ["Carol", "Alice"]},
    {"ranking": [["Alice"], ["Bob", "Carol"], []], "count": 2},
    {"ranking": [], "count": 0}
  ]
}
"""


def test_simple_file(tmp_path: Path) -> None:
    e = json_ballots.load(put(tmp_path, "c.json", SIMPLE))
    assert e.title == "Committee 2024"
    assert e.seats == 2
    assert e.candidates == (
        Candidate("Alice", "Red"),
        Candidate("Bob", withdrawn=True),
        Candidate("Carol"),
    )
    assert e.ballots == (
        Ballot(((0,), (1, 2), ()), 5),
        Ballot(((2,), (0,)), 1),
    )
    assert e.options == {}


def test_defaults(tmp_path: Path) -> None:
    e = json_ballots.load(put(tmp_path, "d.json", '{"candidates": [], "ballots": []}'))
    assert (e.title, e.seats, e.candidates, e.ballots) == ("d", None, (), ())


def _same(a: Election, b: Election) -> None:
    assert a.candidates == b.candidates
    assert a.ballots == b.ballots
    assert (a.seats, a.title, dict(a.options)) == (b.seats, b.title, dict(b.options))
    assert a.tie_order == b.tie_order


def test_round_trip(tmp_path: Path) -> None:
    e = Election.from_rankings(
        [Candidate("Zoë", "Grün"), Candidate('Say "hi"', withdrawn=True), Candidate("x\ny")],
        [(((2, 0), (), (1,)), 3), ((), 1), (((1,),), 7)],
        seats=1,
        title="Tïtle",
        options={"tie": "3 2 1"},
        tie_order=(2, 0, 1),
    )
    path = tmp_path / "e.json"
    json_ballots.write(e, path)
    json.loads(path.read_text(encoding="utf-8"))  # the writer's output is plain JSON
    _same(json_ballots.load(path), e)


@pytest.mark.shared_data
def test_round_trip_of_real_elections(tmp_path: Path) -> None:
    for parts in (
        ("droop", "blt", "SCwopt.blt"),
        ("droop", "blt", "meek", "eq2.blt"),
        ("droop", "blt", "42t.blt"),
    ):
        e = read(shared(*parts))
        path = tmp_path / "r.json"
        write(e, path)
        _same(read(path), e)


def test_empty_election_round_trips() -> None:
    e = Election.from_rankings([], [])
    _same(json_ballots.loads(json_ballots.dumps(e)), e)


GOOD = """\
{
  "seats": 1,
  "candidates": ["A", "B"],
  "ballots": [
    {"ranking": [["A"], ["B"]], "count": 2},
    {"ranking": [["B"]]}
  ]
}
"""


def _swap(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        # Truncated: the file stops inside the ballots list.
        (GOOD[: GOOD.index('{"ranking": [["B"]]')], 6, "file ends"),
        (GOOD[: GOOD.index("]]}") + 1], 6, "expected ',' or ']'"),
        (_swap('"count": 2', '"count": -2'), 5, "'count' is -2, below 0"),
        (_swap('"count": 2', '"count": "2"'), 5, "'count' must be a whole number"),
        (_swap('"count": 2', '"count": 2.0'), 5, "'count' must be a whole number"),
        (_swap('"count": 2', '"count": true'), 5, "'count' must be a whole number"),
        (_swap('[["B"]]}', '[["C"]]}'), 6, "'C', who is not a candidate"),
        (_swap('["A", "B"]', '["A", "A"]'), 3, "'A' appears twice"),
        (_swap('"seats": 1', '"seats": 0'), 2, "'seats' is 0"),
        (_swap('"count": 2', '"count": 2, "count": 3'), 5, "given twice"),
        (_swap('"count": 2', '"weight": 2'), 5, "unknown key 'weight'"),
        (_swap('"ballots"', '"ballot"'), 4, "unknown key 'ballot'"),
        (_swap('["A", "B"]', '[{"party": "X"}, "B"]'), 3, "has no 'name'"),
        (_swap('["A", "B"]', '[{"name": "A", "withdrawn": 1}, "B"]'), 3, "true or false"),
        (_swap('[["B"]]', "[[2]]"), 6, "not a candidate name"),
        (_swap('[["B"]]', "[{}]"), 6, "each rank must be a list"),
        (_swap('[["B"]]}', '"B"}'), 6, "'ranking' must be a list"),
        (_swap('["A", "B"]', '["A", "B",]'), 3, "unexpected character ']'"),
        (_swap("\n}\n", "\n}\n{}\n"), 9, "text after the end"),
        (_swap('"A"', '"A\\q"'), 3, "bad escape"),
        (_swap('"seats": 1', '"tie_order": ["B"]'), 2, "every candidate exactly once"),
        (_swap('"seats": 1', '"tie_order": ["B", "B"]'), 2, "every candidate exactly once"),
        (_swap('"seats": 1', '"tie_order": [2, 1]'), 2, "list of candidate names"),
        ("[1, 2]\n", 1, "one JSON object"),
        ("\n\n" + "[" * 100, 3, "nested more than"),
        ('{"candidates": [], "ballots": [], "n": 1' + "9" * 5000 + "}", 1, "too long"),
        ("", 1, "empty"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, match: str) -> None:
    fails_at(json_ballots.load, put(tmp_path, "bad.json", text), line, match)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.json", GOOD.encode().replace(b'"B"]', b'"\xc3("]'))
    fails_at(json_ballots.load, path, 3, "not valid UTF-8")


def test_the_fast_path_reads_what_the_careful_parser_reads(tmp_path: Path) -> None:
    """Issue 15: the C decoder's path (merging as it decodes) reads what the careful one reads."""
    from tellers.formats.json_ballots import _load_fast

    text = (
        '{"title": "T", "seats": 2, "options": {"tie": "x"}, "tie_order": ["B", "A", "C"],\n'
        '"candidates": ["A", {"name": "B", "party": "P"}, {"name": "C", "withdrawn": true}],\n'
        '"ballots": [{"ranking": ["A", ["B", "C"], []]}, {"count": 3, "ranking": [["B"]]},\n'
        '{"ranking": [["A"], ["B", "C"], []], "count": 2}, {"ranking": ["C"], "count": 0}]}\n'
    )
    path = tmp_path / "e.json"
    fast = _load_fast(text, path)
    careful = json_ballots.loads(text, path=path)
    assert fast is not None
    assert (fast.candidates, fast.ballots, fast.seats, fast.title, fast.tie_order) == (
        careful.candidates,
        careful.ballots,
        careful.seats,
        careful.title,
        careful.tie_order,
    )
    assert dict(fast.options) == dict(careful.options)
    # A: 1 + 2 papers merged; B: 3; the count-0 ballot dropped.
    assert [b.weight for b in fast.ballots] == [3, 3]


@pytest.mark.parametrize(
    "text",
    [
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "ranking": ["A"]}]}',
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "count": 1.0}]}',
        '{"candidates": ["A"], "ballots": [{"ranking": ["A"], "count": NaN}]}',
        '{"candidates": ["A"], "ballots": [{"ranking": ["Z"]}]}',
        '{"candidates": ["A"], "ballots": [{"ranking": [[["A"]]]}]}',
        '{"candidates": ["A"], "ballots": [{"ranking": [{"ranking": ["A"]}]}]}',
        '{"candidates": ["A"], "options": {"ranking": ["A"]}, "ballots": []}',
        '{"candidates": ["A"], "ballots": [{"ranking": "A"}]}',
        '{"candidates": ["A", "A"], "ballots": []}',
        '{"candidates": ["A"], "ballots": [], "x": 1}',
    ],
)
def test_the_fast_path_leaves_every_fault_to_the_careful_parser(text: str, tmp_path: Path) -> None:
    from tellers.formats.json_ballots import _load_fast

    assert _load_fast(text, tmp_path / "e.json") is None
    with pytest.raises(FormatError):
        json_ballots.loads(text, path=tmp_path / "e.json")
