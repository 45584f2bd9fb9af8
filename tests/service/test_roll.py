"""The roll import: every refusal named with its line, nothing imported until accepted."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from tellers.service.audit.models import AuditEntry
from tellers.service.elections import actions
from tellers.service.elections.models import Election, RollEntry, RollUpload, State
from tellers.service.elections.roll import (
    RollFileError,
    accept_roll_upload,
    email_ok,
    upload_roll,
    validate,
)
from tellers.service.errors import ServiceError, WrongState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Hash the fixture users' passwords cheaply: PBKDF2 costs seconds a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


HEADER = "membership_number,name,email,section,joined,eligible,weight\n"


@pytest.fixture
def election(officials: dict[str, User]) -> Election:
    """A draft election (labour-leader-2020, cut-off 2020-01-20) with an empty roll."""
    olive = officials["organiser"]
    org = actions.create_organisation(olive, name="Branch", slug="branch")
    e = actions.create_election(
        olive, org, title="Deputy", slug="deputy", rulebook="labour-leader-2020", office="deputy"
    )
    assert e.eligibility_cutoff is not None and e.eligibility_cutoff.isoformat() == "2020-01-20"
    return e


def reasons(election: Election, text: str) -> dict[int, str]:
    """Return {line: reason} for the rejected rows of a CSV text."""
    report = validate(election, "roll.csv", text.encode())
    return {r["line"]: r["reason"] for r in report.rejections}


def test_every_rejection_is_named_with_its_line(election: Election) -> None:
    text = (
        HEADER
        + "A1,Ann,ann@example.org,members,2019-05-01,yes,1\n"  # 2 ok
        + "A1,Ann Again,ann2@example.org,members,,,\n"  # 3 duplicate number
        + "B2,Bob,ANN@example.org,members,,,\n"  # 4 duplicate email (case ignored)
        + "C3,Cat,not-an-email,members,,,\n"  # 5 bad email
        + "D4,Dan,dan@example.org,members,2020-01-21,,\n"  # 6 joined after the cut-off
        + "E5,Eve,eve@example.org,pensioners,,,\n"  # 7 unknown section
        + "F6,Fay,fay@example.org,members,,no,\n"  # 8 not eligible
        + "G7,,gus@example.org,members,,,\n"  # 9 missing name
        + "H8,Hal,hal@example.org,members,,,0\n"  # 10 bad weight
        + "I9,Ivy,ivy@example.org,members,,,two\n"  # 11 bad weight
        + "J10,Jo,jo@example.org,Registered Supporters,2020-01-20,,3\n"  # 12 ok (by name)
        + "\n"  # 13 blank: not a member
        + "K11,Kim,kim@example.org,members,20/01/2019,,\n"  # 14 bad date
    )
    got = reasons(election, text)
    assert sorted(got) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 14]
    assert got[3].startswith("duplicate membership number") and "line 2" in got[3]
    assert got[4].startswith("duplicate email") and "line 2" in got[4]
    assert got[5].startswith("bad email")
    assert got[6].startswith("joined 2020-01-21 after the eligibility cut-off 2020-01-20")
    assert got[7] == "unknown section 'pensioners'"
    assert got[8].startswith("not eligible")
    assert got[9] == "missing name"
    assert got[10].startswith("bad weight '0'")
    assert got[11].startswith("bad weight 'two'")
    assert got[14].startswith("bad joined date")
    report = validate(election, "roll.csv", text.encode())
    assert report.total == 12  # the blank line is not counted
    assert [(e.membership_number, e.section, e.weight) for e in report.accepted] == [
        ("A1", "members", 1),
        ("J10", "registered_supporters", 3),
    ]


def test_duplicates_of_the_existing_roll_are_refused(election: Election) -> None:
    RollEntry.objects.create(
        election=election, membership_number="X1", name="Xi", email="xi@example.org", section="m"
    )
    got = reasons(
        election,
        HEADER + "X1,Other,other@example.org,members,,,\n" + "Y2,Yan,XI@example.org,members,,,\n",
    )
    assert got == {
        2: "duplicate membership number (already on the roll)",
        3: "duplicate email XI@example.org (already on the roll)",
    }


def test_line_numbers_count_quoted_newlines_and_a_bom(election: Election) -> None:
    text = (
        "\ufeffMembership_Number,NAME,Email,Section,Joined\n"
        'A1,"Ann\nSmith",a@example.org,members,\n'  # one record on lines 2 and 3
        "B2,Bo,bad@,members,\n"
    )
    assert reasons(election, text) == {4: "bad email 'bad@'"}


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("membership_number,name,email,joined\n", "missing column section"),
        ("membership_number,name,email,section,joined,colour\n", "unknown column 'colour'"),
        ("number,name,email,section\n", "unknown column 'number'"),
    ],
)
def test_a_bad_header_is_a_file_error_naming_file_and_column(
    election: Election, header: str, missing: str
) -> None:
    with pytest.raises(RollFileError) as e:
        validate(election, "branch.csv", (header + "A1,Ann,a@example.org,members,\n").encode())
    assert str(e.value).startswith("branch.csv: ")
    assert missing in str(e.value)


def test_not_utf8_is_a_file_error(election: Election) -> None:
    with pytest.raises(RollFileError, match=r"roll.csv: not UTF-8"):
        validate(
            election, "roll.csv", (HEADER + "A1,Zoë,z@example.org,members,,,\n").encode("latin-1")
        )


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("ann@example.org", True),
        ("a.b+tag@sub.example.co.uk", True),
        ("o'neil@example.ie", True),
        ('"quoted.name"@example.org', True),  # Django allows quoted local parts
        ('"quoted name"@example.org', False),  # but not spaces in them
        ("user@[127.0.0.1]", True),  # and address literals
        ("user@localhost", True),
        ("ann@bücher.example", True),  # internationalised domains, via IDNA
        ("ann@example", False),
        ("ann@@example.org", False),
        ("ann.@example.org", False),
        (".ann@example.org", False),
        ("ann@-example.org", False),
        ("ann@example.org\n", False),
        ("ann example@example.org", False),
        ("ann@example.c", False),
        ("a" * 250 + "@example.org", False),  # longer than the roll's 254 characters
    ],
)
def test_email_check_agrees_with_django(address: str, ok: bool) -> None:
    assert email_ok(address) is ok


def _xlsx(rows: list[list[object]]) -> bytes:
    """Write the smallest valid workbook holding ``rows`` (inline strings and numbers)."""

    def cell(ref: str, v: object) -> str:
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{i}">'
        + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r) if v != "")
        + "</row>"
        for i, r in enumerate(rows, start=1)
    )
    ns = "http://schemas.openxmlformats.org"
    rels = f"{ns}/package/2006/relationships"
    office = f"{ns}/officeDocument/2006/relationships"
    main = f"{ns}/spreadsheetml/2006/main"
    ct = "application/vnd.openxmlformats-"
    sml = f"{ct}officedocument.spreadsheetml"
    head = '<?xml version="1.0"?>'

    def rel(kind: str, target: str) -> str:
        return (
            f'{head}<Relationships xmlns="{rels}">'
            f'<Relationship Id="rId1" Type="{office}/{kind}" Target="{target}"/></Relationships>'
        )

    files = {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="{ns}/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{ct}package.relationships+xml"/>'
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
            f'{head}<worksheet xmlns="{main}"><sheetData>{sheet_rows}</sheetData></worksheet>'
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


def test_xlsx_rows_are_read_with_their_row_numbers(election: Election) -> None:
    content = _xlsx(
        [
            ["Membership_Number", "Name", "Email", "Section", "Joined", "Weight"],
            [1001, "Ann", "ann@example.org", "Party members", "2019-01-01", 2],
            [1002, "Ben", "ben@example", "members", "", ""],
            [1003, "Cal", "cal@example.org", "members", "", ""],
        ]
    )
    report = validate(election, "roll.xlsx", content)
    assert [(e.membership_number, e.section, e.weight) for e in report.accepted] == [
        ("1001", "members", 2),
        ("1003", "members", 1),
    ]
    assert report.rejections == [
        {"line": 3, "membership_number": "1002", "reason": "bad email 'ben@example'"}
    ]


def test_nothing_is_imported_until_the_organiser_accepts(
    election: Election, officials: dict[str, User]
) -> None:
    olive = officials["organiser"]
    content = (
        HEADER
        + "A1,Ann,ann@example.org,members,,,\n"
        + "B2,Bob,bob@example,members,,,\n"
        + "C3,Cat,cat@example.org,affiliated_supporters,,,5\n"
    ).encode()
    upload = upload_roll(olive, election, "../../roll.csv", content)
    assert upload.filename == "roll.csv"
    assert (upload.rows_total, upload.rows_accepted) == (3, 2)
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    assert not RollEntry.objects.filter(election=election).exists()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "upload roll"
    assert last.details["rejected"] == 1 and last.details["sha256"] == upload.sha256

    assert accept_roll_upload(olive, upload) == 2
    rows = list(
        RollEntry.objects.filter(election=election)
        .order_by("membership_number")
        .values_list("membership_number", "email", "section", "weight")
    )
    assert rows == [
        ("A1", "ann@example.org", "members", 1),
        ("C3", "cat@example.org", "affiliated_supporters", 5),
    ]
    upload.refresh_from_db()
    assert upload.accepted
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "import roll" and last.details["imported"] == 2
    with pytest.raises(ServiceError, match="already been imported"):
        accept_roll_upload(olive, upload)


def test_a_report_gone_stale_is_not_imported(
    election: Election, officials: dict[str, User]
) -> None:
    olive = officials["organiser"]
    first = upload_roll(olive, election, "a.csv", (HEADER + "A1,Ann,a@example.org,m,,,\n").encode())
    assert first.rows_accepted == 0  # 'm' is no section
    one = upload_roll(
        olive, election, "b.csv", (HEADER + "A1,Ann,a@example.org,members,,,\n").encode()
    )
    two = upload_roll(
        olive, election, "c.csv", (HEADER + "A1,Ann,a@example.org,members,,,\n").encode()
    )
    accept_roll_upload(olive, one)
    with pytest.raises(ServiceError, match="changed since"):
        accept_roll_upload(olive, two)
    assert RollEntry.objects.filter(election=election).count() == 1


@pytest.mark.parametrize("who", ["returning_officer", "scrutineer", "teller", "outsider"])
def test_only_the_organiser_may_upload_or_accept(
    election: Election, officials: dict[str, User], who: str
) -> None:
    content = (HEADER + "A1,Ann,a@example.org,members,,,\n").encode()
    with pytest.raises(PermissionDenied):
        upload_roll(officials[who], election, "roll.csv", content)
    upload = upload_roll(officials["organiser"], election, "roll.csv", content)
    with pytest.raises(PermissionDenied):
        accept_roll_upload(officials[who], upload)
    assert RollUpload.objects.filter(election=election).count() == 1
    assert not RollEntry.objects.filter(election=election).exists()


def test_the_roll_is_frozen_once_the_ballot_opens(
    make_election: Callable[..., Election], officials: dict[str, User]
) -> None:
    olive = officials["organiser"]
    e = make_election(members=2, open=False)
    content = (HEADER + "A1,Ann,a@example.org,members,,,\n").encode()
    upload = upload_roll(olive, e, "roll.csv", content)
    actions.open_ballot(officials["returning_officer"], e)
    e.refresh_from_db()
    assert e.state == State.OPEN
    with pytest.raises(WrongState):
        upload_roll(olive, e, "roll.csv", content)
    with pytest.raises(WrongState):
        accept_roll_upload(olive, upload)
    assert RollEntry.objects.filter(election=e).count() == 2
