"""The ``tellers`` command line: count ballot files and verify counts against official results.

Exit codes: 0 success (also when the reader of the output stops, as ``| head -1`` does: the
command stops writing, quietly); 1 a verification that found mismatches; 2 bad input (one
message naming file, line and problem); 3 an internal error (a bug: one line saying so, never
a traceback); 130 interrupted.  No output file is written unless the whole job succeeded
(``--keep-going`` writes what could be counted and still exits 2).  Whatever came from a file
(names, titles, file names, messages) is printed as text, never read as rich markup.  Method,
format and data-set names are matched ignoring case.
"""

from __future__ import annotations

import difflib
import enum
import json
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from . import __version__
from . import limits as _limits
from ._files import check_input, check_output, write_output
from ._terminal import fail, has_controls, plain_console, printable, say, say_error
from .errors import FormatError, TellersError
from .formats import FORMATS, format_for, read, suffix_for
from .methods import REGISTRY
from .methods.options import split_pairs
from .model import Result
from .report import render_comparison
from .report.results import render_results

#: Shown in place of the temporary file that holds what ``-`` read from standard input.
STDIN_NAME = "<stdin>"


def _one_line(text: str, limit: int = 300) -> str:
    """Return ``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def internal_error(e: BaseException) -> None:
    """Say, in one line on stderr, that tellers itself failed, and how to report it."""
    what = type(e).__name__ + (f": {_one_line(str(e))}" if str(e) else "")
    say(
        "internal error",
        f"{what} (a bug in tellers {__version__}, not a problem with your file; please report "
        "it with the command you ran; TELLERS_TRACEBACK=1 shows where it happened)",
    )


def _broken_pipes() -> list[int]:
    """Return which of standard output and error are pipes whose reader has gone."""
    import select

    gone = []
    for fd in (1, 2):
        try:
            poller = select.poll()
            poller.register(fd, select.POLLOUT)
            # The write end of a pipe reports POLLERR once its last reader has closed it.
            if any(ev & select.POLLERR for _, ev in poller.poll(0)):
                gone.append(fd)
        except (OSError, ValueError):
            continue
    return gone


def reader_gone() -> None:
    """Stop writing to a reader that has gone (``tellers count ward.blt | head -1``).

    A Unix filter whose reader stops reading simply stops: the reader had what it wanted.  The
    streams whose pipe is broken are pointed at /dev/null, so what is still buffered for them
    is dropped at exit instead of failing again there (``Exception ignored ... BrokenPipeError``).
    """
    gone = _broken_pipes() or [1]
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for fd in gone:
        try:
            os.dup2(devnull, fd)
        except OSError:
            continue
    os.close(devnull)


def _pipe_exit(e: SystemExit) -> BaseException:
    """Return the exit to raise for ``e``: exit 0 if it is rich's exit 1 for a broken pipe.

    The help pages are printed by typer's own rich console, which exits 1 when its reader has
    gone (after pointing standard output at /dev/null).
    """
    if e.code == 1 and isinstance(e.__context__, BrokenPipeError):
        reader_gone()
        return typer.Exit(0)
    return e


class _Guarded(TyperGroup):
    """The top of the command line: every failure of every command becomes an exit code.

    A :class:`TellersError` is bad input (exit 2, ``error: file:line: problem``); an interrupt
    exits 130 quietly; a reader that went away (``| head -1``) ends the command quietly with
    exit 0, as a filter stops when nobody reads on (the exit codes are 0, 1, 2, 3 and 130, so
    not the shell's 141 for a death by SIGPIPE); anything else is a bug in tellers: one line
    (exit 3), no traceback unless ``TELLERS_TRACEBACK`` is set.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # ``tellers --help`` and ``--version`` print while the context is made.
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            reader_gone()
            raise typer.Exit(0) from None
        except SystemExit as e:
            raise _pipe_exit(e) from None

    def invoke(self, ctx: Any) -> Any:  # typer's own click Context
        try:
            return self._invoke(ctx)
        except SystemExit as e:
            raise _pipe_exit(e) from None

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.TyperException):
            raise
        except typer.Abort as e:
            if isinstance(e.__context__, EOFError):
                say_error("standard input ended where an answer was needed")
                raise typer.Exit(2) from None
            raise typer.Exit(130) from None
        except TellersError as e:
            say_error(str(e))
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # typer would exit 1, which here means a verification found mismatches.
            reader_gone()
            raise typer.Exit(0) from None
        except Exception as e:
            if os.environ.get("TELLERS_TRACEBACK"):
                raise
            internal_error(e)
            raise typer.Exit(3) from None


app = typer.Typer(
    name="tellers",
    cls=_Guarded,
    help="Exact election counts: FPTP, AV and statutory STV, round by round.",
    no_args_is_help=True,
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


def _choose(value: str, known: Sequence[str], what: str, aliases: Sequence[str] = ()) -> str:
    """Return ``value`` (ignoring case) if known; else a usage error saying what was meant."""
    low = value.strip().lower()
    if low in known or low in aliases:
        return low
    close = difflib.get_close_matches(low, [*known, *aliases], n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise typer.BadParameter(
        f"{value!r} is not a known {what}; {hint}choose from {', '.join(known)}"
    )


def _method_name(value: str) -> str:
    """Return the canonical name of a method named (or aliased) ``value``, ignoring case."""
    aliases = [a for m in REGISTRY.all() for a in m.aliases]
    return REGISTRY.get(_choose(value, REGISTRY.names(), "method", aliases)).name


def _method_option(value: str) -> str:
    return _method_name(value)


def _input_format_option(value: str | None) -> str | None:
    return None if value is None else _choose(value, sorted(FORMATS), "format")


def _output_option(choices: Sequence[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        return _choose(value, list(choices), "output format")

    return check


_METHODS_HELP = (
    f"Counting method: {', '.join(REGISTRY.names())} (aliases too; `tellers methods` "
    "explains each), e.g. --method meek."
)
_INPUT_HELP = (
    f"Input format, if not the suffix's: {', '.join(sorted(FORMATS))}; e.g. --input-format "
    "blt.  For - (standard input) it is told from the content where it can be."
)
_OUTPUT_HELP = f"Output: {', '.join(f.value for f in OutputFormat)}; e.g. -f json."
_WIDTH = typer.Option(min=40, max=10_000, help="Page width for the text table (40 or more).")

_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def _size(value: str) -> int:
    """Parse a size in bytes: a whole number, or one followed by K, M, G or T (powers of 1,024,
    with or without ``iB``/``B``), e.g. ``8G``."""
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    digits = text.rstrip("KMGT")
    unit = text[len(digits) :]
    if not digits.isdigit() or len(unit) > 1 or len(digits) > 30:
        raise typer.BadParameter(f"{value!r} is not a size: give bytes, or e.g. 500M or 8G")
    size = int(digits) * _SIZE_UNITS[unit]
    if size < 1:
        raise typer.BadParameter("the size must be at least 1 byte")
    return size


# The limits of tellers.limits, raised (or lowered) for the files one command reads.
_LIMITS_PANEL = "Limits (raise them for an election that needs it)"
_MAX_CANDIDATES = typer.Option(
    "--max-candidates",
    min=1,
    metavar="N",
    show_default=False,
    rich_help_panel=_LIMITS_PANEL,
    help=f"Refuse a file with more candidates (default {_limits.DEFAULT.max_candidates:,}).",
)
_MAX_NAME_LENGTH = typer.Option(
    "--max-name-length",
    min=1,
    metavar="N",
    show_default=False,
    rich_help_panel=_LIMITS_PANEL,
    help="Refuse a candidate's, party's or title's name longer than this many characters "
    f"(default {_limits.DEFAULT.max_name_length:,}).",
)
_MAX_BYTES = typer.Option(
    "--max-bytes",
    parser=_size,
    metavar="SIZE",
    show_default=False,
    rich_help_panel=_LIMITS_PANEL,
    help="Refuse a file (or an NSW zip's member, inflated) larger than this, in bytes or with "
    f"K, M, G (default {_limits.DEFAULT.max_bytes >> 30}G); e.g. --max-bytes 8G.",
)


_OPTION = typer.Option(
    "--option",
    "-O",
    metavar="KEY=VALUE",
    help="An option of the method, e.g. --option arithmetic=rational --option ties=listed "
    "(repeatable; `tellers methods METHOD` lists them).",
    show_default=False,
)


_COMPARE_OPTION = typer.Option(
    "--option",
    "-O",
    metavar="[METHOD:]KEY=VALUE",
    help="An option for every compared method that takes it, or with METHOD: for one, e.g. "
    "--option ties=listed -O meek:arithmetic=rational (repeatable; `tellers methods METHOD` "
    "lists them).",
    show_default=False,
)


def _compare_options(
    methods: Sequence[str], given: Sequence[str] | None
) -> dict[str, dict[str, str]]:
    """Return ``--option [METHOD:]KEY=VALUE`` pairs by method, each checked against its options.

    A KEY without METHOD goes to every compared method that declares it, and must fit one.
    """
    names = [REGISTRY.get(m).name for m in methods]
    out: dict[str, dict[str, str]] = {name: {} for name in names}
    for item in given or ():
        key, sep, value = item.partition("=")
        target, colon, key = key.strip().rpartition(":")
        key = key.strip()
        if not sep or not key:
            raise _fail(f"--option takes [METHOD:]KEY=VALUE, not {item!r}")
        if colon:
            try:
                method = _method_name(target)
            except typer.BadParameter as e:
                raise _fail(f"--option {item!r}: {e.message}") from None
            if method not in out:
                raise _fail(f"--option {item!r}: {method} is not among the compared methods")
            chosen = [method]
        else:
            declared = key.replace("-", "_").lower()
            chosen = [
                name
                for name in names
                if any(o.name == declared for o in REGISTRY.get(name).describe_options())
            ]
            if not chosen:
                raise _fail(f"--option {item!r}: none of {', '.join(names)} takes {key!r}")
        for name in chosen:
            if key in out[name]:
                raise _fail(f"--option {key} given twice for {name}")
            out[name][key] = value.strip()
    for name, options in out.items():
        try:
            REGISTRY.get(name).parse_options(options)
        except TellersError as e:
            raise _fail(str(e)) from None
    return {name: options for name, options in out.items() if options}


def _method_options(method: str, given: Sequence[str] | None) -> dict[str, str]:
    """Return ``--option KEY=VALUE`` pairs as a mapping, checked against the method's options.

    Checked before any file is read, so a misspelt option is not reported once per file.
    """
    try:
        options = split_pairs(given)
        REGISTRY.get(method).parse_options(options)
    except TellersError as e:
        raise _fail(str(e)) from None
    return options


def _fail(message: str) -> typer.Exit:
    return fail(message)


def _sniff_format(head: bytes) -> str | None:
    """Return the format standard input's first bytes imply, or None if they do not."""
    if head.startswith(b"PK\x03\x04"):
        return "nsw-raw"
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").lstrip()
    if text[:1] in ("{", "["):
        return "json"
    if text.startswith("#"):
        return "toi" if "DATA TYPE: to" in text else "soi"
    first = text.split("\n", 1)[0].strip()
    words = first.split()
    if len(words) >= 2 and words[0].isdigit():
        return "blt" if all(w.isdigit() for w in words) else "dat"
    if "," in first:
        return "csv"  # the suffix's reader tells the plain layout from the Irish by the header
    return None


#: The most ``-`` will read from standard input (the readers' own limits apply after).
STDIN_LIMIT = 1 << 30


def _read_stdin(folder: Path, input_format: str | None) -> Path:
    """Copy standard input to a file in ``folder``, named so its format can be told."""
    stream = sys.stdin.buffer
    head = stream.read(1 << 16)
    if input_format is None:
        sniffed = _sniff_format(head)
        if sniffed is None:
            raise FormatError(
                "cannot tell the format of standard input; name it with --input-format",
                path=STDIN_NAME,
            )
        suffix = suffix_for(sniffed)
    else:
        suffix = ""
    path = folder / f"stdin{suffix}"
    held = len(head)
    with path.open("wb") as f:
        f.write(head)
        while chunk := stream.read(1 << 20):
            held += len(chunk)
            if held > STDIN_LIMIT:
                raise FormatError(
                    f"standard input is longer than {STDIN_LIMIT >> 20} MiB; give a file",
                    path=STDIN_NAME,
                )
            f.write(chunk)
    return path


@contextmanager
def _inputs(
    files: Sequence[Path], input_format: str | None
) -> Iterator[tuple[list[Path], dict[Path, str]]]:
    """Yield the files to read (folders expanded, ``-`` copied from standard input) and the
    names to show for each; refuse, naming it, anything that is not a readable regular file.
    """
    from .batch import expand

    with tempfile.TemporaryDirectory(prefix="tellers-") as tmp:
        paths: list[Path] = []
        shown: dict[Path, str] = {}
        stdin: Path | None = None
        for f in files:
            if str(f) == "-":
                if stdin is not None:
                    raise FormatError("- (standard input) given twice", path=STDIN_NAME)
                stdin = _read_stdin(Path(tmp), input_format)
                paths.append(stdin)
                shown[stdin] = STDIN_NAME
                continue
            try:
                is_dir = f.is_dir()
            except OSError as e:
                raise FormatError(f"cannot read: {e.strerror or e}", path=f) from None
            found = expand([f]) if is_dir else [f]
            for p in found:
                check_input(p)
                paths.append(p)
                shown[p] = str(p)
        yield paths, shown


def _stdin_message(message: str, shown: dict[Path, str]) -> str:
    """Return ``message`` with any temporary file's name replaced by what the user gave."""
    for path, name in shown.items():
        if name == STDIN_NAME:
            message = message.replace(str(path), name)
    return message


def _html_report(counted: Sequence[tuple[Path, str, Result]], input_format: str | None) -> str:
    """Return the HTML result sheet: one page, a section per file, each with its SHA-256."""
    import hashlib

    from .report.html import Counted, render_counts

    pages = []
    for path, name, r in counted:
        # The result has no parties; the election read again has them (a ward is quick).
        pages.append(
            Counted(
                r,
                read(path, input_format),
                source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                source_name=Path(name).name,
            )
        )
    return render_counts(pages)


def _count_each(
    paths: list[Path],
    method: str,
    *,
    seats: int | None,
    seed: int,
    input_format: str | None,
    jobs: int | None,
    options: Mapping[str, str],
) -> tuple[list[tuple[Path, Result]], list[tuple[Path, str]]]:
    """Count every file, going on past bad ones: return the results and the failures."""
    from .batch import map_files

    info = REGISTRY.get(method)

    def work(path: Path) -> Result | str:
        try:
            election = read(path, input_format or format_for(path))
            return info.run(election, seats=seats, seed=seed, options=options)
        except TellersError as e:
            return _naming(str(e), path)

    good: list[tuple[Path, Result]] = []
    bad: list[tuple[Path, str]] = []
    for path, got in map_files(paths, work, jobs=jobs):
        if isinstance(got, str):
            bad.append((path, got))
        else:
            good.append((path, got))
    return good, bad


def _naming(message: str, path: Path) -> str:
    """Return ``message`` beginning with the file it is about, if it does not name it."""
    return message if str(path) in message else f"{path}: {message}"


def _summary(counted: Sequence[tuple[Path, str, Result]], out: Path) -> None:
    """Say on stderr who was elected in each count, and where the output went."""
    err = plain_console(stderr=True)
    if len(counted) <= 20:
        for _, name, r in counted:
            line = Text()
            line.append(f"{printable(name)}: " if len(counted) > 1 else "")
            line.append("elected: ", style="bold")
            line.append(printable(", ".join(r.elected_names)) or "nobody")
            err.print(line, soft_wrap=True)
    err.print(
        f"wrote {printable(str(out))} ({len(counted)} count{'s' if len(counted) != 1 else ''})",
        soft_wrap=True,
    )


@app.command()
def count(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            help="Ballot files or folders (BLT, .dat, .soi, .toi, CSV, JSON, NSW .zip); "
            "- reads standard input.",
            show_default=False,
        ),
    ],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help=_METHODS_HELP,
            callback=_method_option,
            autocompletion=lambda: REGISTRY.names(),
        ),
    ] = "scottish-stv",
    seats: Annotated[int | None, typer.Option(help="Seats to fill (default: the file's).")] = None,
    output: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=_OUTPUT_HELP,
            callback=_output_option([f.value for f in OutputFormat]),
            autocompletion=lambda: [f.value for f in OutputFormat],
        ),
    ] = "text",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write here instead of stdout (a new file, or --force).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed for any tie decided by lot (recorded).")] = 0,
    input_format: Annotated[
        str | None,
        typer.Option(
            help=_INPUT_HELP,
            callback=_input_format_option,
            autocompletion=lambda: sorted(FORMATS),
        ),
    ] = None,
    width: Annotated[int | None, _WIDTH] = None,
    jobs: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes for many files (default: one per core)."),
    ] = None,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going",
            "-k",
            help="Count every file that can be counted; report the bad ones at the end "
            "(exit 2 if there were any).",
        ),
    ] = False,
    option: Annotated[list[str] | None, _OPTION] = None,
    max_candidates: Annotated[int | None, _MAX_CANDIDATES] = None,
    max_name_length: Annotated[int | None, _MAX_NAME_LENGTH] = None,
    max_bytes: Annotated[int | None, _MAX_BYTES] = None,
) -> None:
    """Count ballot files and print the stage table, JSON (lines, for several) or CSV.

    Examples:

    tellers count ward.blt

    tellers count ward.dat --method meek --seats 4 --format json --out r.json

    tellers count wards/ --method av --format json --keep-going

    tellers count 42.blt --method meek --option arithmetic=rational --option ties=listed

    tellers count senate.blt --max-candidates 5000 --max-bytes 8G

    cat ballots.csv | tellers count - --method av
    """
    from .batch import count_command

    options = _method_options(method, option)
    fmt = OutputFormat(output)
    if out is not None:
        check_output(out, force=force)  # before the count, not after it
    if fmt is OutputFormat.PDF and out is None and sys.stdout.isatty():
        raise _fail("a PDF is not for the terminal: give --out FILE.pdf or redirect the output")
    # Every read below, in this process or a forked worker, is under these limits.
    with (
        _limits.limits(
            max_candidates=max_candidates, max_name_length=max_name_length, max_bytes=max_bytes
        ),
        _inputs(files, input_format) as (paths, shown),
    ):
        try:
            if keep_going:
                good, bad = _count_each(
                    paths,
                    method,
                    seats=seats,
                    seed=seed,
                    input_format=input_format,
                    jobs=jobs,
                    options=options,
                )
            else:
                bad = []
                done: list[Path] = []
                try:
                    results = count_command(
                        paths,
                        method,
                        seats=seats,
                        seed=seed,
                        input_format=input_format,
                        jobs=jobs,
                        on_result=lambda p, _: done.append(p),
                        options=options,
                    )
                except TellersError as e:
                    # The first failure in file order comes after every file before it counted:
                    # a method's refusal does not name the file, and among many it must.
                    if len(paths) > 1 and len(done) < len(paths):
                        raise TellersError(_naming(str(e), paths[len(done)])) from None
                    raise
                good = list(zip(paths, results, strict=True))
            counted = [(p, shown[p], r) for p, r in good]
            data = _render(
                counted,
                fmt,
                input_format,
                several=len(paths) > 1,
                width=width,
                to_terminal=out is None,
            )
        except TellersError as e:
            raise _fail(_stdin_message(str(e), shown)) from None
        if data is not None:
            if out is None:
                _write_stdout(data)
            else:
                write_output(out, data, force=force)
                _summary(counted, out)
        for _, message in bad:
            say_error(_stdin_message(message, shown))
        if bad:
            say_error(f"{len(bad)} of {len(paths)} files could not be counted")
            raise typer.Exit(2)


def _write_stdout(data: str | bytes) -> None:
    """Write ``data`` to standard output; if its reader has gone, stop writing quietly.

    The count goes on to report the files ``--keep-going`` could not count, on standard error,
    and to exit 2 for them: the reader having had enough does not make them good.
    """
    try:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()  # here, where a broken pipe can be caught, not at exit
    except BrokenPipeError:
        reader_gone()


def _render(
    counted: Sequence[tuple[Path, str, Result]],
    fmt: OutputFormat,
    input_format: str | None,
    *,
    several: bool,
    width: int | None,
    to_terminal: bool,
) -> str | bytes | None:
    """Return the output of ``tellers count`` (None: printed on the terminal already)."""
    results = [r for _, _, r in counted]
    if fmt is OutputFormat.JSON:
        sources = [name for _, name, _ in counted]
        return render_results(results, "json", sources=sources, several=several)
    console = Console(highlight=False)
    terminal = to_terminal and console.is_terminal
    if fmt is OutputFormat.CSV:
        csv = render_results(results, "csv")
        return printable(csv) if terminal else csv  # data, but no escape reaches a terminal
    if fmt is OutputFormat.HTML:
        return _html_report(counted, input_format)
    if fmt is OutputFormat.PDF:
        from .report.html.pdf import to_pdf

        return to_pdf(_html_report(counted, input_format))
    if fmt is OutputFormat.RCTAB_JSON:
        return _rctab_summaries(counted, input_format, several=several)
    w = width or (console.width if terminal else 120)
    plain = render_results(results, "text", width=w)
    if terminal and not has_controls(plain):
        # Rendered with colour already; written as it is (never read again as markup).
        sys.stdout.write(render_results(results, "text", width=w, color=True))
        return None
    # A name or title holding control characters is shown escaped, never acted on, and
    # without colour: the escapes rich writes could not be told from the file's.
    return printable(plain)


def _rctab_summaries(
    counted: Sequence[tuple[Path, str, Result]], input_format: str | None, *, several: bool
) -> str:
    """Return RCTab summary JSON: one document, or one a line for several files."""
    from .report.rctab_json import to_rctab_dict, to_rctab_json

    docs = []
    for path, _, r in counted:
        # RCTab lists no withdrawn candidate; the result alone cannot tell them apart.
        withdrawn = [c.name for c in read(path, input_format).candidates if c.withdrawn]
        if not several:
            return to_rctab_json(r, withdrawn=withdrawn)
        docs.append(json.dumps(to_rctab_dict(r, withdrawn=withdrawn), ensure_ascii=False))
    return "".join(d + "\n" for d in docs)


def _methods_option(value: str) -> list[str]:
    names = [m.strip() for m in value.split(",") if m.strip()]
    if not names:
        raise typer.BadParameter("name at least one method")
    return [_method_name(m) for m in names]


@app.command()
def compare(
    file: Annotated[Path, typer.Argument(help="A ballot file; - reads standard input.")],
    methods: Annotated[
        str,
        typer.Option(
            help="Comma-separated methods to compare, from: "
            f"{', '.join(REGISTRY.names())}; e.g. --methods av,meek,schulze."
        ),
    ] = "fptp,av,scottish-stv,ers97,meek,schulze",
    seats: Annotated[int | None, typer.Option(help="Seats to fill (default: the file's).")] = None,
    output: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Output: text, json or html; e.g. -f html.",
            callback=_output_option(["text", "json", "html"]),
            autocompletion=lambda: ["text", "json", "html"],
        ),
    ] = "text",
    seed: Annotated[int, typer.Option(help="Seed for any tie decided by lot (recorded).")] = 0,
    input_format: Annotated[
        str | None,
        typer.Option(
            help=_INPUT_HELP,
            callback=_input_format_option,
            autocompletion=lambda: sorted(FORMATS),
        ),
    ] = None,
    width: Annotated[int | None, _WIDTH] = None,
    option: Annotated[list[str] | None, _COMPARE_OPTION] = None,
    max_candidates: Annotated[int | None, _MAX_CANDIDATES] = None,
    max_name_length: Annotated[int | None, _MAX_NAME_LENGTH] = None,
    max_bytes: Annotated[int | None, _MAX_BYTES] = None,
) -> None:
    """Count one file under several rules: who each elects, and the pairwise matrix.

    Examples:

    tellers compare ward.blt --methods av,meek,schulze

    tellers compare 42.blt --methods meek,warren --option arithmetic=rational -O meek:omega=12
    """
    from .compare import compare as run_compare

    names = _methods_option(methods)
    options = _compare_options(names, option)
    with _inputs([file], input_format) as (paths, shown):
        try:
            election = read(
                paths[0],
                input_format,
                max_candidates=max_candidates,
                max_name_length=max_name_length,
                max_bytes=max_bytes,
            )
            comparison = run_compare(election, names, seats=seats, seed=seed, options=options)
        except TellersError as e:
            raise _fail(_stdin_message(str(e), shown)) from None
    if output == "json":
        sys.stdout.write(json.dumps(comparison.to_json_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    if output == "html":
        from .report.html.compare import render_comparison_html

        sys.stdout.write(render_comparison_html(comparison))
        return
    console = Console(highlight=False)
    w = width or (console.width if console.is_terminal else 120)
    # Rendered (with colour on a terminal) and written as it is: never read as markup; a name
    # holding control characters is shown escaped and without colour.
    plain = render_comparison(comparison, width=w)
    if console.is_terminal and not has_controls(plain):
        sys.stdout.write(render_comparison(comparison, width=w, color=True))
    else:
        sys.stdout.write(printable(plain))


@app.command()
def methods(
    method: Annotated[
        str | None,
        typer.Argument(
            help="A method whose options to list (default: list every method).",
            callback=lambda v: None if v is None else _method_name(v),
            autocompletion=lambda: REGISTRY.names(),
            show_default=False,
        ),
    ] = None,
) -> None:
    """List the counting methods and their aliases, or one method's options.

    Examples:

    tellers methods

    tellers methods meek
    """
    console = plain_console()
    if method is not None:
        _method_options_table(method)
        return
    for m in REGISTRY.all():
        line = Text(m.name, style="bold")
        line.append(f" (also: {', '.join(m.aliases)})" if m.aliases else "")
        console.print(line)
        summary = textwrap.fill(m.summary, width=max(40, console.width - 4))
        console.print(textwrap.indent(summary, "    "))


def _method_options_table(name: str) -> None:
    """Print one method's options: name, type, default, values allowed, source, meaning."""
    console = plain_console()
    m = REGISTRY.get(name)
    line = Text(m.name, style="bold")
    line.append(f" (also: {', '.join(m.aliases)})" if m.aliases else "")
    console.print(line)
    width = max(40, console.width - 4)
    console.print(textwrap.indent(textwrap.fill(m.summary, width=width), "    "))
    infos = m.describe_options()
    if not infos:
        console.print("\nOptions: none.")
        return
    console.print("\nOptions (--option KEY=VALUE):")
    for o in infos:
        default = "from the other options" if o.default is None else str(o.default).lower()
        head = Text(f"  {o.name}", style="bold")
        head.append(f"  {o.type}, default {default}")
        console.print(head, soft_wrap=True)
        for label, text in (
            ("allowed", o.allowed),
            ("", o.help),
            ("fixed by", o.fixed),
            ("source", o.source),
        ):
            if text:
                said = f"{label}: {text}" if label else text
                console.print(textwrap.indent(textwrap.fill(said, width=width - 2), "      "))


_DATASETS = ("scotland-2022", "droop", "ers97-2017", "condorcet", "rctab")


@app.command()
def verify(
    dataset: Annotated[
        str,
        typer.Argument(
            help=f"What to verify: {', '.join(_DATASETS)}.",
            autocompletion=lambda: list(_DATASETS),
        ),
    ],
    data: Annotated[
        Path,
        typer.Option(help="The shared data folder (holding scotland/, droop/, nsw-la/...)."),
    ],
    out: Annotated[Path, typer.Option(help="Where to write the Markdown table.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
) -> None:
    """Count a published election or a peer's test suite and compare every stage.

    Both paths are given, never guessed from where tellers is installed: the committed tables
    are regenerated with, e.g., ``--data ../shared/data --out docs/verification/droop.md
    --force`` from a checkout.
    """
    from .rctab import suite
    from .verify import droop, ers97_vs_scottish, scotland

    def ers97_table(data: Path) -> tuple[str, bool]:
        return ers97_vs_scottish.build_table(data), True

    def condorcet_table(data: Path) -> tuple[str, bool]:
        try:
            from .verify import condorcet
        except ModuleNotFoundError as e:
            if not (e.name or "").startswith("pref_voting"):
                raise
            # pref_voting is the independent program compared against, a test-only dependency.
            raise _fail(
                "tellers verify condorcet needs pref_voting: pip install 'tellers[test]'"
            ) from None
        return condorcet.verify(data)

    checks: dict[str, Callable[[Path], tuple[str, bool]]] = {
        "scotland-2022": scotland.verify_2022,
        "droop": droop.verify_droop,
        "ers97-2017": ers97_table,
        "condorcet": condorcet_table,
        "rctab": suite.verify,
    }
    try:
        name = _choose(dataset, list(checks), "data set")
    except typer.BadParameter as e:
        raise _fail(e.message) from None
    check_output(out, force=force)  # before the count, not after it
    if not data.is_dir():
        raise _fail(f"{data}: no such folder (--data names the shared data folder)")
    try:
        report, ok = checks[name](data)
    except TellersError as e:
        raise _fail(str(e)) from None
    write_output(out, report, force=force)
    plain_console(stderr=True).print(f"wrote {printable(str(out))}", soft_wrap=True)
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
    """Run the command line: exit 0, 1 (a verification mismatch), 2 (bad input), 3 (a bug).

    The commands' own failures are turned into exit codes by the group (:class:`_Guarded`);
    this catches what happens outside any command (while starting, or while completing).
    """
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        reader_gone()
        sys.exit(0)
    except TellersError as e:
        say_error(str(e))
        sys.exit(2)
    except Exception as e:
        if os.environ.get("TELLERS_TRACEBACK"):
            raise
        internal_error(e)
        sys.exit(3)
