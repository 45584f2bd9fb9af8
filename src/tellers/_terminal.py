"""Printing on the terminal for the command lines: whatever came from a file is text.

Candidate names, titles, file names and messages can hold ``[red]``, ``[/]`` or ``:x:``,
which rich would read as markup or emoji codes (or fail on).  These consoles read nothing:
styles are given as styles, never written into the string.
"""

from __future__ import annotations

from typing import TextIO

import typer
from rich.console import Console
from rich.text import Text

__all__ = ["fail", "plain_console", "say", "say_error"]


def plain_console(*, stderr: bool = False, file: TextIO | None = None) -> Console:
    """Return a console that prints strings as they are: no markup, emoji or highlighting."""
    return Console(stderr=stderr, file=file, highlight=False, markup=False, emoji=False)


def say(label: str, message: str, *, style: str = "bold red") -> None:
    """Print ``label: message`` on stderr, the label styled and the message as text."""
    line = Text()
    line.append(f"{label}:", style=style)
    line.append(" " + message)
    plain_console(stderr=True).print(line, soft_wrap=True)


def say_error(message: str) -> None:
    """Print ``error: message`` on stderr."""
    say("error", message)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit to raise (code 2: bad input)."""
    say_error(message)
    return typer.Exit(code)
