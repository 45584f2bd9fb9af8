"""The scrutineer's report: what TULRCA 1992 s.52 asks a union ballot's scrutineer to state.

Any organisation may use it.  The figures come from the service's own records — the roll,
the ballot box, the paper keyings, the count and the audit chain — and the scrutineer adds
what only a person can: whether they are satisfied, the complaints received and the requests
to inspect the register (s.49).  ``tellers report scrutineer ELECTION`` prints it; the
scrutineer's page shows it and takes their statement.
"""
