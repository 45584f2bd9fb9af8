"""Printing on the terminal for the command lines: whatever came from a file is text.

Candidate names, titles, file names and messages can hold ``[red]``, ``[/]`` or ``:x:``,
which rich would read as markup or emoji codes (or fail on).  These consoles read nothing:
styles are given as styles, never written into the string.
"""

from __future__ import annotations

import re
from typing import TextIO

import typer
from rich.console import Console
from rich.text import Text

__all__ = ["fail", "has_controls", "plain_console", "printable", "say", "say_error"]

#: Characters a terminal acts on rather than shows: C0 and C1 controls (but newline and tab),
#: DEL, and the bidirectional overrides and isolates that would show text out of order.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str) -> str:
    """Return ``text`` with every control character written as an escape (``\\x1b``)."""
    return _CONTROLS.sub(_escape, text)


def has_controls(text: str) -> bool:
    """Return whether ``text`` holds a character :func:`printable` would escape."""
    return _CONTROLS.search(text) is not None


class _Console(Console):
    """A rich console that lets a broken pipe reach the command line's guard."""

    def on_broken_pipe(self) -> None:
        # rich's own exits 1, which tellers keeps for a verification that found mismatches;
        # the guard ends the command quietly with exit 0 instead (see tellers.cli.reader_gone).
        self.quiet = True
        raise BrokenPipeError


def plain_console(
    *, stderr: bool = False, file: TextIO | None = None, soft_wrap: bool = False
) -> Console:
    """Return a console that prints strings as they are: no markup, emoji or highlighting."""
    return _Console(
        stderr=stderr,
        file=file,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=soft_wrap,
    )


def say(label: str, message: str, *, style: str = "bold red") -> None:
    """Print ``label: message`` on stderr, the label styled and the message as text."""
    line = Text()
    line.append(f"{label}:", style=style)
    line.append(" " + printable(message))
    plain_console(stderr=True).print(line, soft_wrap=True)


def say_error(message: str) -> None:
    """Print ``error: message`` on stderr."""
    say("error", message)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise (code 2: bad input)."""
    say_error(message)
    return typer.Exit(code)
