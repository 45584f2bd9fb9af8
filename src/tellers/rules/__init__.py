"""Organisations' election rules as data: rulebooks, nominations, replays of real contests.

A rulebook (TOML, shipped under ``rulebooks/``) says which offices are elected and how their
votes are counted (a method name from :data:`tellers.methods.REGISTRY`), how candidates get on
the ballot (nomination stages, each a set of routes with thresholds and rounding rules), who
votes, and, where the rules have them, exhaustive MP ballots, trigger ballots and shortlisting
constraints.  Every fact cites its sources, and what could not be confirmed says so.

:func:`load` reads and validates one (a bad file gives ``file:line: problem``);
:class:`NominationBook` checks nominations against it; :func:`describe` explains it in plain
English.  This package never imports the CLI or any web framework.
"""

from __future__ import annotations

from .loader import load, loads, resolve, shipped
from .nominations import NominationBook, read_csv
from .render import describe
from .schema import Rulebook

__all__ = [
    "NominationBook",
    "Rulebook",
    "describe",
    "load",
    "loads",
    "read_csv",
    "resolve",
    "shipped",
]
