"""Cross-check tellers' Schulze and ranked-pairs winners against pref_voting's on real elections.

Every 2017 Scottish council ward among the BLT copies (``scotland/blt/*/*_2017_*.blt``) and every
2023 NSW Legislative Assembly district (``nsw-la/soi/00058-00000187.soi`` to ``-279``) is read
with ``tellers.read``; tellers counts it, and the same merged ballots are given to pref_voting
(a test-only dependency) as a ``ProfileWithTies``.

Like with like:

- pref_voting's ``ProfileWithTies`` compares two candidates on a ballot only when both are
  ranked; tellers reads every ranked candidate as above every unranked one.  The profile is
  therefore switched to ``use_extended_strict_preference()``, which is that reading, and its
  support for every ordered pair must equal tellers' pairwise matrix.
- pref_voting's ``beat_path`` (Schulze) measures a link by its margin unless told otherwise;
  tellers' Schulze uses winning votes, so ``strength_function=profile.support`` is passed.
- pref_voting's ``ranked_pairs`` orders pairs by margin, as tellers' does.  It returns every
  candidate who wins under some order of equal pairs, so tellers' winner must be among them.
  ``ranked_pairs_with_test`` is used: it declines (returns None) when more than 3,000 orders of
  equal pairs would need trying, which is then reported rather than waited for.

Where pref_voting returns several winners (a tie), tellers' winner must be one of them; such
files are counted separately.  ``tellers verify condorcet --data DIR --out FILE`` writes the
table of ``docs/verification/condorcet.md``; the test suite (``tests/methods/test_condorcet.py``)
runs the same check and compares the committed table with what it writes.

pref_voting is a test-only dependency (the ``test`` extra): this module imports it at the top, so
importing the module without it raises :class:`ModuleNotFoundError`, which the command line
reports as such.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pref_voting.margin_based_methods import beat_path, ranked_pairs_with_test
from pref_voting.profiles_with_ties import ProfileWithTies

from ..errors import VerificationError
from ..formats import read
from ..methods import condorcet, count
from ..model import Election

__all__ = ["Row", "compare", "nsw_2023", "profile", "render", "run", "scottish_2017", "verify"]

NSW_2023 = range(187, 280)
SCOTTISH_GLOB = "scotland/blt/*/*_2017_*.blt"


def scottish_2017(shared: Path) -> list[Path]:
    """Return the 2017 Scottish ward BLT files, sorted."""
    return sorted(shared.glob(SCOTTISH_GLOB))


def nsw_2023(shared: Path) -> list[Path]:
    """Return the 2023 NSW district files, 00058-00000187 to -279."""
    return [shared / "nsw-la" / "soi" / f"00058-{k:08d}.soi" for k in NSW_2023]


def profile(election: Election) -> ProfileWithTies:
    """Build pref_voting's profile from the election's merged ballots, tellers' reading."""
    withdrawn = election.withdrawn
    standing = condorcet.standing(election)
    rankings: list[dict[int, int]] = []
    counts: list[int] = []
    for ballot in election.ballots:
        ranks: dict[int, int] = {}
        for r, rank in enumerate(ballot.ranking, start=1):
            for c in rank:
                if c not in withdrawn:
                    ranks.setdefault(c, r)
        rankings.append(ranks)
        counts.append(ballot.weight)
    prof = ProfileWithTies(rankings, counts, candidates=standing)
    # Ranked above unranked, unranked tied: the reading tellers' pairwise matrix uses.
    prof.use_extended_strict_preference()
    return prof


@dataclass(frozen=True)
class Row:
    """One election: tellers' winners, pref_voting's winner sets, and whether they agree."""

    dataset: str
    file: str
    title: str
    candidates: int
    papers: int
    condorcet: str | None
    schulze: str
    pv_schulze: tuple[str, ...]
    ranked_pairs: str
    pv_ranked_pairs: tuple[str, ...] | None
    matrix_equal: bool

    @property
    def schulze_ok(self) -> bool:
        """Whether our Schulze winner is one of pref_voting's."""
        return self.schulze in self.pv_schulze

    @property
    def ranked_pairs_ok(self) -> bool:
        """Whether our ranked-pairs winner is one of pref_voting's."""
        return self.pv_ranked_pairs is not None and self.ranked_pairs in self.pv_ranked_pairs

    @property
    def tie(self) -> bool:
        """Whether pref_voting found several winners by either method."""
        return len(self.pv_schulze) > 1 or len(self.pv_ranked_pairs or ()) > 1

    @property
    def status(self) -> str:
        """Return ``match``, ``match (pref_voting tie)`` or what went wrong."""
        problems = []
        if not self.matrix_equal:
            problems.append("pairwise matrix differs")
        if not self.schulze_ok:
            problems.append("Schulze differs")
        if self.pv_ranked_pairs is None:
            problems.append("pref_voting ranked pairs declined")
        elif not self.ranked_pairs_ok:
            problems.append("ranked pairs differs")
        if problems:
            return "MISMATCH: " + ", ".join(problems)
        return "match (pref_voting tie)" if self.tie else "match"


def compare(path: Path, dataset: str, *, label: str) -> Row:
    """Count one election both ways and compare."""
    election = read(path)
    names = election.names
    standing = condorcet.standing(election)
    matrix = condorcet.pairwise(election)
    prof = profile(election)
    matrix_equal = all(
        int(matrix[a, b]) == int(prof.support(a, b)) for a in standing for b in standing if a != b
    )
    pv_s = beat_path(prof, strength_function=prof.support)
    pv_rp = ranked_pairs_with_test(prof)
    cw = condorcet.condorcet_winner(matrix, standing)
    schulze = count(election, "schulze")
    rp = count(election, "ranked-pairs")
    return Row(
        dataset=dataset,
        file=label,
        title=election.title,
        candidates=len(standing),
        papers=int(schulze.valid),
        condorcet=None if cw is None else names[cw],
        schulze=schulze.elected_names[0],
        pv_schulze=tuple(names[c] for c in pv_s),
        ranked_pairs=rp.elected_names[0],
        pv_ranked_pairs=None if pv_rp is None else tuple(names[c] for c in pv_rp),
        matrix_equal=matrix_equal,
    )


def run(shared: Path) -> list[Row]:
    """Compare every 2017 Scottish ward and every 2023 NSW district."""
    rows: list[Row] = []
    blt_root = shared / "scotland" / "blt"
    for path in scottish_2017(shared):
        rows.append(compare(path, "scotland-2017", label=path.relative_to(blt_root).as_posix()))
    for path in nsw_2023(shared):
        rows.append(compare(path, "nsw-2023", label=path.name))
    return rows


def _cell(text: str) -> str:
    """Escape a table cell."""
    return text.replace("|", "\\|")


def _winners(names: Sequence[str] | None) -> str:
    """Render pref_voting's winner set."""
    if names is None:
        return "(declined)"
    return " / ".join(names)


def _totals(rows: Iterable[Row]) -> list[str]:
    """Return the totals table, one line per dataset and one for all."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.dataset, []).append(row)
    groups["**all**"] = list(rows)
    lines = [
        "| data | elections | pairwise matrix equal | Schulze match | ranked pairs match "
        "| pref_voting tie | Condorcet winner | Schulze = ranked pairs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, group in groups.items():
        lines.append(
            f"| {name} | {len(group)} | {sum(r.matrix_equal for r in group)} "
            f"| {sum(r.schulze_ok for r in group)} | {sum(r.ranked_pairs_ok for r in group)} "
            f"| {sum(r.tie for r in group)} | {sum(r.condorcet is not None for r in group)} "
            f"| {sum(r.schulze == r.ranked_pairs for r in group)} |"
        )
    return lines


def render(rows: Sequence[Row]) -> str:
    """Return the verification table as Markdown."""
    intro = (
        "Every 2017 Scottish council ward among the BLT copies in `shared/data/scotland/blt` "
        "(`*/*_2017_*.blt`; David McCune / MGGG) and every 2023 NSW Legislative Assembly "
        "district in `shared/data/nsw-la/soi` (`00058-00000187.soi` to `-279`; © State of New "
        "South Wales through the NSW Electoral Commission, CC BY 4.0) is counted by tellers' "
        "`schulze` and `ranked-pairs` and by pref_voting (`beat_path` with winning votes, "
        "`ranked_pairs` by margins) from the same merged ballots.  pref_voting's profile is "
        "read as tellers reads a paper (every ranked candidate above every unranked one, "
        "unranked candidates level: `use_extended_strict_preference`), and its support for "
        "every ordered pair must equal tellers' pairwise matrix.  Where pref_voting finds "
        "several winners (a tie), tellers' winner, drawn by lot with seed 0, must be one of "
        "them.  These elections were counted by STV and IRV; the Condorcet counts cross-check "
        "the methods and are nobody's declared result."
    )
    regen = (
        "Regenerate with `tellers verify condorcet --data ../shared/data --out "
        "docs/verification/condorcet.md --force` (the test suite runs the same check and "
        "compares this file)."
    )
    out = [
        "# Condorcet methods: cross-check against pref_voting",
        "",
        textwrap.fill(intro, width=100, break_on_hyphens=False),
        "",
        textwrap.fill(regen, width=100, break_on_hyphens=False),
        "",
        "## Totals",
        "",
        *_totals(rows),
        "",
    ]
    titles = {"scotland-2017": "Scotland 2017 wards", "nsw-2023": "NSW 2023 districts"}
    for dataset, heading in titles.items():
        group = [r for r in rows if r.dataset == dataset]
        out += [
            f"## {heading}",
            "",
            "| file | election | candidates | papers | Condorcet winner | Schulze | Schulze "
            "(pref_voting) | ranked pairs | ranked pairs (pref_voting) | result |",
            "|---|---|---:|---:|---|---|---|---|---|---|",
        ]
        for r in group:
            cells = [
                f"`{r.file}`",
                r.title,
                str(r.candidates),
                f"{r.papers:,}",
                r.condorcet or "none",
                r.schulze,
                _winners(r.pv_schulze),
                r.ranked_pairs,
                _winners(r.pv_ranked_pairs),
                r.status,
            ]
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out)


def verify(data: str | Path) -> tuple[str, bool]:
    """Run the cross-check on the shared data folder; return the table and whether all agree."""
    shared = Path(data)
    if not scottish_2017(shared):
        raise VerificationError(f"no 2017 ward files ({SCOTTISH_GLOB}) under {shared}")
    missing = [p for p in nsw_2023(shared) if not p.is_file()]
    if missing:
        raise VerificationError(f"{missing[0]}: not found (one of the 93 NSW 2023 districts)")
    rows = run(shared)
    return render(rows), not any(r.status.startswith("MISMATCH") for r in rows)
