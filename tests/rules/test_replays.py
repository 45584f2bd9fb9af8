"""Replays of real contests against published-results.json, and the ballot reconstructions.

Expected values are read from the published figures (../shared/data/uk-party), never from
tellers' own output.  Published round tables name the candidate eliminated in round k; tellers'
AV records that exclusion in round k+1, the round showing the transfer of their papers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tellers import read
from tellers.cli import app
from tellers.methods import count
from tellers.rules import replays
from tellers.rules.nominations import Status


@pytest.fixture(scope="module")
def published(shared_data: Path) -> dict[str, Any]:
    return replays.load_published(shared_data)


def test_labour_leader_2020(published: dict[str, Any]) -> None:
    """Exactly Starmer, Long-Bailey and Nandy reach the ballot, each by the CLP route."""
    noms = published["labour_leader_2020"]["nominations"]
    r = replays.labour_leader_2020(published)
    assert set(r.on_ballot("leader")) == {"Starmer", "Long-Bailey", "Nandy"}
    assert set(r.on_ballot("leader")) == set(
        published["labour_leader_2020"]["rounds"][0]["by_section"]
    )
    for name in ("Starmer", "Long-Bailey", "Nandy"):
        c = r.candidate(name, "leader")
        assert c.stages[1].by == ("clps",)
        clps = c.stages[1].routes[0].conditions[0]
        assert clps.have == noms["clps_final"][name]
        assert clps.need == noms["thresholds"]["clps"]
    # Nandy's named affiliates meet the count conditions; the membership share is not published.
    aff = r.candidate("Nandy").stages[1].routes[1]
    assert [c.met for c in aff.conditions] == [True, True, None]
    # Thornberry: past stage one, two CLPs short at 31 of 33.
    t = r.candidate("Thornberry")
    assert t.stages[0].met is True
    assert t.status is Status.OUT
    cl = t.stages[1].routes[0].conditions[0]
    assert (cl.have, cl.need, cl.short_by) == (31, noms["thresholds"]["clps"], 2)
    # Phillips: 23 MPs/MEPs, past the 22 of stage one, then withdrew.
    p = r.candidate("Phillips")
    stage1 = p.stages[0].routes[0].conditions[0]
    assert (stage1.have, stage1.need) == (
        noms["plp_eplp"]["Phillips"],
        noms["thresholds"]["plp_eplp"],
    )
    assert p.stages[0].met is True
    assert p.status is Status.WITHDRAWN


def test_labour_deputy_2020(published: dict[str, Any]) -> None:
    """All five reach the ballot, each by the published route on the published date."""
    noms = published["labour_deputy_2020"]["nominations"]
    r = replays.labour_deputy_2020(published)
    assert set(r.on_ballot("deputy")) == set(noms["plp_eplp"])
    # Burgon had exactly the 22 needed.
    b = r.candidate("Burgon").stages[0].routes[0].conditions[0]
    assert (b.have, b.need, b.met) == (22, noms["threshold"], True)
    for name, route in noms["route"].items():
        stage = r.candidate(name).stages[1]
        expected = "affiliates" if route.startswith("affiliates") else "clps"
        assert stage.by == (expected,)
        met = next(x for x in stage.routes if x.id == expected)
        assert met.met_on is not None and f"{met.met_on.day} " in route.replace("(", " ")
        assert bool(met.attested_by) == (expected == "affiliates")


def test_labour_challenge_2016(published: dict[str, Any]) -> None:
    """20% of 251 is 51; Smith's 172 clears it; Corbyn is on the ballot as the incumbent."""
    noms = published["labour_leader_2016"]["nominations"]
    r = replays.labour_challenge_2016(published)
    smith = r.candidate("Smith").stages[0].routes[0].conditions[0]
    assert smith.need == noms["threshold_20pct"]
    assert smith.have == noms["Smith_plp_eplp"]
    assert set(r.on_ballot("leader")) == {"Corbyn", "Smith"}
    assert r.candidate("Corbyn").stages[0].exempt


def test_conservative_2019_rounds(published: dict[str, Any]) -> None:
    """Each round eliminates the published candidates, under that round's threshold."""
    rounds = published["conservative_leader_2019"]["mp_rounds"]
    result = replays.conservative_2019(published)
    assert len(result.rounds) == len(rounds)
    for ours, theirs in zip(result.rounds, rounds, strict=True):
        assert set(ours.eliminated) == set(theirs["eliminated"]), ours.number
    assert [r.threshold for r in result.rounds] == [17, 33, None, None, None]
    assert set(result.remaining) == set(
        published["conservative_leader_2019"]["member_ballot"]["votes"]
    )


@pytest.mark.parametrize("key", sorted(replays.DEPUTY_CONTESTS))
def test_reconstruction_reproduces_every_round(published: dict[str, Any], key: str) -> None:
    """Counting the shipped file by AV gives every published round exactly."""
    table = published[key]["rounds"]
    election = read(replays.demo_path(f"{replays.DEPUTY_CONTESTS[key]}.blt"))
    result = count(election, "av")
    names = list(result.candidates)
    assert len(result.rounds) == len(table)
    first_total = sum(table[0]["votes"].values())
    for k, pub in enumerate(table):
        ours = result.rounds[k]
        for name in names:
            assert ours.tallies[names.index(name)] == pub["votes"].get(name, 0), (k, name)
        # Exhausted papers: what has left the count since round 1.
        assert ours.exhausted == first_total - sum(pub["votes"].values())
        if k:
            prev = table[k - 1]
            for name, v in pub["votes"].items():
                assert ours.transfers[names.index(name)] == v - prev["votes"][name]
            out = prev["eliminated"]
            assert [names[c] for c in ours.excluded] == [out]
            assert ours.transfers[names.index(out)] == -prev["votes"][out]
    assert result.elected_names == (table[-1]["elected"],)
    assert result.stage_of(names.index(table[-1]["elected"])) == len(table)


@pytest.mark.parametrize("key", sorted(replays.DEPUTY_CONTESTS))
def test_shipped_file_is_what_the_generator_writes(shared_data: Path, key: str) -> None:
    """The demo files are regenerated byte for byte from the published figures."""
    name = replays.DEPUTY_CONTESTS[key]
    shipped = replays.demo_path(f"{name}.blt").read_text(encoding="utf-8")
    assert shipped == replays.expected_blt(shared_data, name)
    assert "RECONSTRUCTION" in shipped and "not the real ballots" in shipped


@pytest.mark.parametrize("key", sorted(replays.DEPUTY_CONTESTS))
def test_tellers_count_of_the_demo_file(published: dict[str, Any], key: str) -> None:
    """`tellers count FILE --method av --format json` shows the published rounds."""
    path = replays.demo_path(f"{replays.DEPUTY_CONTESTS[key]}.blt")
    r = CliRunner().invoke(app, ["count", str(path), "--method", "av", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    table = published[key]["rounds"]
    for k, pub in enumerate(table):
        for name, v in pub["votes"].items():
            assert data["rounds"][k]["tallies"][name] == str(v)
    assert data["elected"] == [table[-1]["elected"]]


def test_reconstruct_refuses_impossible_tables() -> None:
    """A round in which a continuing candidate loses votes is not an AV round."""
    from tellers.errors import InputError

    with pytest.raises(InputError, match="lost votes"):
        replays.reconstruct_av([{"A": 5, "B": 4, "C": 3}, {"A": 4, "B": 7}])
    with pytest.raises(InputError, match="more transferred"):
        replays.reconstruct_av([{"A": 5, "B": 4, "C": 3}, {"A": 7, "B": 7}])
