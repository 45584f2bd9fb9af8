"""How a counting method declares its options, and how given options are read and checked.

Declaring a method's options
----------------------------
A method with options declares a frozen dataclass that subclasses :class:`Options`, one field per
option, each made by :func:`option` (its default, a one-line help, the rule text or program it
comes from, and where it has them the allowed values and a minimum)::

    @dataclass(frozen=True)
    class MyOptions(Options):
        ties: str = option("lot", "how ties are broken", source="rule 49(3): by lot", choices=TIES)

It registers the class on its :class:`~tellers.methods.base.MethodInfo`
(``MethodInfo(..., options=MyOptions)``), and its count function takes them as a keyword,
``count(election, *, seats=None, seed=0, options: MyOptions | None = None)``; the registry always
passes an instance, defaults filled and every value checked.  A method registered without an
options class takes none, and its count is called without ``options``.

- The type of an option is its field's annotation: ``str``, ``int``, ``bool``, or one of them
  ``| None`` (``None`` meaning "the default that follows from the other options").
- An option the rule fixes is declared with ``fixed=`` the clause that fixes it, quoted: its
  default is the only value allowed, and any other is refused with that clause (so a user coming
  from Droop may pass ``precision=5`` to Scottish STV, but not ``precision=6``).
- Checks across options (e.g. ``guard`` only with guarded arithmetic) go in
  :meth:`Options.check`, which raises :class:`~tellers.errors.ConfigurationError` through
  :meth:`Options.refuse`.
- Droop's names are used where Droop has the option (``arithmetic``, ``precision``, ``guard``,
  ``display``, ``omega``, ``defeat_batch``); :class:`ArithmeticOptions` declares the arithmetic
  ones once and builds the :class:`~tellers.arithmetic.Arithmetic` they describe;
  :class:`DecimalOptions` is the same without guard digits, for rules that fix a decimal
  arithmetic.

Given options come as a mapping (values as text, as from ``--option KEY=VALUE``, or already
typed) or as the dataclass itself; :func:`parse_options` turns either into a checked instance.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .._types import CandidateIndex
from ..arithmetic import Arithmetic, FixedArithmetic, GuardedArithmetic, RationalArithmetic
from ..errors import ConfigurationError
from ..model import Election

__all__ = [
    "ARITHMETICS",
    "DEFEAT_BATCH",
    "TIES",
    "ArithmeticOptions",
    "DecimalOptions",
    "OptionInfo",
    "Options",
    "describe_options",
    "listed_order",
    "option",
    "parse_options",
    "split_pairs",
]

#: Droop's arithmetics: fixed point, guarded fixed point, exact rationals, whole numbers.
ARITHMETICS = ("fixed", "guarded", "rational", "integer")
#: Droop's ``defeat_batch``: one candidate at a time, or every "sure loser" at once.
DEFEAT_BATCH = ("none", "safe")
#: ``lot``: the rule's own tie policy (earlier stages where the rule looks back, then lot drawn
#: from the seed, or the order the rule prescribes); ``listed``: the file's ``[tie]`` order,
#: else the listing order -- Droop's way, and not statutory where a rule says lot.  The tied
#: candidate earliest in the order is the one chosen: to be excluded, or to go first.
TIES = ("lot", "listed")

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")

OptionsT = TypeVar("OptionsT", bound="Options")


def option(
    default: Any,
    help: str,
    *,
    source: str,
    choices: Sequence[Any] | None = None,
    minimum: int | None = None,
    fixed: str = "",
) -> Any:
    """Declare one option of a method: a dataclass field with its description as metadata.

    ``source`` names the rule clause or program the option and its default come from;
    ``fixed``, where the rule fixes the value, quotes the clause that does.
    """
    meta = {
        "help": help,
        "source": source,
        "choices": tuple(choices) if choices is not None else None,
        "minimum": minimum,
        "fixed": fixed,
    }
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class OptionInfo:
    """One option as ``tellers methods METHOD`` lists it."""

    name: str
    type: str
    default: Any
    help: str
    source: str
    choices: tuple[Any, ...] | None
    minimum: int | None
    fixed: str

    @property
    def allowed(self) -> str:
        """The values allowed, in words."""
        if self.fixed:
            return f"{_show(self.default)} only (fixed by the rule)"
        if self.choices is not None:
            return ", ".join(_show(c) for c in self.choices)
        if self.minimum is not None:
            return f"a whole number >= {self.minimum}"
        return {"bool": "true, false", "int": "a whole number"}.get(self.type, "any text")


@dataclass(frozen=True)
class Options:
    """The base of every method's options class (see the module docstring)."""

    def check(self, method: str) -> None:
        """Check the options together; raise through :meth:`refuse`.  Nothing by default."""

    def refuse(self, method: str, name: str, why: str) -> typing.NoReturn:
        """Raise the error for option ``name`` of ``method``."""
        raise ConfigurationError(f"method {method!r}, option {name!r}: {why}")

    def given(self) -> dict[str, Any]:
        """Return the options as a name -> value mapping."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _show(v: Any) -> str:
    if v is None:
        return "(from the other options)"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _types(cls: type[Options]) -> dict[str, tuple[type, bool]]:
    """Return each field's base type and whether it may be None."""
    hints = typing.get_type_hints(cls)
    out: dict[str, tuple[type, bool]] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        optional = False
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            optional = len(args) < len(typing.get_args(hint))
            hint = args[0]
        if hint not in (str, int, bool):
            raise TypeError(f"{cls.__name__}.{f.name}: an option is str, int or bool, not {hint}")
        out[f.name] = (hint, optional)
    return out


def describe_options(cls: type[Options] | None) -> list[OptionInfo]:
    """Return the options a class declares, in declaration order (none for ``None``)."""
    if cls is None:
        return []
    kinds = _types(cls)
    out = []
    for f in dataclasses.fields(cls):
        kind, _ = kinds[f.name]
        m = f.metadata
        out.append(
            OptionInfo(
                name=f.name,
                type=kind.__name__,
                default=f.default,
                help=str(m.get("help", "")),
                source=str(m.get("source", "")),
                choices=m.get("choices"),
                minimum=m.get("minimum"),
                fixed=str(m.get("fixed", "")),
            )
        )
    return out


def _coerce(value: Any, kind: type, optional: bool, name: str, method: str) -> Any:
    """Return ``value`` as ``kind``; text is read as the CLI gives it."""
    where = f"method {method!r}, option {name!r}"
    if value is None or (optional and isinstance(value, str) and value.lower() == "default"):
        if optional:
            return None
        raise ConfigurationError(f"{where}: a value is required")
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ConfigurationError(f"{where}: true or false, not {value!r}")
    if kind is int:
        if isinstance(value, bool):
            raise ConfigurationError(f"{where}: a whole number, not {value!r}")
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ConfigurationError(f"{where}: a whole number, not {value!r}") from None
    if not isinstance(value, str):
        raise ConfigurationError(f"{where}: text, not {value!r}")
    return value.strip().lower()


def _validate(opts: Options, method: str) -> None:
    """Check every value against its declaration, then the options together."""
    for info in describe_options(type(opts)):
        value = getattr(opts, info.name)
        if info.fixed and value != info.default:
            opts.refuse(
                method,
                info.name,
                f"the rule fixes it at {_show(info.default)}, not {_show(value)}: {info.fixed}",
            )
        if value is None:
            continue
        if info.choices is not None and value not in info.choices:
            allowed = ", ".join(_show(c) for c in info.choices)
            opts.refuse(method, info.name, f"one of {allowed}; not {_show(value)}")
        if info.minimum is not None and value < info.minimum:
            opts.refuse(method, info.name, f"at least {info.minimum}, not {value}")
    opts.check(method)


def parse_options(
    cls: type[OptionsT] | None, given: Mapping[str, Any] | Options | None, method: str
) -> OptionsT | None:
    """Return the checked options of ``method`` (declared by ``cls``) from what was given.

    ``given`` is a mapping of option names (``-`` read as ``_``) to values, text or typed, or
    an instance of ``cls``; ``None`` or an empty mapping gives the defaults.  Returns ``None``
    for a method with no options, which refuses any given.
    """
    if cls is None:
        if isinstance(given, Options) or given:
            names = ", ".join(sorted(given.given() if isinstance(given, Options) else given))
            raise ConfigurationError(f"method {method!r} takes no options (given: {names})")
        return None
    if isinstance(given, Options):
        if not isinstance(given, cls):
            raise ConfigurationError(
                f"method {method!r} takes {cls.__name__}, not {type(given).__name__}"
            )
        _validate(given, method)
        return given
    kinds = _types(cls)
    values: dict[str, Any] = {}
    for key, value in (given or {}).items():
        name = str(key).strip().replace("-", "_").lower()
        if name not in kinds:
            known = ", ".join(kinds) or "none"
            raise ConfigurationError(
                f"method {method!r} has no option {str(key)!r}; its options: {known}"
            )
        if name in values:
            raise ConfigurationError(f"method {method!r}, option {name!r}: given twice")
        kind, optional = kinds[name]
        values[name] = _coerce(value, kind, optional, name, method)
    opts = cls(**values)
    _validate(opts, method)
    return opts


def split_pairs(items: Sequence[str] | None) -> dict[str, str]:
    """Return command-line ``KEY=VALUE`` items as a mapping, only split, not yet checked.

    The one reading of ``--option`` for ``tellers count`` and ``python -m tellers.batch``, so
    both refuse a malformed item or a key given twice in the same words; the method's
    :func:`parse_options` then checks names and values.
    """
    options: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(f"--option takes KEY=VALUE, not {item!r}")
        if key.strip() in options:
            raise ConfigurationError(f"--option {key.strip()} given twice")
        options[key.strip()] = value.strip()
    return options


def listed_order(election: Election) -> tuple[CandidateIndex, ...]:
    """Return ``ties=listed``'s order: the file's ``[tie]`` order, else the listing order."""
    return election.tie_order or tuple(range(len(election.candidates)))


# -- Droop's arithmetic options -----------------------------------------------------------------

_DROOP = "Droop (J. Lundell), droop/values/"
#: Droop's default places for each arithmetic when ``precision`` is not given.
DEFAULT_PRECISION = {"fixed": 9, "guarded": 18, "integer": 0}
#: Places a rational count is shown to unless ``display`` says.
DEFAULT_DISPLAY = 12


@dataclass(frozen=True)
class DecimalOptions(Options):
    """Droop's arithmetic options without guard digits: for rules that fix a decimal arithmetic.

    A rule that prescribes its arithmetic (e.g. Scottish STV) subclasses this and redeclares
    ``arithmetic`` and ``precision`` with ``fixed=`` its clause, so that Droop's own setting
    may be restated and any other is refused.
    """

    arithmetic: str = option(
        "guarded",
        "the arithmetic: fixed point, guarded fixed point, exact rationals, or whole numbers",
        source=_DROOP + "{fixed,guarded,rational}.py; Droop's 'arithmetic' option",
        choices=ARITHMETICS,
    )
    precision: int | None = option(
        None,
        "decimal places (fixed: 9 unless given; guarded: 18 unless given; integer: 0)",
        source=_DROOP + "fixed.py, guarded.py: 'precision'",
        minimum=0,
    )
    display: int | None = option(
        None,
        "places a rational count is shown to (default 12); fixed and guarded counts show "
        "their own places",
        source=_DROOP + "rational.py: 'display'",
        minimum=0,
    )

    @property
    def guard_digits(self) -> int | None:
        """Guard digits given (none here; :class:`ArithmeticOptions` takes them)."""
        return None

    def check(self, method: str) -> None:
        """Refuse options the chosen arithmetic has no use for."""
        kind = self.arithmetic
        if self.guard_digits is not None and kind != "guarded":
            self.refuse(method, "guard", f"guard digits are for guarded arithmetic, not {kind}")
        if (self.precision is not None and kind == "rational") or (
            kind == "integer" and self.precision
        ):
            self.refuse(method, "precision", f"{kind} arithmetic has no precision to set")
        if self.display is not None and kind != "rational" and self.display != self.places:
            self.refuse(
                method,
                "display",
                f"{kind} values are shown at the {self.places} places they are counted to; "
                "display sets the places of a rational count",
            )

    @property
    def places(self) -> int:
        """The decimal places counted to (fixed, guarded before guard digits, integer)."""
        if self.precision is not None:
            return self.precision
        return DEFAULT_PRECISION.get(self.arithmetic, DEFAULT_DISPLAY)

    def make_arithmetic(self) -> Arithmetic:
        """Return the arithmetic these options describe."""
        kind = self.arithmetic
        if kind == "rational":
            return RationalArithmetic(self.display if self.display is not None else DEFAULT_DISPLAY)
        if kind == "guarded":
            guard = self.guard_digits if self.guard_digits is not None else self.places // 2
            return GuardedArithmetic(self.places, guard)
        # Droop's integer arithmetic is fixed point with no places.
        return FixedArithmetic(0 if kind == "integer" else self.places)


@dataclass(frozen=True)
class ArithmeticOptions(DecimalOptions):
    """Droop's arithmetic options; a method's options class subclasses this to take them.

    Defaults are Droop's: guarded fixed point, 18 places with 9 guard digits.
    """

    guard: int | None = option(
        None,
        "guard digits beyond the precision (guarded only; default half the precision)",
        source=_DROOP + "guarded.py: 'guard'",
        minimum=0,
    )

    @property
    def guard_digits(self) -> int | None:
        """The guard digits given, if any."""
        return self.guard
