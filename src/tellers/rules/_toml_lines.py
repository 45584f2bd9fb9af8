"""Find the line of a TOML document on which a key path is written.

:mod:`tomllib` gives line numbers for syntax errors only; a schema error arrives as a path of
keys and array indices (``("stages", 1, "routes", 0, "conditions", 2, "share")``).  This
module scans the text once, after ``tomllib`` has accepted it, and records the line on which
each path starts: table headers, ``[[array]]`` entries, ``key = value`` lines, and the
elements and keys inside inline arrays and tables.  It is lenient because the text is already
known to be valid TOML.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["KeyLines"]

Path = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    """A cursor over the text that keeps the current line number."""

    def __init__(self, text: str) -> None:
        self.text = text.replace("\r\n", "\n")
        self.i = 0
        self.line = 1

    def peek(self, n: int = 1) -> str:
        return self.text[self.i : self.i + n]

    def advance(self, n: int = 1) -> None:
        chunk = self.text[self.i : self.i + n]
        self.line += chunk.count("\n")
        self.i += n

    def at_end(self) -> bool:
        return self.i >= len(self.text)

    def skip_space(self, *, newlines: bool) -> None:
        """Skip blanks (and newlines and comments, when ``newlines``)."""
        while not self.at_end():
            c = self.peek()
            if c in " \t":
                self.advance()
            elif c == "#":
                while not self.at_end() and self.peek() != "\n":
                    self.advance()
            elif c == "\n" and newlines:
                self.advance()
            else:
                return

    def skip_line(self) -> None:
        while not self.at_end() and self.peek() != "\n":
            self.advance()

    def string(self) -> str:
        """Read a basic, literal or multi-line string and return its text (escapes kept)."""
        for quote in ('"""', "'''"):
            if self.peek(3) == quote:
                self.advance(3)
                start = self.i
                while not self.at_end() and self.peek(3) != quote:
                    self.advance(2 if quote == '"""' and self.peek() == "\\" else 1)
                out = self.text[start : self.i]
                self.advance(3)
                # A closing run may hold up to two extra quotes that belong to the string.
                while self.peek() == quote[0]:
                    self.advance()
                return out
        quote = self.peek()
        self.advance()
        start = self.i
        while not self.at_end() and self.peek() != quote and self.peek() != "\n":
            self.advance(2 if quote == '"' and self.peek() == "\\" else 1)
        out = self.text[start : self.i]
        self.advance()
        return out

    def key(self) -> list[str]:
        """Read a dotted key (bare or quoted parts)."""
        parts: list[str] = []
        while True:
            self.skip_space(newlines=False)
            c = self.peek()
            if c in "\"'":
                parts.append(self.string())
            else:
                start = self.i
                while not self.at_end() and self.peek() in _BARE:
                    self.advance()
                parts.append(self.text[start : self.i])
            self.skip_space(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return parts


class KeyLines:
    """The line on which every key path of a TOML document starts."""

    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        self._arrays: dict[Path, int] = {}
        s = _Scanner(text)
        table: Path = ()
        while True:
            s.skip_space(newlines=True)
            if s.at_end():
                break
            if s.peek() == "[":
                table = self._header(s)
            else:
                line = s.line
                parts = s.key()
                path = table + tuple(parts)
                self.lines.setdefault(path, line)
                s.skip_space(newlines=False)
                if s.peek() == "=":
                    s.advance()
                    s.skip_space(newlines=False)
                    self._value(s, path)
                else:
                    s.skip_line()

    def _resolve(self, parts: Sequence[str]) -> Path:
        """Turn header parts into a path, entering the latest element of each table array."""
        path: Path = ()
        for part in parts:
            path = (*path, part)
            if path in self._arrays:
                path = (*path, self._arrays[path])
        return path

    def _header(self, s: _Scanner) -> Path:
        line = s.line
        array = s.peek(2) == "[["
        s.advance(2 if array else 1)
        parts = s.key()
        s.skip_line()
        if array:
            parent = self._resolve(parts[:-1])
            arr = (*parent, parts[-1])
            self.lines.setdefault(arr, line)
            index = self._arrays.get(arr, -1) + 1
            self._arrays[arr] = index
            path: Path = (*arr, index)
        else:
            path = self._resolve(parts)
        self.lines.setdefault(path, line)
        return path

    def _value(self, s: _Scanner, path: Path) -> None:
        c = s.peek()
        if c in "\"'":
            s.string()
        elif c == "[":
            s.advance()
            index = 0
            while True:
                s.skip_space(newlines=True)
                if s.at_end() or s.peek() == "]":
                    s.advance()
                    return
                if s.peek() == ",":
                    s.advance()
                    index += 1
                    continue
                self.lines.setdefault((*path, index), s.line)
                self._value(s, (*path, index))
        elif c == "{":
            s.advance()
            while True:
                s.skip_space(newlines=False)
                if s.at_end() or s.peek() == "}":
                    s.advance()
                    return
                if s.peek() == ",":
                    s.advance()
                    continue
                line = s.line
                parts = s.key()
                sub = path + tuple(parts)
                self.lines.setdefault(sub, line)
                s.skip_space(newlines=False)
                if s.peek() == "=":
                    s.advance()
                    s.skip_space(newlines=False)
                    self._value(s, sub)
        else:
            while not s.at_end() and s.peek() not in ",]}\n#":
                s.advance()

    def line_of(self, path: Sequence[str | int]) -> int:
        """Return the line of ``path``, or of its nearest enclosing key that is written."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return 1
