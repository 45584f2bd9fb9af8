"""BLT reader and writer: small hand-checked files, the Droop and Scottish archives, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.formats import blt, read
from tellers.model import Ballot, Candidate, Election

from ._helpers import fails_at, put, shared

SIMPLE = """\
3 2
4 1 2 0
2 3 0
1 2=3 1 0
1 1 - 2 0
3 1 2 0
0
"Castor"
"Pollux"
"Helen"
"Pollux and Helen should tie"
"""


def test_simple_file(tmp_path: Path) -> None:
    e = blt.load(put(tmp_path, "x.blt", SIMPLE))
    assert e.names == ("Castor", "Pollux", "Helen")
    assert e.seats == 2
    assert e.title == "Pollux and Helen should tie"
    # '4 1 2 0' and '3 1 2 0' merge; '2=3' is one rank holding both; '-' is a skipped rank.
    assert e.ballots == (
        Ballot(((0,), (1,)), 7),
        Ballot(((2,),), 2),
        Ballot(((1, 2), (0,)), 1),
        Ballot(((0,), (), (1,)), 1),
    )
    assert e.total_weight == 11
    assert e.withdrawn == frozenset()
    assert e.source == str(tmp_path / "x.blt")


def test_withdrawn_line(tmp_path: Path) -> None:
    e = blt.load(put(tmp_path, "w.blt", '3 1\n-2 -3\n5 1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n'))
    assert e.withdrawn == frozenset({1, 2})
    assert [c.withdrawn for c in e.candidates] == [False, True, True]


def test_option_lines(tmp_path: Path) -> None:
    text = '3 2\n[nick a b c]\n[tie 3 2 1 ]\n[withdrawn c]\n5 a b=c 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    e = blt.load(put(tmp_path, "o.blt", text))
    assert e.options == {"nick": "a b c", "tie": "3 2 1", "withdrawn": "c"}
    assert e.tie_order == (2, 1, 0)
    assert e.withdrawn == frozenset({2})
    assert e.ballots == (Ballot(((0,), (1, 2)), 5),)


def test_doubled_quotes_and_separate_party(tmp_path: Path) -> None:
    text = '2 1\n1 1 0\n0\n"Ann A ""Red Party"""\n"Bob B" "Blue Party"\nWard 1 - Somewhere\n'
    e = blt.load(put(tmp_path, "q.blt", text))
    # Both Scottish spellings give the same shape of name, with the party pulled out.
    assert e.candidates == (
        Candidate('Ann A "Red Party"', "Red Party"),
        Candidate('Bob B "Blue Party"', "Blue Party"),
    )
    assert e.title == "Ward 1 - Somewhere"


def test_alternative_name_comments(tmp_path: Path) -> None:
    text = (
        "2 1\n3 2 1 0\n0\n"
        "# ALTERNATIVE NAME 1: Gary (Ind)\n# ALTERNATIVE NAME 2: Ann (Lab)\nCalton\n"
    )
    e = blt.load(put(tmp_path, "g.blt", text))
    assert e.names == ("Gary (Ind)", "Ann (Lab)")
    assert e.title == "Calton"
    assert e.ballots == (Ballot(((1,), (0,)), 3),)


def test_droop_source_comment_and_notes(tmp_path: Path) -> None:
    text = '2 1\n1 1 0\n0\n"A"\n"B"\n"Title"\n"Source"\n"Comment"\n\nA: 1 vote\n'
    assert blt.load(put(tmp_path, "d.blt", text)).title == "Title"


def test_bom_and_crlf(tmp_path: Path) -> None:
    text = '\ufeff2 1\r\n1 2 0\r\n0\r\n"Å"\r\n"B"\r\n"Tïtle"\r\n'
    e = blt.load(put(tmp_path, "b.blt", text))
    assert e.names == ("Å", "B")
    assert e.title == "Tïtle"


def test_round_trip(tmp_path: Path) -> None:
    e = blt.load(put(tmp_path, "x.blt", SIMPLE))
    path = tmp_path / "y.blt"
    blt.write(e, path)
    again = blt.load(path)
    assert (again.candidates, again.ballots, again.seats, again.title) == (
        e.candidates,
        e.ballots,
        e.seats,
        e.title,
    )
    quoted = Election.from_rankings(['Ann "Red"', "Bob"], [(((0,), (1,)), 2)], seats=1, title="T")
    again = blt.loads(blt.dumps(quoted))
    assert again.names == quoted.names
    assert again.candidates[0].party == "Red"


# --- real files -------------------------------------------------------------------------------


@pytest.mark.shared_data
def test_droop_tie_option() -> None:
    e = read(shared("droop", "blt", "42t.blt"))
    assert e.options == {"tie": "3 2 1"}
    assert e.tie_order == (2, 1, 0)
    again = blt.loads(blt.dumps(e))
    assert (again.tie_order, again.ballots, again.names) == (e.tie_order, e.ballots, e.names)
    assert e.names == ("Castor", "Pollux", "Helen")
    assert e.ballots == (Ballot(((0,), (1,)), 4), Ballot(((2,),), 2))


@pytest.mark.shared_data
def test_droop_withdrawn_option_matches_withdrawn_line() -> None:
    opt = read(shared("droop", "blt", "SCwopt.blt"))
    line = read(shared("droop", "blt", "SCw.blt"))
    assert opt.withdrawn == line.withdrawn == frozenset({3})
    assert opt.ballots == line.ballots
    assert opt.title == "GPUS Steering Committee Election 2005-07-24"


@pytest.mark.shared_data
def test_droop_equal_ranks_with_nicknames() -> None:
    e = read(shared("droop", "blt", "meek", "eq1.blt"))
    assert e.ballots == (
        Ballot(((0,), (1,)), 5),
        Ballot(((1, 2),), 1),
        Ballot(((2,),), 3),
    )


@pytest.mark.shared_data
def test_droop_bom_matches_plain_utf8() -> None:
    bom = read(shared("droop", "blt", "42ubom.blt"))
    plain = read(shared("droop", "blt", "42u.blt"))
    assert bom.names == plain.names == ("Cåstor", "Pøllüx", "Hélen")
    assert bom.title == plain.title == "Pøllüx and Hélen should tie"
    assert bom.ballots == plain.ballots


@pytest.mark.shared_data
def test_droop_title_source_and_notes() -> None:
    # Droop's own report calls this election 'M135: Gen v1.1 1 3 45'; two quoted lines and
    # unquoted notes follow the title.
    e = read(shared("droop", "blt", "M135.blt"))
    assert e.title == "M135: Gen v1.1 1 3 45"
    assert len(e.candidates) == 25
    assert e.seats == 7
    assert e.total_weight == 679  # Droop's 677 leaves out the two empty papers
    assert e.ballots[1] == Ballot(((0,), (6,)), 2)


@pytest.mark.shared_data
def test_scottish_doubled_quotes() -> None:
    e = read(shared("scotland", "blt", "10_cands", "aberdeen_2022_ward6.blt"))
    archer = e.candidates[e.index('Vish ARCHER "Scottish Conservative and Unionist (Con)"')]
    assert archer.party == "Scottish Conservative and Unionist (Con)"
    assert e.title == "Tillydrone-Seaton-Old Aberdeen Ward"


@pytest.mark.shared_data
def test_scottish_ward_name_as_title() -> None:
    e = read(shared("scotland", "blt", "4_cands", "aberdeenshire_2022_ward6.blt"))
    assert e.title == "Ward 6 - Peterhead South and Cruden"
    assert e.candidates[0] == Candidate(
        'George HALL "Scottish Conservative and Unionist"', "Scottish Conservative and Unionist"
    )
    assert e.total_weight == 3395


@pytest.mark.shared_data
def test_glasgow_2007_names_from_comments() -> None:
    e = read(shared("scotland", "blt", "10_cands", "glasgow_2007_calton.blt"))
    assert e.names[0] == "Gary Barton (Ind)"
    assert e.names[-1] == "Alison E Thewliss (SNP)"
    assert e.title == "Calton ward"
    assert e.seats == 3


@pytest.mark.shared_data
def test_whole_archive_loads() -> None:
    files = sorted(shared("scotland", "blt").glob("*/*.blt"))
    files += sorted(shared("droop", "blt").glob("**/*.blt"))
    assert len(files) == 1149
    broken = shared("scotland", "blt", "5_cands", "perth_kinross_2016_by_election_ward9.blt")
    for f in files:
        if f == broken:
            continue
        e = read(f)
        assert e.title and e.candidates and e.seats
        if "droop" not in f.parts:
            assert len(e.candidates) == int(f.parent.name.split("_")[0])
    # This one was exported through a spreadsheet: every line ends in a stray comma and one
    # name is split by a comma.  It is rejected, not guessed at.
    fails_at(read, broken, 1, "number of seats")


# --- malformed input --------------------------------------------------------------------------

GOOD = '2 1\n3 1 2 0\n1 2 0\n0\n"A"\n"B"\n"Title"\n'


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        ('2 1\n3 1 2 0\n1 2 0\n0\n"A"\n', 5, "after 1 of 2 candidate names"),
        ("2 1\n3 1 2 0\n1 2", 3, "must end with 0"),
        ("2 1\n3 1 2 0\n1 2 0\n", 3, "before the '0' line"),
        ('2 1\n3 1 2 0\n1 2 0\n0\n"A"\n"B"\n', 6, "before the title"),
        # The header promises three candidates; only two names and a title follow.
        ('3 1\n3 1 2 0\n0\n"A"\n"B"\n"T"\n', 6, "before the title"),
        ("9" * 30 + ' 1\n3 1 2 0\n0\n"A"\n"B"\n"T"\n', 6, "after 3 of 9999"),
        ('2 1\n3 1 3 0\n0\n"A"\n"B"\n"T"\n', 2, "out of range 1..2"),
        ('2 1\n3 1 0\n-1 2 0\n0\n"A"\n"B"\n"T"\n', 3, "ballot weight -1 is below 0"),
        ('2 1\n3 1 0\nx 2 0\n0\n"A"\n"B"\n"T"\n', 3, "ballot weight 'x'"),
        ('2 1\n3 1 0\n1.5 2 0\n0\n"A"\n"B"\n"T"\n', 3, "not a whole number"),
        ('2 1\n3 1 0\n0\n"A"\n"A"\n"T"\n', 5, "appears twice"),
        ('2 1\n3 1 0\n0\n"A\n"B"\n"T"\n', 4, "unterminated"),
        ('2 1\n3 1 0\n0\n"A"x"\n"B"\n"T"\n', 4, "stray quote"),
        ("2\n", 1, "first line"),
        ("0 1\n", 1, "below 1"),
        ("2 1\n[nick a]\n", 2, r"\[nick\]"),
        ("2 1\n[tie 1 2\n", 2, "unterminated option"),
        ("2 1\n[tie 1 1]\n", 2, r"\[tie\] must list each"),
        ("9" * 30 + " 1\n[tie 1 2]\n", 2, r"\[tie\] must list each"),
        ("2 1\n-1 2\n", 2, "only negative numbers"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\nWard\nMore\n', 7, "after the title"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\n"S"\n"C"\n"X"\n', 9, "after the title, source"),
        ("# only a comment\n", 1, "empty"),
        ("", 1, "empty"),
        ("  \n\n", 1, "empty"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, match: str) -> None:
    fails_at(blt.load, put(tmp_path, "bad.blt", text), line, match)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.blt", GOOD.encode().replace(b'"B"', b'"\xff"'))
    fails_at(blt.load, path, 6, "not valid UTF-8")


def test_invalid_utf8_after_bom(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.blt", b"\xef\xbb\xbf" + GOOD.encode().replace(b"3 1", b"3 \xc3"))
    err = fails_at(blt.load, path, 2, "byte 0xc3")
    assert "offset 9" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    fails_at(blt.load, tmp_path / "nope.blt", None, "no such file")
