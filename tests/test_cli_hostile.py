"""The command line under hostile input: no traceback, exit 0/2/3, names printed as text,
``--out`` writing only a regular file, and the habits a returning officer expects."""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tellers import __version__
from tellers.cli import app
from tellers.examples import path as example

runner = CliRunner()

EXAMPLE = str(example("example.blt"))
#: Names that rich would read as markup or emoji codes.
HOSTILE_NAMES = ("A [/]", "B [red]x[/red]", "C :x: [bold]", "D [link=http://e]e")


def _blt(path: Path, names: tuple[str, ...] = HOSTILE_NAMES, title: str = "T [/] :x:") -> Path:
    """Write a small BLT election whose names and title look like markup."""
    n = len(names)
    ballots = "".join(f"{n - i} {i + 1} 0\n" for i in range(n))
    quoted = "".join(f'"{name}"\n' for name in names)
    path.write_text(f'{n} 1\n{ballots}0\n{quoted}"{title}"\n', encoding="utf-8")
    return path


def _flat(text: str) -> str:
    """Return ``text`` on one line without the boxes rich draws around usage errors."""
    return " ".join(text.translate(str.maketrans("", "", "│╭╮╰╯─")).split())


def _limit_memory() -> None:
    """Cap a child's address space, so a reader that reads without end fails, not the box."""
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def _tellers(
    *args: str, stdin: bytes | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run ``tellers`` in a fresh interpreter, as a shell would (memory capped at 4 GiB)."""
    return subprocess.run(
        [sys.executable, "-m", "tellers", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
        preexec_fn=_limit_memory,
    )


# --- names, titles, messages and file names are text, never markup -----------------------


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "html"])
def test_names_that_look_like_markup_are_printed_as_they_are(tmp_path: Path, fmt: str) -> None:
    """``A [/]`` crashed the count; ``[red]`` vanished; ``:x:`` became an emoji."""
    ward = _blt(tmp_path / "m.blt")
    r = runner.invoke(app, ["count", str(ward), "-f", fmt, "--width", "200"])
    assert r.exit_code == 0, r.output
    for name in HOSTILE_NAMES:
        shown = name.replace("&", "&amp;") if fmt == "html" else name
        if fmt == "html":
            shown = shown.replace("<", "&lt;")
        assert shown in r.output, name
    assert "❌" not in r.output


def test_names_on_a_terminal_are_printed_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal (colour) the table is written as it was rendered, not read as markup."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    ward = _blt(tmp_path / "m.blt")
    for args in (["count", str(ward)], ["compare", str(ward)]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, r.output
        assert "❌" not in r.output
        for name in HOSTILE_NAMES:
            assert name in r.output, (args, name)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_compare_prints_names_as_they_are(tmp_path: Path, fmt: str) -> None:
    ward = _blt(tmp_path / "m.blt")
    r = runner.invoke(app, ["compare", str(ward), "-f", fmt, "--width", "200"])
    assert r.exit_code == 0, r.output
    for name in HOSTILE_NAMES:
        assert name in r.output, name
    assert "❌" not in r.output


def test_file_names_in_messages_keep_their_brackets(tmp_path: Path) -> None:
    """``ward[red].blt`` was reported as ``ward.blt``; a message's ``[tie]`` was lost."""
    bad = tmp_path / "ward[red].blt"
    bad.write_text("garbage\n")
    r = runner.invoke(app, ["count", str(bad)])
    assert r.exit_code == 2
    assert "ward[red].blt:1:" in r.output
    r = runner.invoke(app, ["compare", str(bad)])
    assert r.exit_code == 2
    assert "ward[red].blt:1:" in r.output


def test_rules_nominations_rctab_verify_messages_keep_their_brackets(tmp_path: Path) -> None:
    bad = tmp_path / "book[red].toml"
    bad.write_text("title = [\n")
    r = runner.invoke(app, ["rules", "check", str(bad)])
    assert r.exit_code == 2
    assert "book[red].toml" in r.output
    r = runner.invoke(app, ["nominations", "report", "labour-leader-2020", str(bad)])
    assert r.exit_code == 2
    assert "book[red].toml" in r.output
    r = runner.invoke(app, ["rctab", str(bad), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "book[red].toml" in r.output
    r = runner.invoke(
        app, ["verify", "[bold]x:x:", "--data", str(tmp_path), "--out", str(tmp_path / "v.md")]
    )
    assert r.exit_code == 2
    assert "[bold]x:x:" in r.output


def test_service_messages_keep_their_brackets(tmp_path: Path) -> None:
    pytest.importorskip("django")
    missing = tmp_path / "bundle[red].zip"
    r = runner.invoke(app, ["verify-result", str(missing)])
    assert r.exit_code == 2
    assert "bundle[red].zip" in r.output


# --- one place turns every failure into an exit code -------------------------------------


def _boom(*args: object, **kwargs: object) -> object:
    raise ZeroDivisionError("something the authors did not foresee")


def test_an_unexpected_error_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tellers.batch.count_command", _boom)
    r = runner.invoke(app, ["count", EXAMPLE])
    assert r.exit_code == 3, r.output
    assert "Traceback" not in r.output
    assert "internal error" in r.output
    assert "ZeroDivisionError" in r.output
    assert __version__ in r.output
    assert "report" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_tellers_error_escaping_a_command_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from tellers.errors import FormatError

    def bad(*args: object, **kwargs: object) -> object:
        raise FormatError("broken [tie]", path="w[red].blt", line=3)

    monkeypatch.setattr("tellers.report.html.render_counts", bad)
    r = runner.invoke(app, ["count", EXAMPLE, "-f", "html"])
    assert r.exit_code == 2, r.output
    assert "error: w[red].blt:3: broken [tie]" in r.output


def test_interrupt_exits_130_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("tellers.batch.count_command", interrupted)
    r = runner.invoke(app, ["count", EXAMPLE])
    assert r.exit_code == 130
    assert "Traceback" not in r.output
    assert "Aborted" not in r.output


_CRASH = """
import sys, tellers.batch, tellers.cli
def crash(*a, **k):
    raise {exc}
tellers.batch.count_command = crash
sys.argv = ["tellers", "count", {example!r}]
tellers.cli.main()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("exc", "code"),
    [("RecursionError('deep')", 3), ("KeyboardInterrupt", 130), ("MemoryError()", 3)],
)
def test_subprocess_exit_codes_without_traceback(exc: str, code: int) -> None:
    """Run as a shell runs it: the entry point itself catches what escapes."""
    run = subprocess.run(
        [sys.executable, "-c", _CRASH.format(exc=exc, example=EXAMPLE)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == code, run.stderr
    assert b"Traceback" not in run.stderr
    if code == 3:
        assert b"internal error" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1


def test_subprocess_hostile_name_exits_0(tmp_path: Path) -> None:
    ward = _blt(tmp_path / "m.blt")
    run = _tellers("count", str(ward), "--width", "200")
    assert run.returncode == 0, run.stderr
    assert b"A [/]" in run.stdout
    assert b"Traceback" not in run.stderr


# --- --out writes a regular file, and only that ------------------------------------------


def test_out_refuses_a_directory(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    r = runner.invoke(app, ["count", EXAMPLE, "-o", str(d)])
    assert r.exit_code == 2, r.output
    assert "directory" in r.output
    assert list(d.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["d"]


def test_out_refuses_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    r = runner.invoke(app, ["count", EXAMPLE, "-o", str(link), "--force"])
    assert r.exit_code == 2, r.output
    assert "symbolic link" in r.output
    assert link.is_symlink()
    assert target.read_text() == "keep me"


def test_out_refuses_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = runner.invoke(app, ["count", EXAMPLE, "-o", str(fifo), "--force"])
    assert r.exit_code == 2, r.output
    assert "not a regular file" in r.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_out_refuses_a_device() -> None:
    """``--out /dev/null`` (as root, replacing it would break the system) is refused."""
    before = os.lstat("/dev/null")
    r = runner.invoke(app, ["count", EXAMPLE, "-o", "/dev/null", "--force"])
    assert r.exit_code == 2, r.output
    assert "not a regular file" in r.output
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_out_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    out.write_text("earlier")
    out.chmod(0o640)
    r = runner.invoke(app, ["count", EXAMPLE, "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert "--force" in r.output
    assert out.read_text() == "earlier"
    r = runner.invoke(app, ["count", EXAMPLE, "-o", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert "Avery" in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_out_new_file_takes_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        r = runner.invoke(app, ["count", EXAMPLE, "-o", str(tmp_path / "new.txt")])
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_out_in_an_unwritable_place_is_exit_2(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    for place in (plain / "r.txt", plain / "sub" / "r.txt", Path("/proc/version/r.txt")):
        r = runner.invoke(app, ["count", EXAMPLE, "-o", str(place)])
        assert r.exit_code == 2, (place, r.output)
        assert "cannot write" in r.output
        assert str(place) in r.output.replace("\n", "")
    assert plain.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes and enters everywhere")
def test_out_in_a_read_only_folder_and_input_in_a_locked_one(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    locked = tmp_path / "locked"
    locked.mkdir()
    _blt(locked / "m.blt")
    locked.chmod(0)
    try:
        r = runner.invoke(app, ["count", EXAMPLE, "-o", str(ro / "r.txt")])
        assert r.exit_code == 2, r.output
        r = runner.invoke(app, ["count", str(locked / "m.blt")])
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
    finally:
        ro.chmod(0o700)
        locked.chmod(0o700)


def test_input_in_a_folder_that_cannot_be_entered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root nothing is locked, so the refusal the kernel gives is simulated."""
    ward = _blt(tmp_path / "m.blt")
    real_stat = os.stat

    def refused(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path) == str(ward):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", refused)
    r = runner.invoke(app, ["count", str(ward)])
    assert r.exit_code == 2, r.output
    assert "Permission denied" in r.output
    assert "Traceback" not in r.output


@pytest.mark.slow
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_input_is_refused_at_once(device: str) -> None:
    run = _tellers("count", device, "--input-format", "blt", timeout=30)
    assert run.returncode == 2, run.stderr
    assert b"not a regular file" in run.stderr


def test_a_fifo_as_input_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "in.blt"
    os.mkfifo(fifo)
    run = _tellers("count", str(fifo), timeout=30)
    assert run.returncode == 2, run.stderr
    assert b"not a regular file" in run.stderr


@pytest.mark.parametrize("width", ["-10", "0", "5"])
def test_width_below_a_page_is_refused(tmp_path: Path, width: str) -> None:
    out = tmp_path / "w.txt"
    r = runner.invoke(app, ["count", EXAMPLE, "--width", width, "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert not out.exists()


# --- the habits of a command line ----------------------------------------------------------


def test_help_lists_methods_and_formats_with_examples() -> None:
    r = runner.invoke(app, ["count", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    for word in ("scottish-stv", "meek-prf", "ranked-pairs", "nsw-raw", "irish", "rctab-json"):
        assert word in r.output, word
    assert "e.g." in r.output or "Examples" in r.output


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["-m", "meeek"], "did you mean 'meek'"),
        (["-m", "scotish-stv"], "did you mean 'scottish-stv'"),
        (["--input-format", "jsn"], "did you mean 'json'"),
        (["-f", "jsno"], "did you mean 'json'"),
    ],
)
def test_misspelt_names_suggest_the_right_one(args: list[str], hint: str) -> None:
    r = runner.invoke(app, ["count", EXAMPLE, *args])
    assert r.exit_code == 2
    assert hint in _flat(r.output)


def test_compare_misspelt_method_suggests() -> None:
    r = runner.invoke(app, ["compare", EXAMPLE, "--methods", "fptp,shulze"])
    assert r.exit_code == 2
    assert "did you mean 'schulze'" in _flat(r.output)


def test_choices_ignore_case(tmp_path: Path) -> None:
    """Method, format and input-format names are matched ignoring case, everywhere."""
    r = runner.invoke(app, ["count", EXAMPLE, "-m", "MEEK", "-f", "JSON", "--input-format", "BLT"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["method"]
    r = runner.invoke(app, ["compare", EXAMPLE, "--methods", "FPTP,Av", "-f", "Json"])
    assert r.exit_code == 0, r.output
    book = tmp_path / "n.csv"
    book.write_text("candidate,stage,nominator,body\n")
    r = runner.invoke(app, ["nominations", "report", "labour-leader-2020", str(book), "-f", "JSON"])
    assert "Invalid value" not in r.output


def test_dash_reads_standard_input() -> None:
    text = Path(EXAMPLE).read_bytes()
    r = runner.invoke(app, ["count", "-", "-f", "json"], input=text)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["elected"] == ["Avery", "Blake"]
    r = runner.invoke(app, ["count", "-", "--input-format", "blt", "-f", "json"], input=text)
    assert r.exit_code == 0, r.output
    run = _tellers("count", "-", "-f", "json", stdin=text)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["elected"] == ["Avery", "Blake"]


def test_dash_with_an_unknown_format_asks_for_it() -> None:
    r = runner.invoke(app, ["count", "-"], input=b"hello there\n")
    assert r.exit_code == 2
    assert "--input-format" in r.output
    assert "<stdin>" in r.output


def test_dash_errors_name_standard_input() -> None:
    r = runner.invoke(app, ["count", "-", "--input-format", "blt"], input=b"3 1\nx 1 0\n")
    assert r.exit_code == 2
    assert "<stdin>:2:" in r.output


def test_json_lines_name_their_source(tmp_path: Path) -> None:
    a = _blt(tmp_path / "a.blt", ("A", "B"), "one")
    b = _blt(tmp_path / "b.blt", ("C", "D"), "two")
    r = runner.invoke(app, ["count", str(a), str(b), "-f", "json", "--jobs", "1"])
    assert r.exit_code == 0, r.output
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["source"] for d in lines] == [str(a), str(b)]


def test_keep_going_counts_every_good_file(tmp_path: Path) -> None:
    a = _blt(tmp_path / "a.blt", ("A", "B"), "one")
    bad = tmp_path / "b[x].blt"
    bad.write_text("garbage\n")
    c = _blt(tmp_path / "c.blt", ("C", "D"), "three")
    r = runner.invoke(
        app, ["count", str(a), str(bad), str(c), "-f", "json", "--keep-going", "--jobs", "1"]
    )
    assert r.exit_code == 2, r.output
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["source"] for d in lines] == [str(a), str(c)]
    assert f"{bad}:1:" in r.stderr
    assert "1 of 3 files could not be counted" in r.stderr
    # Without it, the first bad file stops the run with nothing on stdout.
    r = runner.invoke(app, ["count", str(a), str(bad), str(c), "-f", "json", "--jobs", "1"])
    assert r.exit_code == 2
    assert r.stdout == ""


def test_summary_on_stderr_when_writing_a_file(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = runner.invoke(app, ["count", EXAMPLE, "-f", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert "Avery" in r.stderr and "Blake" in r.stderr
    assert "elected" in r.stderr.lower()
    assert str(out) in r.stderr.replace("\n", "")


def _rctab_config(tmp_path: Path) -> Path:
    """Write a small generic-CSV RCTab contest (A wins) and its config; return the config."""
    (tmp_path / "cvr.csv").write_text("id,A,B,C\n1,1,2,\n2,1,,2\n3,2,1,\n4,1,,\n5,,,1\n")
    config = {
        "tabulatorVersion": "TEST",
        "outputSettings": {"contestName": "Small"},
        "cvrFileSources": [
            {
                "filePath": "cvr.csv",
                "provider": "genericCsv",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
            }
        ],
        "candidates": [{"name": n} for n in ("A", "B", "C")],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "alwaysSkipToNextRank",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": "3",
        },
    }
    path = tmp_path / "small_config.json"
    path.write_text(json.dumps(config))
    return path


def test_rctab_prints_the_winners(tmp_path: Path) -> None:
    path = _rctab_config(tmp_path)
    r = runner.invoke(app, ["rctab", str(path), "--out", str(tmp_path / "o"), "--no-html"])
    assert r.exit_code == 0, r.output
    assert "Elected: A" in r.output


def test_shell_completion_is_available() -> None:
    r = runner.invoke(app, ["--help"])
    assert "--install-completion" in r.output
    assert "--show-completion" in r.output


def test_progress_bar_shows_file_names_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bar names the file being counted: ``b[red].blt`` is not read as markup."""
    from tellers.batch import count_command

    monkeypatch.setenv("FORCE_COLOR", "1")
    a = _blt(tmp_path / "a.blt", ("A", "B"), "one")
    b = _blt(tmp_path / "b[red].blt", ("C", "D"), "two")
    results = count_command([a, b], "av", progress=True, jobs=1)
    assert [list(r.elected_names) for r in results] == [["A"], ["C"]]
    assert "b[red].blt" in capsys.readouterr().err


# The child starts with Ctrl-C's default action, as under a terminal: a test run started in
# the background by a non-interactive shell (``.ci/run &``) passes SIGINT down ignored, and a
# Python started with it ignored never raises KeyboardInterrupt.
_SLOW = """
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
import sys, time, tellers.batch, tellers.cli
real = tellers.batch.read
def slow(*a, **k):
    time.sleep(0.2)
    return real(*a, **k)
tellers.batch.read = slow
sys.argv = ["tellers", "count", *sys.argv[1:], "--jobs", "2", "-f", "json"]
tellers.cli.main()
"""


@pytest.mark.slow
def test_interrupting_many_files_leaves_no_worker_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the group: the workers must not print tracebacks."""
    import signal
    import time

    files = []
    for i in range(40):
        files.append(str(_blt(tmp_path / f"w{i}.blt", ("A", "B"), f"w{i}")))
    run = subprocess.Popen(
        [sys.executable, "-c", _SLOW, *files],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(2.5)
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130, err
    assert b"Traceback" not in err
    assert b"ForkProcess" not in err


def test_among_many_files_a_refusal_names_its_file(tmp_path: Path) -> None:
    """A method's refusal ("all are withdrawn") does not name the file; among many it must."""
    ok = _blt(tmp_path / "ok.blt", ("A", "B"), "ok")
    gone = tmp_path / "gone.blt"
    gone.write_text('2 1\n-1 -2\n1 1 0\n0\n"A"\n"B"\n"T"\n')
    r = runner.invoke(app, ["count", str(ok), str(gone), "-f", "json", "--jobs", "1"])
    assert r.exit_code == 2
    assert f"{gone}: " in r.stderr
    r = runner.invoke(app, ["count", str(ok), str(gone), "-f", "json", "--jobs", "1", "-k"])
    assert r.exit_code == 2
    assert f"{gone}: " in r.stderr


def test_verify_refuses_an_existing_out_before_it_counts(tmp_path: Path) -> None:
    out = tmp_path / "droop.md"
    out.write_text("earlier")
    r = runner.invoke(app, ["verify", "DROOP", "--data", str(tmp_path / "none"), "--out", str(out)])
    assert r.exit_code == 2
    assert "--force" in r.output
    assert out.read_text() == "earlier"


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["rules", "check", "{dev}"],
        ["rules", "show", "{dev}"],
        ["nominations", "report", "labour-leader-2020", "{dev}"],
        ["nominations", "report", "{dev}", "{csv}"],
        ["rctab", "{dev}"],
        ["rctab", "{config}", "--tiebreak-answers", "{dev}"],
        ["verify-result", "{dev}"],
        ["compare", "{dev}", "--input-format", "blt"],
    ],
)
def test_every_command_refuses_a_device_or_fifo(tmp_path: Path, args: list[str]) -> None:
    """Each file a command reads must be a regular file: ``/dev/zero`` never ends."""
    config = tmp_path / "c_config.json"
    config.write_text("{}")
    csv = tmp_path / "n.csv"
    csv.write_text("candidate,stage,nominator,body\n")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for dev in ("/dev/zero", str(fifo)):
        filled = [a.format(dev=dev, csv=csv, config=config) for a in args]
        if filled[0] == "verify-result":
            pytest.importorskip("django")
        run = _tellers(*filled, timeout=30)
        assert run.returncode == 2, (filled, run.stderr)
        assert b"not a regular file" in run.stderr, (filled, run.stderr)


def test_rctab_reports_replace_regular_files_only(tmp_path: Path) -> None:
    """A report's name in the folder that is a symbolic link or a FIFO is refused, and
    nothing is written; new reports take the umask's mode."""
    path = _rctab_config(tmp_path)
    out = tmp_path / "o"
    out.mkdir()
    target = tmp_path / "elsewhere.json"
    target.write_text("keep me")
    (out / "small_detailed_report.json").symlink_to(target)
    r = runner.invoke(app, ["rctab", str(path), "--out", str(out), "--no-html"])
    assert r.exit_code == 2, r.output
    assert "symbolic link" in r.output
    assert target.read_text() == "keep me"
    assert [p.name for p in out.iterdir()] == ["small_detailed_report.json"]
    (out / "small_detailed_report.json").unlink()
    os.mkfifo(out / "small_detailed_report.json")
    r = runner.invoke(app, ["rctab", str(path), "--out", str(out), "--no-html"])
    assert r.exit_code == 2, r.output
    assert "not a regular file" in r.output
    (out / "small_detailed_report.json").unlink()
    old = os.umask(0o022)
    try:
        r = runner.invoke(app, ["rctab", str(path), "--out", str(out), "--no-html"])
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE((out / "small_detailed_report.json").stat().st_mode) == 0o644


#: A name that would clear the screen and turn what follows red on a terminal; the bidi
#: override would show what follows it backwards.
ESCAPING = ("A\x1b[2J\x1b[31mX", "B\u202eC", "D")


@pytest.mark.parametrize("color", [False, True])
def test_control_characters_from_a_file_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, color: bool
) -> None:
    """Escape sequences in names and file names are shown escaped, never sent raw."""
    if color:
        monkeypatch.setenv("FORCE_COLOR", "1")
    ward = _blt(tmp_path / "esc.blt", ESCAPING, "T\x1b]0;pwned\x07")
    runs = [["count", str(ward)], ["compare", str(ward)]]
    if color:  # CSV is data: escaped only on its way to a terminal
        runs.append(["count", str(ward), "-f", "csv"])
    for args in runs:
        r = runner.invoke(app, [*args, "--width", "200"])
        assert r.exit_code == 0, r.output
        assert "\x1b[2J" not in r.output and "\x1b]0" not in r.output, args
        assert "\u202e" not in r.output, args
        assert "\\x1b[2J" in r.output, args
    bad = tmp_path / "e\x1b[31mvil.blt"
    bad.write_text("garbage\n")
    r = runner.invoke(app, ["count", str(bad)])
    assert r.exit_code == 2
    assert "\x1b[31m" not in r.output
    assert "e\\x1b[31mvil.blt" in r.output


def test_a_rulebook_title_with_escapes_is_shown_escaped(tmp_path: Path) -> None:
    from tellers.rules.loader import shipped_path

    text = shipped_path("labour-leader-2020").read_text(encoding="utf-8")
    book = tmp_path / "book.toml"
    book.write_text(
        text.replace('title = "Labour Party leader', 'title = "\\u001b[2JLabour Party leader', 1),
        encoding="utf-8",
    )
    for args in (["rules", "check", str(book)], ["rules", "show", str(book)]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, r.output
        assert "\x1b" not in r.output
        assert "\\x1b[2JLabour Party leader" in r.output


def test_case_is_ignored_in_every_command_s_choices(tmp_path: Path) -> None:
    text = Path(EXAMPLE).read_bytes()
    r = runner.invoke(app, ["compare", "-", "-f", "JSON", "--methods", "AV"], input=text)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["title"] == "Example committee election"
    book = tmp_path / "n.csv"
    book.write_text("kind,office,candidate,nominator,body\n")
    r = runner.invoke(
        app, ["nominations", "report", "labour-leader-2020", str(book), "--occasion", "VACANCY"]
    )
    assert r.exit_code == 0, r.output
    config = _rctab_config(tmp_path)
    r = runner.invoke(app, ["rctab", str(config), "--convert", "CDF", "--out", str(tmp_path / "c")])
    assert r.exit_code == 0, r.output


# --- a reader that goes away (``tellers count ward.blt | head -1``) ----------------------


def _many(path: Path, n: int = 150) -> Path:
    """Write a BLT election whose AV count in JSON is over a megabyte (n rounds of n names),
    far more than a pipe holds, so the writer is still writing when the reader goes."""
    ballots = "".join(f"{i + 1} {i + 1} 0\n" for i in range(n))
    names = "".join(f'"Candidate {i}"\n' for i in range(n))
    path.write_text(f'{n} 1\n{ballots}0\n{names}"Many"\n', encoding="utf-8")
    return path


def _quiet_end(run: subprocess.Popen[bytes], stderr: bytes) -> None:
    assert run.returncode == 0, stderr
    assert b"Traceback" not in stderr
    assert b"Exception ignored" not in stderr
    assert stderr == b""


@pytest.mark.slow
def test_head_of_a_long_output_ends_quietly(tmp_path: Path) -> None:
    """``tellers count X | head -1`` exited 1 (typer's code for a broken pipe); it is a reader
    who had enough, not a failure: exit 0, nothing on stderr."""
    ward = _many(tmp_path / "many.blt")
    writer = subprocess.Popen(
        [sys.executable, "-m", "tellers", "count", str(ward), "-m", "av", "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout is not None and writer.stderr is not None
    head = subprocess.run(
        ["head", "-1"], stdin=writer.stdout, capture_output=True, timeout=60, check=True
    )
    writer.stdout.close()  # head holds the only reader now; when it exits, the pipe breaks
    stderr = writer.stderr.read()
    writer.wait(timeout=60)
    assert head.stdout == b"{\n"
    _quiet_end(writer, stderr)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["count", "--help"],
        ["methods"],
        ["count", EXAMPLE, "-f", "text"],
        ["count", EXAMPLE, "-f", "csv"],
        ["compare", EXAMPLE, "--methods", "av,meek"],
        ["rules", "list"],
    ],
    ids=lambda a: "-".join(a).replace(EXAMPLE, "example"),
)
def test_every_command_stops_quietly_when_nobody_reads(args: list[str]) -> None:
    """The reader gone before the first byte: rich's consoles exited 1 (help, ``methods``),
    ``print`` and ``sys.stdout.write`` raised BrokenPipeError to typer (exit 1)."""
    run = subprocess.Popen(
        [sys.executable, "-m", "tellers", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()
    stderr = run.stderr.read()
    run.wait(timeout=60)
    _quiet_end(run, stderr)


def test_keep_going_still_reports_bad_files_when_nobody_reads(tmp_path: Path) -> None:
    """Stopping for a reader that has gone does not make a bad file good: still exit 2."""
    bad = tmp_path / "bad.blt"
    bad.write_text("garbage\n")
    run = subprocess.Popen(
        [sys.executable, "-m", "tellers", "count", EXAMPLE, str(bad), "-f", "json", "-k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()
    stderr = run.stderr.read()
    run.wait(timeout=60)
    assert run.returncode == 2, stderr
    assert f"{bad}:1:".encode() in stderr
    assert b"Traceback" not in stderr


# --- the read limits, raised (or lowered) from the command line ---------------------------


def _wide(path: Path, n: int, name_length: int = 8) -> Path:
    """Write a BLT election of ``n`` candidates (first preferences 1..n) with long names."""
    ballots = "".join(f"{i + 1} {i + 1} 0\n" for i in range(n))
    names = "".join(f'"{str(i).rjust(name_length, "x")}"\n' for i in range(n))
    path.write_text(f'{n} 1\n{ballots}0\n{names}"Wide"\n', encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", ["count", "compare"])
def test_max_candidates_is_raised_from_the_command_line(tmp_path: Path, command: str) -> None:
    """1,001 candidates are past the default limit; ``--max-candidates`` raises it."""
    ward = _wide(tmp_path / "wide.blt", 1001)
    extra = ["-m", "fptp"] if command == "count" else ["--methods", "fptp"]
    r = runner.invoke(app, [command, str(ward), *extra, "-f", "json"])
    assert r.exit_code == 2
    assert "1,001 candidates: more than the limit of 1,000" in _flat(r.stderr)
    assert "--max-candidates" in _flat(r.stderr)
    r = runner.invoke(app, [command, str(ward), *extra, "-f", "json", "--max-candidates", "1001"])
    assert r.exit_code == 0, r.output
    assert "1000".rjust(8, "x") in r.stdout  # the last candidate, with the most votes, wins


@pytest.mark.slow
def test_limits_reach_the_worker_processes(tmp_path: Path) -> None:
    """Several files are read by forked workers, under the limits the command was given."""
    a = _wide(tmp_path / "a.blt", 1001)
    b = _wide(tmp_path / "b.blt", 1001)
    args = ["count", str(a), str(b), "-m", "fptp", "-f", "json", "--jobs", "2"]
    run = _tellers(*args)
    assert run.returncode == 2 and b"--max-candidates" in run.stderr, run.stderr
    run = _tellers(*args, "--max-candidates", "5000")
    assert run.returncode == 0, run.stderr
    assert [json.loads(line)["source"] for line in run.stdout.splitlines()] == [str(a), str(b)]


def test_max_name_length_and_max_bytes_from_the_command_line(tmp_path: Path) -> None:
    ward = _wide(tmp_path / "long.blt", 3, name_length=600)
    r = runner.invoke(app, ["count", str(ward), "-m", "av"])
    assert r.exit_code == 2
    assert "has 600 characters: more than the limit of 500" in _flat(r.stderr)
    r = runner.invoke(app, ["count", str(ward), "-m", "av", "--max-name-length", "600"])
    assert r.exit_code == 0, r.output
    # Lowered as well as raised: a file of 1,840 bytes is past 1K.
    r = runner.invoke(app, ["compare", str(ward), "--max-name-length", "600", "--max-bytes", "1K"])
    assert r.exit_code == 2
    size = ward.stat().st_size
    assert f"{ward}: {size:,} bytes: larger than the limit of 1,024" in _flat(r.stderr)
    assert "--max-bytes" in _flat(r.stderr)
    r = runner.invoke(app, ["count", str(ward), "--max-name-length", "1000", "--max-bytes", "2k"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    ("given", "size"),
    [("1", 1), ("2048", 2048), ("1k", 1024), ("500M", 500 << 20), ("8GiB", 8 << 30)],
)
def test_max_bytes_takes_a_size(given: str, size: int) -> None:
    from tellers.cli import _size

    assert _size(given) == size


@pytest.mark.parametrize("given", ["", "0", "-1", "1.5G", "8X", "G", "10 MB MB"])
def test_max_bytes_refuses_what_is_not_a_size(given: str) -> None:
    r = runner.invoke(app, ["count", EXAMPLE, "--max-bytes", given])
    assert r.exit_code == 2
    assert "--max-bytes" in _flat(r.output)
    assert "Traceback" not in r.output
