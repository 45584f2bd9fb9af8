"""The core acts end to end: open, invite, cast, close, count, sign off, publish."""

from __future__ import annotations

import pytest

from tellers.service.audit.chain import verify
from tellers.service.ballots.actions import cast_ballot, voter_for_token
from tellers.service.elections.models import State
from tellers.service.errors import AlreadyVoted
from tellers.service.publication import actions as pub

from .conftest import invite, open_key

pytestmark = pytest.mark.django_db


def test_a_small_election_from_invitation_to_publication(make_election, officials, key_file):
    election = make_election(members=5)
    links = invite(election)
    assert len(links) == 5
    rankings = [[0, 1], [1], [2, 0], [0], [1, 2, 0]]
    receipts = []
    for token, ranking in zip(links.values(), rankings, strict=True):
        voter = voter_for_token(None, token)
        assert voter is not None
        receipts.append(cast_ballot(election, voter.token_hash, ranking))
        # The link is spent: a second cast with it fails, whatever it ranks.
        with pytest.raises(AlreadyVoted):
            cast_ballot(election, voter.token_hash, [2])
        assert voter_for_token(None, token) is None
    ro = officials["returning_officer"]
    pub.close_ballot(ro, election)
    count = pub.count_election(ro, election, open_key(key_file))
    # Counted by hand: first preferences A 2, B 2, C 1; C's paper goes to A: A 3 of 5.
    assert "Elected: Ann (stage 2)" in count.result_text
    assert sorted(receipts) == count.receipts.split()
    pub.sign_off(ro, election)
    pub.sign_off(officials["scrutineer"], election)
    election.refresh_from_db()
    assert election.state == State.SIGNED_OFF
    pub.publish(ro, election)
    election.refresh_from_db()
    assert election.state == State.PUBLISHED
    assert verify() == []
