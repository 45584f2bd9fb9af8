"""Nominations online: candidacies, nominations by every route a rulebook names, the live
tracker, shortlists and trigger ballots, and the hand-over to the ballot paper.

The record is a list of events (:class:`.models.Event`) replayed through
:class:`tellers.rules.NominationBook` on every read and before every write: the engine accepts
or rejects each act and says who reaches the ballot; nothing here decides a threshold.
"""
