"""Fuzzing the service's inputs, bounded for CI: roll files, ballot forms, uploaded rulebooks.

The checks are bench/fuzz_service.py's (which runs them under atheris for as long as asked);
here hypothesis feeds them a fixed number of examples each, from a fixed seed in CI.  The
property: only the documented refusals escape (RollFileError and other ServiceErrors,
TellersError such as FormatError, ValidationError), and what is accepted is sound.
Crashes the long runs found are the regression tests at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellers.rules.loader import shipped, shipped_path
from tellers.service.elections.models import Election, Organisation, RollEntry

_spec = importlib.util.spec_from_file_location(
    "fuzz_service", Path(__file__).resolve().parents[2] / "bench" / "fuzz_service.py"
)
assert _spec is not None and _spec.loader is not None
fuzz: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

pytestmark = pytest.mark.django_db

#: Examples per test: fixed for CI; TELLERS_FUZZ_SCALE=100 makes a long run on a quiet machine.
SCALE = int(os.environ.get("TELLERS_FUZZ_SCALE", "1"))

#: validate() only reads the database, so one election serves every example of a test.
ONCE = settings(
    max_examples=150 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER = fuzz.ROLL_HEADER.strip().split(",")

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "North",
            "n",
            "s",
            "SOUTH",
            "2020-01-20",
            "2020-01-21",
            "2021-02-30",
            "20200101",
            "yes",
            "no",
            "Y",
            "maybe",
            "0",
            "1",
            "-1",
            "1e3",
            "٣",
            "99999999999999999999999",
            "a@example.org",
            "A@Example.org",
            "b@example.org",
            "not an address",
            '"quoted"@example.org',
            "x" * 65,
            "y" * 201,
            '"',
            "\n",
            "\r",
            "\x00",
        ]
    ),
    st.text(max_size=20),
)


@pytest.fixture
def election(db: Any) -> Election:  # noqa: ARG001 (needs the database)
    """A draft election with two sections, a cut-off and one member already on the roll."""
    org = Organisation.objects.create(name="Fuzz", slug="fuzz")
    e = Election.objects.create(
        organisation=org,
        slug="fuzz",
        title="Fuzz",
        rulebook_id="fuzz",
        rulebook_toml="",
        office="fuzz",
        method="scottish-stv",
        seats=2,
        sections=[{"id": "n", "name": "North"}, {"id": "s", "name": "South"}],
        eligibility_cutoff=dt.date(2020, 1, 20),
    )
    RollEntry.objects.create(
        election=e, membership_number="1", name="A", email="a@example.org", section="n"
    )
    return e


@ONCE
@given(name=st.sampled_from(["roll.csv", "roll.xlsx", "roll"]), content=st.binary(max_size=600))
def test_roll_any_bytes(election: Election, name: str, content: bytes) -> None:
    fuzz.check_roll(election, name, content)


@ONCE
@given(
    header=st.one_of(st.just(HEADER), st.lists(st.sampled_from([*HEADER, "Name", "", "x"]))),
    rows=st.lists(st.lists(CELLS, max_size=9), max_size=12),
    well_formed=st.booleans(),
)
def test_roll_csv_text(
    election: Election, header: list[str], rows: list[list[str]], well_formed: bool
) -> None:
    if well_formed:
        buf = io.StringIO()
        csv.writer(buf).writerows([header, *rows])
        text = buf.getvalue()
    else:  # joined by hand: stray quotes and line breaks where a writer would escape them
        text = "\n".join(",".join(r) for r in [header, *rows])
    fuzz.check_roll(election, "roll.csv", text.encode("utf-8", "surrogatepass"))


@ONCE
@given(
    rows=st.lists(
        st.lists(
            st.one_of(
                CELLS,
                st.integers(),
                st.floats(allow_nan=True, allow_infinity=True),
                st.booleans(),
            ),
            max_size=9,
        ),
        max_size=10,
    )
)
def test_roll_workbook_cells(election: Election, rows: list[list[object]]) -> None:
    fuzz.check_roll(election, "roll.xlsx", fuzz.xlsx([HEADER, *rows]))


@ONCE
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8))
def test_roll_damaged_workbook(election: Election, edits: list[tuple[int, int]]) -> None:
    content = bytearray(fuzz.xlsx([HEADER, ["2", "B", "b@example.org", "n"]]))
    for at, byte in edits:
        content[at % len(content)] = byte
    fuzz.check_roll(election, "roll.xlsx", bytes(content))


@settings(max_examples=300 * SCALE, deadline=None)
@given(
    n=st.integers(1, 12),
    choice=st.booleans(),
    pairs=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from([f"c{i}" for i in range(14)] + ["choice", "c", ""]),
                st.text(max_size=4),
            ),
            st.one_of(
                st.sampled_from(["", "1", "2", "3", " 1 ", "01", "0", "-1", "1.5", "²", "١"]),
                st.integers(-3, 15).map(str),
                st.text(max_size=12),
            ),
        ),
        max_size=20,
    ),
)
def test_ballot_forms_any_post(n: int, choice: bool, pairs: list[tuple[str, str]]) -> None:
    fuzz.check_ballot_form(n, pairs, choice=choice)


@settings(max_examples=200 * SCALE, deadline=None)
@given(text=st.text(max_size=400))
def test_rulebook_any_text(text: str) -> None:
    fuzz.check_rulebook(text)


SHIPPED = [shipped_path(n).read_text(encoding="utf-8") for n in shipped()]
VALUES = st.one_of(
    st.sampled_from(
        ["0", "-1", "1e400", "nan", "inf", '""', "[]", "{}", "true", "2020-02-30", '"x"', "[1, 2]"]
    ),
    st.integers().map(str),
    st.text(max_size=12).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
)


@settings(max_examples=150 * SCALE, deadline=None)
@given(
    base=st.sampled_from(SHIPPED),
    ops=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 10_000), VALUES),
        min_size=1,
        max_size=5,
    ),
)
def test_rulebook_edited(base: str, ops: list[tuple[int, int, str]]) -> None:
    fuzz.check_rulebook(fuzz.mutate_lines(base, ops))


def test_the_checks_catch_what_they_should(
    election: Election, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness is not vacuous: refusals pass, sound results pass, anything else fails."""
    from tellers.service.ballots import forms
    from tellers.service.elections import roll

    fuzz.check_roll(election, "roll.csv", b"\xff\xfe")  # RollFileError: allowed
    good = "\n".join([",".join(HEADER), "2,B,b@example.org,North,2019-01-01,yes,2"])
    fuzz.check_roll(election, "roll.csv", good.encode())
    fuzz.check_ballot_form(3, [("c1", "1"), ("c2", "2")], choice=False)
    fuzz.check_rulebook(SHIPPED[0])
    fuzz.check_rulebook("[electorate\n")  # FormatError: allowed
    # A form that ranked a candidate twice, a reader that raised KeyError: both caught.
    monkeypatch.setattr(forms.RankingBallotForm, "ranking", lambda _self: [1, 1])
    with pytest.raises(AssertionError, match="ranked twice"):
        fuzz.check_ballot_form(3, [("c1", "1")], choice=False)

    def broken(*args: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(roll, "validate", broken)
    with pytest.raises(KeyError):
        fuzz.check_roll(election, "roll.csv", good.encode())


# --- regressions: what the fuzz runs found ------------------------------------------------


def test_a_number_too_long_for_its_box_is_named_in_the_summary() -> None:
    """Found by hypothesis (TELLERS_FUZZ_SCALE=20): eleven characters in a box failed the
    field's max_length, so the form was invalid with nothing in its summary: the ballot page
    had no error alert and no "Error:" in its title, only Django's words beside the box."""
    from django.http import QueryDict

    from tellers.service.ballots.forms import RankingBallotForm
    from tellers.service.elections.models import Candidate

    fuzz.check_ballot_form(2, [("c1", "1"), ("c2", "00000000000")], choice=False)
    candidates = [Candidate(name="Ann", position=1), Candidate(name="Bo", position=2)]
    form = RankingBallotForm(candidates, data=QueryDict("c1=1&c2=" + "9" * 40))
    assert not form.is_valid()
    assert form.summary == [("Bo: use a number from 1 to 2, or leave it blank.", "id_c2")]
    assert form.errors["c2"] == ["Bo: use a number from 1 to 2, or leave it blank."]
