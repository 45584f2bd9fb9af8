"""One check for every input: the command line and the readers refuse alike, in the same words."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

import tellers
from tellers._files import check_input
from tellers.errors import FormatError


def _refusal(check: Callable[[Path], object], path: Path) -> str:
    with pytest.raises(FormatError) as e:
        check(path)
    return str(e.value)


@pytest.mark.parametrize("kind", ["device", "fifo", "directory", "missing"])
def test_the_readers_refuse_as_the_command_line_does(tmp_path: Path, kind: str) -> None:
    """tellers.read had a regular-file check of its own, with its own words for a device or
    a FIFO ("a device, pipe or socket is not read"); it is now the command line's."""
    if kind == "device":
        path = Path("/dev/null")
    elif kind == "fifo":
        path = tmp_path / "ward.blt"
        os.mkfifo(path)
    elif kind == "directory":
        path = tmp_path / "ward.blt"
        path.mkdir()
    else:
        path = tmp_path / "ward.blt"
    expected = _refusal(check_input, path)
    assert _refusal(tellers.read, path) == expected
    assert _refusal(lambda p: tellers.read(p, "blt"), path) == expected


def test_a_device_is_named_as_one() -> None:
    message = _refusal(tellers.read, Path("/dev/null"))
    assert message == "/dev/null: not a regular file (a device); give a file"
