"""Time the HTML result sheet of a 20-stage, 15-candidate count against its 0.2 s limit.

    .venv/bin/python bench/render_html.py [--runs N]

The count is ERS97 STV for 5 seats among 15 candidates on 3,000 synthetic papers, drawn from a
fixed seed so every run renders the same 20 stages (ERS97 moves an excluded candidate's papers
parcel by parcel, one stage each); it is counted before the clock starts.  Each renderer is
run ``--runs`` times; the table gives the median and the fastest wall-clock time and the
median CPU time of one rendering (CPU time is what the machine's other load does not move),
then the HTML sheet's median as a share of the limit and as a multiple of the text stage
table's, in the same run.  The last line is the same as JSON.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import statistics
import time
from collections.abc import Callable

from tellers import count
from tellers.model import Election, Result
from tellers.report import render_text, to_json
from tellers.report.html import render_count, render_count_fragment
from tellers.report.rctab_json import to_rctab_json

LIMIT = 0.2
CANDIDATES = 15
STAGES = 20
SEED = 3


def election() -> Election:
    """Return the synthetic election: 15 candidates of uneven support, 3,000 papers."""
    rng = random.Random(SEED)
    support = [rng.random() ** 2 + 0.05 for _ in range(CANDIDATES)]
    orders: collections.Counter[tuple[int, ...]] = collections.Counter()
    for _ in range(3000):
        length = rng.randint(1, CANDIDATES)
        pool, weights = list(range(CANDIDATES)), list(support)
        order: list[int] = []
        while len(order) < length:
            c = rng.choices(pool, weights)[0]
            i = pool.index(c)
            pool.pop(i)
            weights.pop(i)
            order.append(c)
        orders[tuple(order)] += 1
    names = [f"Candidate {chr(65 + i)} Surname-{i + 1}" for i in range(CANDIDATES)]
    return Election.from_orders(names, list(orders.items()), seats=5, title="Bench: 15 candidates")


def timed(render: Callable[[], str], runs: int) -> dict[str, float]:
    """Return the median and fastest wall time and the median CPU time of ``runs`` renderings."""
    render()  # imports and first-use caches are not the sheet's cost
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        render()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "cpu_s": statistics.median(cpus),
    }


def main() -> None:
    """Count once, time each renderer, print the table and a JSON line."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    runs = ap.parse_args().runs
    e = election()
    result: Result = count(e, "ers97")
    assert len(result.candidates) == CANDIDATES and len(result.rounds) == STAGES
    sheet = render_count(result, e)
    renderers: dict[str, Callable[[], str]] = {
        "html sheet (page, charts)": lambda: render_count(result, e),
        "html fragment (service)": lambda: render_count_fragment(result, e),
        "text stage table": lambda: render_text(result, width=120),
        "json": lambda: to_json(result),
        "rctab-json": lambda: to_rctab_json(result),
    }
    times = {name: timed(fn, runs) for name, fn in renderers.items()}
    load = os.getloadavg()[0]
    print(
        f"{CANDIDATES} candidates, {len(result.rounds)} stages (ERS97, 5 seats), "
        f"{runs} runs each; HTML sheet {len(sheet) / 1024:.0f} KiB; "
        f"load average {load:.2f} on {os.cpu_count()} cores"
    )
    print(f"{'renderer':28} {'median':>9} {'fastest':>9} {'CPU':>9}")
    for name, t in times.items():
        print(
            f"{name:28} {t['median_s'] * 1000:7.1f}ms {t['min_s'] * 1000:7.1f}ms "
            f"{t['cpu_s'] * 1000:7.1f}ms"
        )
    html, text = times["html sheet (page, charts)"], times["text stage table"]
    print(
        f"HTML sheet: {html['median_s'] / LIMIT:.2f} of the {LIMIT} s limit (CPU "
        f"{html['cpu_s'] / LIMIT:.2f}); {html['median_s'] / text['median_s']:.2f}x the text "
        f"stage table's time"
    )
    print(
        json.dumps(
            {
                "stages": len(result.rounds),
                "candidates": CANDIDATES,
                "runs": runs,
                "html_bytes": len(sheet),
                "limit_s": LIMIT,
                "html_over_limit": html["median_s"] / LIMIT,
                "html_over_text": html["median_s"] / text["median_s"],
                "load": load,
                **times,
            }
        )
    )
    assert html["median_s"] < LIMIT, "the HTML sheet is over its limit"


if __name__ == "__main__":
    main()
