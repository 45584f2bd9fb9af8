"""``tellers rctab CONFIG.json``: run an RCTab contest config and write RCTab's reports.

Register with ``app.command("rctab")(rctab_command)``.  Exit codes as for every tellers
command: 0 success, 2 bad input (one message on stderr naming the file and the problem).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from .._files import check_input
from .._terminal import fail, plain_console, printable
from ..errors import TellersError
from ..model import Result
from .config import load_config
from .options import TieQuestion
from .run import answers_from_file, convert_config, prompt_answer, run_config

__all__ = ["rctab_command"]


def _fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise (code 2)."""
    return fail(message)  # the message is printed as text: a path may hold [brackets]


def rctab_command(
    config: Annotated[Path, typer.Argument(help="An RCTab contest config (*_config.json).")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the reports (default: the config's outputDirectory, as RCTab).",
        ),
    ] = None,
    tiebreak_answers: Annotated[
        Path | None,
        typer.Option(
            help="For the 'ask' tie-break modes: a file naming, one per line, the candidate "
            "chosen at each tie in turn (default: ask on the terminal).",
        ),
    ] = None,
    html: Annotated[
        bool,
        typer.Option(
            "--html/--no-html",
            help="Also write <stem>_report.html, tellers' result sheet with charts.",
        ),
    ] = True,
    convert: Annotated[
        str | None,
        typer.Option(
            help="Instead of counting, convert the CVRs: 'cdf' (NIST CDF JSON) or 'rctab-cvr' "
            "(RCTab's CVR CSV).",
        ),
    ] = None,
) -> None:
    """Run an RCTab config unchanged: read its CVRs, count, write RCTab's detailed reports."""
    try:
        check_input(config)
        if tiebreak_answers is not None:
            check_input(tiebreak_answers)
        if out is None:
            parsed = load_config(config)
            folder = parsed.output.output_directory.strip()
            out = (parsed.folder / folder) if folder else Path.cwd()
        if convert is not None:
            for path in convert_config(config, out, convert.strip().lower()):
                sys.stdout.write(printable(f"{path}\n"))
            return
        ask: Callable[[TieQuestion], str] | None
        if tiebreak_answers is not None:
            ask = answers_from_file(tiebreak_answers)
        else:
            ask = prompt_answer if sys.stdin.isatty() else None
        winners: list[Result] = []
        written = run_config(config, out, ask=ask, html=html, on_result=winners.append)
    except TellersError as e:
        message = str(e)
        if "asks the operator" in message and tiebreak_answers is None:
            message += " (pass --tiebreak-answers FILE, or run on a terminal to be asked)"
        raise _fail(message) from None
    for path in written:
        sys.stdout.write(printable(f"{path}\n"))
    err = plain_console(stderr=True)
    for r in winners:
        line = Text()
        line.append("Elected: ", style="bold")
        line.append(printable(", ".join(r.elected_names)) or "nobody")
        line.append(f" ({printable(r.title)})" if r.title and len(winners) > 1 else "")
        err.print(line, soft_wrap=True)
