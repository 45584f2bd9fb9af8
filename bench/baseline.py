"""The straightforward baseline: standard-library readers and dict counting, no numpy.

This is what a careful programmer writes in an afternoon: read with ``csv``/``zipfile``, merge
identical rankings in a dict, and count each round by walking every merged ballot to its first
continuing preference.  It is the yardstick of the "at least 5x faster" target.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from pathlib import Path

Ballots = dict[tuple[int, ...], int]


def read_soi(path: Path) -> tuple[list[str], Ballots]:
    """Read a PrefLib strict-order file."""
    names: dict[int, str] = {}
    ballots: Ballots = Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# ALTERNATIVE NAME"):
                key, _, value = line[2:].partition(":")
                names[int(key.split()[-1])] = value.strip()
            elif line.strip() and not line.startswith("#"):
                count, _, order = line.partition(":")
                ballots[tuple(int(c) - 1 for c in order.split(","))] += int(count)
    return [names[k] for k in sorted(names)], ballots


def read_nsw(path: Path) -> tuple[list[str], Ballots]:
    """Read an NSW zipped mark-per-row file: formal papers' counted preferences."""
    papers: dict[tuple[str, str], dict[int, str]] = {}
    names: set[str] = set()
    with zipfile.ZipFile(path) as z, z.open(z.namelist()[0]) as raw:
        rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""), delimiter="\t")
        next(rows)
        for _district, place, bp, formality, name, _marking, counted in rows:
            if name:
                names.add(name)
            if formality == "Formal" and counted:
                papers.setdefault((place, bp), {})[int(counted)] = name
    order = sorted(names)
    index = {n: i for i, n in enumerate(order)}
    ballots: Ballots = Counter()
    for marks in papers.values():
        ballots[tuple(index[marks[p]] for p in sorted(marks))] += 1
    return order, ballots


def read_dat(path: Path) -> tuple[list[str], int, Ballots]:
    """Read a Mollison .dat file (ranks by candidate) into strict orders."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    seats, ncand = (int(x) for x in lines[1].split()[:2])
    names = [lines[2 + i].rpartition(",")[0].strip() for i in range(ncand)]
    ballots: Ballots = Counter()
    for line in lines[2 + ncand :]:
        toks = line.split()
        if not toks:
            continue
        marks = [int(t) for t in toks[1:]]
        order = []
        for r in range(1, max(marks) + 1):
            at = [c for c, m in enumerate(marks) if m == r]
            if len(at) != 1:
                break
            order.append(at[0])
        if order:
            ballots[tuple(order)] += int(toks[0])
    return names, seats, ballots


def irv(ncand: int, ballots: Ballots) -> int:
    """Return the IRV winner: exclude the lowest until one has a majority of continuing votes."""
    continuing = set(range(ncand))
    while True:
        totals = dict.fromkeys(continuing, 0)
        for order, n in ballots.items():
            for c in order:
                if c in continuing:
                    totals[c] += n
                    break
        active = sum(totals.values())
        top = max(totals, key=lambda c: totals[c])
        if 2 * totals[top] > active or len(continuing) == 1:
            return top
        continuing.discard(min(sorted(totals), key=lambda c: totals[c]))


def scottish_stv(ncand: int, seats: int, ballots: Ballots) -> list[int]:
    """Return the winners under SSI 2007/42 (five-place truncated values), dict by dict."""
    one = 100000
    valid = sum(ballots.values())
    quota = (valid // (seats + 1) + 1) * one
    continuing = set(range(ncand))
    elected: list[int] = []
    pending: list[int] = []
    # Each pile: list of [order, weight, value, position].
    piles: dict[int, list[list]] = {c: [] for c in range(ncand)}  # type: ignore[type-arg]
    totals = dict.fromkeys(range(ncand), 0)
    for order, n in ballots.items():
        piles[order[0]].append([order, n, one, 0])
        totals[order[0]] += n * one

    def elect() -> None:
        for c in sorted(continuing, key=lambda c: -totals[c]):
            if totals[c] >= quota:
                continuing.discard(c)
                elected.append(c)
                if totals[c] > quota:
                    pending.append(c)

    def move(parcels: list[list], value_of: dict[int, int]) -> None:  # type: ignore[type-arg]
        for p in parcels:
            order, n, value, pos = p
            new = value_of[value]
            for i in range(pos + 1, len(order)):
                if order[i] in continuing:
                    p[2], p[3] = new, i
                    piles[order[i]].append(p)
                    totals[order[i]] += n * new
                    break

    elect()
    while len(elected) < seats and len(continuing) > seats - len(elected):
        if pending:
            c = max(pending, key=lambda c: totals[c])
            pending.remove(c)
            surplus = totals[c] - quota
            parcels, piles[c] = piles[c], []
            move(parcels, {v: surplus * v // totals[c] for v in {p[2] for p in parcels}})
            totals[c] = quota
        else:
            c = min(sorted(continuing), key=lambda c: totals[c])
            continuing.discard(c)
            parcels, piles[c] = piles[c], []
            move(parcels, {v: v for v in {p[2] for p in parcels}})
            totals[c] = 0
        elect()
    if len(elected) < seats:
        elected.extend(sorted(continuing, key=lambda c: -totals[c]))
    return elected


def meek_prf(ncand: int, seats: int, ballots: Ballots) -> list[int]:
    """Return the winners under the PR Foundation's Reference Meek Rule, ballot by ballot.

    Nine-place integers; each iteration walks every merged ballot down its preferences [B.2.a]
    until the weight is used up; the quota, elections, surplus and keep-factor update follow
    B.2.b-f, and the lowest hopeful is defeated once the surplus is below 10^-6 or stops
    falling [B.3].  Ties go to the lower candidate number.
    """
    one = 10**9
    omega = one // 10**6
    kf = [one] * ncand
    hopeful = set(range(ncand))
    elected: list[int] = []
    votes = [0] * ncand
    while len(elected) < seats and len(elected) + len(hopeful) > seats:  # B.1
        last = None
        while True:
            votes = [0] * ncand
            for order, n in ballots.items():  # B.2.a
                w = one
                for c in order:
                    k = kf[c]
                    if k:
                        keep = -(-w * k // one)  # rounded up
                        votes[c] += keep * n
                        w -= keep
                        if w <= 0:
                            break
            quota = sum(votes) // (seats + 1) + 1  # B.2.b
            newly = sorted((c for c in hopeful if votes[c] >= quota), key=lambda c: -votes[c])
            for c in newly:  # B.2.c
                hopeful.discard(c)
                elected.append(c)
            surplus = max(0, sum(votes[c] - quota for c in elected))  # B.2.d
            if newly:
                break
            if surplus < omega or (last is not None and surplus >= last):  # B.2.e, B.3
                low = min(sorted(hopeful), key=lambda c: votes[c])
                hopeful.discard(low)
                kf[low] = 0
                break
            last = surplus
            for c in elected:  # B.2.f
                scaled = -(-kf[c] * quota // one)  # kf x q, rounded up
                kf[c] = -(-scaled * one // votes[c])  # then / v, rounded up
    if len(elected) < seats:  # C.1, the highest first
        elected.extend(sorted(hopeful, key=lambda c: (-votes[c], c)))
    return elected


def surname(name: str) -> str:
    """Return a name's last word, lower-cased, letters only."""
    words = name.replace('"', " ").split()
    return "".join(ch for ch in (words[-1] if words else "").lower() if ch.isalpha())


def official_elected(path: Path) -> dict[frozenset[str], set[str]]:
    """Read the official 2022 results: each ward's surnames -> the elected surnames."""
    wards: dict[tuple[str, str], list[dict[str, str]]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            wards.setdefault((row["council_name"], row["ward_name"]), []).append(row)
    return {
        frozenset(surname(r["name"]) for r in rows): {
            surname(r["name"]) for r in rows if r["elected"].strip() == "1"
        }
        for rows in wards.values()
    }
