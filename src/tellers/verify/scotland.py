"""Check Scottish STV counts against the official 2022 council results, stage by stage.

The official file (``scotland/official-results-2022.csv``, Democracy Club, CC-BY-SA 4.0) has one
row per candidate: first preferences, then ``transfersNN``/``total_votesNN`` for each stage NN.
Each ballot file is matched to its ward by the candidates' surnames (the files spell names
differently: ``Jennifer BONSELL`` against ``Jennifer Bonsell``, hyphens dropped or added), then
every stage total is compared at the precision the council printed: five decimal places, or two
for councils that rounded (half up) to two.  A ward whose ballot file already disagrees with the
declared first preferences cannot match and is reported as such.  When a printed figure does not
match, the official row's own arithmetic is checked: if the row's previous total plus its
transfer is not its printed total, the printed figure is a transcription error and the report
says so with the numbers.
"""

from __future__ import annotations

import csv
import difflib
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, cached_property
from pathlib import Path

from ..errors import FormatError, VerificationError
from ..model import Election, Result

__all__ = ["OfficialWard", "WardCheck", "check_ward", "load_official", "match_ward", "render"]

MATCH = "match"
MISMATCH = "MISMATCH"
DATA_DIFFERS = "ballot data differs from declaration"
NO_STAGES = "first preferences and elected set only: no stage data"
NO_FIGURES = "elected set only: no figures"
UNCONTESTED = "uncontested: no poll"
DATA_DIFFERS_LATER = "ballot data differs from declaration at a later stage"
OFFICIAL_ERROR = "match but for errors in the official file"
NOT_FOUND = "not checked: ward not in official file"
UNREADABLE = "not checked: ballot file unreadable"
STATUSES = (
    MATCH,
    OFFICIAL_ERROR,
    MISMATCH,
    DATA_DIFFERS,
    DATA_DIFFERS_LATER,
    NO_STAGES,
    NO_FIGURES,
    UNCONTESTED,
    NOT_FOUND,
    UNREADABLE,
)

#: Wards whose declaration the published ballot data cannot reproduce, with the arithmetic
#: that shows why.  Each names the first figure that differs, so the check still fails if the
#: count ever changes.
EXPLAINED: dict[str, tuple[str, str]] = {
    "City of Edinburgh / Pentland Hills": (
        "stage 2, Louis Rowlands: official 32, ours 32.37098",
        "The sheet prints no transfer under one vote at stages 2-3 (Rowlands +0 where the"
        " ballots give 3 papers x 0.12366 = 0.37098 at stage 2 and 6 x 0.06016 = 0.36096 at"
        " stage 3; Fettes +0 where they give 16 x 0.06016 = 0.96256), yet its own stage-4"
        " transfers out of Rowlands carry exactly those values (Jenkinson +1.12366 = 1 +"
        " 0.12366, Gilchrist +3.24732 = 3 + 2 x 0.12366, Chappell +6.12032 = 6 + 2 x 0.06016,"
        " Fettes +6.06016 = 6 + 0.06016) and its stage-5 transfers out of Fettes equal ours to"
        " the last digit: those are omissions in the printed sheet. The one real difference is"
        " at stage 4: the declaration moves 29 of Rowlands' 32 first-preference papers"
        " (Chappell 6, Fettes 6, Gilchrist 3, Glasgow 6, Jenkinson 1, Muller 7), but in the"
        " ballot data 6 of those papers carry no second preference, so at most 26 can move;"
        " the declaration's Glasgow +6 is +3 in the data, and Glasgow's later totals stay 3"
        " above ours. Both ballot transcriptions (Mollison .dat and McCune BLT) give the same"
        " count; the elected set is the same.",
    ),
}


@dataclass(frozen=True)
class OfficialCandidate:
    """One official row: the name, outcome, and the printed figures as text."""

    name: str
    party: str
    status: str
    elected: bool
    first_prefs: str
    transfers: tuple[str, ...]
    totals: tuple[str, ...]


@dataclass(frozen=True)
class OfficialWard:
    """The official declaration for one ward."""

    council: str
    ward: str
    seats: int
    quota: str
    valid: str
    candidates: tuple[OfficialCandidate, ...]
    contested: bool = True

    @cached_property
    def nstages(self) -> int:
        """Number of stages printed (first preferences count as stage 1)."""
        printed = [
            i
            for i in range(len(self.candidates[0].totals))
            if any(c.totals[i].strip() for c in self.candidates)
        ]
        return 1 + (max(printed) + 1 if printed else 0)

    @property
    def label(self) -> str:
        """``Council / Ward``."""
        return f"{self.council} / {self.ward}"

    @cached_property
    def figures(self) -> tuple[tuple[Decimal | None, ...], tuple[tuple[Figure, ...], ...]]:
        """The first preferences and the totals of stages 2, 3, ... as compared: parsed once."""
        first = tuple(_dec(c.first_prefs) for c in self.candidates)
        stages = tuple(
            tuple(_figure(c.totals[i]) for c in self.candidates) for i in range(self.nstages - 1)
        )
        return first, stages

    @cached_property
    def name_keys(self) -> tuple[frozenset[str], frozenset[str]]:
        """The candidates' surnames and letters-only names, for matching ballot files."""
        return (
            frozenset(_surname(c.name) for c in self.candidates),
            frozenset(_letters(c.name) for c in self.candidates),
        )


@dataclass
class WardCheck:
    """The outcome of checking one ballot file against its declaration."""

    file: str
    ward: str
    status: str
    stages_official: int = 0
    stages_ours: int = 0
    detail: str = ""
    elected_match: bool | None = None
    notes: list[str] = field(default_factory=list)


@cache
def _person(name: str) -> str:
    """Drop the party the BLT files add in quotes: ``"Name" "Party"`` or ``Name "Party"``."""
    parts = [p for p in name.split('"') if p.strip()]
    return parts[0] if parts else name


# Cached: the same names are keyed again for every ward that shares them.
@cache
def _surname(name: str) -> str:
    words = _person(name).split()
    return _NOT_LETTER.sub("", words[-1].lower()) if words else ""


@cache
def _letters(name: str) -> str:
    return _NOT_LETTER.sub("", _person(name).lower())


_NOT_LETTER = re.compile(r"[^a-z]")


def load_official(path: str | Path) -> list[OfficialWard]:
    """Read the official results CSV into wards."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            # Rows as lists, as DictReader would read them (short rows padded, long cut):
            # a dict per row costs more than the rest of the check.
            rows = (
                [
                    r + [""] * (len(header) - len(r)) if len(r) < len(header) else r
                    for r in reader
                    if r
                ]
                if header
                else []
            )
    except FileNotFoundError:
        raise VerificationError(f"{p}: official results file not found") from None
    if not rows or header is None:
        raise VerificationError(f"{p}: no rows")
    col = {name: i for i, name in enumerate(header)}
    stage_keys = sorted(k[len("total_votes") :] for k in col if k.startswith("total_votes"))
    transfer_cols = [col[f"transfers{k}"] for k in stage_keys]
    total_cols = [col[f"total_votes{k}"] for k in stage_keys]
    council_col, ward_col = col["council_name"], col["ward_name"]
    groups: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for r in rows:
        groups[(r[council_col], r[ward_col])].append(r)
    name, party, status = col["name"], col["party_name"], col["status"]
    elected, first_prefs = col["elected"], col["first_prefs"]
    wards = []
    for (council, ward), rs in groups.items():
        cands = tuple(
            OfficialCandidate(
                name=r[name],
                party=r[party],
                status=r[status],
                elected=r[elected].strip() == "1",
                first_prefs=r[first_prefs],
                transfers=tuple(r[i] for i in transfer_cols),
                totals=tuple(r[i] for i in total_cols),
            )
            for r in rs
        )
        first = rs[0]
        contested = first[col["contested"]].strip() == "1"
        seats = int(first[col["seats"]])
        wards.append(
            OfficialWard(
                council,
                ward,
                seats,
                first[col["quota"]],
                first[col["valid_poll"]],
                cands,
                contested,
            )
        )
    return wards


class WardIndex:
    """Official wards by the name keys of their candidates, so a match scores only wards that
    share a name with the ballot file instead of all of them."""

    def __init__(self, wards: Sequence[OfficialWard]) -> None:
        self.wards = list(wards)
        self.by_key: dict[str, set[int]] = defaultdict(set)
        #: For each kind of key (surname, letters): key -> the wards that have it.
        self.by_kind: tuple[dict[str, list[int]], ...] = (defaultdict(list), defaultdict(list))
        for i, w in enumerate(self.wards):
            for keys, kind in zip(w.name_keys, self.by_kind, strict=True):
                for k in keys:
                    self.by_key[k].add(i)
                    kind[k].append(i)

    def best(self, ours: Sequence[set[str]]) -> tuple[float, OfficialWard | None]:
        """Return the best score and ward, as :func:`match_ward` scores them.

        The keys each ward shares with ``ours`` are counted from the index, so no ward's key
        set is intersected; a ward sharing none scores zero and is never the best of a pool
        that has any other.  Ties go to the ward first in the official file.
        """
        shared: list[dict[int, int]] = [{}, {}]
        for mine, kind, counts in zip(ours, self.by_kind, shared, strict=True):
            for k in mine:
                for i in kind.get(k, ()):
                    counts[i] = counts.get(i, 0) + 1
        best, found = 0.0, None
        for i in sorted(shared[0].keys() | shared[1].keys()):
            w = self.wards[i]
            score = 0.0
            for mine, theirs, counts in zip(ours, w.name_keys, shared, strict=True):
                n = counts.get(i, 0)
                score = max(score, n / (len(mine) + len(theirs) - n))
            if found is None or score > best:
                best, found = score, w
        return best, found

    def sharing(self, keys: Iterable[Iterable[str]]) -> list[OfficialWard]:
        """Return the wards sharing any key, in the official file's order."""
        found: set[int] = set()
        for ks in keys:
            for k in ks:
                found |= self.by_key.get(k, set())
        return [self.wards[i] for i in sorted(found)]


def match_ward(
    election: Election, wards: Sequence[OfficialWard], *, index: WardIndex | None = None
) -> OfficialWard | None:
    """Return the official ward whose candidates' surnames best match the election's.

    ``index`` (built once from ``wards``) narrows the search to wards sharing a name; a ward
    sharing none scores zero and could never be the match.
    """
    # Surnames survive most respellings; letters-only full names survive the one file whose
    # names have stray spaces inside words ("St ew ar t AD AM S").
    keys = (_surname, _letters)
    ours = [{key(n) for n in election.names} for key in keys]

    def score(w: OfficialWard) -> float:
        best = 0.0
        # Each ward's keys are computed once (cached), not once per ballot file.
        for mine, theirs in zip(ours, w.name_keys, strict=True):
            best = max(best, len(mine & theirs) / len(mine | theirs))
        return best

    if index is not None:
        top, found = index.best(ours)
        return found if found is not None and top >= 0.5 else None
    best = max(wards, key=score, default=None)
    if best is None or score(best) < 0.5:
        return None
    return best


def _map_candidates(election: Election, ward: OfficialWard) -> dict[int, int]:
    """Map official candidate positions to the election's candidate indices."""
    names = election.names
    mapping: dict[int, int] = {}
    surnames = [_surname(n) for n in names]
    for j, oc in enumerate(ward.candidates):
        theirs = _surname(oc.name)
        left = [i for i in range(len(names)) if i not in mapping.values()]
        same = [i for i in left if surnames[i] == theirs]
        if len(same) == 1:
            # The only one with this surname wins the comparison below whatever the ratios.
            mapping[j] = same[0]
            continue

        def sim(i: int, oc: OfficialCandidate = oc) -> tuple[bool, float]:
            same = _surname(names[i]) == _surname(oc.name)
            return same, difflib.SequenceMatcher(
                None, _letters(names[i]), _letters(oc.name)
            ).ratio()

        mapping[j] = max((i for i in range(len(names)) if i not in mapping.values()), key=sim)
    return mapping


def _dec(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None  # most cells past a ward's last stage: no exception to raise and catch
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _places(ward: OfficialWard) -> int:
    """Return how many decimal places the council printed (5, or 2 for councils that rounded)."""
    most = 0
    for c in ward.candidates:
        for v in (*c.totals, *c.transfers):
            if "." in v:
                most = max(most, len(v.strip().split(".")[1]))
    return 5 if most > 2 else 2


def _printed_places(text: str) -> int:
    """Return the places to compare a printed figure at.

    The official file prints most figures to five places with trailing zeros dropped
    (``2.9946``), but rounds some totals to two and keeps the zeros (``1221.10``): exactly two
    printed decimals therefore means "rounded to two", anything else is exact.
    """
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 2 if decimals == 2 else 5


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in (2, 5)}

#: A printed total as compared: its text (stripped), the quantum to round ours to, its value.
Figure = tuple[str, Decimal, Decimal | None]


def _figure(text: str) -> Figure:
    printed = text.strip()
    return printed, _QUANTUM[_printed_places(printed)], _dec(printed)


def _row_arithmetic(oc: OfficialCandidate, stage: int) -> str:
    """Explain a printed total that its own row contradicts, or return ''."""
    prev_text = oc.first_prefs if stage == 2 else oc.totals[stage - 3]
    prev, tr, tot = _dec(prev_text), _dec(oc.transfers[stage - 2]), _dec(oc.totals[stage - 2])
    if tot is None:
        return f"the official file prints {oc.totals[stage - 2]!r}, which is not a number"
    if prev is not None and tr is not None and prev + tr != tot:
        return (
            f"the official row does not add up: stage {stage - 1} total {prev} + transfer {tr} "
            f"= {prev + tr}, but it prints {tot}"
        )
    return ""


def check_ward(election: Election, result: Result, ward: OfficialWard, *, file: str) -> WardCheck:
    """Compare one count with its declaration, stage by stage."""
    check = WardCheck(file=file, ward=ward.label, status=MATCH, stages_ours=len(result.rounds))
    m = _map_candidates(election, ward)
    elected_official = {m[j] for j, oc in enumerate(ward.candidates) if oc.elected}
    check.elected_match = elected_official == set(result.elected)
    elected_note = "elected set " + ("matches" if check.elected_match else "DIFFERS")
    if len(ward.candidates) != len(election.candidates):
        check.notes.append(
            f"ballot file has {len(election.candidates)} candidates, declaration "
            f"{len(ward.candidates)}"
        )
    if not ward.contested:
        check.status = UNCONTESTED if check.elected_match else MISMATCH
        check.detail = f"no poll: as many candidates as seats; {elected_note}"
        return check
    if all(not oc.first_prefs.strip() for oc in ward.candidates):
        check.status = NO_FIGURES if check.elected_match else MISMATCH
        check.detail = f"official file gives no figures, only who was elected: {elected_note}"
        return check
    first = result.rounds[0].tallies
    first_declared, stage_figures = ward.figures
    for j, oc in enumerate(ward.candidates):
        if first_declared[j] != first[m[j]]:
            check.status = DATA_DIFFERS
            check.detail = (
                f"first differing candidate {oc.name}: declared {oc.first_prefs}, "
                f"ballot file {first[m[j]]:.0f}; {elected_note}"
            )
            return check
    check.stages_official = ward.nstages
    if check.stages_official == 1 and len(result.rounds) > 1:
        check.status = NO_STAGES if check.elected_match else MISMATCH
        check.detail = f"first preferences match; {elected_note}"
        return check
    explained: list[str] = []
    for stage in range(2, min(check.stages_official, len(result.rounds)) + 1):
        ours = result.rounds[stage - 1].tallies
        for j, (oc, (printed, quantum, value)) in enumerate(
            zip(ward.candidates, stage_figures[stage - 2], strict=True)
        ):
            mine = ours[m[j]].quantize(quantum, rounding=ROUND_HALF_UP)
            if (not printed and mine == 0) or (value is not None and value == mine):
                continue
            where = f"stage {stage}, {oc.name}: official {printed or '(blank)'}, ours {mine}"
            why = _row_arithmetic(oc, stage)
            if not why:
                known = EXPLAINED.get(ward.label)
                if known is not None and where == known[0]:
                    check.status = DATA_DIFFERS_LATER
                    check.detail = f"first difference {where}. {known[1]}"
                    return check
                check.status = MISMATCH
                check.detail = where
                return check
            explained.append(f"{where}: {why}")
    if len(result.rounds) != check.stages_official:
        check.status = MISMATCH
        check.detail = (
            f"official sheet has {check.stages_official} stages, ours {len(result.rounds)}"
        )
        return check
    if not check.elected_match:
        check.status = MISMATCH
        check.detail = "elected set differs"
        return check
    if explained:
        check.status = OFFICIAL_ERROR
        check.detail = "; ".join(explained) + "; every other figure and the elected set match"
    return check


def verify_files(
    files: Iterable[Path],
    official: Sequence[OfficialWard],
    *,
    count: Callable[[Election], Result],
    read: Callable[[Path], Election],
    root: Path,
    progress: Callable[[Path], None] | None = None,
    jobs: int | None = None,
) -> list[WardCheck]:
    """Read, count and check every file, in worker processes (:func:`~tellers.batch.map_files`).

    ``progress`` is called with each file as its check comes back, in file order.
    """
    from ..batch import map_files

    index = WardIndex(official)

    def check(path: Path) -> WardCheck:
        rel = str(path.relative_to(root))
        try:
            election = read(path)
        except FormatError as e:
            return WardCheck(rel, "", UNREADABLE, detail=str(e))
        ward = match_ward(election, official, index=index)
        if ward is None:
            return WardCheck(rel, election.title, NOT_FOUND)
        return check_ward(election, count(election), ward, file=rel)

    checks: list[WardCheck] = []
    for path, done in map_files(list(files), check, jobs=jobs):
        if progress is not None:
            progress(path)
        checks.append(done)
    return checks


def render(title: str, sections: Sequence[tuple[str, Sequence[WardCheck]]], preamble: str) -> str:
    """Render the verification table as Markdown, totals first."""
    out = [f"# {title}", "", preamble.strip(), ""]
    for heading, checks in sections:
        totals: dict[str, int] = defaultdict(int)
        for c in checks:
            totals[c.status] += 1
        out += [f"## {heading}", "", "| result | wards |", "|---|---:|"]
        for status in STATUSES:
            if totals.get(status):
                out.append(f"| {status} | {totals[status]} |")
        out.append(f"| **all files** | **{len(checks)}** |")
        out += [
            "",
            "| file | ward | stages (official / ours) | result | detail |",
            "|---|---|---|---|---|",
        ]
        for c in sorted(checks, key=lambda c: (c.status == MATCH, c.file)):
            detail = "; ".join(x for x in [c.detail, *c.notes] if x).replace("|", "\\|")
            stages = f"{c.stages_official} / {c.stages_ours}"
            out.append(f"| {c.file} | {c.ward} | {stages} | {c.status} | {detail} |")
        out.append("")
    return "\n".join(out)


PREAMBLE = """
Every 2022 Scottish council ward in `shared/data/scotland/2022-dat` (Mollison's preference
profiles) and every May 2022 ward among the BLT copies in `shared/data/scotland/blt` (McCune / MGGG;
by-elections excluded)
is counted by tellers' `scottish-stv` and compared with the official declarations in
`shared/data/scotland/official-results-2022.csv` (Democracy Club, CC-BY-SA 4.0): every
candidate's total at every stage, the number of stages, and the elected set.  Figures the council
printed to five places must be equal to the last digit; figures printed to two places (some
councils round the totals at the stage of election) are compared at two places, rounded half up.
A ward whose ballot file already disagrees with the declared first preferences cannot match and
is listed as such.  Where a printed figure differs, the official row's own arithmetic is checked;
a figure that contradicts its own row (previous total + transfer is not the printed total, or is
not a number) is a transcription error in the official file, shown with its numbers.

Regenerate with `tellers verify scotland-2022 --data ../shared/data --out
docs/verification/scotland-2022.md --force` (the test suite runs the same check).
"""


def verify_2022(data: str | Path, *, progress: bool = False) -> tuple[str, bool]:
    """Verify both 2022 ballot collections; return the Markdown report and whether all passed."""
    from ..formats import read
    from ..methods import count

    root = Path(data) / "scotland"
    official = load_official(root / "official-results-2022.csv")
    dat_files = sorted((root / "2022-dat").glob("*/*.dat"))
    # By-elections held in 2022 are not in the May 2022 declarations.
    blt_files = sorted(
        p
        for p in (root / "blt").glob("*/*.blt")
        if "_2022_" in p.name and "by_election" not in p.name
    )
    if not dat_files:
        raise VerificationError(f"no .dat files under {root / '2022-dat'}")

    def show(path: Path) -> None:
        if progress:
            print(f"\r{path.name:60.60}", end="", file=sys.stderr, flush=True)

    def scottish(e: Election) -> Result:
        return count(e, "scottish-stv")

    sections = []
    ok = True
    for heading, files in (
        ("Mollison .dat preference profiles (2022-dat)", dat_files),
        ("BLT copies of the 2022 wards (scot-elex)", blt_files),
    ):
        checks = verify_files(files, official, count=scottish, read=read, root=root, progress=show)
        ok = ok and not any(c.status in (MISMATCH, UNREADABLE) for c in checks)
        sections.append((heading, checks))
    if progress:
        print(file=sys.stderr)
    return render("Scottish council elections 2022: verification", sections, PREAMBLE), ok
