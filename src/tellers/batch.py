"""Count many ballot files in one process: folders expanded, files read in parallel, in order.

Each file is read and counted by one of ``jobs`` forked worker processes (one per core by
default), a few files at a time, and the results come back in file order.  A worker holds one
file's ballots at a time, so memory stays that of a few districts however many are given.

:func:`count_command` is the body of ``tellers count`` for many files: one result per file
(JSON lines with ``--format json``), a progress bar on a terminal's stderr and nothing extra
when output is piped.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .errors import FormatError, TellersError
from .formats import FORMATS, format_for, read
from .methods import REGISTRY
from .model import Result

__all__ = ["count_command", "count_files", "expand", "render_results"]

#: Suffixes a folder is searched for; anything else in it is ignored.
SUFFIXES = frozenset({".blt", ".dat", ".soi", ".toi", ".csv", ".json", ".zip"})


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Return the files named, with each folder replaced by its ballot files (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            if not found:
                raise FormatError("folder holds no ballot files", path=p)
            out.extend(found)
        else:
            out.append(p)
    return out


def _default_jobs() -> int:
    """Return how many worker processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _read_count(job: tuple[Path, str, int | None, int, str | None]) -> Result:
    """Read and count one file (run in a worker process)."""
    path, method, seats, seed, input_format = job
    election = read(path, input_format or format_for(path))
    return REGISTRY.get(method).count(election, seats=seats, seed=seed)


def count_files(
    paths: Sequence[Path],
    method: str,
    *,
    seats: int | None = None,
    seed: int = 0,
    input_format: str | None = None,
    jobs: int | None = None,
) -> Iterator[tuple[Path, Result]]:
    """Read and count each file, yielding (path, result) in the order given.

    With more than one job, files are read and counted by forked worker processes, each taking
    a few files at a time, so every core works on a folder of small files; results come back
    in file order.  Where fork is not available the files are counted here, one by one.  The
    first error (a bad file or a method that cannot count it) is raised as it is met.
    """
    REGISTRY.get(method)
    if input_format is not None and input_format not in FORMATS:
        raise FormatError(f"unknown format {input_format!r} (known: {', '.join(sorted(FORMATS))})")
    workers = min(jobs or _default_jobs(), len(paths))
    work = [(p, method, seats, seed, input_format) for p in paths]
    if workers > 1 and "fork" in mp.get_all_start_methods():
        # Fork, not spawn: the workers start with tellers and numpy already imported.
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            chunk = max(1, min(8, len(paths) // (4 * workers)))
            results = pool.map(_read_count, work, chunksize=chunk)
            yield from zip(paths, results, strict=True)
        return
    for job in work:
        yield job[0], _read_count(job)


def render_results(results: Sequence[Result], output: str, *, width: int = 120) -> str:
    """Render results as ``tellers count`` prints them: JSON (lines), CSV or stage tables."""
    from .report import render_text, to_csv, to_json

    if output == "json":
        if len(results) == 1:
            return to_json(results[0]) + "\n"
        return "".join(to_json(r, indent=None) + "\n" for r in results)
    if output == "csv":
        return "\n".join(to_csv(r) for r in results)
    return "\n".join(render_text(r, width=width) for r in results)


def count_command(
    files: Sequence[Path],
    method: str,
    *,
    seats: int | None = None,
    seed: int = 0,
    input_format: str | None = None,
    output: str = "text",
    progress: bool | None = None,
    jobs: int | None = None,
    on_result: Callable[[Path, Result], None] | None = None,
) -> list[Result]:
    """Count every file (folders expanded), showing a progress bar on a terminal.

    ``progress=None`` shows the bar only when stderr is a terminal and there is more than
    one file.  Raises :class:`~tellers.errors.TellersError` on the first bad file.
    """
    paths = expand(files)
    show = progress if progress is not None else (len(paths) > 1 and sys.stderr.isatty())
    results: list[Result] = []
    stream = count_files(
        paths, method, seats=seats, seed=seed, input_format=input_format, jobs=jobs
    )
    if not show:
        for p, r in stream:
            results.append(r)
            if on_result is not None:
                on_result(p, r)
        return results
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("[bold]counting[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=len(paths))
        for p, r in stream:
            results.append(r)
            if on_result is not None:
                on_result(p, r)
            bar.update(task, advance=1, description=p.name)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Count files from the command line without the typer app (used by the benchmarks)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tellers.batch")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--method", "-m", default="scottish-stv")
    parser.add_argument("--seats", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--input-format")
    parser.add_argument("--format", "-f", default="text", choices=["text", "json", "csv"])
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args(argv)
    try:
        results = count_command(
            args.files,
            args.method,
            seats=args.seats,
            seed=args.seed,
            input_format=args.input_format,
            output=args.format,
            jobs=args.jobs,
        )
    except TellersError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(render_results(results, args.format))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
