"""Command-line apps for rulebooks and nominations, for ``tellers.cli`` to mount.

``rules_app`` holds ``check`` and ``show`` (and ``list``); ``nominations_app`` holds
``report``.  A rulebook argument is a file or the name of a shipped rulebook
(``tellers rules show labour-leader-2020``).  Errors print ``error: file:line: problem`` on
stderr and exit with code 2, as every tellers command does.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from .._files import check_input
from .._terminal import fail, printable
from ..errors import TellersError
from .loader import load, resolve, shipped
from .nominations import NominationBook, read_csv, render_text, to_json
from .render import describe

__all__ = ["nominations_app", "rules_app"]

rules_app = typer.Typer(
    name="rules",
    help="Check and explain organisations' election rulebooks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
nominations_app = typer.Typer(
    name="nominations",
    help="Check nominations against a rulebook.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@rules_app.callback()
def rules_callback() -> None:
    """Check and explain organisations' election rulebooks."""


@nominations_app.callback()
def nominations_callback() -> None:
    """Check nominations against a rulebook."""


class ReportFormat(enum.StrEnum):
    """How ``tellers nominations report`` renders."""

    TEXT = "text"
    JSON = "json"


def _fail(message: str) -> typer.Exit:
    return fail(message)  # the message is printed as text: a path may hold [brackets]


RulebookArg = Annotated[
    str, typer.Argument(help="A rulebook file, or the name of a shipped one (see `rules list`).")
]


@rules_app.command("check")
def check(rulebook: RulebookArg) -> None:
    """Validate a rulebook; name the file, line and problem if it is wrong."""
    try:
        path = resolve(rulebook)
        check_input(path)
        book = load(path)
    except TellersError as e:
        raise _fail(str(e)) from None
    doubts = len(book.unconfirmed())
    text = (
        f"ok: {path}: {book.title} ({len(book.offices)} offices, {len(book.stages)} "
        f"nomination stages, {len(book.sources)} sources, {doubts} unconfirmed statements)\n"
    )
    sys.stdout.write(printable(text))  # a title is the file's: no escape reaches a terminal


@rules_app.command("show")
def show(rulebook: RulebookArg) -> None:
    """Explain a rulebook in plain English."""
    try:
        path = resolve(rulebook)
        check_input(path)
        book = load(path)
    except TellersError as e:
        raise _fail(str(e)) from None
    sys.stdout.write(printable(describe(book)))


@rules_app.command("list")
def list_rulebooks() -> None:
    """List the rulebooks shipped with tellers."""
    for name in shipped():
        book = load(name)
        sys.stdout.write(f"{name}\n    {book.title}\n")


def _sizes(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        body, sep, n = v.partition("=")
        if not sep or not (n.strip().isascii() and n.strip().isdigit()):
            raise typer.BadParameter(f"{v!r}: write BODY=N, e.g. clp=648")
        out[body.strip()] = int(n)
    return out


@nominations_app.command("report")
def report(
    rulebook: RulebookArg,
    nominations: Annotated[Path, typer.Argument(help="The nominations CSV file.")],
    output: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="Output: text or json.", case_sensitive=False),
    ] = ReportFormat.TEXT,
    occasion: Annotated[
        str | None, typer.Option(help="vacancy or challenge (default: the rulebook's first).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Report as at the end of this date (YYYY-MM-DD).")
    ] = None,
    final: Annotated[bool, typer.Option("--final", help="Treat every stage as closed.")] = False,
    size: Annotated[
        list[str] | None, typer.Option(help="A body's size for this contest, BODY=N (repeat).")
    ] = None,
    membership: Annotated[
        list[str] | None,
        typer.Option(help="A body's total membership for a membership share, BODY=N (repeat)."),
    ] = None,
) -> None:
    """Say, per candidate and stage, who has met which threshold and what is still needed."""
    try:
        when = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise _fail(f"--as-of {as_of!r} is not a date (write YYYY-MM-DD)") from None
    try:
        path = resolve(rulebook)
        check_input(path)
        check_input(nominations)
        rules = load(path)
        if occasion is not None:  # named as the rulebook names it, whatever the case
            low = occasion.strip().lower()
            occasion = next((o for o in rules.occasions if o.lower() == low), occasion)
        book = NominationBook(
            rules,
            occasion=occasion,
            sizes=_sizes(size or []),
            membership_totals=_sizes(membership or []),
        )
        book.apply(read_csv(nominations))
    except TellersError as e:
        raise _fail(str(e)) from None
    result = book.report(as_of=when, final=final)
    sys.stdout.write(
        to_json(result) if output is ReportFormat.JSON else printable(render_text(result))
    )
