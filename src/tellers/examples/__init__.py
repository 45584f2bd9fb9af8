"""Small elections shipped with tellers, for the demo and the documentation."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["path"]


def path(name: str) -> Path:
    """Return the path of a shipped example file."""
    return Path(str(files(__name__).joinpath(name)))
