#!/usr/bin/env python3
"""Fuzz the ballot service's inputs with atheris: roll files, ballot forms, rulebooks.

Three targets, each the service's own code on whatever bytes the fuzzer makes:

- ``roll``: ``elections.roll.validate`` on a roll file as an organiser would upload it:
  raw bytes (CSV or, with the ``PK`` signature or an ``.xlsx`` name, a workbook), CSV text
  under a valid header, or a workbook built from fuzzed cells;
- ``ballot``: ``RankingBallotForm`` / ``ChoiceBallotForm`` on arbitrary POST data (any keys,
  any values, repeated keys) for a fuzzed number of candidates;
- ``rulebook``: ``tellers.rules.loads`` on arbitrary TOML text, and on a shipped rulebook
  with lines dropped, duplicated or spliced in (the uploaded-rulebook path).

The property: nothing escapes but the documented refusals (``RollFileError`` and the other
``ServiceError``\\s, ``tellers.errors.TellersError`` such as ``FormatError``, Django's
``ValidationError``), and what is accepted is sound (a valid ballot form gives a ranking of
distinct candidates; a roll report's accepted rows have every required field).  Anything
else is a crash: atheris stops and writes the input to ``crash-*``.

    python bench/fuzz_service.py roll -max_total_time=600
    python bench/fuzz_service.py ballot -runs=100000
    python bench/fuzz_service.py rulebook -max_total_time=600 corpus/rulebook/

Arguments after the target go to libFuzzer.  The roll target needs a database: the script
migrates a fresh SQLite file in a temporary TELLERS_DATA_DIR first (a few seconds).
``tests/service/test_fuzz_service.py`` runs the same checks in CI with hypothesis, a fixed
number of examples each.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

__all__ = [
    "ACCEPTED",
    "check_ballot_form",
    "check_roll",
    "check_rulebook",
    "mutate_lines",
    "xlsx",
]


def _accepted() -> tuple[type[BaseException], ...]:
    from django.core.exceptions import ValidationError

    from tellers.errors import TellersError
    from tellers.service.errors import ServiceError

    return (ServiceError, TellersError, ValidationError)


#: The refusals the service documents; anything else escaping a target is a bug.
ACCEPTED: Callable[[], tuple[type[BaseException], ...]] = _accepted


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    """The smallest workbook holding ``rows`` (inline strings, numbers and booleans)."""

    def cell(ref: str, v: object) -> str:
        if isinstance(v, bool):
            return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v!r}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    def col(j: int) -> str:
        name = ""
        j += 1
        while j:
            j, r = divmod(j - 1, 26)
            name = chr(65 + r) + name
        return name

    body = "".join(
        f'<row r="{i}">'
        + "".join(cell(f"{col(j)}{i}", v) for j, v in enumerate(r) if v != "")
        + "</row>"
        for i, r in enumerate(rows, start=1)
    )
    ns = "http://schemas.openxmlformats.org"
    office = f"{ns}/officeDocument/2006/relationships"
    main = f"{ns}/spreadsheetml/2006/main"
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    head = '<?xml version="1.0"?>'

    def rel(kind: str, target: str) -> str:
        return (
            f'{head}<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{office}/{kind}" Target="{target}"/></Relationships>'
        )

    files = {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml"'
            f' ContentType="{sml}.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": rel("officeDocument", "xl/workbook.xml"),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{main}" xmlns:r="{office}"><sheets>'
            '<sheet name="Roll" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": rel("worksheet", "worksheets/sheet1.xml"),
        "xl/worksheets/sheet1.xml": (
            f'{head}<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>'
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def check_roll(election: Any, filename: str, content: bytes) -> None:
    """Validate a roll file; only the documented refusals may escape, and what is accepted
    must be a whole member (every required field, a known section, a weight of at least 1)."""
    from tellers.service.elections.roll import validate

    try:
        report = validate(election, filename, content)
    except ACCEPTED():
        return
    sections = {s["id"] for s in election.sections}
    assert report.total == len(report.accepted) + len(report.rejections), report.total
    numbers = [m.membership_number for m in report.accepted]
    assert len(set(numbers)) == len(numbers), "a membership number accepted twice"
    emails = [m.email.lower() for m in report.accepted]
    assert len(set(emails)) == len(emails), "an address accepted twice"
    for m in report.accepted:
        assert m.membership_number and m.name and m.email, m
        assert m.section in sections, m
        assert m.weight >= 1, m
        assert len(m.membership_number) <= 64 and len(m.name) <= 200, m
    for r in report.rejections:
        assert isinstance(r["line"], int) and r["reason"], r


def check_ballot_form(n: int, pairs: Sequence[tuple[str, str]], *, choice: bool) -> None:
    """Bind a ballot form for ``n`` candidates to arbitrary POST ``pairs``: a valid form gives
    a non-empty ranking of distinct candidates; an invalid one says why in its summary."""
    from django.http import QueryDict

    from tellers.service.ballots.forms import ChoiceBallotForm, RankingBallotForm
    from tellers.service.elections.models import Candidate

    candidates = [Candidate(name=f"Candidate {i}", position=i) for i in range(1, n + 1)]
    data = QueryDict(mutable=True)
    for k, v in pairs:
        data.appendlist(k, v)
    cls = ChoiceBallotForm if choice else RankingBallotForm
    form = cls(candidates, data=data)
    try:
        valid = form.is_valid()
    except ACCEPTED():
        return
    if valid:
        ranking = form.ranking()
        assert ranking, "a valid ballot with no preference"
        assert len(set(ranking)) == len(ranking), f"a candidate ranked twice: {ranking}"
        assert set(ranking) <= {c.position for c in candidates}, ranking
        if choice:
            assert len(ranking) == 1
    else:
        assert form.summary, "an invalid ballot with nothing in its error summary"


def check_rulebook(text: str) -> None:
    """Load rulebook text as an upload would: a Rulebook or a FormatError, nothing else."""
    import tellers.rules

    try:
        book = tellers.rules.loads(text, path="upload.toml")
    except ACCEPTED():
        return
    assert book is not None


def mutate_lines(text: str, ops: Sequence[tuple[int, int, str]]) -> str:
    """Apply line edits to ``text``: (0, i, _) drop line i, (1, i, _) repeat it,
    (2, i, s) insert ``s`` before it, (3, i, s) replace the value after its ``=`` with ``s``."""
    lines = text.splitlines()
    for op, i, s in ops:
        if not lines:
            lines.append(s)
            continue
        i %= len(lines)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            lines.insert(i, s)
        elif "=" in lines[i]:
            lines[i] = lines[i].split("=", 1)[0] + "= " + s
    return "\n".join(lines) + "\n"


# --- atheris ---------------------------------------------------------------------------------

ROLL_HEADER = "membership_number,name,email,section,joined,eligible,weight\n"
SECTION_WORDS = ["", "North", "north", "n", "South", "x", " North ", "NORTH"]


def _setup_django() -> Any:
    """Migrate a fresh SQLite database and return an election with sections and a roll."""
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tellers.service.elections.models import Election, Organisation, RollEntry

    org = Organisation.objects.create(name="Fuzz", slug="fuzz")
    election = Election.objects.create(
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
        election=election, membership_number="1", name="A", email="a@example.org", section="n"
    )
    return election


def _roll_input(fdp: Any) -> tuple[str, bytes]:
    mode = fdp.ConsumeIntInRange(0, 3)
    if mode == 0:  # raw bytes under a fuzzed name
        name = ["roll.csv", "roll.xlsx", "roll.txt", "ROLL.XLSM"][fdp.ConsumeIntInRange(0, 3)]
        return name, fdp.ConsumeBytes(fdp.remaining_bytes())
    if mode == 1:  # CSV text under a valid header
        return "roll.csv", ROLL_HEADER.encode() + fdp.ConsumeBytes(fdp.remaining_bytes())
    if mode == 2:  # a workbook of fuzzed cells under a valid header
        rows: list[list[object]] = [list(ROLL_HEADER.strip().split(","))]
        while fdp.remaining_bytes() > 0 and len(rows) < 50:
            row: list[object] = []
            for _ in range(fdp.ConsumeIntInRange(0, 9)):
                kind = fdp.ConsumeIntInRange(0, 4)
                if kind == 0:
                    row.append(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 30)))
                elif kind == 1:
                    row.append(fdp.ConsumeInt(8))
                elif kind == 2:
                    row.append(fdp.ConsumeRegularFloat())
                elif kind == 3:
                    row.append(fdp.ConsumeBool())
                else:
                    row.append(SECTION_WORDS[fdp.ConsumeIntInRange(0, len(SECTION_WORDS) - 1)])
            rows.append(row)
        return "roll.xlsx", xlsx(rows)
    # a valid workbook with bytes overwritten
    base = bytearray(xlsx([ROLL_HEADER.strip().split(","), ["2", "B", "b@example.org", "n"]]))
    for _ in range(fdp.ConsumeIntInRange(1, 8)):
        if fdp.remaining_bytes() < 2:
            break
        base[fdp.ConsumeIntInRange(0, len(base) - 1)] = fdp.ConsumeIntInRange(0, 255)
    return "roll.xlsx", bytes(base)


def main(argv: list[str]) -> None:
    import atheris

    if len(argv) < 2 or argv[1] not in {"roll", "ballot", "rulebook"}:
        sys.exit("usage: fuzz_service.py {roll,ballot,rulebook} [libFuzzer options]")
    target = argv[1]
    # A fresh data directory: its own SQLite file, never the service's.
    os.environ["TELLERS_DATA_DIR"] = tempfile.mkdtemp(prefix="tellers-fuzz-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tellers.service.settings"
    # Coverage from tellers and the pure-Python parsers it leans on (atheris instruments whole
    # top-level packages; adding django or numpy costs minutes before the first run).
    include = ["tellers", "tomllib", "csv"]
    with atheris.instrument_imports(include=include):
        import django

        django.setup()
        import tellers.rules
        import tellers.service.ballots.forms
        import tellers.service.elections.roll
    election = _setup_django() if target == "roll" else None
    from tellers.rules.loader import shipped_path

    shipped = [shipped_path(n).read_text(encoding="utf-8") for n in tellers.rules.shipped()]

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if target == "roll":
            name, content = _roll_input(fdp)
            check_roll(election, name, content)
        elif target == "ballot":
            n = fdp.ConsumeIntInRange(1, 12)
            choice = fdp.ConsumeBool()
            keys = [f"c{i}" for i in range(0, n + 2)] + ["choice", "csrfmiddlewaretoken", ""]
            pairs: list[tuple[str, str]] = []
            while fdp.remaining_bytes() > 0 and len(pairs) < 40:
                key = keys[fdp.ConsumeIntInRange(0, len(keys) - 1)]
                pairs.append((key, fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 12))))
            check_ballot_form(n, pairs, choice=choice)
        elif fdp.ConsumeBool():
            check_rulebook(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))
        else:
            base = shipped[fdp.ConsumeIntInRange(0, len(shipped) - 1)]
            ops: list[tuple[int, int, str]] = []
            while fdp.remaining_bytes() > 0 and len(ops) < 6:
                ops.append(
                    (
                        fdp.ConsumeIntInRange(0, 3),
                        fdp.ConsumeIntInRange(0, 10_000),
                        fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 24)),
                    )
                )
            check_rulebook(mutate_lines(base, ops))

    # libFuzzer starts at 4-byte inputs and grows them slowly; a roll or a rulebook edit needs
    # room from the first run.
    options = argv[2:]
    if not any(o.startswith("-max_len") for o in options):
        options.append("-max_len=4096")
    if not any(o.startswith("-len_control") for o in options):
        options.append("-len_control=0")
    atheris.Setup([argv[0], *options], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
