"""RCTab tie-breaks that select a winner, in every ``tiebreakMode``, against an independent oracle.

The expected picks come from ``RctabTiebreak.java`` beside this file, which runs RCTab's
tie-break logic (Tiebreak.java of RCTab 2.0.0) on Java's own ``Random``, ``HashSet``,
``TreeMap`` and ``Collections``; :func:`test_oracle_gives_the_recorded_picks` re-runs it when a
JDK is installed, and the table below records what it printed (OpenJDK 17.0.15).  One pick is
also RCTab's published result: RCTab's own test ``tiebreak_previous_round_counts_then_random_test``
(same names, seed 12345, Sneezy and Dopey tied in every round) elects Sneezy.

The contests are small generic-CSV CVRs.  Their rounds, worked by hand:

``always_tied`` (Sneezy x4, Dopey x4, Grumpy x2, Happy>Grumpy x1; 11 ballots):
  round 1 Sneezy 4, Dopey 4, Grumpy 2, Happy 1 (threshold 11/2+1 = 6): Happy out, to Grumpy;
  round 2 Sneezy 4, Dopey 4, Grumpy 3: Grumpy out, his ballots exhaust;
  round 3 Sneezy 4, Dopey 4 (threshold 5): nobody wins and two remain, so a tie-break picks
  the winner.  The two were level in every earlier round too.
``earlier_round`` (Sneezy x4, Dopey x3, Happy>Dopey, Grumpy>Dopey, Grumpy>Sneezy; 10 ballots):
  round 1 Sneezy 4, Dopey 3, Grumpy 2, Happy 1: Happy out, to Dopey;
  round 2 Sneezy 4, Dopey 4, Grumpy 2: Grumpy out, one ballot each;
  round 3 Sneezy 5, Dopey 5 (threshold 6): a winner tie-break; round 2 is level, round 1 is
  not: the most votes there (Sneezy) wins, where a loser's tie-break would take the fewest.
``first_round`` (two seats, one winner per round; Sneezy x4, Dopey x4, Happy x1):
  round 1 both reach the threshold 9/3+1 = 4; only one may be elected per round, so a
  tie-break picks who is elected first, with no earlier round to compare.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tellers.errors import ConfigurationError
from tellers.model import TieMethod
from tellers.rctab import TieQuestion
from tellers.rctab._java import hashset_order
from tellers.rctab.config import load_config
from tellers.rctab.run import run_config, tabulate_config

ORACLE = Path(__file__).with_name("RctabTiebreak.java")
CANDIDATES = ("Happy", "Sneezy", "Dopey", "Grumpy")  # the config's order

# Ballots as (count, ranking) over CANDIDATES.
CONTESTS: dict[str, list[tuple[int, tuple[str, ...]]]] = {
    "always_tied": [(4, ("Sneezy",)), (4, ("Dopey",)), (2, ("Grumpy",)), (1, ("Happy", "Grumpy"))],
    "earlier_round": [
        (4, ("Sneezy",)),
        (3, ("Dopey",)),
        (1, ("Happy", "Dopey")),
        (1, ("Grumpy", "Dopey")),
        (1, ("Grumpy", "Sneezy")),
    ],
    "first_round": [(4, ("Sneezy",)), (4, ("Dopey",)), (1, ("Happy",))],
}
# The rounds before the tie, as the oracle takes them (round 1 first).
EARLIER = {
    "always_tied": "Sneezy=4,Dopey=4,Grumpy=2,Happy=1/Sneezy=4,Dopey=4,Grumpy=3",
    "earlier_round": "Sneezy=4,Dopey=3,Grumpy=2,Happy=1/Sneezy=4,Dopey=4,Grumpy=2",
    "first_round": "",
}
TIE_ROUND = {"always_tied": 3, "earlier_round": 3, "first_round": 1}


@dataclass(frozen=True)
class Case:
    contest: str
    mode: str
    seed: int
    #: the oracle's output: the winner, or "ask:" and the names in the order offered
    oracle: str
    #: the operator's answer in the "ask" modes
    answer: str | None = None

    @property
    def winner(self) -> str:
        return self.answer if self.oracle.startswith("ask:") and self.answer else self.oracle


CASES = [
    # The permutation is searched from its start for a winner (from its end for a loser).
    Case("always_tied", "useCandidateOrder", 0, "Sneezy"),
    # Sorted [Dopey, Grumpy, Happy, Sneezy], shuffled by Random(seed); the first tied name wins.
    Case("always_tied", "generatePermutation", 1, "Sneezy"),
    Case("always_tied", "generatePermutation", 3, "Dopey"),
    # nextDouble() over the sorted names [Dopey, Sneezy].
    Case("always_tied", "random", 1, "Sneezy"),
    Case("always_tied", "random", 12345, "Dopey"),
    # Every earlier round level: drawn over the names in HashSet order, [Sneezy, Dopey], so the
    # same seeds pick the other candidate than "random" does.  Seed 12345 is RCTab's own test.
    Case("always_tied", "previousRoundCountsThenRandom", 1, "Dopey"),
    Case("always_tied", "previousRoundCountsThenRandom", 12345, "Sneezy"),
    Case("always_tied", "previousRoundCountsThenAsk", 0, "ask:Sneezy,Dopey", "Dopey"),
    Case("always_tied", "stopCountingAndAsk", 0, "ask:Dopey,Sneezy", "Sneezy"),
    # An earlier round decides: the most votes win; no draw, no question.
    Case("earlier_round", "previousRoundCountsThenRandom", 12345, "Sneezy"),
    Case("earlier_round", "previousRoundCountsThenAsk", 0, "Sneezy"),
    # A round-1 tie has no earlier round: the draw is over the sorted names.
    Case("first_round", "previousRoundCountsThenRandom", 12345, "Dopey"),
    Case("first_round", "random", 12345, "Dopey"),
    Case("first_round", "useCandidateOrder", 0, "Sneezy"),
]


def _write(tmp_path: Path, case: Case) -> Path:
    """Write the case's CVR (generic CSV: one column per candidate, cells are ranks) and config."""
    rows = ["id," + ",".join(CANDIDATES)]
    k = 0
    for n, ranking in CONTESTS[case.contest]:
        for _ in range(n):
            k += 1
            cells = [str(ranking.index(c) + 1) if c in ranking else "" for c in CANDIDATES]
            rows.append(f"{k}," + ",".join(cells))
    (tmp_path / "cvr.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    two = case.contest == "first_round"
    rules = {
        "tiebreakMode": case.mode,
        "randomSeed": str(case.seed),
        "overvoteRule": "alwaysSkipToNextRank",
        "winnerElectionMode": (
            "multiWinnerAllowOnlyOneWinnerPerRound" if two else "singleWinnerMajority"
        ),
        "numberOfWinners": "2" if two else "1",
        "decimalPlacesForVoteArithmetic": "4",
        "maxSkippedRanksAllowed": "unlimited",
        "maxRankingsAllowed": "max",
    }
    config = {
        "tabulatorVersion": "TEST",
        "outputSettings": {"contestName": "Tie"},
        "cvrFileSources": [
            {
                "filePath": "cvr.csv",
                "provider": "genericCsv",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
            }
        ],
        "candidates": [{"name": n} for n in CANDIDATES],
        "rules": rules,
    }
    path = tmp_path / "tie_config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.contest}-{c.mode}-{c.seed}")
def test_winner_tiebreak_matches_rctab(tmp_path: Path, case: Case) -> None:
    """The tie-break elects whom RCTab's logic, run on Java's library, elects."""
    asked: list[TieQuestion] = []

    def ask(q: TieQuestion) -> str:
        asked.append(q)
        assert case.answer is not None
        return case.answer

    count = tabulate_config(load_config(_write(tmp_path, case)), ask).counts[0]
    first = min(count.winners, key=lambda w: count.winners[w])
    assert first == case.winner
    assert count.winners[first] == TIE_ROUND[case.contest]
    assert first in count.tie_broken
    [tie] = count.tiebreaks
    assert tie.purpose == "election"
    if case.oracle.startswith("ask:"):
        # The operator is offered the names in the order RCTab numbers them.
        [q] = asked
        assert q.selecting_winner
        assert list(q.tied) == case.oracle.removeprefix("ask:").split(",")
    else:
        assert not asked
    if case.contest == "earlier_round":
        assert tie.method is TieMethod.EARLIER_ROUND


@pytest.mark.parametrize("mode", ["stopCountingAndAsk", "previousRoundCountsThenAsk"])
def test_ask_modes_refuse_without_an_answer(tmp_path: Path, mode: str) -> None:
    """With no operator to ask, the count stops, saying who is tied and that a winner is asked."""
    path = _write(tmp_path, Case("always_tied", mode, 0, ""))
    with pytest.raises(ConfigurationError) as e:
        run_config(path, tmp_path / "out")
    message = str(e.value)
    assert "round 3" in message
    assert "Dopey" in message and "Sneezy" in message
    assert "who should win" in message
    assert not (tmp_path / "out").exists()


def test_report_stars_the_tiebreak_winner(tmp_path: Path) -> None:
    """RCTab's detailed report names the tie-break winner, starred, in the tie's round."""
    run_config(_write(tmp_path, CASES[6]), tmp_path / "out")
    csv = (tmp_path / "out" / "tie_detailed_report.csv").read_text(encoding="utf-8")
    assert "Winner(s),Sneezy\n" in csv
    assert "Elected,,,,,,,Sneezy*,,\n" in csv


def test_hashset_order_is_javas() -> None:
    """``new HashSet<>(List.of("Dopey", "Sneezy"))`` iterates Sneezy first (bucket 5 before 11)."""
    assert hashset_order(["Dopey", "Sneezy"]) == ["Sneezy", "Dopey"]


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("javac") is None or shutil.which("java") is None, reason="no JDK installed"
)
def test_oracle_gives_the_recorded_picks(tmp_path: Path) -> None:
    """RctabTiebreak.java, compiled and run here, prints every pick recorded in CASES."""
    subprocess.run(["javac", "-d", str(tmp_path), str(ORACLE)], check=True, timeout=120)
    for case in CASES:
        tied = "Sneezy,Dopey"
        argv = [case.mode, str(case.seed), "winner", ",".join(CANDIDATES), tied]
        out = subprocess.run(
            ["java", "-cp", str(tmp_path), "RctabTiebreak", *argv, EARLIER[case.contest]],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        assert out == case.oracle, case
