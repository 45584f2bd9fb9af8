"""``--format rctab-json``: any count as RCTab's summary JSON, checked against RCTab's own files.

RCTab's expected reports in ../shared/data/rctab are RCTab's output, not ours: our count of the
same cast-vote records, turned into a tellers Result and back out through the summary writer,
must give every round's tallies and transfers exactly (as decimals).  Where several candidates
are elected or eliminated in one round, a Result keeps only the sum of what their votes did, so
there the transfers are compared summed over the round.  Every document must also carry what
rcvis needs to import it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tellers.cli import app
from tellers.formats import read
from tellers.methods import REGISTRY
from tellers.rctab.config import load_config
from tellers.rctab.run import tabulate_config
from tellers.report.rctab_json import to_rctab_dict, to_rctab_json

# A spread of rules: single-winner IRV with batch elimination (Portland, Minneapolis mayor),
# multi-winner with fractional surpluses and residual surplus (Minneapolis park, Droop and
# Hare), one winner per round, stopping early, continuing until two remain, sequential
# multi-pass IRV (earlier winners left out of later passes), bottoms-up cut-off elimination.
CASES = [
    "2013_minneapolis_mayor",
    "2013_minneapolis_park",
    "2013_minneapolis_park_hare",
    "2015_portland_mayor",
    "continue_tabulation_test",
    "excluded_test",
    "multi_seat_bottoms_up_with_cutoff_eliminate",
    "sequential_with_continue_until_two",
    "stop_tabulation_early_test",
    "test_set_allow_only_one_winner_per_round",
    "test_set_multi_winner_whole_threshold",
]

_DECIMAL = re.compile(r"^\d*[.]?\d*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPECIAL = {"exhausted", "residual surplus"}


def _dec(values: dict[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in values.items()}


def _entries(rnd: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("elected", t["elected"]) if "elected" in t else ("eliminated", t["eliminated"])
        for t in rnd["tallyResults"]
    ]


def _summed(rnd: dict[str, Any]) -> Counter[str]:
    total: Counter[str] = Counter()
    for t in rnd["tallyResults"]:
        for k, v in t["transfers"].items():
            total[k] += Decimal(v)  # type: ignore[assignment]
    return total


def rcvis_problems(doc: dict[str, Any]) -> list[str]:
    """Return what rcvis's summary-JSON importer would trip over (empty if it imports).

    These are the rules rcvis's reader and graph builder rely on (``visualizer/graph`` in
    artoonie/rcvis) and the Universal Tabulator schema's types: a contest name, a date that is
    empty or ``YYYY-MM-DD``, rounds numbered from 1, tallies and transfers as unsigned decimal
    strings, each tallyResult naming exactly one elected or eliminated candidate with a
    ``transfers`` map, every name known from the first round, transfers only to candidates in
    the next round's tally, no transfer and no elimination in the last round, nobody elected or
    eliminated twice, and an eliminated candidate absent from every later tally.  (Checked
    once by hand against rcvis itself: its ``make_graph_with_file`` loaded every summary these
    tests write, and every one of nine rules on 60 Scottish wards; of RCTab's own 54 summaries
    it refused only stop_tabulation_early_test's, for its last-round elimination.)
    """
    out: list[str] = []
    config = doc.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("contest"), str):
        return ["config.contest missing"]
    date = config.get("date", "")
    if date and not _DATE.match(date):
        out.append(f"date {date!r}")
    if "threshold" in config and not _DECIMAL.match(config["threshold"]):
        out.append("config.threshold not a decimal string")
    results = doc.get("results")
    if not isinstance(results, list) or not results:
        return [*out, "no results"]
    known = set(results[0]["tally"])
    elected: set[str] = set()
    eliminated: set[str] = set()
    for i, rnd in enumerate(results):
        if rnd.get("round") != i + 1:
            out.append(f"round {i + 1} numbered {rnd.get('round')}")
        tally = rnd["tally"]
        for name, v in tally.items():
            if name not in known:
                out.append(f"round {i + 1}: {name} not in round one")
            if name in eliminated:
                out.append(f"round {i + 1}: {name} listed after elimination")
            if not isinstance(v, str) or not _DECIMAL.match(v):
                out.append(f"round {i + 1}: tally {name}={v!r}")
        last = i == len(results) - 1
        for t in rnd["tallyResults"]:
            kinds = [k for k in ("elected", "eliminated") if k in t]
            if len(kinds) != 1 or "transfers" not in t or set(t) - {*kinds, "transfers"}:
                out.append(f"round {i + 1}: malformed tallyResult {t}")
                continue
            who = t[kinds[0]]
            if who not in tally:
                out.append(f"round {i + 1}: {who} acts but has no tally")
            seen = elected if kinds[0] == "elected" else eliminated
            if who in elected or who in eliminated:
                out.append(f"round {i + 1}: {who} decided twice")
            seen.add(who)
            if last and t["transfers"]:
                out.append(f"round {i + 1}: transfers in the last round")
            if last and kinds[0] == "eliminated":
                out.append(f"round {i + 1}: an elimination in the last round")
            for target, v in t["transfers"].items():
                if not isinstance(v, str) or not _DECIMAL.match(v):
                    out.append(f"round {i + 1}: transfer {target}={v!r}")
                if target in _SPECIAL:
                    continue
                if last or target not in results[i + 1]["tally"]:
                    out.append(f"round {i + 1}: transfer to {target}, not in the next round")
    return out


def _rctab_counts(case_dir: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return (ours, RCTab's) summary documents for each tabulation of a case."""
    config = load_config(next(case_dir.glob("*_config.json")))
    run = tabulate_config(config)
    expected = sorted(
        p
        for p in case_dir.glob("*_expected_detailed_report.json")
        if "precinct" not in p.name.lower() and "batch" not in p.name.lower()
    )
    assert len(expected) == len(run.counts)
    pairs = []
    for count, path in zip(run.counts, expected, strict=True):
        # Candidates the config excludes, or earlier passes elected, were never in this count.
        absent = [n for n in count.candidates if n not in count.rounds[0].tallies]
        result = count.to_result(config.output.contest_name)
        ours = json.loads(to_rctab_json(result, withdrawn=absent))
        pairs.append((ours, json.loads(path.read_text(encoding="utf-8"))))
    return pairs


@pytest.mark.parametrize("case", CASES)
def test_rctab_cases_round_by_round(case: str, shared_data: Path) -> None:
    """Every round's tally, decisions and transfers equal RCTab's own report."""
    for ours, theirs in _rctab_counts(shared_data / "rctab" / case):
        assert ours["config"]["contest"] == theirs["config"]["contest"]
        assert len(ours["results"]) == len(theirs["results"])
        for a, b in zip(ours["results"], theirs["results"], strict=True):
            assert a["round"] == b["round"]
            assert _dec(a["tally"]) == _dec(b["tally"]), f"round {a['round']} tally"
            if b is theirs["results"][-1]:
                # RCTab lists an elimination in its last round when it stops early; rcvis cannot
                # load such a file, and ours leaves the candidate as not elected.
                b = {**b, "tallyResults": [t for t in b["tallyResults"] if "elected" in t]}
            assert _entries(a) == _entries(b), f"round {a['round']} decisions"
            if len(b["tallyResults"]) <= 1:
                got = [_dec(t["transfers"]) for t in a["tallyResults"]]
                want = [_dec(t["transfers"]) for t in b["tallyResults"]]
                assert got == want, f"round {a['round']} transfers"
            else:
                assert _summed(a) == _summed(b), f"round {a['round']} transfers, summed"
        assert rcvis_problems(ours) == []
        assert rcvis_problems(theirs) == [] or case == "stop_tabulation_early_test"


def test_single_source_rounds_are_most_rounds(shared_data: Path) -> None:
    """The exact per-candidate comparison is the rule, the summed one the exception."""
    exact = summed = 0
    for case in CASES:
        for _, theirs in _rctab_counts(shared_data / "rctab" / case):
            for b in theirs["results"]:
                if len(b["tallyResults"]) > 1:
                    summed += 1
                else:
                    exact += 1
    assert exact > 10 * summed > 0


def test_park_board_surplus_round_exact(shared_data: Path) -> None:
    """Minneapolis park board round 10: Annie Young's surplus, as RCTab printed it."""
    ((ours, _),) = _rctab_counts(shared_data / "rctab" / "2013_minneapolis_park")
    annie = ours["results"][9]["tallyResults"][0]
    assert annie["elected"] == "ANNIE YOUNG"
    assert _dec(annie["transfers"]) == {
        "exhausted": Decimal("177.5192"),
        "residual surplus": Decimal("0.4808"),
    }


@pytest.mark.parametrize(
    "method", ["scottish-stv", "ers97", "wigm", "meek", "warren", "av", "fptp", "ranked-pairs"]
)
def test_other_rules_import_into_rcvis(method: str, shared_data: Path) -> None:
    """Counts by rules RCTab does not have give documents rcvis can import, tallies exact."""
    ward = shared_data / "scotland" / "2022-dat" / "Aberdeen" / "10_Midstocket-Rosemount.dat"
    election = read(ward)
    info = REGISTRY.get(method)
    result = info.count(election, seats=1 if info.single_winner else None)
    doc = to_rctab_dict(result)
    assert rcvis_problems(doc) == []
    assert len(doc["results"]) == len(result.rounds)
    excluded_before: set[int] = set()
    for r, rnd in zip(result.rounds, doc["results"], strict=True):
        for i, name in enumerate(result.candidates):
            if name in rnd["tally"]:
                assert Decimal(rnd["tally"][name]) == r.tallies[i]
            else:
                assert r.tallies[i] == 0 and i in excluded_before | set(r.excluded)
        excluded_before |= set(r.excluded)
    named = [t.get("elected") for rnd in doc["results"] for t in rnd["tallyResults"]]
    assert sorted(n for n in named if n) == sorted(result.elected_names)


def test_deferred_surplus_sits_before_its_transfer(shared_data: Path) -> None:
    """ERS97 defers Cormie's stage-1 surplus to stage 3: the flows sit in round 2."""
    ward = shared_data / "scotland" / "2022-dat" / "Aberdeen" / "10_Midstocket-Rosemount.dat"
    result = REGISTRY.get("ers97").count(read(ward))
    stage3 = result.rounds[2]
    assert [result.candidates[c] for c in stage3.subjects] == ["Bill CORMIE"]
    doc = to_rctab_dict(result)
    (entry,) = [t for t in doc["results"][1]["tallyResults"] if t.get("elected") == "Bill CORMIE"]
    moved = sum(_dec(entry["transfers"]).values(), Decimal(0))
    assert moved == -stage3.transfers[result.candidates.index("Bill CORMIE")]


def test_cli_rctab_json(shared_data: Path, tmp_path: Path) -> None:
    """``tellers count --format rctab-json`` writes the same document as the API."""
    ward = shared_data / "scotland" / "2022-dat" / "Aberdeen" / "10_Midstocket-Rosemount.dat"
    out = tmp_path / "summary.json"
    run = CliRunner().invoke(app, ["count", str(ward), "--format", "rctab-json", "-o", str(out)])
    assert run.exit_code == 0, run.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    result = REGISTRY.get("scottish-stv").count(read(ward))
    assert doc == to_rctab_dict(result)
    assert rcvis_problems(doc) == []


def test_rcvis_check_finds_what_rcvis_rejects() -> None:
    """The import check is not vacuous: each broken document names its fault."""
    good: dict[str, Any] = {
        "config": {"contest": "C", "date": ""},
        "results": [
            {
                "round": 1,
                "tally": {"A": "5", "B": "3", "C": "1"},
                "tallyResults": [{"eliminated": "C", "transfers": {"A": "1"}}],
            },
            {
                "round": 2,
                "tally": {"A": "6", "B": "3"},
                "tallyResults": [{"elected": "A", "transfers": {}}],
            },
        ],
    }
    assert rcvis_problems(good) == []
    broken = json.loads(json.dumps(good))
    broken["results"][1]["tally"]["C"] = "0"
    assert any("after elimination" in p for p in rcvis_problems(broken))
    broken = json.loads(json.dumps(good))
    broken["results"][0]["tallyResults"][0]["transfers"] = {"D": "1"}
    assert any("not in the next round" in p for p in rcvis_problems(broken))
    broken = json.loads(json.dumps(good))
    broken["results"][1]["tallyResults"][0]["transfers"] = {"B": "1"}
    assert any("last round" in p for p in rcvis_problems(broken))
    broken = json.loads(json.dumps(good))
    broken["results"][0]["tally"]["A"] = "-5"
    assert rcvis_problems(broken)


def test_cli_rctab_json_lines_for_several_files(shared_data: Path) -> None:
    """Several files: one summary per line, in file order, each naming its own contest."""
    wards = sorted((shared_data / "scotland" / "2022-dat" / "Aberdeen").glob("*.dat"))[:2]
    run = CliRunner().invoke(app, ["count", *map(str, wards), "--format", "rctab-json"])
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert len(lines) == 2
    for line, ward in zip(lines, wards, strict=True):
        doc = json.loads(line)
        assert doc == to_rctab_dict(REGISTRY.get("scottish-stv").count(read(ward)))
        assert rcvis_problems(doc) == []
