"""Every shipped rulebook loads; a bad rulebook names its file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellers.errors import FormatError
from tellers.methods import REGISTRY
from tellers.rules.loader import load, loads, resolve, shipped, shipped_path

EXPECTED = {
    "conservative-leader-2019",
    "green-leader-2021",
    "labour-leader-2015",
    "labour-leader-2016",
    "labour-leader-2020",
    "labour-leader-2021",
    "labour-trigger-2018",
    "labour-trigger-2021",
    "labour-westminster-selection",
    "libdem-leader",
    "union-national-executive",
}


def test_everything_the_issue_lists_is_shipped() -> None:
    """Labour 2015/2016/2020/2021, triggers, selection, Lib Dem, Conservative, Green, union."""
    assert set(shipped()) >= EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shipped_rulebook_loads_and_cites_sources(name: str) -> None:
    """Each rulebook validates, its id is its file name, and it cites what it relies on."""
    book = load(name)
    assert book.id == name
    assert book.sources
    for office in book.offices.values():
        REGISTRY.get(office.method)
    # Every unconfirmed statement explains itself.
    assert all(note.strip() for _, note in book.unconfirmed())


def test_specific_rules() -> None:
    """Spot checks of facts the rulebooks encode."""
    lab = load("labour-leader-2020")
    assert [s.id for s in lab.stages_for("leader", "vacancy")] == ["plp", "clp-or-affiliates"]
    aff = lab.stages[1].routes[1]
    assert [c.at_least for c in aff.conditions[:2]] == [3, 2]
    assert aff.conditions[1].category == "trade_union"
    ld = load("libdem-leader")
    assert ld.stages[0].routes[0].conditions[0].exclude_candidate
    assert ld.nominations.self_nomination is False
    con = load("conservative-leader-2019")
    assert con.exhaustive_ballot is not None
    assert con.exhaustive_ballot.threshold(1) == 17
    assert con.exhaustive_ballot.threshold(2) == 33
    assert con.exhaustive_ballot.threshold(3) is None
    assert load("labour-trigger-2021").trigger_ballot.combine == "all"  # type: ignore[union-attr]
    assert load("union-national-executive").ballot.duties  # type: ignore[union-attr]


def test_resolve_by_path_or_name() -> None:
    """A path is used as given; a name finds the shipped file; a near miss is suggested."""
    assert resolve("labour-leader-2020") == shipped_path("labour-leader-2020")
    assert resolve(str(shipped_path("libdem-leader"))) == shipped_path("libdem-leader")
    with pytest.raises(FormatError, match="did you mean 'labour-leader-202"):
        resolve("labour-leader-2002")


GOOD = shipped_path("labour-leader-2020").read_text(encoding="utf-8")


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), start=1) if fragment in ln)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('share = "10%"', "share = 0.1", "as a string"),
        ('share = "5%", rounding', 'share = "5 percent", rounding', "cannot read the share"),
        ('category = "trade_union"', 'category = "trade_unoin"', "did you mean 'trade_union'"),
        ('membership_share = "5%" }', 'membership_share = "5%", at_least = 2 }', "exactly one"),
        ('method = "av"\neligibility', 'method = "avv"\neligibility', "unknown method 'avv'"),
        ("closes = 2020-02-14", "closez = 2020-02-14", "unknown key 'closez'"),
        ('requires = ["plp"]', 'requires = ["plpx"]', "not an earlier stage"),
        ("size = 648", 'size = "648"', "valid integer"),
        ('cite = ["labour-faq-2020", ', 'cite = ["labour-faq-2021", ', "unknown source"),
        ('rounding = "up" }]\n\n[[stages]]', 'rounding = "upward" }]\n\n[[stages]]', "'up'"),
        ('body = "clp", share', 'body = "clps", share', "unknown body 'clps'"),
    ],
)
def test_bad_rulebook_names_file_line_and_problem(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    """Schema errors point at the line that holds the offending key."""
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as info:
        load(bad)
    err = info.value
    assert err.path == str(bad)
    assert err.line == _line_of(text, new.splitlines()[0].strip())
    assert problem in err.problem
    assert str(err).startswith(f"{bad}:{err.line}: ")


def test_missing_key_points_at_its_table() -> None:
    """A missing required key names the table's header line."""
    text = GOOD.replace('name = "Leader"\n', "", 1)
    with pytest.raises(FormatError, match="missing required key 'name'") as info:
        loads(text, path="x.toml")
    assert info.value.line == _line_of(text, "[offices.leader]")


def test_unconfirmed_without_note_is_refused() -> None:
    """confirmed = false must say what could not be confirmed."""
    text = GOOD.replace('name = "Leader"\n', 'name = "Leader"\nconfirmed = false\n', 1)
    with pytest.raises(FormatError, match="needs a note") as info:
        loads(text, path="x.toml")
    assert info.value.line == _line_of(text, "[offices.leader]")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("schema = 1\nschema = 2\n", 2, "not valid TOML"),
        ('schema = 1\ntitle = "open\n', 2, "not valid TOML"),
        ("schema = 2\n", 1, "schema 1"),
    ],
)
def test_syntax_errors_carry_tomllib_lines(text: str, line: int, problem: str) -> None:
    """TOML syntax errors keep tomllib's line number."""
    with pytest.raises(FormatError, match=problem) as info:
        loads(text, path="x.toml")
    assert info.value.line == line


def test_missing_file() -> None:
    """A file that does not exist and is not a shipped name is an error naming it."""
    with pytest.raises(FormatError, match="no such file"):
        load("/nonexistent/rules.toml")
