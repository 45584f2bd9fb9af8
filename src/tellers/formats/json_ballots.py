"""A JSON election file: candidates by name, merged ballots as rankings of names.

Layout::

    {
      "title": "Committee 2024",                   optional; default: the file name
      "seats": 3,                                  optional; a whole number >= 1, or null
      "options": {"tie": "3 2 1"},                 optional; strings, as BLT option lines give
      "tie_order": ["Carol", "Bob", "Alice"],      optional; every candidate once, earliest first
      "candidates": [
        {"name": "Alice", "party": "Red", "withdrawn": false},   party, withdrawn optional
        "Bob",                                     shorthand for {"name": "Bob"}
        "Carol"
      ],
      "ballots": [
        {"ranking": [["Alice"], ["Bob", "Carol"], []], "count": 3},
        {"ranking": ["Bob", "Alice"]}              count defaults to 1; "Bob" is ["Bob"]
      ]
    }

Each rank lists the candidates marked at that place: ``[]`` is a skipped rank, several names an
equal ranking.  Ranks are kept exactly as written, so an election written by :func:`dumps`
reads back equal.  Keys other than these are an error (a misspelt key would otherwise be
silently ignored), and so is a key given twice.  The reader is a small JSON parser of its own
so that every error can name the line it is on.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import json
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._types import CandidateIndex, Rank, Ranking
from ..errors import FormatError
from ..limits import MAX_PAPERS
from ..model import Ballot, Candidate, Election
from ._common import add_papers, read_text, split_lines

__all__ = ["dumps", "load", "loads", "write"]

_WS = re.compile(r"[ \t\n\r]*")
# Possessive: a long string is matched in one step per run of plain characters, without the
# backtracking stack an alternation under * keeps per character (1 GB for a 10 MB string).
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]++|\\.)*+"', re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_MAX_DEPTH = 64
_MAX_DIGITS = 4000


class _Obj(dict[str, Any]):
    """A JSON object that remembers its line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class _Arr(list[Any]):
    """A JSON array that remembers its line."""

    line: int


class _Parser:
    """Parse JSON text into plain values, objects and arrays that know their lines."""

    def __init__(self, text: str, path: str | Path) -> None:
        self.text = text
        self.path = path
        self.breaks = [m.start() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        """Return the 1-based line of a position in the text."""
        return bisect.bisect_left(self.breaks, pos) + 1

    def fail(self, problem: str, pos: int) -> FormatError:
        """Return the error for bad JSON at ``pos``."""
        return FormatError(f"not valid JSON: {problem}", path=self.path, line=self.line(pos))

    def skip(self, pos: int) -> int:
        """Return the position after any whitespace at ``pos``."""
        m = _WS.match(self.text, pos)
        return m.end() if m else pos

    def document(self) -> Any:
        """Parse the whole text as one JSON value."""
        pos = self.skip(0)
        value, pos = self.value(pos, 0)
        pos = self.skip(pos)
        if pos != len(self.text):
            raise self.fail("text after the end of the JSON value", pos)
        return value

    def value(self, pos: int, depth: int) -> tuple[Any, int]:
        """Parse one value starting at ``pos``; return it and the position after it."""
        if depth > _MAX_DEPTH:
            raise self.fail(f"nested more than {_MAX_DEPTH} deep", pos)
        text = self.text
        if pos >= len(text):
            raise self.fail("file ends where a value should be", pos - 1)
        ch = text[pos]
        if ch == "{":
            return self.object(pos, depth)
        if ch == "[":
            return self.array(pos, depth)
        if ch == '"':
            return self.string(pos)
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                return val, pos + len(word)
        m = _NUMBER.match(text, pos)
        if m:
            if m[1] or m[2]:
                return float(m[0]), m.end()
            if len(m[0]) > _MAX_DIGITS:
                raise self.fail("number too long", pos)
            return int(m[0]), m.end()
        raise self.fail(f"unexpected character {ch!r}", pos)

    def string(self, pos: int) -> tuple[str, int]:
        """Parse a string literal starting at ``pos``."""
        m = _STRING.match(self.text, pos)
        if not m:
            raise self.fail("unterminated string or control character in a string", pos)
        try:
            value = json.loads(m[0])
        except ValueError:
            raise self.fail(f"bad escape in the string {m[0]!r}", pos) from None
        assert isinstance(value, str)
        return value, m.end()

    def object(self, pos: int, depth: int) -> tuple[_Obj, int]:
        """Parse an object starting at the ``{`` at ``pos``."""
        obj = _Obj()
        obj.line = self.line(pos)
        obj.key_lines = {}
        pos = self.skip(pos + 1)
        if self.text.startswith("}", pos):
            return obj, pos + 1
        while True:
            if not self.text.startswith('"', pos):
                raise self.fail("expected a quoted key", pos)
            key, after = self.string(pos)
            if key in obj:
                raise self.fail(f"key {key!r} given twice", pos)
            obj.key_lines[key] = self.line(pos)
            pos = self.skip(after)
            if not self.text.startswith(":", pos):
                raise self.fail("expected ':' after a key", pos)
            obj[key], pos = self.value(self.skip(pos + 1), depth + 1)
            pos = self.skip(pos)
            if self.text.startswith("}", pos):
                return obj, pos + 1
            if not self.text.startswith(",", pos):
                raise self.fail("expected ',' or '}' in an object", pos)
            pos = self.skip(pos + 1)

    def array(self, pos: int, depth: int) -> tuple[_Arr, int]:
        """Parse an array starting at the ``[`` at ``pos``."""
        arr = _Arr()
        arr.line = self.line(pos)
        pos = self.skip(pos + 1)
        if self.text.startswith("]", pos):
            return arr, pos + 1
        while True:
            item, pos = self.value(pos, depth + 1)
            arr.append(item)
            pos = self.skip(pos)
            if self.text.startswith("]", pos):
                return arr, pos + 1
            if not self.text.startswith(",", pos):
                raise self.fail("expected ',' or ']' in an array", pos)
            pos = self.skip(pos + 1)


class _Checker:
    """Check parsed JSON against the election layout, naming lines in errors."""

    def __init__(self, path: str | Path) -> None:
        self.path = path

    def error(self, problem: str, line: int) -> FormatError:
        """Return the error for a value that does not fit the layout."""
        return FormatError(problem, path=self.path, line=line)

    def keys(self, obj: _Obj, what: str, allowed: set[str], required: set[str]) -> None:
        """Check an object has only the allowed keys and all the required ones."""
        for key in obj:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.error(
                    f"unknown key {key!r} in {what} (known: {known})", obj.key_lines[key]
                )
        for key in sorted(required):
            if key not in obj:
                raise self.error(f"{what} has no {key!r}", obj.line)

    def text(self, obj: _Obj, key: str, default: str) -> str:
        """Return a string member, or ``default`` if absent."""
        if key not in obj:
            return default
        value = obj[key]
        if not isinstance(value, str):
            raise self.error(f"{key!r} must be a string", obj.key_lines[key])
        return value

    def whole(self, obj: _Obj, key: str, default: int | None, minimum: int) -> int | None:
        """Return a whole-number member (null allowed only if ``default`` is None)."""
        if key not in obj or (obj[key] is None and default is None):
            return default
        value = obj[key]
        line = obj.key_lines[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"{key!r} must be a whole number, not {value!r}", line)
        if value < minimum:
            raise self.error(f"{key!r} is {value}, below {minimum}", line)
        return int(value)

    def candidate(self, item: Any, line: int) -> Candidate:
        """Check one entry of ``candidates``."""
        if isinstance(item, str):
            return Candidate(item)
        if not isinstance(item, _Obj):
            raise self.error("each candidate must be an object or a name", line)
        self.keys(item, "a candidate", {"name", "party", "withdrawn"}, {"name"})
        name = self.text(item, "name", "")
        party = self.text(item, "party", "")
        withdrawn = item.get("withdrawn", False)
        if not isinstance(withdrawn, bool):
            raise self.error("'withdrawn' must be true or false", item.key_lines["withdrawn"])
        return Candidate(name, party, withdrawn)

    def ranking(self, value: Any, line: int, index: dict[str, CandidateIndex]) -> Ranking:
        """Check a ballot's ``ranking`` and turn names into candidate indices."""
        if not isinstance(value, _Arr):
            raise self.error("'ranking' must be a list of ranks", line)
        ranks: list[Rank] = []
        for rank in value:
            names = [rank] if isinstance(rank, str) else rank
            where = rank.line if isinstance(rank, _Arr) else value.line
            if not isinstance(names, list):
                raise self.error("each rank must be a list of names (or one name)", where)
            marked: list[CandidateIndex] = []
            for name in names:
                if not isinstance(name, str):
                    raise self.error(f"a rank lists {name!r}, not a candidate name", where)
                if name not in index:
                    raise self.error(f"ballot names {name!r}, who is not a candidate", where)
                marked.append(index[name])
            ranks.append(tuple(marked))
        return tuple(ranks)


def load(path: str | Path) -> Election:
    """Read a JSON election file (with the C decoder where the file is plain)."""
    text = read_text(path)
    # Millions of small lists and tuples are made and kept: the cyclic collector, run again
    # and again over all of them as they pile up, would take a fifth of the time, and none
    # of them can be part of a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        fast = _load_scanned(text, path)
        if fast is None:
            fast = _load_fast(text, path)
    finally:
        if collecting:
            gc.enable()
    return fast if fast is not None else loads(text, path=path)


# The JSON grammar of a ballot object as dumps() writes it (any whitespace), for the scan:
# possessive, so that no text is tried twice.
_J_WS = r"[ \t\n\r]*+"
_J_STRING = r'"(?:[^"\\\x00-\x1f]++|\\.)*+"'
_J_RANK = rf"(?:{_J_STRING}|\[{_J_WS}(?:{_J_STRING}(?:{_J_WS},{_J_WS}{_J_STRING})*+)?{_J_WS}\])"
_J_RANKING = rf"\[{_J_WS}(?:{_J_RANK}(?:{_J_WS},{_J_WS}{_J_RANK})*+)?{_J_WS}\]"


def _ballot_grammar(ranking: str) -> re.Pattern[str]:
    """Return the grammar of a ballot object: its ranking, and its count if it has one."""
    return re.compile(
        rf'\{{{_J_WS}"ranking"{_J_WS}:{_J_WS}({ranking}){_J_WS}'
        rf'(?:,{_J_WS}"count"{_J_WS}:{_J_WS}(0|[1-9][0-9]{{0,18}}){_J_WS})?\}}'
    )


#: A ballot object, as written: its ranking, and its count if it has one.
_BALLOT_OBJECT = _ballot_grammar(_J_RANKING)
#: The same where no name holds an escape (most files): quicker to match.
_PLAIN_BALLOT_OBJECT = _ballot_grammar(_J_RANKING.replace(_J_STRING, r'"[^"\\\x00-\x1f]*+"'))
#: What may be a ballot, with the "[" or "," before it: braces round text without braces.
#: Any other character is matched alone, outside the group: a scan that finds one finds text
#: that is not a list of objects.  Each distinct text is then matched against the grammar
#: (``_BALLOT_OBJECT``): a brace inside a name cuts an object short, and the piece will not match.
_OBJECT_TEXT = re.compile(rf"[\[,]{_J_WS}(\{{[^{{}}]*+\}}){_J_WS}|[\s\S]")
_BALLOTS_KEY = re.compile(rf'[{{,]{_J_WS}"ballots"{_J_WS}:{_J_WS}\[')
#: How many characters of ballots one scan takes (its matches are held at once).
_SCAN_CHUNK = 1 << 20
_JSON_WS = " \t\n\r"


def _ballots_span(text: str) -> tuple[int, int] | None:
    """Return where the ballots array opens and closes, if it is the file's last member."""
    if text.count('"ballots"') != 1:
        return None  # the word in a name or title too: not worth telling apart
    m = _BALLOTS_KEY.search(text)
    if m is None:
        return None
    end = len(text) - 1
    while end >= 0 and text[end] in _JSON_WS:
        end -= 1
    if end < 0 or text[end] != "}":
        return None
    end -= 1
    while end >= 0 and text[end] in _JSON_WS:
        end -= 1
    if end < m.end() or text[end] != "]":
        return None
    return m.end() - 1, end


def _load_scanned(text: str, path: str | Path) -> Election | None:
    """Read a file whose ballots array is last and plain, counting ballots by their text.

    Each ballot's ranking (and count) is matched as text by a regular expression of the
    JSON grammar, and identical texts are counted in C before any is decoded: a million
    ballots are a quarter of a million distinct rankings, each decoded once.  The rest of the
    file, with the ballots array emptied, goes through :func:`_load_fast`'s decoder and
    checks.  Anything else -- a ballot written otherwise (keys in another order, a count
    that is not a plain whole number), the ballots array not last, text between ballots
    that the grammar does not allow -- returns None, for the C decoder's path.
    """
    span = _ballots_span(text)
    if span is None:
        return None
    first, last = span
    found: Counter[str] = Counter()
    if text[first + 1 : last].strip(_JSON_WS) if last - first < 64 else True:
        pos = first
        while pos < last:
            # Cut after a ballot's "}": were that "}" inside a name, the two halves would
            # not scan as ballots, and the file goes to the C decoder's path.
            cut = text.find("},", pos + _SCAN_CHUNK, last)
            end = last if cut < 0 else cut + 1
            found.update(_OBJECT_TEXT.findall(text, pos, end))
            pos = end
    if "" in found:
        return None  # a character outside any object
    papers: dict[str, int] = {}
    unpapered: dict[str, None] = {}  # rankings only ever given a count of 0
    plain, match = _PLAIN_BALLOT_OBJECT.fullmatch, _BALLOT_OBJECT.fullmatch
    for written, times in found.items():
        m = plain(written) or match(written)
        if m is None:
            return None
        ranking, count = m.groups()
        weight = times * int(count) if count else times
        if weight:
            papers[ranking] = papers.get(ranking, 0) + weight
        else:
            unpapered[ranking] = None
    del found
    merged: dict[tuple[Any, ...], int] = {}
    rankings = list(papers.items())
    rankings += [(r, 0) for r in unpapered if r not in papers]
    for start in range(0, len(rankings), 65536):
        batch = rankings[start : start + 65536]
        try:
            decoded = json.loads("[" + ",".join([r for r, _ in batch]) + "]")
        except ValueError:
            return None  # a bad escape: the careful parser names its line
        for (_, weight), ranking in zip(batch, decoded, strict=True):
            # "Bob" is short for ["Bob"]; the grammar allows nothing else in a ranking.
            key = tuple([(r,) if type(r) is str else tuple(r) for r in ranking])
            if key in merged:  # written twice over, with other spaces or escapes
                merged[key] += weight
            else:
                merged[key] = weight
    head = _decode(text[: first + 1] + text[last:])
    if head is None or head[1]:
        return None
    try:
        return _election(head[0], merged, path)
    except _Fallback:
        return None


class _Fallback(Exception):
    """Raised inside the fast path: the careful parser reads the file (or names its fault)."""


def _fallback(*_: object) -> Any:
    raise _Fallback


#: What the fast path's hook returns for each ballot (its ranking and count are merged).
_BALLOT = object()
_TOP_KEYS = frozenset({"title", "seats", "options", "tie_order", "candidates", "ballots"})
_CAND_KEYS = frozenset({"name", "party", "withdrawn"})


def _load_fast(text: str, path: str | Path) -> Election | None:
    """Read a well-formed file with :func:`json.loads`, merging ballots as they are decoded.

    See :func:`_decode`; the decoded document is checked as the careful parser checks it.
    """
    decoded = _decode(text)
    if decoded is None:
        return None
    try:
        return _election(decoded[0], decoded[1], path)
    except _Fallback:
        return None


def _decode(text: str) -> tuple[Any, Counter[tuple[Any, ...]]] | None:
    """Decode a file with :func:`json.loads`, merging ballots as they are decoded.

    The C decoder builds each ballot object and hands it to a hook that adds its ranking (as
    a tuple of tuples of names) to a running merge and returns a marker, so a million ballots
    never exist as a million dictionaries.  Anything the careful parser would refuse or read
    differently -- a key twice, an unknown key, a wrong type, an unknown name, NaN, a float,
    too many papers -- returns None, and the careful parser reads the file or names the line.
    """
    merged: Counter[tuple[Any, ...]] = Counter()
    # Ballots of count 1 (most of them) are merged a block at a time by Counter's C loop.
    block: list[tuple[Any, ...]] = []
    add = block.append
    unpapered: list[tuple[Any, ...]] = []

    def hook(pairs: list[tuple[str, Any]]) -> Any:
        n = len(pairs)
        if n == 1 and pairs[0][0] == "ranking":
            ranking, count = pairs[0][1], 1
        elif n == 2 and {pairs[0][0], pairs[1][0]} == {"ranking", "count"}:
            ranking, count = (pairs[0][1], pairs[1][1])
            if pairs[0][0] == "count":
                ranking, count = count, ranking
            if type(count) is not int or count < 0:
                raise _Fallback
        else:
            obj = dict(pairs)
            if len(obj) != n:
                raise _Fallback  # a key given twice
            return obj
        if type(ranking) is not list or dict in map(type, ranking):
            raise _Fallback  # a rank that is an object would read as its keys
        try:
            if str in map(type, ranking):  # "Bob" is short for ["Bob"]
                key = tuple([tuple(r) if type(r) is list else (r,) for r in ranking])
            else:
                key = tuple(map(tuple, ranking))
        except TypeError:
            raise _Fallback from None
        if count == 1:
            add(key)
            if len(block) >= 65536:
                merged.update(block)
                block.clear()
        elif count:
            merged.update(block)  # first come, first listed, as the careful parser merges
            block.clear()
            merged[key] += count
        else:
            unpapered.append(key)  # no papers, but its names are checked all the same
        return _BALLOT

    try:
        doc = json.loads(
            text.lstrip("\ufeff"),
            object_pairs_hook=hook,
            parse_float=_fallback,
            parse_constant=_fallback,
        )
        merged.update(block)
        for key in unpapered:  # after every ballot with papers: their order is kept
            merged.setdefault(key, 0)
    except (_Fallback, ValueError, RecursionError, TypeError):
        return None  # TypeError: a list where a name should be (unhashable)
    return doc, merged


def _election(doc: Any, merged: Mapping[tuple[Any, ...], int], path: str | Path) -> Election:
    """Check the decoded document as the careful parser would; raise _Fallback if it errs."""
    if type(doc) is not dict or not doc.keys() <= _TOP_KEYS:
        raise _Fallback
    ballots, raw_cands = doc.get("ballots"), doc.get("candidates")
    if type(ballots) is not list or type(raw_cands) is not list:
        raise _Fallback
    if ballots.count(_BALLOT) != len(ballots):
        raise _Fallback
    title = doc.get("title", Path(str(path)).stem)
    seats = doc.get("seats")
    options = doc.get("options", {})
    if type(title) is not str or (seats is not None and (type(seats) is not int or seats < 1)):
        raise _Fallback
    if type(options) is not dict or any(type(v) is not str for v in options.values()):
        raise _Fallback
    cands: list[Candidate] = []
    for item in raw_cands:
        if type(item) is str:
            cands.append(Candidate(item))
            continue
        if type(item) is not dict or "name" not in item or not item.keys() <= _CAND_KEYS:
            raise _Fallback
        name, party = item["name"], item.get("party", "")
        withdrawn = item.get("withdrawn", False)
        if type(name) is not str or type(party) is not str or type(withdrawn) is not bool:
            raise _Fallback
        cands.append(Candidate(name, party, withdrawn))
    index = {c.name: i for i, c in enumerate(cands)}
    if len(index) != len(cands):
        raise _Fallback
    tie_order: tuple[int, ...] = ()
    if "tie_order" in doc:
        order = doc["tie_order"]
        if type(order) is not list or any(type(n) is not str for n in order):
            raise _Fallback
        if sorted(order) != sorted(index):
            raise _Fallback
        tie_order = tuple(index[n] for n in order)
    # Merged keys are distinct rankings of names; names are distinct, so their index rankings
    # are distinct too: the ballots are built as Election.from_rankings would merge them.
    ranks: dict[tuple[Any, ...], Rank] = {}
    for names in set(itertools.chain.from_iterable(merged)):
        try:
            ranks[names] = tuple([index[n] for n in names])
        except (KeyError, TypeError):  # not a candidate, or not a name
            raise _Fallback from None
    rank_of = ranks.__getitem__
    counts = [c for c in merged.values() if c]
    if sum(counts) > MAX_PAPERS:
        raise _Fallback  # the careful parser names the line where the papers pass the limit
    ballots = tuple(Ballot(tuple(map(rank_of, key)), c) for key, c in merged.items() if c)
    return Election(
        tuple(cands),
        ballots,
        seats=seats,
        title=title,
        source=str(path),
        options=options,
        tie_order=tie_order,
    )


def loads(text: str, *, path: str | Path = "<string>") -> Election:
    """Parse JSON election text; errors name ``path`` and the line."""
    # Normalise line ends so positions map to the lines editors show.
    text = "\n".join(split_lines(text.lstrip("\ufeff")))
    if not text.strip():
        raise FormatError("file is empty", path=path, line=1)
    parser = _Parser(text, path)
    doc = parser.document()
    check = _Checker(path)
    if not isinstance(doc, _Obj):
        raise check.error("the file must hold one JSON object", parser.line(parser.skip(0)))
    check.keys(
        doc,
        "the election",
        {"title", "seats", "options", "tie_order", "candidates", "ballots"},
        {"candidates", "ballots"},
    )
    title = check.text(doc, "title", Path(str(path)).stem)
    seats = check.whole(doc, "seats", None, 1)
    options: dict[str, str] = {}
    if "options" in doc:
        raw = doc["options"]
        if not isinstance(raw, _Obj):
            raise check.error("'options' must be an object of strings", doc.key_lines["options"])
        for key in raw:
            options[key] = check.text(raw, key, "")

    cands_raw = doc["candidates"]
    if not isinstance(cands_raw, _Arr):
        raise check.error("'candidates' must be a list", doc.key_lines["candidates"])
    cands: list[Candidate] = []
    index: dict[str, CandidateIndex] = {}
    for item in cands_raw:
        line = item.line if isinstance(item, _Obj) else cands_raw.line
        cand = check.candidate(item, line)
        if cand.name in index:
            raise check.error(f"candidate name {cand.name!r} appears twice", line)
        index[cand.name] = len(cands)
        cands.append(cand)

    tie_order: list[CandidateIndex] = []
    if "tie_order" in doc:
        raw_order = doc["tie_order"]
        line = doc.key_lines["tie_order"]
        if not isinstance(raw_order, _Arr) or not all(isinstance(n, str) for n in raw_order):
            raise check.error("'tie_order' must be a list of candidate names", line)
        if sorted(raw_order) != sorted(index):
            raise check.error("'tie_order' must name every candidate exactly once", line)
        tie_order = [index[name] for name in raw_order]

    ballots_raw = doc["ballots"]
    if not isinstance(ballots_raw, _Arr):
        raise check.error("'ballots' must be a list", doc.key_lines["ballots"])
    rankings: list[tuple[Ranking, int]] = []
    papers = 0
    for item in ballots_raw:
        if not isinstance(item, _Obj):
            raise check.error("each ballot must be an object", ballots_raw.line)
        check.keys(item, "a ballot", {"ranking", "count"}, {"ranking"})
        count = check.whole(item, "count", 1, 0)
        assert count is not None
        at = item.key_lines.get("count", item.line)
        if count > MAX_PAPERS:
            raise check.error(
                f"'count' {count:,} is more than the {MAX_PAPERS:,} (2**63 - 1) papers a count "
                "holds exactly",
                at,
            )
        papers = add_papers(papers, count, path=path, line=at)
        ranking = check.ranking(item["ranking"], item.key_lines["ranking"], index)
        rankings.append((ranking, count))
    return Election.from_rankings(
        cands,
        rankings,
        seats=seats,
        title=title,
        source=str(path),
        options=options,
        tie_order=tuple(tie_order),
    )


def _line(value: Any) -> str:
    """Render a value as one line of JSON, leaving non-ASCII text readable."""
    return json.dumps(value, ensure_ascii=False)


def dumps(election: Election) -> str:
    """Render an election as JSON text (the inverse of :func:`loads`), one ballot a line."""
    names = election.names
    out = ["{", f'  "title": {_line(election.title)},', f'  "seats": {_line(election.seats)},']
    out.append(f'  "options": {_line(dict(election.options))},')
    if election.tie_order:
        out.append(f'  "tie_order": {_line([names[c] for c in election.tie_order])},')
    cands = [
        _line({"name": c.name, "party": c.party, "withdrawn": c.withdrawn})
        for c in election.candidates
    ]
    ballots = [
        _line({"ranking": [[names[c] for c in rank] for rank in b.ranking], "count": b.weight})
        for b in election.ballots
    ]
    for key, items, last in (("candidates", cands, False), ("ballots", ballots, True)):
        end = "" if last else ","
        if not items:
            out.append(f'  "{key}": []{end}')
            continue
        out.append(f'  "{key}": [')
        out.extend(f"    {item}," for item in items[:-1])
        out.append(f"    {items[-1]}")
        out.append(f"  ]{end}")
    out.append("}")
    return "\n".join(out) + "\n"


def write(election: Election, path: str | Path) -> None:
    """Write an election as a JSON file."""
    Path(path).write_text(dumps(election), encoding="utf-8")
