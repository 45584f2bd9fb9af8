"""Counting many files in one process: folders, order, JSON lines, errors, no bar when piped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tellers.batch import count_command, count_files, expand, main, map_files, render_results
from tellers.errors import FormatError
from tellers.formats import read
from tellers.methods import count

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "tellers" / "examples" / "example.blt"


def folder(tmp_path: Path, n: int = 5) -> Path:
    """Return a folder of ``n`` copies of the example election plus a file to ignore."""
    d = tmp_path / "wards"
    (d / "sub").mkdir(parents=True)
    for i in range(n):
        shutil.copy(EXAMPLE, (d if i % 2 else d / "sub") / f"w{i}.blt")
    (d / "notes.txt").write_text("not a ballot file")
    return d


def test_expand_finds_ballot_files_sorted(tmp_path: Path) -> None:
    files = expand([folder(tmp_path)])
    assert [f.name for f in files] == ["w0.blt", "w2.blt", "w4.blt", "w1.blt", "w3.blt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FormatError, match="no ballot files"):
        expand([empty])


@pytest.mark.parametrize("jobs", [1, 3])
def test_results_in_order_and_equal_to_single_counts(tmp_path: Path, jobs: int) -> None:
    files = expand([folder(tmp_path, 7)])
    got = list(count_files(files, "scottish-stv", jobs=jobs))
    assert [p for p, _ in got] == files
    single = count(read(EXAMPLE), "scottish-stv")
    assert all(r == single for _, r in got)


def test_json_lines_one_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path, 3)
    assert main([str(d), "--format", "json"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 3
    assert all(json.loads(line)["method"] == "scottish-stv" for line in lines)
    # Each line names its file, as `tellers count` does, so lines can be told apart.
    assert [json.loads(line)["source"] for line in lines] == [str(f) for f in expand([d])]
    # Piped (not a terminal): nothing but the results, no progress bar on stderr.
    assert captured.err == ""


@pytest.mark.slow
@pytest.mark.parametrize("output", ["json", "csv", "text"])
def test_batch_prints_what_tellers_count_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    """One renderer: ``python -m tellers.batch`` and ``tellers count`` give the same bytes."""
    from typer.testing import CliRunner

    from tellers.cli import app

    d = folder(tmp_path, 3)
    assert main([str(d), "--method", "av", "--format", output]) == 0
    batch_out = capsys.readouterr().out
    cli = CliRunner().invoke(app, ["count", str(d), "--method", "av", "--format", output])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout == batch_out


def test_render_results_refuses_an_unknown_format_and_mismatched_sources() -> None:
    result = count(read(EXAMPLE), "av")
    with pytest.raises(ValueError, match="unknown result format 'xml'"):
        render_results([result], "xml")
    with pytest.raises(ValueError, match="2 sources given for 1 results"):
        render_results([result], "json", sources=["a", "b"])
    # One result of several files given stays a JSON line, naming its file.
    line = render_results([result], "json", sources=["a.blt"], several=True)
    assert line.count("\n") == 1 and json.loads(line)["source"] == "a.blt"


def test_first_bad_file_stops_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = folder(tmp_path, 2)
    (d / "w9.blt").write_text("3 1\nnonsense\n")
    assert main([str(d)]) == 2
    assert "w9.blt" in capsys.readouterr().err


def test_progress_bar_can_be_forced(tmp_path: Path) -> None:
    seen: list[str] = []
    results = count_command(
        [folder(tmp_path, 2)], "av", progress=True, on_result=lambda p, _: seen.append(p.name)
    )
    assert len(results) == 2 and seen == ["w0.blt", "w1.blt"]
    assert render_results(results, "json").count("\n") == 2


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_map_files_runs_any_function_in_file_order(tmp_path: Path, jobs: int) -> None:
    files = []
    for i in range(7):
        f = tmp_path / f"f{i}.txt"
        f.write_text("x" * (100 * (7 - i)))  # sizes falling, so the workers finish out of order
        files.append(f)
    seen = {f.name: len(f.read_text()) for f in files}

    # A closure over data loaded here: the workers get it with the fork, not by pickling.
    def work(path: Path) -> tuple[str, int]:
        return path.name, seen[path.name] + len(path.read_bytes())

    got = list(map_files([str(f) for f in files], work, jobs=jobs))
    assert got == [(f, (f.name, 2 * seen[f.name])) for f in files]


def test_map_files_raises_the_first_error_after_the_results_before_it(tmp_path: Path) -> None:
    files = [tmp_path / f"f{i}" for i in range(5)]
    for f in files[:2] + files[3:]:
        f.write_text("ok")
    given = []
    with pytest.raises(FileNotFoundError):
        for path, text in map_files(files, lambda p: p.read_text(), jobs=2):
            given.append((path.name, text))
    assert given == [("f0", "ok"), ("f1", "ok")]


def test_option_passes_through_the_methods_own_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--option KEY=VALUE`` reaches the method as ``tellers count --option`` does."""
    d = folder(tmp_path, 2)
    assert main([str(d), "-m", "meek", "-O", "arithmetic=rational", "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rational = count(read(EXAMPLE), "meek", options={"arithmetic": "rational"})
    assert rational != count(read(EXAMPLE), "meek")  # the option changes the count
    want = json.loads(render_results([rational], "json"))
    assert [{k: v for k, v in json.loads(x).items() if k != "source"} for x in lines] == [want] * 2
    # Same options, same bytes as the command line.
    from typer.testing import CliRunner

    from tellers.cli import app

    args = [str(d), "-m", "meek", "-O", "arithmetic=rational", "--option", "ties=listed"]
    assert main([*args, "-f", "json"]) == 0
    cli = CliRunner().invoke(app, ["count", *args, "-f", "json"])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout == capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "meek", "-O", "omgea=9"], "method 'meek' has no option 'omgea'; its options:"),
        (["-m", "scotland", "-O", "precision=9"], "the rule fixes it at 5, not 9: [48(3)]"),
        (["-m", "meek", "-O", "ties"], "--option takes KEY=VALUE, not 'ties'"),
        (["-m", "meek", "-O", "ties=lot", "-O", "ties=listed"], "--option ties given twice"),
        (["-m", "fptp", "-O", "ties=lot"], "method 'fptp' takes no options (given: ties)"),
    ],
)
def test_a_bad_option_stops_the_run_before_any_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    missing = tmp_path / "nowhere.blt"  # never read: the options are refused first
    assert main([str(missing), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "nowhere.blt" not in err
