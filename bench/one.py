"""Run one benchmark case with one tool and print one JSON line: seconds, peak memory, winners.

``python bench/one.py CASE TOOL`` (see ``bench/run.py`` for the cases and tools).  Only the
work the case names is timed (e.g. for ``c-count`` the ballots are already in memory, built
before the clock starts); the peak resident memory is the whole process's.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DATA = Path(os.environ.get("TELLERS_SHARED_DATA", HERE.parent.parent / "shared" / "data"))

import baseline  # noqa: E402

NSW_RAW = sorted((DATA / "nsw-la" / "raw-2023").glob("*.zip"))
SOI = sorted((DATA / "nsw-la" / "soi").glob("*.soi"))
DAT = sorted((DATA / "scotland" / "2022-dat").glob("*/*.dat"))
MPLS = DATA / "rctab" / "2013_minneapolis_mayor_scale" / "2013_minneapolis_mayor_scale_config.json"


def strict(election: Any) -> tuple[list[str], dict[tuple[int, ...], int]]:
    """Return tellers' strict reading of an election as (names, {order: count})."""
    from tellers.methods.base import strict_preferences

    out: dict[tuple[int, ...], int] = {}
    for prefs, w in strict_preferences(election):
        out[prefs] = out.get(prefs, 0) + w
    return list(election.names), out


# --- peers: each takes (names, {order: count}) and returns the winner's name --------------------


def peer_setup(
    tool: str, names: list[str], ballots: dict[tuple[int, ...], int]
) -> Callable[[], str]:
    """Build the peer's own ballot structure (untimed); return the timed count."""
    if tool == "pref_voting":
        from pref_voting.profiles_with_ties import ProfileWithTies
        from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

        prof = ProfileWithTies(
            [{c: r for r, c in enumerate(o, start=1)} for o in ballots],
            rcounts=list(ballots.values()),
            candidates=list(range(len(names))),
        )
        return lambda: names[instant_runoff_for_truncated_linear_orders(prof)[0]]
    if tool == "pyrankvote":
        import pyrankvote

        cands = [pyrankvote.Candidate(n) for n in names]
        papers = [
            pyrankvote.Ballot(ranked_candidates=[cands[c] for c in o])
            for o, n in ballots.items()
            for _ in range(n)
        ]
        return lambda: pyrankvote.instant_runoff_voting(cands, papers).get_winners()[0].name
    if tool == "votekit":
        from votekit import RankBallot, RankProfile
        from votekit.elections import IRV

        prof = RankProfile(
            ballots=[
                RankBallot(ranking=[{names[c]} for c in o], weight=n) for o, n in ballots.items()
            ],
            candidates=names,
        )
        return lambda: next(iter(IRV(prof).get_elected()[0]))
    if tool == "pyrcv":
        import pyrcv

        # pyrcv numbers candidates from 1 (0 stands for exhausted papers).
        data = pyrcv.RaceData(
            pyrcv.RaceMetadata("race", 1, names),
            [[c + 1 for c in o] for o in ballots],
            list(ballots.values()),
        )
        return lambda: names[pyrcv.run_rcv(data).rounds[-1].elected[0] - 1]
    raise SystemExit(f"unknown tool {tool}")


PEERS = ("pref_voting", "pyrankvote", "votekit", "pyrcv")


# --- cases -------------------------------------------------------------------------------------


def case_a(tool: str) -> Any:
    """NSW 2023 raw files, all 93 districts: read + AV count."""
    if tool == "tellers":
        from tellers.batch import count_files

        return [r.elected_names[0] for _, r in count_files(NSW_RAW, "av")]
    if tool == "baseline":
        out = []
        for p in NSW_RAW:
            names, ballots = baseline.read_nsw(p)
            out.append(names[baseline.irv(len(names), ballots)])
        return out
    out = []
    for p in NSW_RAW:
        names, ballots = baseline.read_nsw(p)
        out.append(peer_setup(tool, names, ballots)())
    return out


def case_b(tool: str) -> Any:
    """All 279 NSW .soi files: read + AV count."""
    if tool == "tellers":
        from tellers.batch import count_files

        return [r.elected_names[0] for _, r in count_files(SOI, "av")]
    out = []
    for p in SOI:
        names, ballots = baseline.read_soi(p)
        if tool == "baseline":
            out.append(names[baseline.irv(len(names), ballots)])
        else:
            out.append(peer_setup(tool, names, ballots)())
    return out


def minneapolis() -> Any:
    """Read the Minneapolis scale case's 13 xlsx files through tellers' RCTab reader."""
    from tellers.rctab.config import load_config
    from tellers.rctab.cvr import Collector, build_election, read_sources

    config = load_config(MPLS)
    collector = Collector(slice_kinds=())
    read_sources(config, collector)
    election, _ = build_election(config, collector)
    return election


def case_c_read(tool: str) -> Any:
    """Minneapolis scale (1,041,313 ballots): read the xlsx files."""
    if tool == "tellers":
        return minneapolis().total_weight
    if tool == "baseline":
        import openpyxl

        n = 0
        for p in sorted(MPLS.parent.glob("*.xlsx")):
            wb = openpyxl.load_workbook(p, read_only=True)
            for _ in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
                n += 1
        return n
    raise SystemExit("no peer reads ES&S xlsx")


def timed(setup: Callable[[], Callable[[], Any]]) -> tuple[float, Any]:
    """Run ``setup`` untimed, then time the function it returns."""
    work = setup()
    t = time.perf_counter()
    out = work()
    return time.perf_counter() - t, out


def case_c_count(tool: str) -> tuple[float, Any]:
    """Minneapolis scale: the AV count alone, ballots already in memory."""
    election = minneapolis()
    if tool == "tellers":
        from tellers.methods import count

        return timed(lambda: lambda: count(election, "av").elected_names[0])
    names, ballots = strict(election)
    if tool == "baseline":
        return timed(lambda: lambda: names[baseline.irv(len(names), ballots)])
    return timed(lambda: peer_setup(tool, names, ballots))


def case_d(tool: str) -> Any:
    """Scottish STV over all 355 wards of 2022: read, count, compare with the official sheets."""
    if tool == "tellers":
        from tellers.formats import read
        from tellers.methods import count
        from tellers.verify import scotland

        official = scotland.load_official(DATA / "scotland" / "official-results-2022.csv")
        # The product's own check (`tellers verify scotland-2022`): each ward is read, counted
        # and compared stage by stage in a worker process.
        checks = scotland.verify_files(
            DAT,
            official,
            count=lambda e: count(e, "scottish-stv"),
            read=read,
            root=DATA / "scotland",
        )
        assert all(c.status != scotland.NOT_FOUND for c in checks)
        return sorted({c.status for c in checks})
    declared = baseline.official_elected(DATA / "scotland" / "official-results-2022.csv")
    agree = 0
    for p in DAT:
        names, seats, ballots = baseline.read_dat(p)
        if not ballots:
            continue
        won = {
            baseline.surname(names[c]) for c in baseline.scottish_stv(len(names), seats, ballots)
        }
        agree += declared.get(frozenset(map(baseline.surname, names))) == won
    return f"{agree} wards' elected sets match the declaration"


def generated() -> Any:
    """Build case (e)'s election in memory from the committed generator."""
    from generate import SEATS, generate

    from tellers._arrays import ArrayElection, BallotArrays

    names, orders, weights = generate()
    return ArrayElection.create(
        names, BallotArrays(orders, weights, distinct=True), seats=SEATS, title="generated"
    )


def case_e(tool: str, method: str) -> tuple[float, Any]:
    """Generated 1M ballots, 30 candidates, 5 seats: the count alone."""
    election = generated()
    if tool == "tellers":
        from tellers.methods import REGISTRY

        if method not in REGISTRY.names():
            return 0.0, "not implemented"
        info = REGISTRY.get(method)
        return timed(lambda: lambda: list(info.count(election).elected_names))
    names, ballots = strict(election)
    if tool == "baseline" and method == "scottish-stv":
        return timed(
            lambda: lambda: [names[c] for c in baseline.scottish_stv(len(names), 5, ballots)]
        )
    if tool == "baseline" and method == "meek-prf":
        return timed(lambda: lambda: [names[c] for c in baseline.meek_prf(len(names), 5, ballots)])
    raise SystemExit(f"{tool} has no {method}")


E_METHODS = {
    "e-scottish": "scottish-stv",
    "e-meek": "meek",
    "e-meek-prf": "meek-prf",
    "e-warren": "warren",
    "e-wigm": "wigm",
    "e-wigm-prf": "wigm-prf",
    "e-ers97": "ers97",
    "e-fptp": "fptp",
    "e-schulze": "schulze",
    "e-ranked-pairs": "ranked-pairs",
}


def warm(tool: str) -> None:
    """Import the tool's modules before the clock starts: every tool pays its imports alike."""
    import importlib

    modules = {
        # The readers import their columnar and inflate libraries on first use; the peers'
        # lists likewise name the modules that pull in numpy, pandas and the rest.
        "tellers": [
            "tellers",
            "tellers.batch",
            "tellers.formats",
            "tellers.verify.scotland",
            "pyarrow.csv",
            "pyarrow.compute",
            "isal.isal_zlib",
            "python_calamine",
        ],
        "baseline": ["openpyxl"],
        "pref_voting": ["pref_voting.profiles_with_ties", "pref_voting.voting_methods"],
        "pyrankvote": ["pyrankvote"],
        "votekit": ["votekit", "votekit.elections"],
        "pyrcv": ["pyrcv"],
    }
    for name in modules.get(tool, []):
        importlib.import_module(name)


def main() -> None:
    """Run the case named on the command line and print the measurement as JSON."""
    case, tool = sys.argv[1], sys.argv[2]
    warm(tool)
    t = time.perf_counter()
    if case == "c-count":
        seconds, out = case_c_count(tool)
    elif case in E_METHODS:
        seconds, out = case_e(tool, E_METHODS[case])
    else:
        fn = {"a": case_a, "b": case_b, "c-read": case_c_read, "d": case_d}[case]
        out = fn(tool)
        seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Worker processes (tellers' batch counts) report the largest child; they run side by
    # side, so the whole peak is at most this process plus that many largest children.
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = len(os.sched_getaffinity(0)) if child else 0
    measured = {"case": case, "tool": tool, "seconds": seconds, "peak_mib": peak + workers * child}
    measured |= {"self_mib": peak, "child_mib": child, "out": out}
    print(json.dumps(measured))


if __name__ == "__main__":
    main()
