"""Run RCTab contest configs unchanged: US cast vote records in, RCTab's reports out.

The count: :mod:`~tellers.rctab.options` (the config's ``rules``, as :class:`RctabRules`),
:mod:`~tellers.rctab.tabulator` (RCTab's round loop, :func:`tabulate`) and
:mod:`~tellers.rctab._java` (Java's generator, shuffle and hash orders RCTab's output depends
on).  Around it: :mod:`~tellers.rctab.config` reads a contest config, :mod:`~tellers.rctab.cvr`
the vendors' cast vote records, :mod:`~tellers.rctab.report` and
:mod:`~tellers.rctab.convert` write RCTab's reports and conversions, and
:mod:`~tellers.rctab.run` joins them (:func:`run_config` is ``tellers rctab CONFIG.json``).

The count's names are imported with the package; the config-and-files layer only when first
used, so that ``import tellers`` (whose ``rctab`` method needs the count) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .options import (
    EXPLICIT_OVERVOTE,
    UNDECLARED_WRITE_IN,
    Asker,
    OvervoteRule,
    RctabRules,
    TiebreakMode,
    TieQuestion,
    WinnerMode,
)
from .tabulator import RctabCount, RoundTally, Status, tabulate, tabulate_passes

if TYPE_CHECKING:
    from .config import ContestConfig, load_config
    from .run import Tabulation, convert_config, run_config, tabulate_config

__all__ = [
    "EXPLICIT_OVERVOTE",
    "UNDECLARED_WRITE_IN",
    "Asker",
    "ContestConfig",
    "OvervoteRule",
    "RctabCount",
    "RctabRules",
    "RoundTally",
    "Status",
    "Tabulation",
    "TieQuestion",
    "TiebreakMode",
    "WinnerMode",
    "convert_config",
    "load_config",
    "run_config",
    "tabulate",
    "tabulate_config",
    "tabulate_passes",
]

# name -> the submodule that defines it, for the names imported on first use
_LAZY = {
    "ContestConfig": "config",
    "load_config": "config",
    "Tabulation": "run",
    "convert_config": "run",
    "run_config": "run",
    "tabulate_config": "run",
}


def __getattr__(name: str) -> Any:
    """Import the config-and-files names on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
