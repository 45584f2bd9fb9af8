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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from ._workers import forking, keep_freed_memory
from .errors import FormatError, TellersError
from .formats import FORMATS, SUFFIXES, _common, format_for, read
from .methods import REGISTRY
from .methods.options import Options, split_pairs
from .model import Result
from .report.results import render_results

__all__ = ["count_command", "count_files", "expand", "map_files", "render_results"]

T = TypeVar("T")


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Return the files named, with each folder replaced by its ballot files (sorted).

    A folder's ballot files are those with a suffix the readers know (``formats.SUFFIXES``);
    anything else in it is ignored.
    """
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


#: Chunks handed to each worker ahead of the one it is on, so it never waits for the next.
_AHEAD = 2


def _serve(conn: Connection, paths: Sequence[Path], work: Callable[[Path], T]) -> None:
    """A worker's loop: do the work on the files whose places arrive, until told to stop.

    The files and the work came with the fork, so only places and results cross the pipe
    (the work need not pickle).  An error comes back as a value, to be raised in file order.
    """
    # The worker has a core of its own: a reader's thread pool would only contend for it.
    _common.library_threads = False
    keep_freed_memory()
    while (chunk := conn.recv()) is not None:
        out: list[tuple[int, T | BaseException]] = []
        for i in chunk:
            try:
                out.append((i, work(paths[i])))
            except Exception as e:  # any failure, so the parent never waits for a lost file
                out.append((i, e))
        conn.send(out)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the reader will say what is wrong with it


#: A chunk is 1/_SHARE of each worker's share of the files not yet chunked (guided
#: scheduling: large chunks first, cheap to hand out; small ones last, so the last to finish
#: keeps the others waiting for little), and no smaller than 1/_FINEST of a worker's share of
#: all the files.
_SHARE = 4
_FINEST = 64


def _chunks(paths: Sequence[Path], workers: int) -> list[list[int]]:
    """Group the files into chunks of shrinking size (a big file alone), in file order but
    for the last quarter, which goes largest first.

    File order lets the caller take each result as it comes, while the workers go on with
    the next files; largest first at the end leaves no core waiting on one big file.
    """
    sizes = [_size(p) for p in paths]
    total = sum(sizes)
    finest = total / (workers * _FINEST)
    head: list[int] = []
    held = 0
    for i, size in enumerate(sizes):
        if held >= total * 3 / 4:
            break
        head.append(i)
        held += size
    tail = sorted(range(len(head), len(paths)), key=lambda i: -sizes[i])
    chunks: list[list[int]] = []
    held = 0
    target = 0.0
    left = total
    for i in head + tail:
        if not chunks or held >= target:
            chunks.append([])
            held = 0
            # Guided: each chunk a share of what is left, so the last are small.
            target = max(left / (workers * _SHARE), finest)
        chunks[-1].append(i)
        held += sizes[i]
        left -= sizes[i]
    return chunks


def _pooled(paths: Sequence[Path], work: Callable[[Path], T], workers: int) -> Iterator[T]:
    """Do the work on every file in forked workers, chunk by chunk; yield the results in
    file order.

    One pipe per worker and no helper threads: a pool's threads wake for every result and,
    with every core busy counting, cost more than a small ward takes to count.
    """
    ctx = mp.get_context("fork")
    queue = _chunks(paths, workers)
    queue.reverse()  # popped from the end
    procs: list[tuple[BaseProcess, Connection]] = []
    finished = False
    try:
        with forking():
            for _ in range(workers):
                mine, theirs = ctx.Pipe()
                started = ctx.Process(target=_serve, args=(theirs, paths, work), daemon=True)
                started.start()
                theirs.close()
                procs.append((started, mine))
        busy: dict[Connection, int] = {}
        for _, conn in procs:
            busy[conn] = 0
            while busy[conn] < _AHEAD and queue:
                conn.send(queue.pop())
                busy[conn] += 1
        done: dict[int, T | BaseException] = {}
        ready = 0
        while ready < len(paths):
            for waited in wait([c for c, n in busy.items() if n]):
                assert isinstance(waited, Connection)
                conn = waited
                try:
                    results = conn.recv()
                except EOFError:
                    raise TellersError("a worker process died while counting") from None
                busy[conn] -= 1
                if queue:
                    conn.send(queue.pop())
                    busy[conn] += 1
                done.update(results)
            while ready in done:
                got = done.pop(ready)
                if isinstance(got, BaseException):
                    raise got
                yield got
                ready += 1
        finished = True
    finally:
        # Idle workers are told to stop; after an error, or when the caller stops early,
        # the workers may be busy with files no one will read, so they are stopped at once.
        for proc, conn in procs:
            if finished:
                conn.send(None)
            else:
                proc.terminate()
        for proc, conn in procs:
            proc.join()
            conn.close()


def count_files(
    files: Sequence[str | Path],
    method: str,
    *,
    seats: int | None = None,
    seed: int = 0,
    input_format: str | None = None,
    jobs: int | None = None,
    options: Mapping[str, Any] | Options | None = None,
) -> Iterator[tuple[Path, Result]]:
    """Read and count each file, yielding (path, result) in the order given.

    The files are shared among worker processes as :func:`map_files` shares them.  The first
    error in file order (a bad file or a method that cannot count it) is raised once every
    result before it has been given.  ``options`` are the method's, checked before any file is
    read.
    """
    checked = REGISTRY.get(method).parse_options(options)
    if input_format is not None and input_format not in FORMATS:
        raise FormatError(f"unknown format {input_format!r} (known: {', '.join(sorted(FORMATS))})")

    def read_count(path: Path) -> Result:
        election = read(path, input_format or format_for(path))
        return REGISTRY.get(method).run(election, seats=seats, seed=seed, options=checked)

    return map_files(files, read_count, jobs=jobs)


def map_files(
    files: Sequence[str | Path], work: Callable[[Path], T], *, jobs: int | None = None
) -> Iterator[tuple[Path, T]]:
    """Do ``work`` on each file, yielding (path, its result) in the order given.

    With more than one job, files are handed to forked worker processes (one per core by
    default) a few at a time, the last quarter largest first so that no core waits at the
    end on one big file; results are given back in file order.  ``work`` comes with the fork,
    so it may be any function (a closure over loaded data too); only its results cross back
    and must pickle.  Where fork is not available the files are worked on here, one by one.
    The first error in file order is raised once every result before it has been given.
    """
    paths = [Path(f) for f in files]
    workers = min(jobs or _default_jobs(), len(paths))
    if workers > 1 and "fork" in mp.get_all_start_methods():
        # Fork, not spawn: the workers start with tellers and numpy already imported.
        yield from zip(paths, _pooled(paths, work, workers), strict=True)
        return
    for path in paths:
        yield path, work(path)


def count_command(
    files: Sequence[Path],
    method: str,
    *,
    seats: int | None = None,
    seed: int = 0,
    input_format: str | None = None,
    progress: bool | None = None,
    jobs: int | None = None,
    on_result: Callable[[Path, Result], None] | None = None,
    options: Mapping[str, Any] | Options | None = None,
) -> list[Result]:
    """Count every file (folders expanded), showing a progress bar on a terminal.

    ``progress=None`` shows the bar only when stderr is a terminal and there is more than
    one file.  Raises :class:`~tellers.errors.TellersError` on the first bad file.
    """
    paths = expand(files)
    show = progress if progress is not None else (len(paths) > 1 and sys.stderr.isatty())
    results: list[Result] = []
    stream = count_files(
        paths,
        method,
        seats=seats,
        seed=seed,
        input_format=input_format,
        jobs=jobs,
        options=options,
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
        TextColumn("{task.description}", markup=False),  # a file name is text, not markup
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
    parser.add_argument(
        "--option",
        "-O",
        action="append",
        metavar="KEY=VALUE",
        help="an option of the method, as for tellers count (repeatable)",
    )
    args = parser.parse_args(argv)
    done: list[Path] = []
    try:
        options = split_pairs(args.option)
        results = count_command(
            args.files,
            args.method,
            seats=args.seats,
            seed=args.seed,
            input_format=args.input_format,
            jobs=args.jobs,
            on_result=lambda p, _: done.append(p),
            options=options,
        )
    except TellersError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(render_results(results, args.format, sources=[str(p) for p in done]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
