"""RCTab's detailed report, JSON and CSV, written exactly as RCTab 2.0.0 writes them.

The JSON is what rcvis and RCTab's own regression tests read: ``config`` (contest details),
``jsonFormatVersion``, ``results`` (per round: inactive ballots by reason, the tally, who was
elected or eliminated with where their votes went next round, the threshold) and ``summary``.
Keys are sorted and the layout is Jackson's default pretty printer, so files compare byte for
byte.  The CSV is the round table RCTab prints with Apache Commons CSV: a contest block, a
summary block, then per round the votes, the percentage and the transfer to the next round.

Names and numbers follow ``ResultsWriter.java``: numbers print as Java's ``BigDecimal``
prints them (Python's :class:`~decimal.Decimal` renders the same digits), candidates are listed
by first-round votes with ties in Java ``HashMap`` order (see :mod:`tellers.rctab._java`),
and a decision settled by a tie-break is starred.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from decimal import Context, Decimal

from ._java import hashmap_order
from .config import ContestConfig
from .options import UNDECLARED_WRITE_IN, WinnerMode
from .tabulator import RctabCount, RoundTally, Status, Transfers, percent

__all__ = [
    "GENERATED_BY",
    "JsonValue",
    "candidate_order",
    "csv_record",
    "detailed_csv",
    "detailed_json",
    "dump_json",
]

#: What RCTab writes as ``generatedBy``; the regression suite ignores it.
GENERATED_BY = "RCTab 2.0.0"

JsonValue = str | int | Decimal | Mapping[str, "JsonValue"] | Sequence["JsonValue"]

_ZERO = Decimal(0)
_EXACT = Context(prec=200)
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')
_INACTIVE_ROWS = (
    ("Overvotes", Status.OVERVOTE),
    ("Skipped Rankings", Status.SKIPPED),
    ("Exhausted Choices", Status.EXHAUSTED),
    ("Repeated Rankings", Status.REPEATED),
)
_SLICE_TITLE = {"precinct": "Precinct", "batch": "Batch"}


# --- JSON -------------------------------------------------------------------------------------


def _json_string(s: str) -> str:
    """Quote a string as Jackson does (non-ASCII kept, control characters escaped)."""
    if not _NEEDS_ESCAPE.search(s):
        return f'"{s}"'
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
            out.append(named.get(ch, f"\\u{o:04X}"))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dump_json(value: JsonValue, level: int = 0) -> str:
    """Render ``value`` like Jackson's DefaultPrettyPrinter with keys sorted."""
    if isinstance(value, Decimal):
        return _json_string(str(value))
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        if not value:
            return "{ }"
        pad = "  " * (level + 1)
        items = [
            f"{pad}{_json_string(k)} : {dump_json(value[k], level + 1)}" for k in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if not value:
        return "[ ]"
    return "[ " + ", ".join(dump_json(v, level) for v in value) + " ]"


def _rounds_and_transfers(
    count: RctabCount, slice_kind: str | None, slice_id: str | None
) -> tuple[list[RoundTally], Transfers]:
    """Return the rounds and transfers of the whole contest or of one slice."""
    if slice_kind is None or slice_id is None:
        return count.rounds, count.transfers
    s = count.slices[slice_kind][slice_id]
    return s.rounds, s.transfers


def _inactive_map(count: RctabCount, rt: RoundTally, last: int) -> dict[str, JsonValue]:
    """Return a round's inactive ballots by reason (and the final-round surplus, last round)."""
    out: dict[str, JsonValue] = {
        "overvotes": rt.inactive(Status.OVERVOTE),
        "skippedRankings": rt.inactive(Status.SKIPPED),
        "exhaustedChoices": rt.inactive(Status.EXHAUSTED),
        "repeatedRankings": rt.inactive(Status.REPEATED),
    }
    if count.rules.uses_surpluses and rt.number == last:
        out["finalRoundSurplus"] = rt.inactive(Status.FINAL_ROUND_SURPLUS)
    return out


def _actions(count: RctabCount, number: int, transfers: Transfers) -> list[JsonValue]:
    """Return a round's elected and eliminated candidates with where their votes went."""
    following = transfers.get(number + 1, {})
    out: list[JsonValue] = []
    for kind, names in (
        ("elected", count.round_winners(number)),
        ("eliminated", count.round_eliminated(number)),
    ):
        for name in names:
            moved = following.get(name, {})
            out.append({kind: name, "transfers": dict(moved)})
    return out


def detailed_json(
    config: ContestConfig,
    count: RctabCount,
    *,
    slice_kind: str | None = None,
    slice_id: str | None = None,
) -> str:
    """Return the detailed report JSON of the contest, or of one precinct or batch."""
    rounds, transfers = _rounds_and_transfers(count, slice_kind, slice_id)
    out = config.output
    header: dict[str, JsonValue] = {
        "generatedBy": GENERATED_BY,
        "contest": out.contest_name,
        "jurisdiction": out.contest_jurisdiction,
        "office": out.contest_office,
        "date": out.contest_date,
    }
    if slice_kind is not None and slice_id is not None:
        header[slice_kind] = slice_id
    last = len(rounds)
    results: list[JsonValue] = []
    for rt in rounds:
        results.append(
            {
                "round": rt.number,
                "tallyResults": _actions(count, rt.number, transfers),
                "tally": dict(rt.tallies),
                "threshold": rt.threshold,
                "inactiveBallots": _inactive_map(count, rt, last),
            }
        )
    first = rounds[0] if rounds else None
    total = _add(first.active_ballots, first.inactive_ballots) if first else _ZERO
    undervotes = first.inactive(Status.DID_NOT_RANK) if first else _ZERO
    summary: dict[str, JsonValue] = {
        "finalThreshold": rounds[-1].threshold if rounds else _ZERO,
        "numWinners": count.rules_winners,
        "numCandidates": len(config.candidate_names),
        "totalNumBallots": total,
        "undervotes": int(undervotes),
    }
    document: dict[str, JsonValue] = {
        "jsonFormatVersion": "1",
        "summary": summary,
        "config": header,
        "results": results,
    }
    return dump_json(document)


def _add(a: Decimal, b: Decimal) -> Decimal:
    """Add exactly (every digit kept, as BigDecimal does)."""
    return _EXACT.add(a, b)


# --- CSV --------------------------------------------------------------------------------------


def _csv_field(value: str, first: bool) -> str:
    """Quote a field as Commons CSV's default format (QuoteMode.MINIMAL) does."""
    if value == "":
        return '""' if first else ""
    quote = value[0] <= "#" or value[-1] <= " "
    if not quote:
        quote = any(c in value for c in ',"\r\n')
    if not quote:
        return value
    return '"' + value.replace('"', '""') + '"'


def csv_record(*fields: object) -> str:
    """Return one CSV record, newline-terminated, quoted as Commons CSV's default format."""
    cells = ["" if f is None else str(f) for f in fields]
    return ",".join(_csv_field(c, i == 0) for i, c in enumerate(cells)) + "\n"


class _Csv:
    """Builds CSV text record by record."""

    def __init__(self) -> None:
        self.out = io.StringIO()

    def record(self, *fields: object) -> None:
        """Write one record."""
        self.out.write(csv_record(*fields))

    def blank(self) -> None:
        """Write an empty line."""
        self.out.write("\n")

    def text(self) -> str:
        """Return everything written."""
        return self.out.getvalue()


def candidate_order(count: RctabCount) -> list[str]:
    """Return the candidates in report order: most first-round votes first, write-ins last.

    RCTab sorts its round-one HashMap's entries with a stable sort, so candidates with equal
    votes keep HashMap iteration order.
    """
    first = count.rounds[0].tallies if count.rounds else {}
    names = hashmap_order(list(first))
    uwi = [n for n in names if n == UNDECLARED_WRITE_IN]
    rest = [n for n in names if n != UNDECLARED_WRITE_IN]
    rest.sort(key=lambda n: -first[n])
    return rest + uwi


def _names_cell(count: RctabCount, names: list[str]) -> str:
    """Join a round's names with ``; ``, starring those decided by a tie-break."""
    return "; ".join(f"{n}*" if n in count.tie_broken else n for n in names)


def detailed_csv(
    config: ContestConfig,
    count: RctabCount,
    *,
    slice_kind: str | None = None,
    slice_id: str | None = None,
) -> str:
    """Return the detailed round table CSV of the contest, or of one precinct or batch."""
    rounds, _ = _rounds_and_transfers(count, slice_kind, slice_id)
    is_slice = slice_kind is not None and slice_id is not None
    rules = count.rules
    out = config.output
    csv = _Csv()
    n = len(rounds)
    csv.record("Contest Information")
    csv.record("Generated By", GENERATED_BY)
    csv.record("CSV Format Version", "1")
    single = rules.winner_mode is WinnerMode.SINGLE_WINNER_MAJORITY
    csv.record("Type of Election", "Single-Winner" if single else "Multi-Winner")
    csv.record("Contest", out.contest_name)
    csv.record("Jurisdiction", out.contest_jurisdiction)
    csv.record("Office", out.contest_office)
    csv.record("Date", out.contest_date)
    winners = [w for r in sorted(set(count.winners.values())) for w in count.round_winners(r)]
    csv.record("Winner(s)", ", ".join(winners))
    if is_slice:
        assert slice_kind is not None
        csv.record(_SLICE_TITLE.get(slice_kind, slice_kind.title()), slice_id)
    else:
        csv.record("Final Threshold", rounds[-1].threshold if rounds else "")
    csv.blank()

    first = rounds[0]
    csv.record("Contest Summary")
    if rules.winner_mode is WinnerMode.BOTTOMS_UP_PERCENTAGE:
        pct = (rules.bottoms_up_percentage or _ZERO) * 100
        elected = f"All candidates over the {pct.normalize():f}% threshold"
    else:
        elected = str(count.rules_winners)
    csv.record("Number to be Elected", elected)
    csv.record("Number of Candidates", count.num_candidates)
    csv.record("Total Number of Ballots", _add(first.active_ballots, first.inactive_ballots))
    no_rankings = first.inactive(Status.DID_NOT_RANK)
    csv.record("Number of Undervotes (No Rankings)", no_rankings)
    csv.blank()

    header: list[object] = ["Rounds"]
    for r in range(1, n + 1):
        header += [f"Round {r} Votes", "% of vote", "transfer"]
    csv.record(*header)
    mark = "†" if is_slice else ""
    for label, names_of in (
        ("Eliminated", count.round_eliminated),
        ("Elected", count.round_winners),
    ):
        row: list[object] = [label + mark]
        for r in range(1, n + 1):
            row += [_names_cell(count, names_of(r)), "", ""]
        csv.record(*row)

    current_divisor = (
        rules.winner_mode in (WinnerMode.SINGLE_WINNER_MAJORITY, WinnerMode.BOTTOMS_UP_PERCENTAGE)
        and not rules.first_round_determines_threshold
    )
    active = [rt.active_and_locked_in for rt in rounds]
    for name in candidate_order(count):
        row = [name]
        for i, rt in enumerate(rounds):
            votes = rt.tallies.get(name, _ZERO)
            divisor = active[i] if current_divisor else active[0]
            row.append(votes)
            # RCTab tests the divisor against the BigDecimal.ZERO object: any zero means "".
            row.append(percent(votes, divisor) if divisor != 0 else "")
            if i + 1 < n:
                row.append(_sub(rounds[i + 1].tallies.get(name, _ZERO), votes))
            else:
                row.append(0)
        csv.record(*row)

    row = ["Active Ballots"]
    for total in active:
        row += [total, "", ""]
    csv.record(*row)
    if not is_slice:
        row = ["Current Round Threshold"]
        for rt in rounds:
            row += [rt.threshold, "", ""]
        csv.record(*row)
    for label, status in _INACTIVE_ROWS:
        row = [f"Inactive Ballots by {label}"]
        for i, rt in enumerate(rounds):
            v = rt.inactive(status)
            nxt = _sub(rounds[i + 1].inactive(status), v) if i + 1 < n else 0
            row += [v, "", nxt]
        csv.record(*row)
    row = ["Inactive Ballots Total"]
    for i, rt in enumerate(rounds):
        v = rt.inactive_ballots
        nxt = _sub(rounds[i + 1].inactive_ballots, v) if i + 1 < n else 0
        row += [_sub(v, no_rankings), "", nxt]
    csv.record(*row)
    if not is_slice and rounds[-1].residual_surplus > 0:
        row = ["Residual surplus"]
        for rt in rounds:
            row += [rt.residual_surplus, "", ""]
        csv.record(*row)
    if rules.uses_surpluses:
        row = ["Final Round Surplus"]
        for rt in rounds:
            surplus = rt.inactive(Status.FINAL_ROUND_SURPLUS)
            # Java prints "" only for BigDecimal.ZERO itself (equals() compares the scale too).
            row += ["" if str(surplus) == "0" else surplus, "", ""]
        csv.record(*row)
    if is_slice:
        csv.blank()
        csv.record(
            "†Elect/Eliminate decisions are from the full contest. All other results on this "
            f"report are at the {slice_kind} level."
        )
    if count.tie_broken:
        csv.blank()
        csv.record("*Tie resolved in accordance with election law")
    return csv.text()


def _sub(a: Decimal, b: Decimal) -> Decimal:
    """Subtract exactly."""
    return _EXACT.subtract(a, b)
