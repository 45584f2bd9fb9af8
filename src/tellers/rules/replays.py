"""Replays of real UK party contests from their published figures, and ballot reconstructions.

The figures come from ``uk-party/published-results.json`` in the shared data folder (each
entry names the pages it was read from).  Nominations are replayed as published *tallies*
(the number of MPs, CLPs or affiliates behind a candidate), not as individual nominators, and
where the party declared a route met on evidence it did not publish (an affiliate route's share
of affiliated membership) the replay records that declaration as an attestation, so a reader
can see which results are computed here and which are taken on the party's word.

**Ballot reconstructions.**  The Labour deputy leadership counts of 2015 and 2020 were
published round by round (totals only).  :func:`reconstruct_av` builds a set of ballots whose
alternative-vote count reproduces every published round exactly: the first preferences, each
excluded candidate's transfers to every continuing candidate, and the papers that exhaust.  It
is a reconstruction consistent with the published tables, **not the real ballots**: any set
of ballots with the same round totals would fit.  Each excluded candidate's papers are given
next preferences in published candidate order, parcel by parcel, and papers that exhaust are
those left over, so the construction is deterministic.  The shipped demo files
(``tellers/rules/demo/labour-deputy-*.blt``) are written by :func:`write_reconstructions`::

    python -m tellers.rules.replays ../shared/data src/tellers/rules/demo

Published round tables name the candidate eliminated *in* round k (the lowest after that
round's count); :mod:`tellers.methods.av` records that exclusion in round k+1, the round that
shows the transfer of their papers.  The comparison in the tests accounts for this.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import InputError, VerificationError
from ..formats.blt import dumps
from ..model import Election
from .exhaustive import ExhaustiveResult, run
from .loader import load
from .nominations import (
    Attestation,
    Declaration,
    Event,
    Nomination,
    NominationBook,
    Report,
    Withdrawal,
)

__all__ = [
    "DEPUTY_CONTESTS",
    "conservative_2019",
    "demo_path",
    "deputy_rounds",
    "expected_blt",
    "labour_challenge_2016",
    "labour_deputy_2020",
    "labour_leader_2020",
    "load_published",
    "main",
    "reconstruct_av",
    "reconstruction",
    "write_reconstructions",
]

#: Published deputy-leadership contests with round tables: key in the JSON -> demo file name.
DEPUTY_CONTESTS = {
    "labour_deputy_2015": "labour-deputy-2015",
    "labour_deputy_2020": "labour-deputy-2020",
}

_PUBLISHED = Path("uk-party") / "published-results.json"


def load_published(data: str | Path) -> dict[str, Any]:
    """Read ``uk-party/published-results.json`` from the shared data folder."""
    path = Path(data) / _PUBLISHED
    try:
        result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VerificationError(f"published results not found at {path}") from None
    except (OSError, ValueError) as e:
        raise VerificationError(f"cannot read {path}: {e}") from None
    return result


def demo_path(name: str) -> Path:
    """Return the path of a shipped demo ballot file (e.g. ``labour-deputy-2020.blt``)."""
    return Path(str(files(__package__).joinpath("demo", name)))


def _tally(
    candidate: str, body: str, count: int, source: str, *, office: str, date: dt.date | None = None
) -> Nomination:
    return Nomination(candidate, source, body, office, date, count=count, tally=True)


def _counts(table: Mapping[str, Any]) -> dict[str, int]:
    """Return the candidate counts of a published table, leaving out its notes and sources."""
    return {k: v for k, v in table.items() if isinstance(v, int) and not isinstance(v, bool)}


def labour_leader_2020(published: Mapping[str, Any]) -> Report:
    """Replay the 2020 Labour leadership nominations: who reached the members' ballot, and how.

    MP/MEP nominations are the final published standings (13 January 2020); Clive Lewis
    withdrew before that stage closed and Jess Phillips on 21 January.  CLP totals are the final
    ones (Thornberry's 31 from a separate report).  Affiliate totals are published without
    saying which were unions or what membership they held, so that route is left for the
    report to call uncheckable, except that Nandy's three named affiliates (NUM, GMB and
    Chinese for Labour, LabourList) show the count conditions met.
    """
    noms = published["labour_leader_2020"]["nominations"]
    book = NominationBook(load("labour-leader-2020"), occasion="vacancy")
    events: list[Event] = []
    plp = _counts(noms["plp_eplp"])
    for name in plp:
        events.append(Declaration(name, "leader"))
    plp_date = dt.date(2020, 1, 13)
    for name, n in plp.items():
        events.append(
            _tally(name, "plp_eplp", n, "binlabour final standings", office="leader", date=plp_date)
        )
    # Lewis withdrew 35 minutes before the MP stage closed; Phillips on 21 January.
    events.append(Withdrawal("Lewis", "leader", plp_date))
    events.append(Withdrawal("Phillips", "leader", dt.date(2020, 1, 21)))
    clps = _counts(noms["clps_final"])
    for name, n in clps.items():
        events.append(_tally(name, "clp", n, "final CLP total", office="leader"))
    affs = _counts(noms["affiliates_final"])
    for name, n in affs.items():
        named = []
        if name == "Nandy":
            # LabourList names the three affiliates that put Nandy through.
            named = [
                ("NUM", "trade_union"),
                ("GMB", "trade_union"),
                ("Chinese for Labour", "socialist_society"),
            ]
        for who, cat in named:
            events.append(Nomination(name, who, "affiliate", "leader", category=cat))
        if n > len(named):
            events.append(
                _tally(name, "affiliate", n - len(named), "final affiliate total", office="leader")
            )
    book.apply(events)
    return book.report(final=True)


def labour_deputy_2020(published: Mapping[str, Any]) -> Report:
    """Replay the 2020 Labour deputy leadership nominations.

    MP/MEP nominations are the published finals.  For the second stage only the route and the
    date each candidate qualified are published: a CLP route is replayed as a tally of 33 CLPs
    on that date (the number needed; the final totals were not found), an affiliate route as the
    party's declaration (the affiliates' membership was not published).
    """
    noms = published["labour_deputy_2020"]["nominations"]
    book = NominationBook(load("labour-leader-2020"), occasion="vacancy")
    events: list[Event] = []
    plp = _counts(noms["plp_eplp"])
    for name in plp:
        events.append(Declaration(name, "deputy"))
    for name, n in plp.items():
        events.append(
            _tally(
                name,
                "plp_eplp",
                n,
                "binlabour final standings",
                office="deputy",
                date=dt.date(2020, 1, 13),
            )
        )
    for name, route in noms["route"].items():
        day = _route_date(route)
        if route.startswith("affiliates"):
            events.append(
                Attestation(name, "affiliates", "the Labour Party, as reported", "deputy", day)
            )
        else:
            events.append(
                _tally(name, "clp", 33, f"33rd CLP reported {day}", office="deputy", date=day)
            )
    book.apply(events)
    return book.report(final=True)


def _route_date(text: str) -> dt.date:
    """Read the date from a published route note such as ``"CLPs (33rd on 8 Feb)"``."""
    months = {"Jan": 1, "Feb": 2}
    words = text.replace("(", " ").replace(")", " ").split()
    for i, w in enumerate(words):
        if w in months and i and words[i - 1].isdigit():
            return dt.date(2020, months[w], int(words[i - 1]))
    raise InputError(f"no date in route note {text!r}")


def labour_challenge_2016(published: Mapping[str, Any]) -> Report:
    """Replay the 2016 challenge: Smith needed 20% of the PLP and EPLP; Corbyn, the incumbent,
    was on the ballot without nominations (the NEC's decision, upheld in the High Court)."""
    noms = published["labour_leader_2016"]["nominations"]
    book = NominationBook(
        load("labour-leader-2016"),
        occasion="challenge",
        sizes={"plp_eplp": int(noms["plp_eplp_base"])},
    )
    book.apply(
        [
            Declaration("Corbyn", "leader", incumbent=True),
            Declaration("Smith", "leader"),
            _tally("Smith", "plp_eplp", int(noms["Smith_plp_eplp"]), "published", office="leader"),
        ]
    )
    return book.report(final=True)


def conservative_2019(published: Mapping[str, Any]) -> ExhaustiveResult:
    """Apply the 2019 Conservative MP-ballot rules to the published round totals."""
    rounds = published["conservative_leader_2019"]["mp_rounds"]
    withdrawals = {r["round"]: r.get("withdrew_after", []) for r in rounds}
    rules = load("conservative-leader-2019").exhaustive_ballot
    assert rules is not None
    return run(rules, [r["votes"] for r in rounds], withdrawals=withdrawals)


def deputy_rounds(published: Mapping[str, Any], key: str) -> list[dict[str, int]]:
    """Return a published AV round table as a list of ``{candidate: votes}``, round by round."""
    return [dict(r["votes"]) for r in published[key]["rounds"]]


def reconstruct_av(
    rounds: Sequence[Mapping[str, int]], *, title: str = "", source: str = ""
) -> Election:
    """Build ballots whose AV count reproduces a published round table exactly.

    Round k+1 must list the candidates of round k less one, the excluded candidate.  Each
    continuing candidate's gain between the rounds is what the excluded candidate's papers
    transferred to them; what the excluded candidate held beyond those gains exhausted.  The
    papers are built as parcels (a sequence of preferences and a number of papers): each
    exclusion extends the excluded candidate's parcels with a next preference, continuing
    candidates in published order, and the remainder stays as it is, so it exhausts.
    """
    if not rounds:
        raise InputError("no rounds to reconstruct")
    names = list(rounds[0])
    index = {n: i for i, n in enumerate(names)}
    # Each candidate's pile: parcels of (preferences so far, papers).
    piles: dict[str, list[tuple[tuple[int, ...], int]]] = {
        n: [((index[n],), v)] for n, v in rounds[0].items()
    }
    done: list[tuple[tuple[int, ...], int]] = []
    for k in range(len(rounds) - 1):
        cur, nxt = rounds[k], rounds[k + 1]
        gone = [n for n in cur if n not in nxt]
        if len(gone) != 1 or set(nxt) - set(cur):
            raise InputError(f"round {k + 2} must list round {k + 1}'s candidates less one")
        out = gone[0]
        flows = {n: nxt[n] - cur[n] for n in nxt}
        bad = [n for n, f in flows.items() if f < 0]
        if bad:
            raise InputError(f"round {k + 2}: {', '.join(bad)} lost votes; not an AV round")
        exhausted = cur[out] - sum(flows.values())
        if exhausted < 0:
            raise InputError(f"round {k + 2}: more transferred than {out} held")
        targets = [(n, flows[n]) for n in nxt if flows[n]] + [("", exhausted)]
        parcels = list(piles.pop(out))
        ti = 0
        for prefs, papers in parcels:
            while papers:
                while targets[ti][1] == 0:
                    ti += 1
                to, want = targets[ti]
                take = min(papers, want)
                targets[ti] = (to, want - take)
                papers -= take
                if to:
                    piles[to].append(((*prefs, index[to]), take))
                else:
                    done.append((prefs, take))
    for pile in piles.values():
        done.extend(pile)
    return Election.from_orders(names, done, seats=1, title=title, source=source)


def reconstruction(published: Mapping[str, Any], key: str) -> Election:
    """Return the reconstructed ballots of a published deputy contest (``labour_deputy_2020``)."""
    year = key.rsplit("_", 1)[-1]
    entry = published[key]
    src = entry["source"][0] if isinstance(entry["source"], list) else entry["source"]
    title = (
        f"Labour deputy leader {year}: RECONSTRUCTION consistent with the published round "
        "table, not the real ballots"
    )
    return reconstruct_av(deputy_rounds(published, key), title=title, source=src)


def _blt_text(election: Election, key: str) -> str:
    header = [
        f"# {election.title}.",
        f"# Round totals from {election.source}",
        "# (via tellers' shared data uk-party/published-results.json, entry " + key + ").",
        "# Built by tellers.rules.replays.reconstruct_av: counting these ballots by AV",
        "# reproduces every published round (first preferences, transfers, exhausted papers).",
    ]
    return "\n".join(header) + "\n" + dumps(election)


def write_reconstructions(data: str | Path, out: str | Path) -> list[Path]:
    """Write the demo BLT files for every published deputy contest; return their paths."""
    published = load_published(data)
    written = []
    for key, name in DEPUTY_CONTESTS.items():
        path = Path(out) / f"{name}.blt"
        path.write_text(_blt_text(reconstruction(published, key), key), encoding="utf-8")
        written.append(path)
    return written


def expected_blt(data: str | Path, name: str) -> str:
    """Return the text :func:`write_reconstructions` writes for demo file ``name``."""
    published = load_published(data)
    key = next(k for k, v in DEPUTY_CONTESTS.items() if v == name)
    return _blt_text(reconstruction(published, key), key)


def main(argv: Sequence[str] | None = None) -> None:
    """Regenerate the shipped reconstruction files from the shared data."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("data", help="the shared data folder (holding uk-party/)")
    parser.add_argument("out", help="where to write the .blt files")
    args = parser.parse_args(argv)
    for p in write_reconstructions(args.data, args.out):
        print(f"wrote {p}")


if __name__ == "__main__":
    main()
