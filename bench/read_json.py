"""1,000,000 ballots in tellers' JSON format: time and peak memory to read (issue 15).

    python bench/read_json.py                 # make the file (once, in /tmp) and read it
    python bench/read_json.py --ballots 100000

The file is 1,000,000 ballot objects, one a line as :func:`tellers.formats.json_ballots.dumps`
writes them, over 12 candidates: rankings drawn from a fixed seed (1 to 6 preferences, a few
with equal ranks or a skipped rank), so most ballots are distinct, as a service's export is.
Each read runs in a fresh process; the time is wall-clock for ``tellers.read`` alone and the
memory the process's peak resident set (``ru_maxrss``), which includes Python and numpy
(about 60 MB).  The same ballots written as plain CSV are read for the ratio.  Targets: under
3 s and 500 MB (issue 15's Done-when).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

_READ = r"""
import resource, sys, time
import tellers
from tellers.formats import json_ballots
from tellers.formats._common import read_text
t, c = time.perf_counter(), time.process_time()
if sys.argv[2] == "careful":  # the line-by-line parser alone, as every JSON file was read before
    e = json_ballots.loads(read_text(sys.argv[1]), path=sys.argv[1])
else:
    e = tellers.read(sys.argv[1])
took, cpu = time.perf_counter() - t, time.process_time() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{took:.2f} {cpu:.2f} {peak:.0f} {e.total_weight} {len(e.ballots)}")
"""


def make(n: int, folder: Path) -> tuple[Path, Path]:
    """Write the JSON file and the same ballots as plain CSV (once; reused if present)."""
    jpath, cpath = folder / f"ballots-{n}.json", folder / f"ballots-{n}.csv"
    if jpath.exists() and cpath.exists():
        return jpath, cpath
    rng = random.Random(15)
    names = [f"Candidate {chr(65 + i)}" for i in range(12)]
    width = 6
    with jpath.open("w", encoding="utf-8") as j, cpath.open("w", encoding="utf-8") as c:
        head = json.dumps(names)
        j.write(f'{{"title": "Bench", "seats": 3, "candidates": {head},\n"ballots": [\n')
        c.write(",".join(f"rank{k}" for k in range(1, width + 1)) + "\n")
        for i in range(n):
            order = rng.sample(names, rng.randint(1, width))
            ranking: list[list[str]] = [[x] for x in order]
            if rng.random() < 0.02 and len(ranking) > 1:
                ranking[1] = ranking[0] + ranking[1]
                del ranking[0]
            sep = ",\n" if i < n - 1 else "\n"
            j.write(json.dumps({"ranking": ranking}) + sep)
            cells = ["=".join(r) for r in ranking]
            c.write(",".join(cells + [""] * (width - len(cells))) + "\n")
        j.write("]}\n")
    return jpath, cpath


def read(path: Path, mode: str = "read") -> tuple[float, float, float, int, int]:
    """Return wall seconds, CPU seconds, peak MB, papers and distinct ballots of one read."""
    out = subprocess.run(
        [sys.executable, "-c", _READ, str(path), mode], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), int(out[3]), int(out[4])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ballots", type=int, default=1_000_000)
    ap.add_argument("--folder", type=Path, default=Path("/tmp"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--careful", action="store_true", help="also time the careful JSON parser")
    args = ap.parse_args()
    jpath, cpath = make(args.ballots, args.folder)
    plan = [("json", jpath, "read"), ("csv", cpath, "read")]
    if args.careful:
        plan.append(("json, careful parser", jpath, "careful"))
    for label, path, mode in plan:
        runs = [read(path, mode) for _ in range(args.runs)]
        best = min(runs)
        size = path.stat().st_size / 2**20
        print(
            f"{label}: {size:.0f} MB file, {best[3]:,} papers, {best[4]:,} distinct; "
            f"best of {args.runs}: {best[0]:.2f} s ({min(r[1] for r in runs):.2f} s CPU), "
            f"peak {max(r[2] for r in runs):.0f} MB; load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
