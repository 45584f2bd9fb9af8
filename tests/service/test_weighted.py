"""Card votes: a delegate's weight travels sealed inside the ballot and reaches the count."""

from __future__ import annotations

import json
import re

import pytest

from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.ballots.models import SealedBallot
from tellers.service.elections.models import RollEntry
from tellers.service.publication import actions as pub

from .conftest import invite, open_key

pytestmark = pytest.mark.django_db

#: Three delegates' card votes (member 0, 1, 2) and what each ranks (Ann=0, Ben=1, Cal=2).
WEIGHTS = (1000, 250, 1)
RANKINGS = ([0, 1], [1, 0], [2, 1])


def test_card_votes_are_sealed_inside_the_ballot_and_counted(make_election, officials, key_file):
    election = make_election(members=3, weights=WEIGHTS)
    links = invite(election)
    for i, ranking in enumerate(RANKINGS):
        voter = voter_for_token(election, links[f"member{i}@example.org"])
        assert voter is not None
        cast_ballot(election, voter.token_hash, ranking)
    # The box holds nothing in the clear that says how heavy a ballot is: not a column, and
    # not the length of the sealed bytes (padded alike whatever the weight).
    fields = {f.name for f in SealedBallot._meta.get_fields()}
    assert fields == {"id", "election", "sealed", "receipt"}
    assert len({len(bytes(b.sealed)) for b in SealedBallot.objects.filter(election=election)}) == 1
    assert all(e.voted == "online" for e in RollEntry.objects.filter(election=election))

    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    count = pub.count_election(ro, election, open_key(key_file))
    result = json.loads(count.result_json)
    # By hand: first preferences are the card votes: Ann 1000, Ben 250, Cal 1 of 1,251;
    # Ann's 1000 is a majority (more than 625.5) at the first stage.
    assert result["valid"] == "1251"
    assert result["rounds"][0]["tallies"] == {"Ann": "1000", "Ben": "250", "Cal": "1"}
    assert result["elected"] == ["Ann"]
    # The published ballot set carries each weight on its ballot line (BLT: weight, prefs, 0).
    lines = [ln for ln in count.ballots_blt.splitlines() if re.fullmatch(r"\d+( \d+)+ 0", ln)]
    assert sorted(lines) == sorted(["1000 1 2 0", "250 2 1 0", "1 3 2 0"])
