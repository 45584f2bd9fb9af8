"""The sealed ballot box: casting online, paper ballots keyed twice, nothing that names a voter."""
