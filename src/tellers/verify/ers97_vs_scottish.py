"""ERS97 against Scottish STV on the 2017 Scottish council wards, and why they differ.

Every 2017 ward ballot file (``scotland/blt/*/*_2017_*.blt``, David McCune / MGGG) is counted by
both rules.  Where the elected sets differ, the difference is traced to the rules themselves:
each rule in which ERS97 departs from the Scottish Order is listed in :data:`FEATURES` with a
variant of the ERS97 count that follows the Scottish rule on that point only.  A ward's
*decisive* differences are those whose Scottish version, on its own, turns ERS97's result into
the Scottish one (if no single one does, the smallest pair that does); for each, the report names
the first round at which the variant and ERS97 part company and what each did there, with the
votes of the candidates in dispute.  The check on the method: with every listed difference
replaced at once the variant must reproduce the Scottish count round by round, figure for figure,
in every ward — so the list of differences is complete.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .._types import CandidateIndex
from ..arithmetic import FixedArithmetic, Value
from ..formats import read
from ..methods._ties import break_by_history
from ..methods.ers97 import PLACES, Ers97Count
from ..methods.gregory import GregoryCount, Parcel
from ..methods.scottish import PLACES as SCOTTISH_PLACES
from ..methods.scottish import ScottishCount
from ..model import Election, Result, TieBreak

__all__ = ["FEATURES", "Feature", "WardComparison", "build_table", "compare_ward", "write_table"]

DATA_GLOB = "scotland/blt/*/*_2017_*.blt"


# -- one variant per rule difference ---------------------------------------------------------


class _WholeQuota(Ers97Count):
    """Scottish quota [SSI 2007/42 r.46]: floor(valid / (seats + 1)) + 1 whole votes."""

    def quota_of(self, vote: Value) -> Value:
        """Return the whole-vote Droop quota."""
        one = int(self.arith.of(1))
        return self.arith.of(int(vote) // (one * (self.seats + 1)) + 1)


class _FixedQuota(Ers97Count):
    """No recalculation of the quota [r.46 fixes it once]."""

    def revise_quota(self) -> None:
        """Keep the first quota."""


class _QuotaOnly(Ers97Count):
    """Elected only on reaching the quota [r.47]."""

    def reaches(self, c: CandidateIndex) -> str | None:
        """Return "(a) the quota" when the vote reaches it, else None."""
        if self.arith.compare(self.totals[c], self.quota_value) >= 0:
            return "(a) the quota"
        return None


class _AllPapers(Ers97Count):
    """Every paper the candidate holds carries the surplus [r.48(1)]."""

    def surplus_parcels(self, c: CandidateIndex) -> list[Parcel]:
        """Return all the candidate's parcels."""
        return self.piles[c]


class _InclusiveValue(Ers97Count):
    """Transfer value surplus x value / total, truncated [r.48(3)]."""

    def surplus_values(
        self, c: CandidateIndex, surplus: Value, total: Value, parcels: Sequence[Parcel]
    ) -> dict[Value, Value]:
        """Return surplus x value / total for each present value."""
        return GregoryCount.surplus_values(self, c, surplus, total, parcels)

    def surplus_remainder(
        self, surplus: Value, moved: Value, nontransferable: Value
    ) -> tuple[Value, Value]:
        """Keep what non-transferable papers carry apart from the truncation loss."""
        return GregoryCount.surplus_remainder(self, surplus, moved, nontransferable)


class _NoDeferral(Ers97Count):
    """Every surplus transferred at once, largest first [r.49(1)]."""

    def choose_surplus(self) -> tuple[CandidateIndex, TieBreak | None] | None:
        """Return the largest surplus."""
        return GregoryCount.choose_surplus(self)


class _OneAtATime(Ers97Count):
    """One candidate excluded at a time [r.50]."""

    def choose_exclusion(self) -> tuple[list[CandidateIndex], TieBreak | None]:
        """Return the lowest candidate."""
        return GregoryCount.choose_exclusion(self)


class _OneTransfer(Ers97Count):
    """An excluded candidate's papers all move in one stage [r.50]."""

    def exclusion_batches(self, parcels: list[Parcel]) -> list[list[Parcel]]:
        """Return one batch."""
        return GregoryCount.exclusion_batches(self, parcels)

    def stop_exclusion(self) -> bool:
        """Never stop part-way."""
        return False


class _RecentTies(Ers97Count):
    """Ties by the most recent stage at which the tied were unequal [r.49(2), 51]."""

    def break_tie(
        self, tied: Sequence[CandidateIndex], *, lowest: bool, purpose: str
    ) -> tuple[CandidateIndex, TieBreak | None]:
        """Look back from the latest stage, then draw lots."""
        return GregoryCount.break_tie(self, tied, lowest=lowest, purpose=purpose)

    def election_tie(
        self, group: Sequence[CandidateIndex]
    ) -> tuple[CandidateIndex | None, TieBreak | None]:
        """Order equal votes for election by the most recent stage, as the loop does."""
        return break_by_history(
            group, self.history, lowest=False, purpose="order of election", lot=None
        )


class _ExcludeThenFill(Ers97Count):
    """The last exclusion's papers are transferred before the last places are filled [r.52]."""

    def exclude(self, cs: list[CandidateIndex], tie: TieBreak | None) -> None:
        """Exclude and transfer, always."""
        GregoryCount.exclude(self, cs, tie)


@dataclass(frozen=True)
class Feature:
    """One rule in which ERS97 departs from the Scottish Order, and the variant undoing it."""

    key: str
    ers97: str
    scottish: str
    variant: type[Ers97Count] | None  # None: the arithmetic, which is not a hook


FEATURES: tuple[Feature, ...] = (
    Feature(
        "quota",
        "quota valid / (seats + 1) to two places, + 0.01 if inexact [5.1.6]",
        "quota floor(valid / (seats + 1)) + 1 [r.46]",
        _WholeQuota,
    ),
    Feature(
        "recalculated quota",
        "quota recalculated without non-transferable papers until someone is elected [5.4.8]",
        "quota fixed [r.46]",
        _FixedQuota,
    ),
    Feature(
        "active-vote election",
        "also elected on reaching the total active vote / (places unfilled + 1) [5.1.7(b)]",
        "elected only on reaching the quota [r.47]",
        _QuotaOnly,
    ),
    Feature(
        "last batch",
        "a surplus is taken from the last batch received [5.3.2]",
        "from all the candidate's papers [r.48(1)]",
        _AllPapers,
    ),
    Feature(
        "transfer value",
        "transfer value surplus / transferable papers, or the present value [5.3.7]",
        "surplus x value / total votes [r.48(3)]",
        _InclusiveValue,
    ),
    Feature(
        "two places",
        "two decimal places [5.1.6, 5.3.7]",
        "five decimal places [r.48(3)]",
        None,
    ),
    Feature(
        "deferred surplus",
        "surpluses deferred while they cannot change who is excluded [5.2.2]",
        "every surplus transferred first [r.49]",
        _NoDeferral,
    ),
    Feature(
        "bulk exclusion",
        "the lowest candidates excluded together where safe [5.2.5]",
        "one at a time [r.50]",
        _OneAtATime,
    ),
    Feature(
        "batches",
        "an exclusion moves one value at a time and elects between batches [5.4]",
        "all papers in one stage [r.50]",
        _OneTransfer,
    ),
    Feature(
        "earliest-stage ties",
        "ties by the earliest stage of inequality [5.2.3, 5.2.5, 5.6.2]",
        "by the most recent [r.49(2), r.51]",
        _RecentTies,
    ),
    Feature(
        "last places",
        "a proposed exclusion leaving as many as places elects them at once [5.5.1]",
        "the exclusion is transferred first [r.52]",
        _ExcludeThenFill,
    ),
)


def run_variant(election: Election, scottish: Iterable[str] = ()) -> Result:
    """Count by ERS97 with the named features (keys of :data:`FEATURES`) as in Scotland."""
    keys = set(scottish)
    unknown = keys - {f.key for f in FEATURES}
    if unknown:
        raise ValueError(f"unknown rule differences: {sorted(unknown)}")
    bases = tuple(f.variant for f in FEATURES if f.key in keys and f.variant is not None)
    cls: type[Ers97Count] = type("Ers97Variant", bases, {}) if bases else Ers97Count
    places = SCOTTISH_PLACES if "two places" in keys else PLACES
    return cls(election, seats=None, seed=0, arithmetic=FixedArithmetic(places)).run()


# -- comparing one ward ----------------------------------------------------------------------


@dataclass(frozen=True)
class WardComparison:
    """One ward counted both ways, and the explanation where the elected sets differ."""

    name: str
    seats: int
    valid: int
    ers97: Result
    scottish: Result
    replays_scottish: bool  # every feature replaced reproduces the Scottish count exactly
    divergence: str = ""
    causes: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        """Whether both rules elect the same candidates."""
        return set(self.ers97.elected) == set(self.scottish.elected)


def _same_count(a: Result, b: Result) -> bool:
    """Return whether two results have the same rounds, figure for figure, and decisions."""
    if len(a.rounds) != len(b.rounds) or a.quota != b.quota:
        return False
    for x, y in zip(a.rounds, b.rounds, strict=True):
        if (x.tallies, x.exhausted, x.loss, x.action, x.subjects) != (
            y.tallies,
            y.exhausted,
            y.loss,
            y.action,
            y.subjects,
        ):
            return False
        if [(d.candidate, d.outcome) for d in x.decisions] != [
            (d.candidate, d.outcome) for d in y.decisions
        ]:
            return False
    return True


def _events(result: Result) -> list[tuple[int, str, CandidateIndex]]:
    """Return (round, outcome, candidate) for every decision in order."""
    return [(r.number, d.outcome.value, d.candidate) for r in result.rounds for d in r.decisions]


def _votes(result: Result, rnd: int, cands: Iterable[CandidateIndex]) -> str:
    """Return "Name v, Name v" for the candidates' votes after round ``rnd`` (1-based)."""
    tallies = result.rounds[rnd - 1].tallies
    return ", ".join(f"{_short(result.candidates[c])} {tallies[c]}" for c in cands)


def _short(name: str) -> str:
    """Return a candidate's surname and party, e.g. ``SLATER (Ind)``."""
    words = name.split()
    caps = [w for w in words if w.isupper() and len(w) > 1 and not w.startswith("(")]
    party = words[-1] if words[-1].startswith("(") else ""
    return " ".join([*(caps or words[:-1] or words), party]).strip()


def _divergence(ers: Result, scot: Result, disputed: Sequence[CandidateIndex]) -> str:
    """Describe the first decision on which the two counts differ, with the votes there."""
    a, b = _events(ers), _events(scot)
    for (ra, oa, ca), (rb, ob, cb) in zip(a, b, strict=False):
        if (oa, ca) != (ob, cb):
            return (
                f"ERS97 round {ra} {oa} {_short(ers.candidates[ca])} "
                f"({_votes(ers, ra, dict.fromkeys([ca, cb, *disputed]))}); "
                f"Scottish stage {rb} {ob} {_short(scot.candidates[cb])} "
                f"({_votes(scot, rb, dict.fromkeys([ca, cb, *disputed]))})"
            )
    return "the decisions agree as far as the shorter count goes"


def _describe(result: Result, rnd: int) -> str:
    """Return what a round did: its note's first clause and its decisions."""
    r = result.rounds[rnd - 1]
    # The note's first clause says what moved; for a surplus keep its transfer value and, for
    # ERS97, how many of the examined papers were transferable.
    keep = ("Surplus of", "Exclusion of", "transfer value", "papers examined")
    head = "; ".join(
        part for part in r.note.split("; ") if part.startswith(keep) or " papers examined" in part
    )
    done = ", ".join(
        f"{d.outcome.value} {_short(result.candidates[d.candidate])}" for d in r.decisions
    )
    return f"{head}" + (f" ({done})" if done else "")


def _where(ers: Result, var: Result, disputed: Sequence[CandidateIndex]) -> str:
    """Describe the first round at which a variant departs from ERS97, with the votes there."""
    for k, (x, y) in enumerate(zip(ers.rounds, var.rounds, strict=False), start=1):
        same = (x.tallies, x.action, x.subjects) == (y.tallies, y.action, y.subjects) and [
            (d.candidate, d.outcome) for d in x.decisions
        ] == [(d.candidate, d.outcome) for d in y.decisions]
        if not same:
            decided = [d.candidate for r in (x, y) for d in r.decisions]
            shown = list(dict.fromkeys([*disputed, *decided]))
            return (
                f"round {k}: ERS97 {_describe(ers, k)} [{_votes(ers, k, shown)}]; "
                f"Scottish rule {_describe(var, k)} [{_votes(var, k, shown)}]"
            )
    k = min(len(ers.rounds), len(var.rounds))
    return f"after round {k}, where one count ends"


def compare_ward(path: Path) -> WardComparison:
    """Count one ward both ways and, if the elected sets differ, explain why."""
    e = read(path)
    ers = run_variant(e)
    scot = ScottishCount(e, seats=None, seed=0, arithmetic=FixedArithmetic(SCOTTISH_PLACES)).run()
    replay = run_variant(e, (f.key for f in FEATURES))
    cmp = WardComparison(
        name=path.stem,
        seats=ers.seats,
        valid=int(ers.valid),
        ers97=ers,
        scottish=scot,
        replays_scottish=_same_count(replay, scot),
    )
    if cmp.same:
        return cmp
    target = set(scot.elected)
    disputed = sorted(set(ers.elected) ^ target)
    causes: list[str] = []
    for size in (1, 2):
        for combo in itertools.combinations(FEATURES, size):
            var = run_variant(e, (f.key for f in combo))
            if set(var.elected) == target:
                label = " + ".join(f"**{f.key}**" for f in combo)
                causes.append(f"{label}: {_where(ers, var, disputed)}")
        if causes:
            break
    return WardComparison(
        name=cmp.name,
        seats=cmp.seats,
        valid=cmp.valid,
        ers97=ers,
        scottish=scot,
        replays_scottish=cmp.replays_scottish,
        divergence=_divergence(ers, scot, disputed),
        causes=tuple(causes),
    )


# -- the table -------------------------------------------------------------------------------


def _names(result: Result, cands: Iterable[CandidateIndex]) -> str:
    return ", ".join(result.candidates[c] for c in sorted(cands))


def build_table(data_dir: Path) -> str:
    """Count every 2017 ward both ways and return the Markdown report."""
    files = sorted(data_dir.glob(DATA_GLOB), key=lambda p: p.stem)
    wards = [compare_ward(p) for p in files]
    differ = [w for w in wards if not w.same]
    replayed = sum(w.replays_scottish for w in wards)
    out = [
        "# ERS97 against Scottish STV: the 2017 Scottish council wards",
        "",
        "Generated by `tellers.verify.ers97_vs_scottish.write_table` from the 2017 ward ballot",
        f"files `{DATA_GLOB}` (David McCune / MGGG, scot-elex), each counted by `ers97` (the",
        "Electoral Reform Society's 1997 rules) and by `scottish-stv` (SSI 2007/42 rules 45-52).",
        "",
        "| elected sets | wards |",
        "|---|---:|",
        f"| same | {len(wards) - len(differ)} |",
        f"| different | {len(differ)} |",
        f"| **all wards** | **{len(wards)}** |",
        "",
        "## Where the rules differ",
        "",
        "Each difference below has a variant of the ERS97 count that follows the Scottish rule on",
        "that point alone. With all of them replaced at once, the variant reproduces the Scottish",
        f"count round by round, figure for figure, in **{replayed} of {len(wards)}** wards.",
        "",
        "| difference | ERS97 | Scottish STV |",
        "|---|---|---|",
    ]
    out += [f"| {f.key} | {f.ers97} | {f.scottish} |" for f in FEATURES]
    tally: dict[str, int] = {}
    for w in differ:
        for label in dict.fromkeys(c.split(":")[0] for c in w.causes):
            tally[label] = tally.get(label, 0) + 1
    out += [
        "",
        "Decisive differences (a ward may have several):",
        "",
        "| decisive difference | wards |",
        "|---|---:|",
    ]
    out += [f"| {label} | {n} |" for label, n in sorted(tally.items(), key=lambda kv: -kv[1])]
    out += [
        "",
        "## Wards where the elected sets differ",
        "",
        "*First divergence*: the first election or exclusion on which the two counts differ, with",
        "the votes there (ERS97 rounds count each batch of an exclusion; Scottish stages are the",
        "declaration's). *Decisive difference*: the rule whose Scottish version, alone (or failing",
        "that, with one other), makes the ERS97 count elect the Scottish set; then where that",
        "variant first departs from ERS97, with the votes of the candidates in dispute.",
        "",
        "| ward | seats | valid | ERS97 only | Scottish only | first divergence "
        "| decisive difference |",
        "|---|---:|---:|---|---|---|---|",
    ]
    for w in differ:
        e_only = set(w.ers97.elected) - set(w.scottish.elected)
        s_only = set(w.scottish.elected) - set(w.ers97.elected)
        causes = "<br>".join(w.causes) or "none found"
        out.append(
            f"| {w.name} | {w.seats} | {w.valid} | {_names(w.ers97, e_only)} | "
            f"{_names(w.scottish, s_only)} | {w.divergence} | {causes} |"
        )
    out += [
        "",
        "## Every ward",
        "",
        "| ward | seats | valid | quota ERS97 | quota Scottish | rounds ERS97 | stages Scottish | "
        "elected | same |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for w in wards:
        if w.same:
            elected = _names(w.ers97, w.ers97.elected)
        else:
            elected = (
                f"ERS97: {_names(w.ers97, w.ers97.elected)}; "
                f"Scottish: {_names(w.scottish, w.scottish.elected)}"
            )
        out.append(
            f"| {w.name} | {w.seats} | {w.valid} | {w.ers97.quota} | "
            f"{_whole(w.scottish.quota)} | {len(w.ers97.rounds)} | {len(w.scottish.rounds)} | "
            f"{elected} | {'yes' if w.same else '**no**'} |"
        )
    return "\n".join(out) + "\n"


def _whole(q: Decimal | None) -> str:
    """Return a whole-vote quota without its five zero places."""
    return "" if q is None else str(q.to_integral_value()) if q == q.to_integral_value() else str(q)


def write_table(data_dir: Path, out: Path) -> str:
    """Write the report to ``out`` and return it."""
    text = build_table(data_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text
