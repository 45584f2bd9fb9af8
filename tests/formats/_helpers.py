"""Shared helpers for the reader tests: the shared data folder and error assertions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

# By name, not relatively: this folder is a package of its own (its __init__.py) and ``tests``
# is not; tests/conftest.py has imported ``tests._shared`` before any test module.
from tests._shared import require_shared_data

from tellers.errors import FormatError
from tellers.model import Election


def shared(*parts: str) -> Path:
    """Return a path under the shared data folder (its tests carry ``pytest.mark.shared_data``)."""
    return require_shared_data().joinpath(*parts)


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
