"""The ``tellers`` command line: count ballot files and verify counts against official results.

Exit codes: 0 success, 2 bad input (the message names file, line and problem), 1 a verification
that found mismatches.  No output file is written unless the whole job succeeded.
"""

from __future__ import annotations

import enum
import json
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import __version__
from .errors import TellersError
from .formats import read
from .methods import REGISTRY
from .model import Result
from .report import render_comparison, render_text, to_csv, to_json

app = typer.Typer(
    name="tellers",
    help="Exact election counts: FPTP, AV and statutory STV, round by round.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(enum.StrEnum):
    """How ``tellers count`` renders a result."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    HTML = "html"
    PDF = "pdf"
    RCTAB_JSON = "rctab-json"


def _fail(message: str) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(2)


def _write_atomically(path: Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` via a temporary file, so a failure leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as b:
                b.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _html_report(files: list[Path], results: list[Result], input_format: str | None) -> str:
    """Return the HTML result sheet: one page, a section per file, each with its SHA-256."""
    import hashlib

    from .batch import expand
    from .report.html import Counted, render_counts

    counted = []
    for path, r in zip(expand(files), results, strict=True):
        # The result has no parties; the election read again has them (a ward is quick).
        counted.append(
            Counted(
                r,
                read(path, input_format),
                source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                source_name=path.name,
            )
        )
    return render_counts(counted)


@app.command()
def count(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Ballot files or folders (BLT, .dat, .soi, .toi, CSV, JSON, NSW .zip)."
        ),
    ],
    method: Annotated[
        str, typer.Option("--method", "-m", help="Counting method.")
    ] = "scottish-stv",
    seats: Annotated[int | None, typer.Option(help="Seats to fill (default: the file's).")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TEXT,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for any tie decided by lot (recorded).")] = 0,
    input_format: Annotated[
        str | None, typer.Option(help="Input format, if not the suffix's.")
    ] = None,
    width: Annotated[int | None, typer.Option(help="Page width for the text table.")] = None,
    jobs: Annotated[
        int | None, typer.Option(help="Worker processes for many files (default: one per core).")
    ] = None,
) -> None:
    """Count ballot files and print the stage table, JSON (lines, for several) or CSV."""
    from .batch import count_command

    try:
        info = REGISTRY.get(method)
        results = count_command(
            files, info.name, seats=seats, seed=seed, input_format=input_format, jobs=jobs
        )
    except TellersError as e:
        raise _fail(str(e)) from None
    console = Console(highlight=False)
    if output is OutputFormat.JSON:
        text = (
            to_json(results[0]) + "\n"
            if len(results) == 1
            else "".join(to_json(r, indent=None) + "\n" for r in results)
        )
    elif output is OutputFormat.CSV:
        text = "\n".join(to_csv(r) for r in results)
    elif output is OutputFormat.HTML:
        text = _html_report(files, results, input_format)
    elif output is OutputFormat.PDF:
        from .report.html.pdf import to_pdf

        try:
            data = to_pdf(_html_report(files, results, input_format))
        except TellersError as e:
            raise _fail(str(e)) from None
        if out is None:
            sys.stdout.buffer.write(data)
        else:
            _write_atomically(out, data)
        return
    elif output is OutputFormat.RCTAB_JSON:
        try:
            text = _rctab_summaries(files, results, input_format)
        except TellersError as e:
            raise _fail(str(e)) from None
    elif out is None and console.is_terminal:
        for r in results:
            console.print(render_text(r, width=width or console.width, color=True), end="")
        return
    else:
        text = "\n".join(render_text(r, width=width or 120) for r in results)
    if out is None:
        sys.stdout.write(text)
    else:
        _write_atomically(out, text)


def _rctab_summaries(files: list[Path], results: list[Result], input_format: str | None) -> str:
    """Return RCTab summary JSON: one document, or one a line for several files."""
    from .batch import expand
    from .report.rctab_json import to_rctab_dict, to_rctab_json

    docs = []
    for path, r in zip(expand(files), results, strict=True):
        # RCTab lists no withdrawn candidate; the result alone cannot tell them apart.
        withdrawn = [c.name for c in read(path, input_format).candidates if c.withdrawn]
        if len(results) == 1:
            return to_rctab_json(r, withdrawn=withdrawn)
        docs.append(json.dumps(to_rctab_dict(r, withdrawn=withdrawn), ensure_ascii=False))
    return "".join(d + "\n" for d in docs)


@app.command()
def compare(
    file: Annotated[Path, typer.Argument(help="A ballot file.")],
    methods: Annotated[
        str, typer.Option(help="Comma-separated methods to compare.")
    ] = "fptp,av,scottish-stv,ers97,meek,schulze",
    seats: Annotated[int | None, typer.Option(help="Seats to fill (default: the file's).")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, json or html.")
    ] = OutputFormat.TEXT,
    seed: Annotated[int, typer.Option(help="Seed for any tie decided by lot (recorded).")] = 0,
    input_format: Annotated[
        str | None, typer.Option(help="Input format, if not the suffix's.")
    ] = None,
    width: Annotated[int | None, typer.Option(help="Page width for the text table.")] = None,
) -> None:
    """Count one file under several rules: who each elects, and the pairwise matrix."""
    from .compare import compare as run_compare

    try:
        names = [m.strip() for m in methods.split(",") if m.strip()]
        for m in names:
            REGISTRY.get(m)
        comparison = run_compare(read(file, input_format), names, seats=seats, seed=seed)
    except TellersError as e:
        raise _fail(str(e)) from None
    if output is OutputFormat.JSON:
        sys.stdout.write(json.dumps(comparison.to_json_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    if output is OutputFormat.HTML:
        from .report.html.compare import render_comparison_html

        sys.stdout.write(render_comparison_html(comparison))
        return
    console = Console(highlight=False)
    w = width or (console.width if console.is_terminal else 120)
    text = render_comparison(comparison, width=w, color=console.is_terminal)
    if console.is_terminal:
        console.print(text, end="")
    else:
        sys.stdout.write(text)


@app.command()
def methods() -> None:
    """List the counting methods and their aliases."""
    console = Console(highlight=False)
    for m in REGISTRY.all():
        aliases = f" (also: {', '.join(m.aliases)})" if m.aliases else ""
        console.print(f"[bold]{m.name}[/]{aliases}")
        summary = textwrap.fill(m.summary, width=max(40, console.width - 4))
        console.print(textwrap.indent(summary, "    "), markup=False)


@app.command()
def verify(
    dataset: Annotated[
        str, typer.Argument(help="What to verify: scotland-2022, droop or ers97-2017.")
    ],
    data: Annotated[Path, typer.Option(help="The shared data folder.")] = Path("../shared/data"),
    out: Annotated[Path | None, typer.Option(help="Where to write the Markdown table.")] = None,
) -> None:
    """Count a published election or a peer's test suite and compare every stage."""
    from .verify import droop, ers97_vs_scottish, scotland

    def ers97_table(data: Path) -> tuple[str, bool]:
        return ers97_vs_scottish.build_table(data), True

    checks: dict[str, tuple[Callable[[Path], tuple[str, bool]], str]] = {
        "scotland-2022": (scotland.verify_2022, "docs/verification/scotland-2022.md"),
        "droop": (droop.verify_droop, "docs/verification/droop.md"),
        "ers97-2017": (ers97_table, "docs/verification/ers97-vs-scottish-2017.md"),
    }
    if dataset not in checks:
        raise _fail(f"unknown data set {dataset!r}; choose {', '.join(checks)}")
    run, default = checks[dataset]
    try:
        report, ok = run(data)
    except TellersError as e:
        raise _fail(str(e)) from None
    target = out or Path(default)
    _write_atomically(target, report)
    Console(stderr=True).print(f"wrote {target}")
    raise typer.Exit(0 if ok else 1)


def _register_groups() -> None:
    """Attach the command groups that live beside their subsystems."""
    from .rctab.cli import rctab_command
    from .rules.cli import nominations_app, rules_app

    app.command("rctab")(rctab_command)
    app.add_typer(rules_app, name="rules", help="Check and explain organisations' rulebooks.")
    app.add_typer(nominations_app, name="nominations", help="Check nominations against a rulebook.")
    # The service's commands import Django only when run.
    from .service.cli import register

    register(app)


_register_groups()


def version_callback(value: bool) -> None:
    """Print the version and stop."""
    if value:
        print(f"tellers {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Exact election counts: FPTP, AV and statutory STV, round by round."""


def main() -> None:
    """Run the command line."""
    app()
