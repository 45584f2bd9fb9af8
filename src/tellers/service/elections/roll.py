"""Import the voter roll: validate a CSV or XLSX file, report every rejected row, import on accept.

An upload is two acts.  :func:`upload_roll` reads the file, checks every row and stores the
file with its report, importing nothing; :func:`accept_roll_upload` — the organiser having read
the report — imports every accepted row in one transaction.  Each act checks the role and the
election's state and appends its audit entry, as in :mod:`.actions`.

A roll of half a million members must import in well under a minute, so rows are parsed with
the :mod:`csv` module, checked with plain Python (a precompiled e-mail pattern that only accepts
addresses Django's ``validate_email`` accepts, falling back to Django for the rest) and written
with ``bulk_create`` in batches; nothing here touches the ORM once per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from ..errors import ServiceError
from .actions import SETUP_STATES, User, _audit, _expect, _locked
from .models import Election, RollEntry, RollUpload
from .roles import Role, require

__all__ = [
    "COLUMNS",
    "OPTIONAL",
    "REQUIRED",
    "Member",
    "Report",
    "RollFileError",
    "accept_roll_upload",
    "email_ok",
    "read_rows",
    "upload_roll",
    "validate",
]

#: Columns every roll file must have (``joined`` may be empty in a row).
REQUIRED = ("membership_number", "name", "email", "section", "joined")
#: Columns a roll file may add.
OPTIONAL = ("eligible", "weight")
COLUMNS = REQUIRED + OPTIONAL
#: Rows per executemany call: keeps the parameter list built at once to a few megabytes.
BATCH = 5000
#: The largest weight a PositiveIntegerField holds on every backend.
MAX_WEIGHT = 2_147_483_647

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})

# The common shape of an address (dot-atom local part, ASCII host names): every string this
# matches, Django's validate_email accepts too, so a match needs no further check; anything
# else (quoted local parts, IP literals, internationalised domains, mistakes) goes to Django.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+"
    r"[A-Za-z0-9-]{2,63}(?<!-)\Z"
)


class RollFileError(ServiceError):
    """The file as a whole cannot be read as a roll (wrong encoding, missing columns...)."""


def email_ok(value: str) -> bool:
    """Say whether ``value`` is an e-mail address Django accepts and the roll can hold."""
    if len(value) > 254:
        return False
    if _EMAIL.match(value):
        return True
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _cell(value: Any) -> str:
    """Turn a spreadsheet cell into the text a CSV would have held."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets store membership numbers as floats
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(filename: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises its own types for every kind of damage
        raise RollFileError(f"{filename}: cannot read this spreadsheet ({e}).") from e
    for i, row in enumerate(sheet, start=1):
        yield i, [_cell(v) for v in row]


def _csv_rows(filename: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RollFileError(
            f"{filename}: not UTF-8 text (byte {e.start}); save it as “CSV UTF-8”."
        ) from e
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            # line_num is the file line where this record ends (a quoted field may span lines)
            yield reader.line_num, row
    except csv.Error as e:
        raise RollFileError(f"{filename}, line {reader.line_num}: {e}.") from e


def read_rows(
    filename: str, content: bytes
) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """Return the column positions and an iterator of (line number, cells) for the data rows.

    Raises :class:`RollFileError` naming the file and the column when the header is wrong.
    """
    is_xlsx = (
        PurePath(filename).suffix.lower() in (".xlsx", ".xlsm") or content[:4] == b"PK\x03\x04"
    )
    rows = _xlsx_rows(filename, content) if is_xlsx else _csv_rows(filename, content)
    for _, header in rows:
        if any(c.strip() for c in header):
            break
    else:
        raise RollFileError(f"{filename}: the file is empty (no header row).")
    positions: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lower().replace(" ", "_")
        if not name:
            continue  # a trailing empty column, as spreadsheets often write
        if name not in COLUMNS:
            raise RollFileError(
                f"{filename}: unknown column {raw.strip()!r} "
                f"(the columns are {', '.join(COLUMNS)}; eligible and weight may be left out)."
            )
        if name in positions:
            raise RollFileError(f"{filename}: the column {name!r} appears twice.")
        positions[name] = i
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise RollFileError(
            f"{filename}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the header row must name {', '.join(REQUIRED)})."
        )
    return positions, rows


class Member(NamedTuple):
    """One accepted row, ready to insert (a tuple: half a million model objects are slow)."""

    membership_number: str
    name: str
    email: str
    section: str
    joined: dt.date | None
    weight: int


@dataclass
class Report:
    """What a roll file holds: the rows to import and every row refused, with why."""

    total: int = 0
    accepted: list[Member] = field(default_factory=list)
    #: [{"line": n, "membership_number": ..., "reason": ...}], in file order.
    rejections: list[dict[str, Any]] = field(default_factory=list)


def validate(election: Election, filename: str, content: bytes) -> Report:
    """Check every row of a roll file against the election and its current roll."""
    positions, rows = read_rows(filename, content)
    sections: dict[str, str] = {}
    for s in election.sections:
        sections[str(s["name"]).strip().lower()] = s["id"]
        sections[str(s["id"]).strip().lower()] = s["id"]
    cutoff = election.eligibility_cutoff
    seen_numbers: dict[str, int | None] = dict.fromkeys(
        RollEntry.objects.filter(election=election).values_list("membership_number", flat=True)
    )
    seen_emails: dict[str, int | None] = {
        e.lower(): None
        for e in RollEntry.objects.filter(election=election).values_list("email", flat=True)
    }
    p_num, p_name, p_email, p_section, p_joined = (positions[c] for c in REQUIRED)
    p_eligible, p_weight = positions.get("eligible"), positions.get("weight")
    width = max(positions.values()) + 1
    report = Report()
    accepted, rejections = report.accepted, report.rejections

    def where(seen: int | None) -> str:
        return "already on the roll" if seen is None else f"also on line {seen}"

    for line, row in rows:
        if len(row) < width:
            if not any(c.strip() for c in row):
                continue  # blank lines are not members
            row = list(row) + [""] * (width - len(row))
        elif not any(c.strip() for c in row):
            continue
        report.total += 1
        number = row[p_num].strip()
        name = row[p_name].strip()
        email = row[p_email].strip()
        section_text = row[p_section].strip()
        reason = ""
        empty = [
            c
            for c, v in (
                ("membership_number", number),
                ("name", name),
                ("email", email),
                ("section", section_text),
            )
            if not v
        ]
        if empty:
            reason = f"missing {', '.join(empty)}"
        elif len(number) > 64:
            reason = "membership number longer than 64 characters"
        elif len(name) > 200:
            reason = "name longer than 200 characters"
        elif number in seen_numbers:
            reason = f"duplicate membership number ({where(seen_numbers[number])})"
        elif email.lower() in seen_emails:
            reason = f"duplicate email {email} ({where(seen_emails[email.lower()])})"
        elif not email_ok(email):
            reason = f"bad email {email!r}"
        section = sections.get(section_text.lower())
        joined: dt.date | None = None
        weight = 1
        if not reason and section is None:
            reason = f"unknown section {section_text!r}"
        if not reason:
            joined_text = row[p_joined].strip()
            if joined_text:
                try:
                    joined = dt.date.fromisoformat(joined_text)
                except ValueError:
                    reason = f"bad joined date {joined_text!r} (use YYYY-MM-DD)"
                else:
                    if cutoff is not None and joined > cutoff:
                        reason = f"joined {joined} after the eligibility cut-off {cutoff}"
        if not reason and p_eligible is not None:
            flag = row[p_eligible].strip().lower()
            if flag in _NO:
                reason = "not eligible (eligible = no)"
            elif flag and flag not in _YES:
                reason = f"eligible must be yes or no, not {row[p_eligible].strip()!r}"
        if not reason and p_weight is not None:
            text = row[p_weight].strip()
            if text:
                try:
                    weight = int(text)
                except ValueError:
                    weight = 0
                if not 1 <= weight <= MAX_WEIGHT:
                    reason = f"bad weight {text!r} (a whole number of at least 1)"
        # Record first sightings even of refused rows, so a later duplicate names this line.
        if number and number not in seen_numbers:
            seen_numbers[number] = line
        if email and email.lower() not in seen_emails:
            seen_emails[email.lower()] = line
        if reason:
            rejections.append({"line": line, "membership_number": number, "reason": reason})
            continue
        assert section is not None
        accepted.append(Member(number, name, email, section, joined, weight))
    return report


def upload_roll(user: User, election: Election, filename: str, content: bytes) -> RollUpload:
    """Check a roll file and keep it with its report for the organiser (imports nothing)."""
    require(user, election, Role.ORGANISER)
    assert user.pk is not None  # require() refuses anonymous users
    filename = PurePath(filename).name[:255] or "roll"
    _expect(election, *SETUP_STATES, doing="change the voter roll")
    report = validate(election, filename, content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, doing="change the voter roll")
        upload = RollUpload.objects.create(
            election=election,
            filename=filename,
            content=content,
            sha256=digest,
            uploaded_by_id=user.pk,
            rows_total=report.total,
            rows_accepted=len(report.accepted),
            rejections=report.rejections,
        )
        _audit(
            user,
            Role.ORGANISER,
            "upload roll",
            election,
            upload=upload.pk,
            filename=filename,
            sha256=digest,
            rows=report.total,
            accepted=len(report.accepted),
            rejected=len(report.rejections),
        )
    return upload


def accept_roll_upload(user: User, upload: RollUpload) -> int:
    """Import every accepted row of a checked upload in one transaction; return how many."""
    election = upload.election
    require(user, election, Role.ORGANISER)
    with transaction.atomic():
        election = _locked(election)
        _expect(election, *SETUP_STATES, doing="change the voter roll")
        upload = RollUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.accepted:
            raise ServiceError("This upload has already been imported.")
        # Check again under the lock: the roll may have changed since the report was made,
        # and the organiser accepted that report, not a different one.
        report = validate(election, upload.filename, bytes(upload.content))
        if len(report.accepted) != upload.rows_accepted or report.rejections != upload.rejections:
            raise ServiceError(
                "The roll has changed since this file was checked; upload it again "
                "to see an up-to-date report."
            )
        _bulk_insert(election, report.accepted)
        upload.accepted = True
        upload.save(update_fields=["accepted"])
        _audit(
            user,
            Role.ORGANISER,
            "import roll",
            election,
            upload=upload.pk,
            filename=upload.filename,
            sha256=upload.sha256,
            imported=len(report.accepted),
            roll=election.roll.count(),
        )
    return len(report.accepted)


def _bulk_insert(election: Election, members: Sequence[Member]) -> None:
    """Insert the members with COPY (PostgreSQL) or batches of parameterised INSERTs.

    ``bulk_create`` spends most of its time preparing each model field of each object
    (about 110 µs a row, a minute for half a million); the same INSERT with the values
    prepared once per column takes a fraction of that.  Defaults come from the model, so a
    new column with a default needs nothing here.
    """
    meta = RollEntry._meta
    given = {"election", *Member._fields}
    rest = [f for f in meta.concrete_fields if f.name not in given and not f.primary_key]
    fixed = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = ["election_id", *Member._fields, *(f.column for f in rest)]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    pk = election.pk
    if connection.vendor == "postgresql":
        # COPY streams the rows in one statement: ~10x an executemany of INSERTs.
        copy_sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for m in members:
                copy.write_row((pk, *m, *fixed))
        return
    date = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(members), BATCH):
            cursor.executemany(
                sql,
                [
                    (pk, m[0], m[1], m[2], m[3], date(m[4]), m[5], *fixed)
                    for m in members[start : start + BATCH]
                ],
            )
