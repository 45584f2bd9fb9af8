"""RCTab contest configs: read the JSON into typed, frozen objects and validate every option.

An RCTab config (``<stem>_config.json``) has five sections: ``tabulatorVersion``,
``outputSettings``, ``cvrFileSources``, ``candidates`` and ``rules``.  RCTab writes most numbers
as strings (``"numberOfWinners" : "1"``) and ``""`` for "not set"; both that and plain JSON
numbers are accepted here.  Unlike RCTab, which ignores keys it does not know, an unknown key is
an error (a misspelt ``randomSeed`` would otherwise silently change how ties are broken), and so
is a key given twice.  Every problem found is reported at once, each naming its key, in one
:class:`~tellers.errors.FormatError` that names the file.

Option meanings follow RCTab's ``config_file_documentation.txt``; the limits are RCTab's
(``ContestConfig.validate``).
"""

from __future__ import annotations

import difflib
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import FormatError
from .options import (
    UNDECLARED_WRITE_IN,
    OvervoteRule,
    TiebreakMode,
    WinnerMode,
)

__all__ = [
    "UNDECLARED_WRITE_IN",
    "Candidate",
    "ContestConfig",
    "CvrSource",
    "OutputSettings",
    "OvervoteRule",
    "Provider",
    "Rules",
    "TiebreakMode",
    "WinnerMode",
    "load_config",
]

#: Names RCTab reserves for its transfer tables; no candidate or label may use them.
RESERVED = frozenset({"residual surplus", "exhausted", "uncounted"})

_MIN_RANDOM_SEED = -140737488355328
_MAX_RANDOM_SEED = 140737488355327


class Provider(enum.StrEnum):
    """Who wrote the cast vote records."""

    ESS = "ess"
    DOMINION = "dominion"
    HART = "hart"
    CLEAR_BALLOT = "clearBallot"
    CDF = "cdf"
    GENERIC_CSV = "genericCsv"


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """What the reports say about the contest, and which extra reports to write."""

    contest_name: str
    output_directory: str = ""
    contest_date: str = ""
    contest_jurisdiction: str = ""
    contest_office: str = ""
    tabulate_by_batch: bool = False
    tabulate_by_precinct: bool = False
    generate_cdf_json: bool = False


@dataclass(frozen=True, slots=True)
class CvrSource:
    """One cast-vote-record file (or folder) and how to read it; indexes are 1-based."""

    file_path: str
    provider: Provider
    contest_id: str = ""
    first_vote_column_index: int | None = None
    first_vote_row_index: int | None = None
    id_column_index: int | None = None
    batch_column_index: int | None = None
    precinct_column_index: int | None = None
    overvote_delimiter: str = ""
    overvote_label: str = ""
    skipped_rank_label: str = ""
    undeclared_write_in_label: str = ""
    treat_blank_as_undeclared_write_in: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """A declared candidate: the name reports use, other spellings CVRs may use, exclusion."""

    name: str
    aliases: tuple[str, ...] = ()
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class Rules:
    """The tabulation options.  ``None`` means RCTab's "unlimited"/"max"/"not set"."""

    tiebreak_mode: TiebreakMode
    overvote_rule: OvervoteRule
    winner_mode: WinnerMode
    number_of_winners: int
    decimal_places: int
    max_rankings_allowed: int | None
    max_skipped_ranks_allowed: int | None
    random_seed: int | None = None
    minimum_vote_threshold: Decimal = Decimal(0)
    bottoms_up_percentage: Decimal | None = None
    non_integer_winning_threshold: bool = False
    first_round_determines_threshold: bool = False
    hare_quota: bool = False
    batch_elimination: bool = False
    cutoff_elimination: bool = False
    continue_until_two_candidates_remain: bool = False
    stop_tabulation_early_after_round: int | None = None
    exhaust_on_duplicate_candidate: bool = False
    rules_description: str = ""


@dataclass(frozen=True)
class ContestConfig:
    """A whole RCTab contest config, paths resolved against the config's folder."""

    path: Path
    tabulator_version: str
    output: OutputSettings
    sources: tuple[CvrSource, ...]
    candidates: tuple[Candidate, ...]
    rules: Rules

    @property
    def folder(self) -> Path:
        """The folder relative CVR paths are resolved from."""
        return self.path.parent

    @property
    def stem(self) -> str:
        """The config's name without ``_config.json`` (reports are named after it)."""
        name = self.path.name
        for suffix in ("_config.json", ".json"):
            if name.endswith(suffix):
                return name[: -len(suffix)] or name
        return self.path.stem

    def source_path(self, source: CvrSource) -> Path:
        """Return where a source's CVR file or folder is."""
        p = Path(source.file_path)
        return p if p.is_absolute() else self.folder / p

    @property
    def uses_undeclared_write_ins(self) -> bool:
        """Return whether any source names a label for undeclared write-ins."""
        return any(
            s.undeclared_write_in_label or s.treat_blank_as_undeclared_write_in
            for s in self.sources
        )

    @property
    def candidate_names(self) -> tuple[str, ...]:
        """Declared candidate names in config order, then undeclared write-ins if labelled."""
        names = tuple(c.name for c in self.candidates)
        return (*names, UNDECLARED_WRITE_IN) if self.uses_undeclared_write_ins else names

    def name_lookup(self) -> dict[str, str]:
        """Map every spelling a CVR may use (name or alias) to the candidate's name."""
        out: dict[str, str] = {}
        for c in self.candidates:
            out[c.name] = c.name
            for a in c.aliases:
                out.setdefault(a, c.name)
        return out


# --- reading ---------------------------------------------------------------------------------

_TOP_KEYS = ("tabulatorVersion", "outputSettings", "cvrFileSources", "candidates", "rules")
_OUTPUT_KEYS = (
    "contestName",
    "outputDirectory",
    "contestDate",
    "contestJurisdiction",
    "contestOffice",
    "tabulateByBatch",
    "tabulateByPrecinct",
    "generateCdfJson",
)
_SOURCE_KEYS = (
    "filePath",
    "provider",
    "contestId",
    "firstVoteColumnIndex",
    "firstVoteRowIndex",
    "idColumnIndex",
    "batchColumnIndex",
    "precinctColumnIndex",
    "overvoteDelimiter",
    "overvoteLabel",
    "skippedRankLabel",
    "undeclaredWriteInLabel",
    "treatBlankAsUndeclaredWriteIn",
)
_CANDIDATE_KEYS = ("name", "code", "aliases", "excluded")
_RULE_KEYS = (
    "tiebreakMode",
    "overvoteRule",
    "winnerElectionMode",
    "randomSeed",
    "numberOfWinners",
    "multiSeatBottomsUpPercentageThreshold",
    "decimalPlacesForVoteArithmetic",
    "minimumVoteThreshold",
    "maxSkippedRanksAllowed",
    "maxRankingsAllowed",
    "nonIntegerWinningThreshold",
    "doesFirstRoundDetermineThreshold",
    "hareQuota",
    "batchElimination",
    "cutoffElimination",
    "continueUntilTwoCandidatesRemain",
    "stopTabulationEarlyAfterRound",
    "exhaustOnDuplicateCandidate",
    "rulesDescription",
    "treatBlankAsUndeclaredWriteIn",
)
# Keys RCTab 1.3 moved from rules to each CVR source; say so rather than "unknown".
_MOVED_TO_SOURCES = frozenset({"overvoteLabel", "undervoteLabel", "skippedRankLabel"})


class _DuplicateKey(Exception):
    """A JSON object gave one key twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (json.load would keep the last)."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


class _Checker:
    """Collects problems, each under the key it is about, to report them all at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def fail(self, key: str, problem: str) -> None:
        """Record a problem with ``key``."""
        self.problems.append(f"{key}: {problem}")

    def section(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        """Return the object under ``key`` (empty if missing or not an object)."""
        value = data.get(key)
        if value is None:
            self.fail(key, "required section is missing")
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"must be an object, not {_kind(value)}")
            return {}
        return value

    def known(self, data: Mapping[str, Any], where: str, keys: tuple[str, ...]) -> None:
        """Report keys RCTab does not define, suggesting the nearest known spelling."""
        for k in data:
            if k in keys:
                continue
            hint = ""
            if where == "rules" and k in _MOVED_TO_SOURCES:
                hint = " (RCTab 1.3 moved it into each cvrFileSources entry)"
            else:
                close = difflib.get_close_matches(k, keys, n=1)
                if close:
                    hint = f" (did you mean {close[0]!r}?)"
            self.fail(f"{where}.{k}", f"unknown key{hint}")

    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
        """Return a string option ('' when unset)."""
        value = data.get(key)
        if value is None:
            if required:
                self.fail(f"{where}.{key}", "is required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(f"{where}.{key}", f"must be text, not {_kind(value)}")
            return ""
        text = str(value)
        if required and not text.strip():
            self.fail(f"{where}.{key}", "is required and may not be blank")
        return text

    def flag(self, data: Mapping[str, Any], key: str, where: str) -> bool:
        """Return a true/false option (false when unset)."""
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", f"must be true or false, not {value!r}")
            return False
        return value

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        *,
        low: int,
        high: int,
        required: bool = False,
        words: Mapping[str, int | None] | None = None,
    ) -> int | None:
        """Return a whole-number option (``None`` when unset), written as text or a number."""
        value = data.get(key)
        label = f"{where}.{key}"
        allowed = f"a whole number from {low} to {high}"
        if words:
            allowed = " or ".join([*(repr(w) for w in words), allowed])
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(label, f"is required ({allowed})")
            return None
        if isinstance(value, str) and words is not None and value.strip().lower() in words:
            return words[value.strip().lower()]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(label, f"must be {allowed}, not {value!r}")
            return None
        try:
            n = int(str(value).strip())
        except ValueError:
            self.fail(label, f"must be {allowed}, not {value!r}")
            return None
        if not low <= n <= high:
            self.fail(label, f"must be {allowed}, not {n}")
            return None
        return n

    def choice(
        self, data: Mapping[str, Any], key: str, where: str, enum_type: type[enum.StrEnum]
    ) -> Any:
        """Return an enumerated option, or ``None`` after reporting a bad one."""
        value = data.get(key)
        label = f"{where}.{key}"
        options = ", ".join(repr(m.value) for m in enum_type)
        if value is None or value == "":
            self.fail(label, f"is required (one of {options})")
            return None
        try:
            return enum_type(value)
        except ValueError:
            self.fail(label, f"{value!r} is not one of {options}")
            return None


def _kind(value: object) -> str:
    """Name a JSON value's type for a message."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    return "text" if isinstance(value, str) else "null"


def load_config(path: str | Path) -> ContestConfig:
    """Read and validate an RCTab contest config; every problem is named by its key."""
    p = Path(path)
    try:
        if p.exists() and not p.is_file():
            raise FormatError("not a regular file: a config is read from a file", path=p)
        raw = p.read_bytes()
    except FileNotFoundError:
        raise FormatError("no such config file", path=p) from None
    except OSError as e:
        raise FormatError(f"cannot read the config: {e.strerror}", path=p) from None
    try:
        data = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise FormatError("the config is nested too deep to read", path=p) from None
    except _DuplicateKey as e:
        raise FormatError(
            f"key {e.key!r} appears twice in one object (RCTab would silently use the last)",
            path=p,
        ) from None
    except UnicodeDecodeError as e:
        raise FormatError(f"not UTF-8 text (byte offset {e.start})", path=p) from None
    except json.JSONDecodeError as e:
        raise FormatError(
            f"not valid JSON: {e.msg} (column {e.colno})", path=p, line=e.lineno
        ) from None
    if not isinstance(data, dict):
        raise FormatError("a contest config must be a JSON object", path=p)
    check = _Checker(p)
    config = _parse(data, p, check)
    if check.problems or config is None:
        raise FormatError("invalid contest config: " + "; ".join(check.problems), path=p)
    return config


def _parse(data: Mapping[str, Any], path: Path, check: _Checker) -> ContestConfig | None:
    """Build the config from parsed JSON, recording every problem in ``check``."""
    check.known(data, "config", _TOP_KEYS)
    version = check.text(data, "tabulatorVersion", "config", required=True)

    out = check.section(data, "outputSettings")
    check.known(out, "outputSettings", _OUTPUT_KEYS)
    w = "outputSettings"
    output = OutputSettings(
        contest_name=check.text(out, "contestName", w, required=True),
        output_directory=check.text(out, "outputDirectory", w),
        contest_date=check.text(out, "contestDate", w),
        contest_jurisdiction=check.text(out, "contestJurisdiction", w),
        contest_office=check.text(out, "contestOffice", w),
        tabulate_by_batch=check.flag(out, "tabulateByBatch", w),
        tabulate_by_precinct=check.flag(out, "tabulateByPrecinct", w),
        generate_cdf_json=check.flag(out, "generateCdfJson", w),
    )

    sources = _parse_sources(data, path, output, check)
    candidates = _parse_candidates(data, check)
    rules = _parse_rules(data, candidates, sources, check)
    if rules is None:
        return None
    return ContestConfig(path, version, output, sources, candidates, rules)


def _parse_sources(
    data: Mapping[str, Any], path: Path, output: OutputSettings, check: _Checker
) -> tuple[CvrSource, ...]:
    """Read and check ``cvrFileSources``."""
    raw = data.get("cvrFileSources")
    if not isinstance(raw, list) or not raw:
        check.fail("cvrFileSources", "at least one cast vote record source is required")
        return ()
    sources: list[CvrSource] = []
    seen: set[Path] = set()
    for i, s in enumerate(raw, start=1):
        w = f"cvrFileSources[{i}]"
        if not isinstance(s, dict):
            check.fail(w, f"must be an object, not {_kind(s)}")
            continue
        check.known(s, w, _SOURCE_KEYS)
        provider = check.choice(s, "provider", w, Provider)
        file_path = check.text(s, "filePath", w, required=True)
        cols = {
            k: check.integer(s, k, w, low=1, high=1000)
            for k in ("firstVoteColumnIndex", "idColumnIndex", "batchColumnIndex")
        }
        cols["precinctColumnIndex"] = check.integer(s, "precinctColumnIndex", w, low=1, high=1000)
        first_row = check.integer(s, "firstVoteRowIndex", w, low=1, high=100000)
        source = CvrSource(
            file_path=file_path,
            provider=provider or Provider.ESS,
            contest_id=check.text(s, "contestId", w),
            first_vote_column_index=cols["firstVoteColumnIndex"],
            first_vote_row_index=first_row,
            id_column_index=cols["idColumnIndex"],
            batch_column_index=cols["batchColumnIndex"],
            precinct_column_index=cols["precinctColumnIndex"],
            overvote_delimiter=check.text(s, "overvoteDelimiter", w),
            overvote_label=check.text(s, "overvoteLabel", w),
            skipped_rank_label=check.text(s, "skippedRankLabel", w),
            undeclared_write_in_label=check.text(s, "undeclaredWriteInLabel", w),
            treat_blank_as_undeclared_write_in=check.flag(s, "treatBlankAsUndeclaredWriteIn", w),
        )
        if provider is None or not file_path.strip():
            continue
        tabular = provider in (Provider.ESS, Provider.GENERIC_CSV)
        if tabular:
            if source.first_vote_column_index is None:
                check.fail(f"{w}.firstVoteColumnIndex", f"is required for provider {provider}")
            if source.first_vote_row_index is None:
                check.fail(f"{w}.firstVoteRowIndex", f"is required for provider {provider}")
            if output.tabulate_by_precinct and source.precinct_column_index is None:
                check.fail(f"{w}.precinctColumnIndex", "is required when tabulateByPrecinct is on")
            if output.tabulate_by_batch and source.batch_column_index is None:
                check.fail(f"{w}.batchColumnIndex", "is required when tabulateByBatch is on")
        else:
            for key, value in (
                ("firstVoteColumnIndex", source.first_vote_column_index),
                ("firstVoteRowIndex", source.first_vote_row_index),
                ("idColumnIndex", source.id_column_index),
                ("precinctColumnIndex", source.precinct_column_index),
                ("batchColumnIndex", source.batch_column_index),
            ):
                if value is not None:
                    check.fail(f"{w}.{key}", f"must not be set for provider {provider}")
            if not source.contest_id.strip():
                check.fail(f"{w}.contestId", f"is required for provider {provider}")
        if source.overvote_delimiter:
            if provider is not Provider.ESS:
                check.fail(f"{w}.overvoteDelimiter", "can only be used with provider ess")
            elif source.overvote_label:
                check.fail(f"{w}.overvoteDelimiter", "must be blank when overvoteLabel is set")
            elif "\\" in source.overvote_delimiter or all(
                ch.isalnum() or ch in "-.,'\" " for ch in source.overvote_delimiter
            ):
                check.fail(
                    f"{w}.overvoteDelimiter",
                    "must contain no backslash and at least one character that is not a "
                    "letter, digit, hyphen, period, comma, apostrophe, quote or space",
                )
        if source.treat_blank_as_undeclared_write_in and not source.undeclared_write_in_label:
            check.fail(
                f"{w}.undeclaredWriteInLabel", "is required when treatBlankAsUndeclaredWriteIn"
            )
        for key, label in (
            ("overvoteLabel", source.overvote_label),
            ("skippedRankLabel", source.skipped_rank_label),
            ("undeclaredWriteInLabel", source.undeclared_write_in_label),
        ):
            if label.strip().lower() in RESERVED:
                check.fail(f"{w}.{key}", f"{label!r} is reserved by RCTab's reports")
        resolved = Path(file_path) if Path(file_path).is_absolute() else path.parent / file_path
        if resolved.resolve() in seen:
            check.fail(f"{w}.filePath", f"{file_path!r} is listed twice")
        seen.add(resolved.resolve())
        if not resolved.exists():
            check.fail(f"{w}.filePath", f"cast vote record file not found: {resolved}")
        sources.append(source)
    return tuple(sources)


def _parse_candidates(data: Mapping[str, Any], check: _Checker) -> tuple[Candidate, ...]:
    """Read and check ``candidates``."""
    raw = data.get("candidates")
    if not isinstance(raw, list):
        check.fail("candidates", "a list of candidates is required")
        return ()
    out: list[Candidate] = []
    spellings: set[str] = set()
    for i, c in enumerate(raw, start=1):
        w = f"candidates[{i}]"
        if not isinstance(c, dict):
            check.fail(w, f"must be an object, not {_kind(c)}")
            continue
        check.known(c, w, _CANDIDATE_KEYS)
        name = check.text(c, "name", w, required=True)
        aliases_raw = c.get("aliases", [])
        aliases: list[str] = []
        if not isinstance(aliases_raw, list) or not all(isinstance(a, str) for a in aliases_raw):
            check.fail(f"{w}.aliases", "must be a list of text")
        else:
            aliases = [a for a in aliases_raw if a.strip()]
        # RCTab before 1.4 called the one alias a candidate could have its "code".
        code = check.text(c, "code", w)
        if code.strip():
            aliases.insert(0, code)
        if not name.strip():
            continue
        for spelling in (name, *aliases):
            if spelling.strip().lower() in RESERVED or spelling == UNDECLARED_WRITE_IN:
                check.fail(f"{w}.name", f"{spelling!r} is reserved by RCTab's reports")
        if name in spellings:
            check.fail(f"{w}.name", f"duplicate candidate name or alias {name!r}")
        spellings.add(name)
        for a in aliases:
            if a in spellings and a != name:
                check.fail(f"{w}.aliases", f"alias {a!r} is already used")
            spellings.add(a)
        out.append(
            Candidate(name, tuple(a for a in aliases if a != name), check.flag(c, "excluded", w))
        )
    return tuple(out)


def _parse_rules(
    data: Mapping[str, Any],
    candidates: tuple[Candidate, ...],
    sources: tuple[CvrSource, ...],
    check: _Checker,
) -> Rules | None:
    """Read and check ``rules``."""
    r = check.section(data, "rules")
    w = "rules"
    check.known(r, w, _RULE_KEYS)
    tiebreak = check.choice(r, "tiebreakMode", w, TiebreakMode)
    overvote = check.choice(r, "overvoteRule", w, OvervoteRule)
    mode = check.choice(r, "winnerElectionMode", w, WinnerMode)
    declared = len(candidates)
    winners = check.integer(r, "numberOfWinners", w, low=0, high=1_000_000, required=True)
    places = check.integer(r, "decimalPlacesForVoteArithmetic", w, low=1, high=20, required=True)
    seed = check.integer(r, "randomSeed", w, low=_MIN_RANDOM_SEED, high=_MAX_RANDOM_SEED)
    min_votes = check.integer(r, "minimumVoteThreshold", w, low=0, high=1_000_000)
    max_skipped = check.integer(
        r,
        "maxSkippedRanksAllowed",
        w,
        low=0,
        high=1_000_000,
        required=True,
        words={"unlimited": None},
    )
    max_rankings = check.integer(
        r, "maxRankingsAllowed", w, low=1, high=1_000_000, required=True, words={"max": None}
    )
    stop_after = check.integer(r, "stopTabulationEarlyAfterRound", w, low=1, high=1_000_000)
    pct = check.integer(r, "multiSeatBottomsUpPercentageThreshold", w, low=1, high=100)
    flags = {k: check.flag(r, k, w) for k in _RULE_KEYS if k not in _RULE_TEXT_KEYS}
    description = check.text(r, "rulesDescription", w)

    if mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
        if pct is None:
            check.fail(f"{w}.multiSeatBottomsUpPercentageThreshold", f"is required for {mode}")
        if winners not in (None, 0):
            check.fail(f"{w}.numberOfWinners", f"must be 0 for {mode}")
    else:
        if pct is not None:
            check.fail(
                f"{w}.multiSeatBottomsUpPercentageThreshold",
                f"only applies to {WinnerMode.BOTTOMS_UP_PERCENTAGE}",
            )
        if winners == 0:
            check.fail(
                f"{w}.numberOfWinners", f"0 is valid only with {WinnerMode.BOTTOMS_UP_PERCENTAGE}"
            )
        if flags["cutoffElimination"]:
            check.fail(
                f"{w}.cutoffElimination", f"only applies to {WinnerMode.BOTTOMS_UP_PERCENTAGE}"
            )
    if winners is not None and mode is not None:
        single = mode is WinnerMode.SINGLE_WINNER_MAJORITY
        if single and winners != 1:
            check.fail(f"{w}.numberOfWinners", f"must be 1 for {mode}")
        if not single and mode is not WinnerMode.BOTTOMS_UP_PERCENTAGE and winners < 2:
            check.fail(f"{w}.numberOfWinners", f"must be at least 2 for {mode}")
        if winners > 1 or mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
            if flags["batchElimination"] and mode is not WinnerMode.MULTI_PASS_IRV:
                check.fail(f"{w}.batchElimination", "only applies to single-winner contests")
            if flags["continueUntilTwoCandidatesRemain"] and mode is not WinnerMode.MULTI_PASS_IRV:
                check.fail(f"{w}.continueUntilTwoCandidatesRemain", "only applies to one seat")
        if winners <= 1 and flags["hareQuota"]:
            check.fail(f"{w}.hareQuota", "only applies to multi-winner contests")
        if winners <= 1 and flags["nonIntegerWinningThreshold"]:
            check.fail(f"{w}.nonIntegerWinningThreshold", "only applies to multi-winner contests")
    if tiebreak is not None and tiebreak.needs_seed and seed is None:
        check.fail(f"{w}.randomSeed", f"is required when tiebreakMode is {tiebreak}")
    if overvote is not None and overvote is OvervoteRule.EXHAUST_IF_MULTIPLE_CONTINUING:
        for i, s in enumerate(sources, start=1):
            if s.overvote_label:
                check.fail(
                    f"cvrFileSources[{i}].overvoteLabel",
                    f"cannot be used with overvoteRule {overvote}, which needs to know whom "
                    "each overvote marked",
                )
    if declared and all(c.excluded for c in candidates):
        check.fail("candidates", "at least one candidate must not be excluded")
    if (
        tiebreak is None
        or overvote is None
        or mode is None
        or winners is None
        or places is None
        or check.problems
    ):
        return None
    percentage = None if pct is None else Decimal(pct) / Decimal(100)
    return Rules(
        tiebreak_mode=tiebreak,
        overvote_rule=overvote,
        winner_mode=mode,
        number_of_winners=winners,
        decimal_places=places,
        max_rankings_allowed=max_rankings,
        max_skipped_ranks_allowed=max_skipped,
        random_seed=seed,
        minimum_vote_threshold=Decimal(min_votes or 0),
        bottoms_up_percentage=percentage,
        non_integer_winning_threshold=flags["nonIntegerWinningThreshold"],
        first_round_determines_threshold=flags["doesFirstRoundDetermineThreshold"],
        hare_quota=flags["hareQuota"],
        batch_elimination=flags["batchElimination"],
        cutoff_elimination=flags["cutoffElimination"],
        continue_until_two_candidates_remain=flags["continueUntilTwoCandidatesRemain"],
        stop_tabulation_early_after_round=stop_after,
        exhaust_on_duplicate_candidate=flags["exhaustOnDuplicateCandidate"],
        rules_description=description,
    )


_RULE_TEXT_KEYS = frozenset(
    {
        "tiebreakMode",
        "overvoteRule",
        "winnerElectionMode",
        "randomSeed",
        "numberOfWinners",
        "multiSeatBottomsUpPercentageThreshold",
        "decimalPlacesForVoteArithmetic",
        "minimumVoteThreshold",
        "maxSkippedRanksAllowed",
        "maxRankingsAllowed",
        "stopTabulationEarlyAfterRound",
        "rulesDescription",
    }
)
