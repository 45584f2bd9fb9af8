"""Read a rulebook from TOML, validate it, and say exactly where a bad one goes wrong.

Every problem becomes one :class:`~tellers.errors.FormatError` naming the file, the line and
the key: TOML syntax errors take their line from :mod:`tomllib`; schema errors (a missing or
unknown key, a value of the wrong kind, a route naming a body that does not exist) take it
from the key's position in the text (:class:`~tellers._toml_lines.KeyLines`).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ConfigurationError, FormatError
from ..formats._common import read_text
from ..limits import MAX_NESTING
from ..methods import REGISTRY
from ._toml_lines import KeyLines
from .schema import Cited, Rulebook

__all__ = ["load", "loads", "resolve", "shipped", "shipped_path"]

Loc = tuple[str | int, ...]

_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def shipped() -> list[str]:
    """Return the names of the rulebooks shipped with tellers, sorted."""
    folder = files(__package__).joinpath("rulebooks")
    names = (p.name for p in folder.iterdir())
    return sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml"))


def shipped_path(name: str) -> Path:
    """Return the path of the shipped rulebook called ``name``."""
    return Path(str(files(__package__).joinpath("rulebooks", f"{name}.toml")))


def resolve(name_or_path: str | Path) -> Path:
    """Return the file a rulebook argument names: a path, or the name of a shipped rulebook."""
    p = Path(name_or_path)
    if p.exists():
        return p
    name = str(name_or_path).removesuffix(".toml")
    if name in shipped():
        return shipped_path(name)
    close = difflib.get_close_matches(name, shipped(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (shipped: {', '.join(shipped())})"
    raise FormatError(f"no such file, and no shipped rulebook called {name!r}{hint}", path=p)


def _depth(value: object) -> int:
    """Return how deeply tables and arrays nest in parsed TOML (without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def load(name_or_path: str | Path) -> Rulebook:
    """Read and validate a rulebook file (or a shipped rulebook by name)."""
    path = resolve(name_or_path)
    return loads(read_text(path), path=path)


def loads(text: str, *, path: str | Path = "<string>") -> Rulebook:
    """Parse and validate rulebook text; errors name ``path``, the line and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = _TOML_LINE.search(msg)
        line = int(m.group(1)) if m else None
        problem = _TOML_LINE.sub("", msg).strip().rstrip(".")
        raise FormatError(f"not valid TOML: {problem}", path=path, line=line) from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables by recursion.
        raise FormatError(
            f"nested too deep to read (a rulebook nests at most {MAX_NESTING} levels)", path=path
        ) from None
    if _depth(data) > MAX_NESTING:
        raise FormatError(f"nested more than {MAX_NESTING} levels deep", path=path)
    index = KeyLines(text)
    try:
        book = Rulebook.model_validate(data)
    except ValidationError as e:
        raise _first_problem(e, index, path) from None
    problems = list(_cross_check(book))
    if problems:
        problems.sort(key=lambda p: index.line_of(p[0]))
        loc, message = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise FormatError(
            f"{_dotted(loc)}: {message}{more}", path=path, line=index.line_of(loc)
        ) from None
    return book


def _dotted(loc: Sequence[str | int]) -> str:
    """Render a key path as ``stages[1].routes[0].share``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _all_field_names() -> list[str]:
    """Return every key the schema knows, for "did you mean" hints."""
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(field.alias or name)
            for arg in _model_types(field.annotation):
                walk(arg)

    walk(Rulebook)
    return sorted(names)


def _model_types(annotation: Any) -> Iterator[type[BaseModel]]:
    """Yield the model classes inside a field's annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _model_types(arg)


def _first_problem(e: ValidationError, index: KeyLines, path: str | Path) -> FormatError:
    """Turn pydantic's first error (by line) into one FormatError with file and line."""
    raw = e.errors()
    locs = [tuple(err["loc"]) for err in raw]
    # A bad element also makes its container "too short after validation"; report the element.
    errors = [
        err
        for err, loc in zip(raw, locs, strict=True)
        if not any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs)
    ]
    errors.sort(key=lambda err: index.line_of(err["loc"]))
    err = errors[0]
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _all_field_names(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problem = f"unknown key {key!r}{hint}"
        where = loc[:-1]
    elif kind == "missing":
        problem = f"missing required key {loc[-1]!r}"
        where = loc[:-1]
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
        got = err.get("input")
        problem = msg[0].lower() + msg[1:] if msg else kind
        if kind.endswith("_type") and not isinstance(got, dict | list):
            problem += f" (got {got!r})"
        where = loc
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return FormatError(f"{_dotted(where)}: {problem}{more}", path=path, line=index.line_of(loc))


def _cross_check(book: Rulebook) -> Iterator[tuple[Loc, str]]:
    """Yield every reference the schema cannot check by itself that does not resolve."""
    yield from _check_cites(book)
    for key, office in book.offices.items():
        try:
            info = REGISTRY.get(office.method)
        except ConfigurationError as e:
            yield ("offices", key, "method"), str(e)
            continue
        if info.single_winner and office.seats != 1:
            yield ("offices", key, "seats"), f"{info.name} elects one candidate, not {office.seats}"
    stage_ids: list[str] = []
    for i, stage in enumerate(book.stages):
        at: Loc = ("stages", i)
        if stage.id in stage_ids:
            yield (*at, "id"), f"stage id {stage.id!r} is used twice"
        for j, office_id in enumerate(stage.offices):
            if office_id not in book.offices:
                yield (*at, "offices", j), _unknown("office", office_id, book.offices)
        for j, occasion in enumerate(stage.occasions):
            if occasion not in book.occasions:
                yield (*at, "occasions", j), _unknown("occasion", occasion, book.occasions)
        for j, req in enumerate(stage.requires):
            if req not in stage_ids:
                yield (*at, "requires", j), f"{req!r} is not an earlier stage"
        route_ids: set[str] = set()
        for j, route in enumerate(stage.routes):
            if route.id in route_ids:
                yield (*at, "routes", j, "id"), f"route id {route.id!r} is used twice"
            route_ids.add(route.id)
            for k, cond in enumerate(route.conditions):
                c_at = (*at, "routes", j, "conditions", k)
                body = book.bodies.get(cond.body)
                if body is None:
                    yield (*c_at, "body"), _unknown("body", cond.body, book.bodies)
                    continue
                if cond.category is not None and cond.category not in body.categories:
                    yield (
                        (*c_at, "category"),
                        _unknown(f"category of {cond.body}", cond.category, body.categories),
                    )
        stage_ids.append(stage.id)
    eb = book.exhaustive_ballot
    if eb is not None:
        if eb.body not in book.bodies:
            yield ("exhaustive_ballot", "body"), _unknown("body", eb.body, book.bodies)
        if eb.then not in book.offices:
            yield ("exhaustive_ballot", "then"), _unknown("office", eb.then, book.offices)
        numbers = [t.round for t in eb.thresholds]
        if len(set(numbers)) != len(numbers):
            yield ("exhaustive_ballot", "thresholds"), "a round is given two thresholds"
    tb = book.trigger_ballot
    if tb is not None:
        for j, trigger_route in enumerate(tb.routes):
            if trigger_route.body not in book.bodies:
                yield (
                    ("trigger_ballot", "routes", j, "body"),
                    _unknown("body", trigger_route.body, book.bodies),
                )


def _unknown(what: str, name: str, known: Sequence[str] | Any) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(names) or 'none'}"
    return f"unknown {what} {name!r}; {hint}"


def _check_cites(book: Rulebook) -> Iterator[tuple[Loc, str]]:
    """Yield every ``cite`` entry that names no source."""

    def walk(obj: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
        if isinstance(obj, Cited):
            for j, ref in enumerate(obj.cite):
                if ref not in book.sources:
                    yield (*loc, "cite", j), _unknown("source", ref, book.sources)
        if isinstance(obj, BaseModel):
            for name, field in type(obj).model_fields.items():
                yield from walk(getattr(obj, name), (*loc, field.alias or name))
        elif isinstance(obj, Mapping):
            for k, v in obj.items():
                yield from walk(v, (*loc, k))
        elif isinstance(obj, tuple):
            for i, v in enumerate(obj):
                yield from walk(v, (*loc, i))

    yield from walk(book, ())
