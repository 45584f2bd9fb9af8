"""What tellers reads and counts, at most: documented limits, enforced while reading.

A hostile or broken file must be refused early, with the file, the line and the limit named,
rather than exhaust memory or overflow the arithmetic.  Two kinds of limit:

- **Fixed by the arithmetic** (cannot be raised): :data:`MAX_PAPERS`, the most ballot papers
  (one weight, or all of them) a count holds exactly -- 2**63 - 1, the largest int64, which the
  array paths use; and :data:`MAX_NESTING`, how deep a JSON file, a TOML rulebook or an RCTab
  configuration may nest (theirs is at most four or five levels).
- **Sizes a real election could exceed** (raised per read, ``tellers.read(path,
  max_candidates=5000)``, for a block of code with :func:`limits`, or on the command line
  with ``--max-candidates``, ``--max-name-length`` and ``--max-bytes``): :class:`Limits`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, replace

__all__ = ["DEFAULT", "MAX_NESTING", "MAX_PAPERS", "Limits", "current", "limits"]

#: The most papers a count holds exactly (one ballot line's weight, or the election's total).
MAX_PAPERS = 2**63 - 1
#: The deepest a JSON ballot file, TOML rulebook or RCTab configuration may nest.
MAX_NESTING = 32


@dataclass(frozen=True)
class Limits:
    """Sizes a reader refuses past; each can be raised where a real election needs it."""

    #: Candidates in one election (the largest real ballots, e.g. the NSW upper house, have a
    #: few hundred).
    max_candidates: int = 1000
    #: Characters in a candidate's (or party's, or the title's) name.
    max_name_length: int = 500
    #: Bytes read from one file, or inflated from one member of a zip archive (4 GiB).
    max_bytes: int = 4 << 30

    def __post_init__(self) -> None:
        for name in ("max_candidates", "max_name_length", "max_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


DEFAULT = Limits()
_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("tellers_limits", default=DEFAULT)


def current() -> Limits:
    """Return the limits in force (the defaults unless raised by :func:`limits`)."""
    return _CURRENT.get()


@contextlib.contextmanager
def limits(
    *,
    max_candidates: int | None = None,
    max_name_length: int | None = None,
    max_bytes: int | None = None,
) -> Iterator[Limits]:
    """Raise (or lower) limits for the readers called inside the ``with`` block."""
    given = {
        k: v
        for k, v in (
            ("max_candidates", max_candidates),
            ("max_name_length", max_name_length),
            ("max_bytes", max_bytes),
        )
        if v is not None
    }
    new = replace(current(), **given)
    token = _CURRENT.set(new)
    try:
        yield new
    finally:
        _CURRENT.reset(token)
