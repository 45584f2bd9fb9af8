"""Run an RCTab contest config end to end: read the CVRs, count by the RCTab rules, write reports.

:func:`run_config` is what ``tellers rctab CONFIG.json`` does.  It writes, into ``out_dir``:

- ``<stem>_detailed_report.json`` and ``.csv`` (multi-pass IRV: ``<stem>_<seat>_...`` per seat),
- ``<stem>_summary_report.csv``: the detailed CSV without the inactive-ballot breakdown,
- with ``tabulateByPrecinct``/``tabulateByBatch``: one pair per precinct or batch under
  ``Tabulate by Precinct/`` or ``Tabulate by Batch/``, named
  ``<stem>_<id>_precinct_detailed_report.*`` (``<id>`` made safe for file names as RCTab does),
- with ``generateCdfJson``: ``<stem>_cdf_cvr.json``, every ballot round by round in NIST CDF,
- with ``html=True`` (``tellers rctab`` does this unless ``--no-html``): ``<stem>_report.html``,
  tellers' own result sheet of the same count (stage table, the count in words, charts), which
  RCTab does not write.

:func:`convert_config` is RCTab's conversion mode: the CVRs as CDF JSON (``<stem>_cdf_cvr.json``)
or as RCTab's CVR CSV (``<stem>_rctab_cvr.csv``), without counting.  Every file is produced in
memory first; nothing is written unless the whole run succeeds.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .._files import check_output, write_output
from ..errors import ConfigurationError, FormatError, InputError
from ..model import Result
from .config import ContestConfig, load_config
from .convert import cdf_json, rctab_cvr_csv
from .cvr import Collector, build_election, read_sources
from .cvr.ess import sanitize
from .options import RctabRules, TieQuestion, WinnerMode
from .report import detailed_csv, detailed_json
from .tabulator import RctabCount, tabulate, tabulate_passes

__all__ = [
    "Tabulation",
    "answers_from_file",
    "convert_config",
    "prompt_answer",
    "rules_for",
    "run_config",
    "tabulate_config",
]

_SLICE_FOLDER = {"precinct": "Tabulate by Precinct", "batch": "Tabulate by Batch"}


def rules_for(config: ContestConfig, ask: Callable[[TieQuestion], str] | None = None) -> RctabRules:
    """Return the count rules a config's ``rules`` section sets."""
    r = config.rules
    return RctabRules(
        number_of_winners=r.number_of_winners,
        winner_mode=r.winner_mode,
        overvote_rule=r.overvote_rule,
        tiebreak_mode=r.tiebreak_mode,
        random_seed=r.random_seed,
        decimal_places=r.decimal_places,
        max_rankings_allowed=r.max_rankings_allowed,
        max_skipped_ranks_allowed=r.max_skipped_ranks_allowed,
        minimum_vote_threshold=r.minimum_vote_threshold,
        bottoms_up_percentage=r.bottoms_up_percentage,
        non_integer_winning_threshold=r.non_integer_winning_threshold,
        first_round_determines_threshold=r.first_round_determines_threshold,
        hare_quota=r.hare_quota,
        batch_elimination=r.batch_elimination,
        cutoff_elimination=r.cutoff_elimination,
        continue_until_two_candidates_remain=r.continue_until_two_candidates_remain,
        stop_tabulation_early_after_round=r.stop_tabulation_early_after_round,
        exhaust_on_duplicate_candidate=r.exhaust_on_duplicate_candidate,
        ask=ask,
    )


def answers_from_file(path: Path) -> Callable[[TieQuestion], str]:
    """Answer "ask" tie-breaks from a file: one candidate name per line, in order of the ties."""
    try:
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    except OSError as e:
        raise FormatError(f"cannot read the tie-break answers: {e.strerror}", path=path) from None
    answers: Iterator[str] = iter([ln for ln in lines if ln and not ln.startswith("#")])

    def answer(q: TieQuestion) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise FormatError(
                f"no answer left for the tie in round {q.round} between {', '.join(q.tied)}",
                path=path,
            ) from None

    return answer


def prompt_answer(q: TieQuestion) -> str:
    """Ask on the terminal who wins or loses a tie (the RCTab command-line prompt)."""
    role = "win" if q.selecting_winner else "lose"
    print(f"Tie in round {q.round} at {q.votes} vote(s):", file=sys.stderr)
    for i, name in enumerate(q.tied, start=1):
        print(f"{i}. {name}", file=sys.stderr)
    while True:
        reply = input(f"Number of the candidate who should {role} this tie-break: ").strip()
        if reply.isascii() and reply.isdigit() and 1 <= int(reply) <= len(q.tied):
            return q.tied[int(reply) - 1]
        print("Invalid selection. Please try again.", file=sys.stderr)


def _slice_kinds(config: ContestConfig) -> tuple[str, ...]:
    """Return the slices the config asks reports for."""
    kinds: list[str] = []
    if config.output.tabulate_by_precinct:
        kinds.append("precinct")
    if config.output.tabulate_by_batch:
        kinds.append("batch")
    return tuple(kinds)


def summary_csv(detailed: str) -> str:
    """Return the summary CSV: the detailed CSV without the ``Inactive Ballots by`` rows."""
    return "".join(
        line
        for line in detailed.splitlines(keepends=True)
        if not line.startswith("Inactive Ballots by ")
    )


def _reports(config: ContestConfig, count: RctabCount, stem: str) -> dict[Path, str]:
    """Return every report file of one tabulation, by path relative to the output folder."""
    files: dict[Path, str] = {}
    csv_text = detailed_csv(config, count)
    files[Path(f"{stem}_detailed_report.json")] = detailed_json(config, count)
    files[Path(f"{stem}_detailed_report.csv")] = csv_text
    files[Path(f"{stem}_summary_report.csv")] = summary_csv(csv_text)
    for kind, by_id in count.slices.items():
        used: set[str] = set()
        for slice_id in sorted(by_id):
            name = f"{sanitize(slice_id)}_{kind}"
            unique, k = name, 2
            while unique in used:
                unique, k = f"{name}_{k}", k + 1
            used.add(unique)
            folder = Path(_SLICE_FOLDER[kind])
            base = f"{stem}_{unique}_detailed_report"
            files[folder / f"{base}.json"] = detailed_json(
                config, count, slice_kind=kind, slice_id=slice_id
            )
            files[folder / f"{base}.csv"] = detailed_csv(
                config, count, slice_kind=kind, slice_id=slice_id
            )
    return files


@dataclass
class Tabulation:
    """A config's ballots as read, and its count (one per seat for multi-pass IRV)."""

    config: ContestConfig
    collector: Collector
    counts: list[RctabCount]

    def ballot_of(self) -> list[int]:
        """Return, for each kept record, the index of its ballot group in the count."""
        kinds = self.collector.slice_kinds
        index = {key: i for i, key in enumerate(self.collector.merged)}
        return [
            index[(r.marks, tuple(r.precinct if k == "precinct" else r.batch for k in kinds))]
            for r in self.collector.records
        ]


def read_config_cvrs(config: ContestConfig, *, keep_records: bool = False) -> Collector:
    """Read every CVR source of a config."""
    collector = Collector(slice_kinds=_slice_kinds(config), keep_records=keep_records)
    read_sources(config, collector)
    return collector


def tabulate_config(
    config: ContestConfig, ask: Callable[[TieQuestion], str] | None = None
) -> Tabulation:
    """Read a config's CVRs and count them; one count, or one per seat for multi-pass IRV."""
    kinds = _slice_kinds(config)
    cdf = config.output.generate_cdf_json
    collector = read_config_cvrs(config, keep_records=cdf)
    election, slices = build_election(config, collector)
    for k, kind in enumerate(kinds):
        if not any(s[k] for s in slices):
            raise FormatError(
                f"tabulateBy{kind.title()} is on, but no cast vote record names a {kind}",
                path=config.path,
            )
    rules = rules_for(config, ask)
    if rules.winner_mode is WinnerMode.MULTI_PASS_IRV:
        counts = tabulate_passes(election, rules, slices=slices, slice_kinds=kinds, snapshots=cdf)
    else:
        counts = [tabulate(election, rules, slices=slices, slice_kinds=kinds, snapshots=cdf)]
    return Tabulation(config, collector, counts)


def run_config(
    config_path: str | Path,
    out_dir: str | Path,
    *,
    ask: Callable[[TieQuestion], str] | None = None,
    html: bool = False,
    on_result: Callable[[Result], None] | None = None,
) -> list[Path]:
    """Run an RCTab config and write its reports into ``out_dir``; return the files written.

    ``on_result`` is given each count's result (one per seat for multi-pass IRV), to say who
    won.
    """
    config = load_config(config_path)
    run = tabulate_config(config, ask)
    files: dict[Path, str] = {}
    multi_pass = config.rules.winner_mode is WinnerMode.MULTI_PASS_IRV
    ballot_of = run.ballot_of() if config.output.generate_cdf_json else []
    for seat, count in enumerate(run.counts, start=1):
        stem = f"{config.stem}_{seat}" if multi_pass else config.stem
        files.update(_reports(config, count, stem))
        if html or on_result is not None:
            result = count.to_result(config.output.contest_name)
            if on_result is not None:
                on_result(result)
        if html:
            from ..report.html import render_count

            files[Path(f"{stem}_report.html")] = render_count(result)
        if config.output.generate_cdf_json:
            files[Path(f"{stem}_cdf_cvr.json")] = cdf_json(
                config, run.collector.records, count=count, ballot_of=ballot_of
            )
    return _write_all(Path(out_dir), files)


def convert_config(config_path: str | Path, out_dir: str | Path, to: str) -> list[Path]:
    """Convert a config's CVRs without counting: ``to`` is "cdf" or "rctab-cvr"."""
    config = load_config(config_path)
    collector = read_config_cvrs(config, keep_records=True)
    build_election(config, collector)  # the same checks as a count: every name declared
    if to == "cdf":
        files = {Path(f"{config.stem}_cdf_cvr.json"): cdf_json(config, collector.records)}
    elif to == "rctab-cvr":
        files = {Path(f"{config.stem}_rctab_cvr.csv"): rctab_cvr_csv(config, collector.records)}
    else:
        raise ConfigurationError(f"cannot convert to {to!r}: choose cdf or rctab-cvr")
    return _write_all(Path(out_dir), files)


def _write_all(out_dir: Path, files: dict[Path, str]) -> list[Path]:
    """Write every file atomically; on failure remove what was written.

    Each report replaces a regular file of its name (as RCTab does) but never a symbolic
    link, FIFO, device or folder: those are refused before anything is written.  New files
    take the umask's mode; a replaced one keeps its own.
    """
    for rel in files:
        check_output(out_dir / rel, force=True)
    written: list[Path] = []
    try:
        for rel, text in files.items():
            path = out_dir / rel
            write_output(path, text, force=True)
            written.append(path)
    except (OSError, InputError) as e:
        for p in written:
            p.unlink(missing_ok=True)
        why = e.strerror if isinstance(e, OSError) else str(e)
        raise ConfigurationError(f"cannot write the reports to {out_dir}: {why}") from None
    return written
