"""Run every benchmark case with every tool, each in its own process, and write the report.

    pip install -r bench/requirements.txt      # the peers, for benchmarks only
    python bench/run.py                        # all cases; results in bench/results.json
    python bench/run.py --cases b c-count      # some cases
    python bench/run.py --report docs/benchmarks.md   # rewrite the report from results.json

Each (case, tool) pair runs as ``python bench/one.py CASE TOOL`` with a 600-second limit; a
run still going then is recorded as "> 600 s".  A pair that takes under 20 s is run five times
and the fastest run kept (every run's time is in results.json); those runs go in rounds, each
quick tool once a round, so the machine's slow spells fall on every tool alike.  The machine's
load average is recorded with each run, because other work on a shared machine slows a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
LIMIT = 600
#: Pairs faster than QUICK seconds are run REPEAT times and the fastest kept.
QUICK = 20.0
REPEAT = 5

PEERS = ("pref_voting", "pyrankvote", "votekit", "pyrcv")
#: Peers written in Python without a numpy core: the "pure-Python" yardstick.
PURE = ("pref_voting", "pyrankvote")

CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "a": ("NSW 2023 raw, 93 districts: read + AV", ("tellers", "baseline", *PEERS)),
    "b": ("NSW .soi, 279 files (13.66 M ballots): read + AV", ("tellers", "baseline", *PEERS)),
    "c-read": ("Minneapolis scale (1,041,313 ballots): xlsx read", ("tellers", "baseline")),
    "c-count": ("Minneapolis scale: AV count alone", ("tellers", "baseline", *PEERS)),
    "d": ("Scotland 2022, 355 wards: read + Scottish STV + compare", ("tellers", "baseline")),
    "e-scottish": (
        "Generated 1 M ballots, 30 cands, 5 seats: Scottish STV",
        ("tellers", "baseline"),
    ),
    "e-meek": ("Generated 1 M ballots, 30 cands, 5 seats: Meek", ("tellers",)),
    "e-meek-prf": (
        "Generated 1 M ballots, 30 cands, 5 seats: Meek, PRF reference rule",
        ("tellers", "baseline"),
    ),
    # The other STV rules, on the same election: no target in the issue, none of the peers
    # implements them; measured so that every counting rule tellers offers has a figure.
    "e-warren": ("Generated 1 M ballots: Warren", ("tellers",)),
    "e-wigm": ("Generated 1 M ballots: WIGM (Droop's generic, 27 digits)", ("tellers",)),
    "e-wigm-prf": ("Generated 1 M ballots: WIGM, PRF reference rule", ("tellers",)),
    "e-ers97": ("Generated 1 M ballots: ERS97", ("tellers",)),
    # FPTP and the Condorcet methods, also without a target; pref_voting and votekit implement
    # them but were not run on this election here (see docs/benchmarks.md).
    "e-fptp": ("Generated 1 M ballots: FPTP (5 seats, one vote each)", ("tellers",)),
    "e-schulze": ("Generated 1 M ballots: Schulze", ("tellers",)),
    "e-ranked-pairs": ("Generated 1 M ballots: ranked pairs", ("tellers",)),
}

TARGETS = {
    "a": "≤ 4 s, ≤ 1.5 GiB",
    "b": "≤ 0.5 s",
    "c-read": "≤ 15 s",
    "c-count": "≤ 0.1 s",
    "d": "≤ 0.5 s",
    "e-scottish": "≤ 2 s",
    "e-meek": "≤ 10 s",
    "e-meek-prf": "≤ 10 s",
    "e-warren": "—",
    "e-wigm": "—",
    "e-wigm-prf": "—",
    "e-ers97": "—",
    "e-fptp": "—",
    "e-schulze": "—",
    "e-ranked-pairs": "—",
}


def run_one(case: str, tool: str) -> dict[str, object]:
    """Run one pair in a fresh process; return its measurement (or the timeout / failure)."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(HERE / "one.py"), case, tool],
            capture_output=True,
            text=True,
            timeout=LIMIT,
        )
    except subprocess.TimeoutExpired:
        return {"case": case, "tool": tool, "timeout": True, "load": load}
    wall = time.perf_counter() - start
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = proc.stderr.strip().splitlines()[-1:] or ["failed"]
        return {"case": case, "tool": tool, "error": err[0], "load": load}
    out: dict[str, object] = json.loads(lines[-1])
    out["process_seconds"] = wall
    out["load"] = load
    return out


def is_quick(first: dict[str, object]) -> bool:
    """Return whether a pair's first run was quick enough to be run REPEAT times."""
    return "seconds" in first and float(first["seconds"]) < QUICK  # type: ignore[arg-type]


def best_of(runs: list[dict[str, object]]) -> dict[str, object]:
    """Keep the fastest of a pair's runs, with every run's time.

    A shared machine's other work only ever slows a run, so the fastest of a few is the best
    estimate of the tool's own time; every run's time is kept in ``runs``.
    """
    done = [r for r in runs if "seconds" in r]
    if len(runs) == 1 or not done:
        return runs[0]
    best = dict(min(done, key=lambda r: float(r["seconds"])))  # type: ignore[arg-type]
    best["runs"] = [round(float(r["seconds"]), 4) for r in done]  # type: ignore[arg-type]
    best["peak_mib"] = max(float(r["peak_mib"]) for r in done)  # type: ignore[arg-type]
    return best


def machine() -> str:
    """Describe the machine: lscpu's model and cores, memory, Python and library versions."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        lscpu = ""
    keep = ("Architecture", "Model name", "CPU(s):", "Thread(s) per core", "L2 cache", "L3 cache")
    lines = [ln.strip() for ln in lscpu.splitlines() if ln.strip().startswith(keep)]
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        lines.append(f"Memory: {mem:.1f} GiB")
    except (ValueError, OSError):
        pass
    lines.append(f"Python {platform.python_version()} ({platform.platform()})")
    versions = []
    for mod in ("numpy", "pyarrow", "isal", "pref_voting", "pyrankvote", "votekit", "pyrcv"):
        try:
            from importlib.metadata import version

            versions.append(f"{mod} {version(mod)}")
        except Exception:
            versions.append(f"{mod} (not installed)")
    lines.append(", ".join(versions))
    return "\n".join(lines)


def fmt(r: dict[str, object] | None) -> str:
    """Render one measurement's time."""
    if r is None:
        return "not run"
    if r.get("timeout"):
        return "> 600 s"
    if "error" in r:
        return "failed"
    if r.get("out") == "not implemented":
        return "not yet implemented"
    return f"{float(r['seconds']):.3g} s"  # type: ignore[arg-type]


def ratio(
    by: dict[tuple[str, str], dict[str, object]],
    case: str,
    t: dict[str, object] | None,
    tools: tuple[str, ...],
) -> str:
    """Return how many times faster tellers ran than the fastest of ``tools`` on ``case``."""
    if not t or "seconds" not in t or t.get("out") == "not implemented":
        return ""
    ours = float(t["seconds"])  # type: ignore[arg-type]
    times = []
    for tool in tools:
        r = by.get((case, tool))
        if r is None or tool not in CASES[case][1]:
            continue
        if r.get("timeout"):
            times.append(float(LIMIT))
        elif "seconds" in r:
            times.append(float(r["seconds"]))  # type: ignore[arg-type]
    if not times:
        return "—"
    best = min(times)
    more = ">" if all(by[(case, x)].get("timeout") for x in tools if (case, x) in by) else ""
    # Rounded down, so that a ratio shown as 20× is at least 20.
    times_faster = best / ours
    if times_faster >= 100:
        return f"{more}{math.floor(times_faster)}×"
    return f"{more}{math.floor(times_faster * 10) / 10:.1f}×"


def report(results: list[dict[str, object]], info: dict[str, str]) -> str:
    """Render the results table and the ratios as Markdown."""
    by = {(str(r["case"]), str(r["tool"])): r for r in results}
    out = [
        "| case | target | tellers | peak MiB | baseline | pref_voting | pyrankvote | votekit"
        " | pyrcv | × baseline | × fastest pure-Python peer | × votekit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case, (label, _) in CASES.items():
        t = by.get((case, "tellers"))
        cells = [f"({case}) {label}", TARGETS[case], fmt(t)]
        cells.append(f"{float(t['peak_mib']):.0f}" if t and "peak_mib" in t else "")  # type: ignore[arg-type]
        for tool in ("baseline", *PEERS):
            cells.append(fmt(by.get((case, tool))) if tool in CASES[case][1] else "—")

        cells += [ratio(by, case, t, tools) for tools in (("baseline",), PURE, ("votekit",))]
        out.append("| " + " | ".join(cells) + " |")
    agree = []
    for case in CASES:
        ours = by.get((case, "tellers"), {}).get("out")
        for tool in CASES[case][1][1:]:
            r = by.get((case, tool))
            if r is None or "out" not in r or ours is None or case in ("c-read", "d"):
                continue
            agree.append(f"{case}/{tool} {'same' if r['out'] == ours else 'DIFFERENT'}")
    raw = by.get(("a", "tellers"), {}).get("out")
    soi = by.get(("b", "tellers"), {}).get("out")
    if isinstance(raw, list) and isinstance(soi, list):
        # Files 187-279 of the .soi set are the 2023 districts, in the raw zips' order.
        same = raw == soi[186:279]
        agree.append(f"a/tellers against the .soi files 187-279 {'same' if same else 'DIFFERENT'}")
    loads = ", ".join(
        f"{r['case']}/{r['tool']} {float(r['load']):.2f}"  # type: ignore[arg-type]
        for r in results
        if "load" in r
    )
    return (
        f"Measured {info['date']} on:\n\n```\n{info['machine']}\n```\n\n"
        + "\n".join(out)
        + "\n\nWinners compared with tellers' (same = every winner equal): "
        + (", ".join(agree) or "none")
        + f".\n\n1-minute load average when each run started: {loads}.\n"
    )


def main() -> None:
    """Run the chosen cases and rewrite bench/results.json; print the report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--tools", nargs="*")
    parser.add_argument("--report", type=Path, help="only render results.json to this file")
    args = parser.parse_args()
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"results": []}
    if args.report:
        args.report.write_text(report(saved["results"], saved["info"]), encoding="utf-8")
        return
    results = [
        r
        for r in saved["results"]
        if r["case"] not in args.cases or (args.tools and r["tool"] not in args.tools)
    ]
    for case in args.cases:
        tools = [t for t in CASES[case][1] if not args.tools or t in args.tools]
        runs = {tool: [run_one(case, tool)] for tool in tools}
        # The quick pairs run again in rounds, one tool after another, so that a slow spell
        # of the shared machine falls on every tool's runs alike, not on all of one tool's.
        quick = [tool for tool in tools if is_quick(runs[tool][0])]
        for _ in range(REPEAT - 1):
            for tool in quick:
                runs[tool].append(run_one(case, tool))
        for tool in tools:
            r = best_of(runs[tool])
            print(json.dumps({k: v for k, v in r.items() if k != "out"}), flush=True)
            results.append(r)
        RESULTS.write_text(
            json.dumps(
                {
                    "info": {"date": dt.date.today().isoformat(), "machine": machine()},
                    "results": results,
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    saved = json.loads(RESULTS.read_text())
    print(report(saved["results"], saved["info"]))


if __name__ == "__main__":
    main()
