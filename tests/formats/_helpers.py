"""Shared helpers for the reader tests: the shared data folder and error assertions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tellers.errors import FormatError
from tellers.model import Election

#: Real election data, read in place: ``../shared/data`` from the repository root.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def shared(*parts: str) -> Path:
    """Return a path under the shared data folder, skipping the test if the folder is absent."""
    if not DATA.is_dir():
        pytest.skip(f"shared test data not found at {DATA}")
    return DATA.joinpath(*parts)


def put(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """Write a test file (text as UTF-8) and return its path."""
    p = tmp_path / name
    if isinstance(content, str):
        p.write_bytes(content.encode("utf-8"))
    else:
        p.write_bytes(content)
    return p


def fails_at(
    reader: Callable[[Path], Election], path: Path, line: int | None, match: str = ""
) -> FormatError:
    """Assert that reading ``path`` raises a FormatError naming the file and ``line``."""
    with pytest.raises(FormatError, match=match) as info:
        reader(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line, f"expected line {line}, got {err.line}: {err}"
    return err
